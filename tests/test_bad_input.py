"""Bad input: each gets a clear message, nothing crashes, nothing is lost.

Covered elsewhere, not repeated here: malformed notes and duplicate ids (test_sources.py),
encrypted, broken and image-only PDFs (test_ingest.py), a missing index, a damaged manifest or
BM25 folder and an index built with another model (test_index.py), `<img onerror>` pasted into
the page (test_ui_client.py, test_ui_browser.py). This file adds the question side and a damaged
Chroma store.
"""

from __future__ import annotations

import glob
import io
import json
import shutil
import sys
import unicodedata
from pathlib import Path

import gradio as gr
import pytest
import yaml
from markupsafe import escape

from assistant.cli import main
from assistant.flow.notices import NOT_ENGLISH, URGENT_NOTICE
from assistant.index import build_index
from assistant.library import Library
from assistant.models import Answer, Block
from assistant.pipeline import Assistant, QuestionError
from assistant.store import StoreError
from assistant.text import looks_non_english
from assistant.ui.page import ERRORS, ChatPage
from assistant.ui.render import render_answer
from assistant.vocab import BlockKind

ROOT = Path(__file__).resolve().parents[1]
MIST = "What did the MIST trial find?"
BLANK = ["", "   \n\t  ", "\x00\x01\x1b\x7f", "\u200b\u200e\u202e\ufeff", "\ud800\udfff"]


def cli(settings, *args: str) -> list[str]:
    return ["--sources-dir", str(settings.sources_dir), "--index-dir", str(settings.index_dir), *args]


def copy_index(settings, tmp_path: Path):
    """The session's tiny index, copied so a test can damage it."""
    shutil.copytree(settings.index_dir, tmp_path / "index")
    return settings.model_copy(update={"index_dir": tmp_path / "index"})


# -- empty, blank, invisible ---------------------------------------------------------------------
@pytest.mark.parametrize("question", BLANK)
def test_blank_questions_are_refused_with_a_clear_message(tiny_assistant, tiny_settings, question, capsys):
    with pytest.raises(QuestionError, match="Please type a question"):
        tiny_assistant.ask(question)
    assert main(cli(tiny_settings, "ask", question)) == 2
    assert "error: Please type a question." in capsys.readouterr().err
    page = ChatPage(tiny_settings, tiny_assistant)
    with pytest.raises(gr.Error, match="Please type a question"):
        page.ask_api(question)
    *_, (messages, _, status, _, turns) = page.respond(question, [], "patient", {})
    shown = status + "".join(str(m["content"]) for m in messages if m)
    assert "Please type a question" in shown and "Traceback" not in shown
    assert turns == {}, "nothing to rate, nothing kept"


def esc(text: str) -> str:
    return str(escape(text))  # as the page's templates escape


def shown(answer, settings) -> str:
    """The answer as the page shows it (notes and follow-up line included)."""
    return render_answer("a1", answer.blocks, answer, Library.load(settings))


def test_question_that_is_not_text_is_refused(tiny_assistant):
    with pytest.raises(QuestionError, match="must be text"):
        tiny_assistant.ask(None)  # type: ignore[arg-type]


# -- very long ------------------------------------------------------------------------------------
def test_long_question_is_cut_at_the_limit_with_a_notice(tiny_assistant, tiny_settings, capsys):
    limit = tiny_settings.max_question_chars
    question = MIST + " Please explain it in plain words" * 150  # one long sentence
    answer = tiny_assistant.ask(question)
    assert len(answer.question) <= limit and answer.question.startswith(MIST)
    notice = f"The question was cut to its first {limit} characters."
    assert notice in answer.warnings
    assert esc(notice) in shown(answer, tiny_settings), "the page shows the notice"
    assert answer.citations and answer.citations[0].source_id == "mist-trial"
    # one unbroken 5000-character word is cut too, not kept whole
    assert main(cli(tiny_settings, "ask", "--json", "x" * 5000)) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["question"]) == limit and notice in data["warnings"]


def test_the_limit_is_a_setting(tiny_assistant, tiny_settings):
    short = Assistant(
        tiny_settings.model_copy(update={"max_question_chars": 40}), embedder=tiny_assistant.embedder
    )
    answer = short.ask(MIST + " And what about the risks of aHSCT for me?")
    assert len(answer.question) <= 40
    assert "The question was cut to its first 40 characters." in answer.warnings


def test_urgent_symptoms_in_the_part_cut_off_still_get_the_notice(tiny_assistant, tiny_settings):
    filler = "after years of MS " * (tiny_settings.max_question_chars // 18 + 5)  # past the limit
    question = "What are the risks of aHSCT for me " + filler + "as I suddenly lost my sight"
    answer = tiny_assistant.ask(question)
    assert any(w.startswith("The question was cut") for w in answer.warnings)
    assert answer.answer.startswith(URGENT_NOTICE)


# -- control characters, invalid Unicode ----------------------------------------------------------
MESSY = "What did\x00 the MIST\x1b[31m trial \ud800find\udfff\u202e about\u200b disability?\x07"


def test_control_characters_and_lone_surrogates_are_dropped(tiny_assistant, tiny_settings, capsys):
    answer = tiny_assistant.ask(MESSY)
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in answer.question)
    assert "MIST" in answer.question and answer.citations[0].source_id == "mist-trial"
    json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8")  # printable as UTF-8
    assert main(cli(tiny_settings, "ask", "--json", MESSY)) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["citations"][0]["source_id"] == "mist-trial"


