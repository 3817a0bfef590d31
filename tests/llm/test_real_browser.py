"""The page answers through the real model: `python app.py` with ASSISTANT_BACKEND=openai:smollm2
and ASSISTANT_LLM_BASE_URL pointing at the llama.cpp server, asked in headless system Chromium.

What `make llm` followed by `make run` gives a user: the shipped library and index, with reviewed
answers switched off so that the question reaches the model. Whatever the 135M model writes, the
page must show only cited sentences whose citations open a source entry, or fall back to the
extractive answer with a notice naming the model. The page, the app process and the model server
all stay on 127.0.0.1; the browser stubs every request to another host (the helpers of test_ui_browser.py).
"""

from __future__ import annotations

import re
import sqlite3

import pytest
import test_ui_browser as ui
from conftest import shipped_settings
from test_ui_browser import browser, page, pytestmark  # noqa: F401  (fixtures; skip without Chromium)

from bench.cold_start import App

from .conftest import MODEL

QUESTION = "What did the MIST trial find about disability after aHSCT?"
# One or more sentences, each ending in its citation: "… [1]." or "… [1, 2]."
CITED_SENTENCES = re.compile(r"(?:[^\[\]]+?\[\d+(?:, \d+)*\][.!?]\s*)+")
FELL_BACK = "composed from the sources directly"
# The paragraph's text as a reader sees it: without the "source " read only to screen readers.
VISIBLE_TEXT = """(e) => { const c = e.cloneNode(true);
  c.querySelectorAll('.sr-only').forEach((s) => s.remove()); return c.textContent.trim(); }"""


@pytest.fixture(scope="module")
def feedback_db(tmp_path_factory):
    return tmp_path_factory.mktemp("real-browser") / "feedback.sqlite3"


@pytest.fixture(scope="module")
def url(llm_url, feedback_db):
    """`python app.py` configured only through the environment, as DEPLOY.md tells a user."""
    library = shipped_settings(feedback_db.parent)
    app = App(
        env={
            "ASSISTANT_BACKEND": MODEL,
            "ASSISTANT_LLM_BASE_URL": llm_url,
            # Generous for one shared core; the cap keeps one answer under about a minute here.
            "ASSISTANT_LLM_TIMEOUT_S": "120",
            "ASSISTANT_LLM_MAX_TOKENS": "200",
            "ASSISTANT_ANSWER_THRESHOLD": "2",  # above any match: no reviewed answer, the model writes
            "ASSISTANT_SOURCES_DIR": str(library.sources_dir),
            "ASSISTANT_INDEX_DIR": str(library.index_dir),
            "ASSISTANT_FEEDBACK_DB": str(feedback_db),
        }
    )
    try:
        app.wait_page(timeout=480)  # loads the models and asks a warm-up question through the model
        yield app.url
    finally:
        app.stop()


@pytest.mark.timeout(1200)
def test_a_question_on_the_page_is_answered_through_the_real_server(page, feedback_db, monkeypatch):  # noqa: F811
    monkeypatch.setattr(ui, "ANSWER_WAIT", 300_000)  # ms: a model answer on a busy core, or its fallback
    answer = ui.ask(page, QUESTION)
    notes = answer.locator(".note").all_inner_texts()
    fell_back = any(FELL_BACK in n for n in notes)
    paragraphs = [p.evaluate(VISIBLE_TEXT) for p in answer.locator("p[class='answer-text']").all()]
    assert paragraphs, f"no answer sentences on the page; notes: {notes}"
    for text in paragraphs:
        assert CITED_SENTENCES.fullmatch(text), f"a sentence without its citation: {text!r}"
    # every citation opens a passage in the sources panel of this answer
    assert answer.locator(".sources .src-doc").count() >= 1
    targets = {a.get_attribute("href") for a in answer.locator("p.answer-text a.cite").all()}
    assert targets and all(answer.locator(t).count() == 1 for t in targets), targets
    # who wrote it: the rating a thumb click saves records the answer's backend
    page.locator("#chat button[aria-label='Like']").last.click()
    page.locator("#feedback:visible").wait_for()
    with sqlite3.connect(feedback_db) as conn:
        backend, saved = conn.execute("SELECT backend, answer FROM feedback ORDER BY id DESC").fetchone()
    if fell_back:
        assert backend == "extractive" and any(MODEL in n for n in notes), (backend, notes)
    else:
        assert backend == MODEL, f"no fallback notice, yet the answer came from {backend}"
    assert saved.strip()
    print(f"\nreal-model page answer from {backend}: {paragraphs}; notes: {notes}")
