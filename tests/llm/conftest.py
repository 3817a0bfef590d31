"""Integration tests against a real llama.cpp server and the packaged SmolLM2-135M model.

They run only under `make test-llm` (which sets ASSISTANT_TEST_LLM=1): building llama-cpp-python
from source takes longer than `make test` may. Plain `pytest` lists them as skipped, with the
reason. ASSISTANT_TEST_LLM_URL points them at a server already running; otherwise one is started
on a free loopback port for the session.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
MODEL = "openai:smollm2"


def _server_module():
    spec = importlib.util.spec_from_file_location("llm_server", ROOT / "scripts" / "llm_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _why_skipped() -> str:
    if os.environ.get("ASSISTANT_TEST_LLM") != "1":
        return "real-model tests run only with `make test-llm` (ASSISTANT_TEST_LLM=1)"
    if os.environ.get("ASSISTANT_TEST_LLM_URL"):
        return ""
    problem = _server_module().missing()
    return f"{problem}; `make llm` installs it" if problem else ""


def pytest_collection_modifyitems(config, items):
    reason = _why_skipped()
    if not reason:
        return
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def llm_url(tmp_path_factory):
    """Base URL of a running llama.cpp server with the packaged model."""
    if os.environ.get("ASSISTANT_TEST_LLM_URL"):
        yield os.environ["ASSISTANT_TEST_LLM_URL"].rstrip("/")
        return
    port = free_port()
    log = (tmp_path_factory.mktemp("llm") / "server.log").open("w")
    proc = _server_module().start(port, log=log)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def llm_settings(tiny_settings, llm_url):
    # The tiny library of tests/conftest.py; a deadline generous enough for one shared core.
    return tiny_settings.model_copy(update={"llm_base_url": llm_url, "llm_timeout_s": 120.0})
