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

.PHONY: run test install index lint format eval eval-quick guard-eval bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch first, pinned to the CPU build on disk, so nothing else can pull the CUDA wheels.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

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
	$(BIN)/assistant index --quiet
	$(BIN)/pytest -q
	$(BIN)/python -m evals --suite quick
	$(BIN)/python -m evals --suite quick --backend parrot

eval: index
	$(BIN)/python -m evals --suite full
	$(BIN)/python -m evals --suite full --backend parrot
	$(BIN)/python -m evals.guard_eval --split test --report-only

guard-eval: index
	$(BIN)/python -m evals.guard_eval --split test

bench: index
	$(BIN)/python bench/index.py
	$(BIN)/python bench/answer.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/cold_start.py
	$(BIN)/python bench/hotpath.py

clean:
	rm -rf $(VENV) index evals/out