def test_invalid_utf8_on_stdin_is_read_not_a_crash(tiny_settings, capsys, monkeypatch):
    raw = b"What did the MIST trial find? \xff\xfe\xc3\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors="strict"))
    assert main(cli(tiny_settings, "ask", "--json", "-")) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["question"].startswith("What did the MIST trial find?")
    assert data["citations"][0]["source_id"] == "mist-trial"


def test_unreadable_history_file_is_named(tiny_settings, tmp_path, capsys):
    bad = tmp_path / "turns.json"
    bad.write_text("{not json")
    assert main(cli(tiny_settings, "ask", "--history", str(bad), "and the risks?")) == 2
    assert "--history" in capsys.readouterr().err
    bad.write_text('{"question": "a dict, not a list"}')
    assert main(cli(tiny_settings, "ask", "--history", str(bad), "and the risks?")) == 2
    assert "list of [question, answer] pairs" in capsys.readouterr().err


# -- other languages: answered (or abstained) with a note -----------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "¿Cuáles son los riesgos del trasplante de células madre para la esclerosis múltiple?",
        "Quels sont les risques de la greffe de cellules souches pour la SEP ?",
        "Welche Risiken hat aHSCT bei MS?",
        "多发性硬化症的干细胞移植有什么风险？",
        "Каковы риски трансплантации стволовых клеток при РС?",
    ],
)
def test_non_english_question_gets_a_note(tiny_assistant, tiny_settings, question):
    answer = tiny_assistant.ask(question)
    assert NOT_ENGLISH in answer.warnings
    assert esc(NOT_ENGLISH) in shown(answer, tiny_settings), "the page shows the note"
    # Either a clear abstention or a cited answer from the (English) library: never uncited text.
    assert answer.abstained or answer.citations


NON_ENGLISH_CASES = {"inject-spanish-ignore-instructions"}


def test_english_questions_get_no_language_note():
    cases = [
        case
        for path in glob.glob(str(ROOT / "evals" / "cases" / "*.yaml"))
        for case in yaml.safe_load(Path(path).read_text()).get("cases", [])  # "items" files hold no turns
    ]
    turns = [t for c in cases if c["id"] not in NON_ENGLISH_CASES for t in c["turns"]]
    assert len(turns) > 100
    assert [t for t in turns if looks_non_english(t)] == []
    for short in ("aHSCT risks?", "MS", "HSCT in Mexico or Colombia?", "Is MIST trial de novo?"):
        assert not looks_non_english(short)
    others = [t for c in cases if c["id"] in NON_ENGLISH_CASES for t in c["turns"]]
    assert all(looks_non_english(t) for t in others)


# -- HTML and script ------------------------------------------------------------------------------
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)> What did the MIST trial find?'


def test_html_in_a_question_stays_text_in_json(tiny_settings, capsys):
    assert main(cli(tiny_settings, "ask", "--json", SCRIPT)) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["question"] == SCRIPT, "JSON carries the text as typed; escaping is the viewer's job"


def test_html_in_a_question_is_escaped_everywhere_the_page_shows_it(tiny_assistant, tiny_settings):
    page = ChatPage(tiny_settings, tiny_assistant)
    *_, (messages, _, status, _, turns) = page.respond(SCRIPT, [], "patient", {})
    html = "".join(str(m["content"]) for m in messages) + status
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in messages[0]["content"]
    # the follow-up line and the feedback form both repeat the question
    answer = Answer(SCRIPT, "x", False, "patient", "extractive", query=SCRIPT + " (follow-up)")
    follow_up = render_answer("a1", [], answer, page.library)
    assert "Read as a follow-up" in follow_up
    assert "<script" not in follow_up and "&lt;script&gt;" in follow_up
    block = Block(BlockKind.ANSWER, SCRIPT + " [1].", (1,))
    assert "<script" not in render_answer("a1", [block], answer, page.library)

    class Liked:
        index, liked = 1, False

    _, _, intro, *_ = page.on_like(turns, Liked())
    assert "<script" not in intro and "&lt;script&gt;" in intro


# -- a damaged Chroma store ------------------------------------------------------------------------
def _garbage(index: Path) -> None:
    (index / "chroma" / "chroma.sqlite3").write_bytes(b"this is not a database" * 50)


def _truncated(index: Path) -> None:
    path = index / "chroma" / "chroma.sqlite3"
    path.write_bytes(path.read_bytes()[:8192])


def _missing(index: Path) -> None:
    shutil.rmtree(index / "chroma")


@pytest.mark.parametrize("damage", [_garbage, _truncated, _missing], ids=["garbage", "truncated", "missing"])
def test_damaged_chroma_store_says_rebuild_and_rebuild_repairs_it(
    tiny_assistant, tiny_settings, tmp_path, capsys, damage
):
    settings = copy_index(tiny_settings, tmp_path)
    damage(settings.index_dir)
    broken = Assistant(settings, embedder=tiny_assistant.embedder)
    with pytest.raises(StoreError, match="assistant index --rebuild"):
        broken.ask(MIST)
    assert main(cli(settings, "ask", MIST)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "--rebuild" in err and "Traceback" not in err
    page = ChatPage(settings, Assistant(settings, embedder=tiny_assistant.embedder))
    *_, (messages, *_) = page.respond(MIST, [], "patient", {})
    assert esc(ERRORS["store"]) in messages[-1]["content"]

    report = build_index(settings, rebuild=True, progress=False, embedder=tiny_assistant.embedder)
    assert report.passages > 0
    answer = Assistant(settings, embedder=tiny_assistant.embedder).ask(MIST)
    assert answer.citations[0].source_id == "mist-trial"
