"""The chat page in a real browser: headless system Chromium driven by Playwright.

Nothing leaves the machine: the page is served on a free 127.0.0.1 port and every request to
another host (a source's DOI link, say) is answered by a stub inside the browser.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import free_port, shipped_settings

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"{CHROMIUM} is missing: apt-get install chromium chromium-driver (CI installs it)",
)

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.index import read_manifest  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.ui import build_app, launch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUESTION = "Who might benefit from aHSCT for MS?"
PAYLOAD = "<img src=x onerror=alert(1)>"
ANSWER_WAIT = 60_000  # ms; an answer takes 1–3 s here, the first one a little longer
OFF_MACHINE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    return shipped_settings(tmp_path_factory.mktemp("ui-browser"))


@pytest.fixture(scope="module")
def url(settings):
    app = build_app(settings, Assistant(settings))
    address = launch(app, settings, port=free_port(), block=False)
    yield address
    app.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


def stub_off_machine(route):
    route.fulfill(status=200, content_type="text/html", body="<title>stub source</title>")


@pytest.fixture
def page(browser, url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(OFF_MACHINE, stub_off_machine)
    page = context.new_page()
    page.dialogs = []  # every alert/confirm/prompt the page tried to open
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="load")  # not "networkidle": Gradio keeps a connection open
    page.locator("#question textarea").wait_for(timeout=30_000)
    yield page
    context.close()


def ask(page, question: str):
    """Type a question, send it with Enter and wait until its answer is complete."""
    before = page.locator("#chat [data-testid=bot]").count()
    box = page.locator("#question textarea")  # its label changes with the mode
    box.fill(question)
    box.press("Enter")
    answer = page.locator("#chat [data-testid=bot]").nth(before)
    answer.locator(".answer").wait_for(timeout=ANSWER_WAIT)
    answer.locator(".working").wait_for(state="detached", timeout=ANSWER_WAIT)
    return answer


def test_first_visit_shows_the_notice_examples_and_what_the_library_holds(page, settings):
    assert "not medical advice" in page.locator(".notice").inner_text()
    assert "urgent care" in page.locator(".notice").inner_text()
    assert "not stored" in page.locator(".privacy").inner_text()
    assert page.locator("#examples button").count() >= 3
    page.get_by_text("About these sources").click()
    about = page.locator(".about")
    about.wait_for()
    docs = len(list((ROOT / "sources").glob("*.md")))
    assert re.search(r"\d+ documents", about.inner_text())
    assert about.locator("tbody tr").count() >= 3, "documents are counted per type"
    assert re.search(r"\d{1,2} \w+ 20\d\d", about.inner_text()), "last reviewed date"
    assert docs > 0


def test_example_question_is_answered_with_sources(page):
    example = page.locator("#examples button").first
    question = example.inner_text()
    example.click()
    answer = page.locator("#chat [data-testid=bot]").first
    answer.locator(".sources").wait_for(timeout=ANSWER_WAIT)
    assert page.locator("#chat [data-testid=user]").first.inner_text().strip() == question


def test_cited_answer_and_a_source_one_click_away(page):
    answer = ask(page, QUESTION)
    assert answer.locator(".answer-text").inner_text().strip()
    cite = answer.locator("a.cite").first
    target = cite.get_attribute("href")
    cite.click()
    entry = page.locator(target)
    assert page.url.endswith(target)
    assert entry.evaluate("e => e.matches(':target')"), "the cited source is highlighted"
    entry.wait_for(state="visible")
    assert entry.locator(".src-quote").inner_text().strip(), "the quoted passage is shown"
    assert entry.locator(".badge").inner_text().strip(), "the source type is shown"
    link = entry.locator(".src-title a")
    href = link.get_attribute("href")
    assert href.startswith("https://")
    with page.expect_popup() as popup:
        link.click()
    assert popup.value.url == href, "the source opens at its canonical address in a new tab"


def test_staff_mode_drafts_an_editable_reply_with_references(page):
    assert not page.locator("#draft").is_visible()
    page.get_by_label("Support staff: draft a reply").check()
    page.locator("#draft").wait_for(state="visible")
    ask(page, QUESTION)
    draft = page.locator("#draft textarea")
    page.wait_for_function(
        "document.querySelector('#draft textarea').value.includes('References')",
        timeout=ANSWER_WAIT,
    )
    text = draft.input_value()
    assert text.startswith("Hello,")
    assert re.search(r"^1\. .+\. .*https?://", text, re.M), "numbered Vancouver-style references"
    assert "not medical advice" in text
    assert page.locator("#draft button[aria-label*='Copy' i]").count() == 1
    draft.fill(text + "\nEdited by staff.")
    assert draft.input_value().endswith("Edited by staff.")


def test_feedback_is_stored_only_when_sent(page, settings):
    ask(page, QUESTION)
    assert not settings.feedback_db.exists(), "asking alone stores nothing"
    page.locator("#chat button[aria-label='Dislike']").last.click()
    form = page.locator("#feedback:visible")
    form.wait_for()
    assert "Nothing else from your conversation is kept" in form.inner_text()
    page.get_by_label("Not supported by its source").check()
    page.get_by_label("Comment (optional)").fill("Source 1 says something else.")
    page.locator("#fb-send").click()
    page.locator(".fb-thanks").wait_for(timeout=10_000)
    assert form.count() == 0, "the form closes once sent"
    with sqlite3.connect(settings.feedback_db) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM feedback").fetchall()
    assert len(rows) == 1
    row = rows[0]
    assert (row["rating"], row["question"], row["mode"]) == ("down", QUESTION, "patient")
    assert json.loads(row["reasons"]) == ["unsupported"]
    assert row["comment"] == "Source 1 says something else."
    assert json.loads(row["citations"])[0]["url"].startswith("https://")
    assert row["answer"] and row["backend"] == "extractive"
    assert row["library_version"] == read_manifest(settings.index_dir)["library_version"]


def test_pasted_html_is_shown_as_text_and_never_runs(page):
    box = page.get_by_label("Your question")
    box.focus()
    page.keyboard.insert_text(PAYLOAD)  # what a paste delivers to the text box
    box.press("Enter")
    answer = page.locator("#chat [data-testid=bot]").first
    answer.locator(".answer").wait_for(timeout=ANSWER_WAIT)
    answer.locator(".working").wait_for(state="detached", timeout=ANSWER_WAIT)
    page.wait_for_timeout(500)  # time for an injected onerror to fire, if there were one
    assert page.dialogs == []
    assert page.locator("#chat [data-testid=user]").first.inner_text().strip() == PAYLOAD
    assert page.locator("#chat img[src='x']").count() == 0


def test_page_is_labelled_and_keyboard_usable(page):
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.title() == "MS Stem-Cell Evidence Assistant"
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('button')]
             .filter(b => b.offsetParent !== null)
             .filter(b => !(b.innerText.trim() || b.getAttribute('aria-label') || b.title))
             .length"""
    )
    assert unnamed == 0, "every visible button has an accessible name"
    page.get_by_label("Your question").focus()
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")  # no mouse needed to ask
    page.locator("#chat .sources").first.wait_for(timeout=ANSWER_WAIT)


def test_phone_width_has_no_sideways_scrolling(page):
    page.set_viewport_size({"width": 390, "height": 844})
    ask(page, "A clinic says cord-blood stem cells can't be rejected. Is that true?")
    assert page.locator("#chat .claim-card").count() >= 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide at a 390px screen"
