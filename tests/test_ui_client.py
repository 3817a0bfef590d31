"""The chat page through its API (gradio_client), plus the page's own text rules.

One real server per module, on a free localhost port, with the shipped index (or one built
from sources/ into a temporary folder when the index is missing).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import free_port, shipped_settings
from markupsafe import escape

from assistant.draft import reference  # noqa: E402
from assistant.library import Library  # noqa: E402
from assistant.models import (  # noqa: E402
    Answer,
    Block,  # noqa: E402
    Citation,
)
from assistant.pipeline import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.ui import build_app, launch  # noqa: E402
from assistant.ui.page import ERRORS, ChatPage, typed_text, user_markdown  # noqa: E402
from assistant.ui.render import render_answer  # noqa: E402
from assistant.vocab import BlockKind  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def esc(text: str) -> str:
    return str(escape(text))  # as the page's templates escape


FIRST = "Who might benefit from aHSCT for MS?"
CITE = re.compile(r"\[(\d+(?:,\s*\d+)*)\]")


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    return shipped_settings(tmp_path_factory.mktemp("ui-client"))


@pytest.fixture(scope="module")
def assistant(settings) -> Assistant:
    return Assistant(settings)


@pytest.fixture(scope="module")
def url(settings, assistant):
    app = build_app(settings, assistant)
    address = launch(app, settings, port=free_port(), block=False)
    yield address
    app.close()


@pytest.fixture(scope="module")
def client(url):
    from gradio_client import Client

    return Client(url, verbose=False)


def numbers(text: str) -> set[int]:
    return {int(n) for group in CITE.findall(text) for n in group.split(",")}


def bot_html(messages: list) -> str:
    return messages[-1]["content"][0]["text"]


# -- through the API ----------------------------------------------------------------------------
def test_ask_returns_an_answer_with_citations(client):
    out = client.predict(FIRST, [], "patient", api_name="/ask")
    assert not out["abstained"]
    assert out["citations"], "a real answer must cite its sources"
    cited = numbers(out["answer"])
    assert cited and cited <= {c["n"] for c in out["citations"]}
    for c in out["citations"]:
        assert c["url"].startswith("https://")
        assert c["title"] and c["quote"]


def test_follow_up_is_read_with_the_earlier_question(client):
    first = client.predict(FIRST, [], "patient", api_name="/ask")
    follow = client.predict("What about the risks?", [[FIRST, first["answer"]]], "patient", api_name="/ask")
    assert "aHSCT" in follow["query"], "the follow-up must carry the earlier topic"
    assert follow["citations"] and not follow["abstained"]


def test_staff_mode_gives_an_editable_draft_with_references(client):
    out = client.predict(FIRST, [], "staff", api_name="/ask")
    draft = out["draft"]
    assert draft.startswith("Hello,")
    body, _, refs = draft.partition("\nReferences\n")
    assert refs, "the draft ends with a reference list"
    listed = {int(line.split(".", 1)[0]) for line in refs.splitlines()}
    assert numbers(body) <= listed


def test_chat_streams_a_cited_answer_then_a_follow_up(client):
    job = client.submit(FIRST, [], "patient", api_name="/respond")
    messages, box, status, _ = job.result()
    assert len(job.outputs()) > 2, "the answer arrives in pieces"
    html = bot_html(messages)
    assert 'class="sources"' in html
    first_link = re.search(r'href="#(src-a\d+-1)"', html)
    assert first_link and f'id="{first_link.group(1)}"' in html, "[1] leads to source 1"
    assert box == "" and status == ""

    messages, *_ = client.predict("And what about the risks?", messages, "patient", api_name="/respond")
    assert len(messages) == 4
    html = bot_html(messages)
    assert "Read as a follow-up" in html and "aHSCT" in html
    assert 'id="src-a3-1"' in html, "each answer has its own source anchors"


def test_a_clinic_claim_gets_a_claim_card(client):
    question = "The clinic says cord cells can't be rejected. True?"
    messages, *_ = client.predict(question, [], "patient", api_name="/respond")
    html = bot_html(messages)
    assert 'class="claim-card verdict-false"' in html
    assert html.index("Claim as marketed") < html.index("What the evidence shows")
    assert "card-sources" in html


def test_empty_question_shows_a_message_not_an_answer(client):
    messages, _, status, _ = client.predict("   ", [], "patient", api_name="/respond")
    assert messages == []
    assert "Please type a question" in status


def test_user_text_reaches_the_chat_as_text(client):
    attack = "<img src=x onerror=alert(1)> **bold** [link](javascript:alert(2))"
    messages, *_ = client.predict(attack, [], "patient", api_name="/respond")
    shown = messages[0]["content"][0]["text"]
    assert "<img" not in shown and "&lt;img" in shown
    assert "&#91;link&#93;&#40;javascript&#58;" in shown, "Markdown link syntax is escaped"
    assert "<img" not in bot_html(messages)


def test_asking_stores_nothing(settings, client):
    client.predict(FIRST, [], "patient", api_name="/ask")
    assert not settings.feedback_db.exists(), "no conversation is stored without feedback"


# -- failures show a plain message ---------------------------------------------------------------
def run_page(settings: Settings, assistant: Assistant) -> list:
    page = ChatPage(settings, assistant)
    *_, last = page.respond(FIRST, [], "patient", {})
    return last[0]


def test_missing_index_gives_a_plain_message(settings, assistant, tmp_path):
    broken = settings.model_copy(update={"index_dir": tmp_path / "nothing-here"})
    messages = run_page(broken, Assistant(broken, embedder=assistant.embedder))
    html = messages[-1]["content"]
    assert esc(ERRORS["store"]) in html
    assert "Traceback" not in html and "nothing-here" not in html


def test_chroma_server_down_gives_a_plain_message(settings, assistant):
    down = settings.model_copy(update={"chroma_url": f"http://127.0.0.1:{free_port()}"})
    messages = run_page(down, Assistant(down, embedder=assistant.embedder))
    assert esc(ERRORS["store"]) in messages[-1]["content"]


# -- the page's text rules, without a server -----------------------------------------------------
def test_user_markdown_shows_text_as_typed():
    assert user_markdown("can't <b>x</b> *y*") == "can't &lt;b&gt;x&lt;/b&gt; &#42;y&#42;"


def test_a_pasted_address_shows_as_plain_text_without_backslashes():
    shown = user_markdown("Is https://clinic.example/msc-offer_2024 (or www.stem.example) legit?")
    assert "\\" not in shown, "Markdown keeps a backslash inside an address as text"
    assert "https://" not in shown and "www." not in shown, "no address is made a link"
    assert typed_text(shown) == "Is https://clinic.example/msc-offer_2024 (or www.stem.example) legit?"


def test_ask_again_uses_the_question_as_typed():
    typed = r"Is $20,000 [a fair price] for <cells> & 1.5\2 *MSC* #infusions?"
    assert typed_text(user_markdown(typed)) == typed


def test_answer_html_escapes_everything_it_is_given(settings, assistant):
    page = ChatPage(settings, assistant)
    citation = Citation(1, "s", '<script>alert("t")</script>', 2020, "javascript:alert(1)", 3, "", "<q>")
    answer = Answer("q", "x", False, "patient", "extractive", citations=[citation])
    block = Block(BlockKind.ANSWER, "<img src=x onerror=alert(1)> [1].", (1,))
    shown = render_answer("a1", [block], answer, page.library)
    assert "<img" not in shown and "<script" not in shown and "<q>" not in shown
    assert "javascript:" not in shown, "only http(s) links are made"
    assert 'href="#src-a1-1"' in shown and "page 3" in shown


def test_references_follow_vancouver_style(settings):
    library = Library.load(settings)
    doc = next(d for d in library.docs.values() if len(d.authors) >= 3 and d.year)
    c = Citation(2, doc.id, doc.title, doc.year, doc.url, None, "", "q")
    ref = reference(c, doc)
    assert ref.startswith(f"2. {doc.authors[0]}, {doc.authors[1]}")
    assert f"{doc.title.rstrip('. ')}." in ref
    assert f"{doc.publisher}; {doc.year}." in ref and ref.endswith(doc.url)


def test_sources_are_grouped_by_document_and_unverified_data_is_marked(settings, assistant):
    page = ChatPage(settings, assistant)
    doc = next(d for d in page.library.docs.values() if not d.verified)
    other = next(d for d in page.library.docs.values() if d.verified)
    citations = [
        Citation(1, doc.id, doc.title, doc.year, doc.url, None, "A", "first passage"),
        Citation(2, other.id, other.title, other.year, other.url, None, "B", "other passage"),
        Citation(3, doc.id, doc.title, doc.year, doc.url, None, "C", "second passage"),
    ]
    answer = Answer("q", "x", False, "patient", "extractive", citations=citations)
    shown = render_answer("a1", [Block(BlockKind.ANSWER, "X [1, 2, 3].", (1, 2, 3))], answer, page.library)
    assert shown.count('<details class="src-doc"') == 2, "one entry per document"
    assert shown.count(esc(doc.title)) == 1
    for n in (1, 2, 3):
        assert f'id="src-a1-{n}"' in shown, "each cited passage keeps its anchor"
    assert shown.count("citation details not checked") == 1, "only the unverified document"


def test_about_counts_checked_and_unchecked_notes(settings):
    from assistant.ui.render import render_about

    library = Library.load(settings)
    text = render_about(library)
    assert library.unverified > 0 and library.verified > 0
    assert f"{library.verified} of the {len(library.docs)} notes" in text
    assert f"the other <strong>{library.unverified}</strong>" in text
    assert "Library of" in text and "last reviewed" in text


def test_a_running_server_answers_from_a_rebuilt_index(tmp_path, assistant):
    """`assistant index` under a running page: the next answer comes from the new index."""
    from conftest import make_library, write_note
    from gradio_client import Client

    from assistant.index import build_index

    tiny = Settings(
        sources_dir=make_library(tmp_path / "sources"),
        index_dir=tmp_path / "index",
        feedback_db=tmp_path / "feedback.sqlite3",
    ).resolve()
    build_index(tiny, progress=False, embedder=assistant.embedder)
    app = build_app(tiny, Assistant(tiny, embedder=assistant.embedder))
    address = launch(app, tiny, port=free_port(), block=False)
    try:
        client = Client(address, verbose=False)
        question = "Did the Zorvath trial of aHSCT in MS report relapses?"
        before = client.predict(question, [], "patient", api_name="/ask")
        assert "zorvath-trial" not in {c["source_id"] for c in before["citations"]}
        body = (
            "\n## What was found\n"
            "The Zorvath trial of aHSCT in MS reported no relapses in 40 people over five years.\n"
        )
        write_note(tiny.sources_dir, "zorvath-trial", "rct", 2025, "The Zorvath trial of aHSCT", body)
        build_index(tiny, progress=False, embedder=assistant.embedder)
        after = client.predict(question, [], "patient", api_name="/ask")
        assert "zorvath-trial" in {c["source_id"] for c in after["citations"]}
        assert "Zorvath" in after["answer"]
    finally:
        app.close()


def test_no_answer_while_the_index_is_being_rebuilt(settings, assistant, tmp_path):
    """A build writes the index in place: the page waits it out rather than mix old and new."""
    from filelock import FileLock

    index = tmp_path / "index"
    index.mkdir()
    page = ChatPage(settings.model_copy(update={"index_dir": index}), assistant)
    with FileLock(str(index / ".build.lock")):  # what `assistant index` holds while it writes
        *_, last = page.respond(FIRST, [], "patient", {})
    html = last[0][-1]["content"]
    assert esc(ERRORS["rebuilding"]) in html
    assert "sources" not in html
