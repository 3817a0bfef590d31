"""The chat page in a real browser: headless system Chromium driven by Playwright.

Nothing leaves the machine: the page is served on a free 127.0.0.1 port and every request to
another host (a source's DOI link, say) is answered by a stub inside the browser.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import free_port, shipped_settings
from markupsafe import escape

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"{CHROMIUM} is missing: apt-get install chromium chromium-driver (CI installs it)",
)


from assistant.pipeline import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store import read_manifest  # noqa: E402
from assistant.ui import build_app, launch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--headless",
    "--disable-quic",
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


SLOW = "Take your time: "  # a question starting so is answered after a pause (to press Stop)


class PausingAssistant(Assistant):
    paused: set[str] = set()  # the first time only: asked again, the answer comes at once

    def stream(self, question, *args, **kwargs):
        if question.startswith(SLOW) and question not in self.paused:
            self.paused.add(question)
            time.sleep(4)
        yield from super().stream(question, *args, **kwargs)


@pytest.fixture(scope="module")
def url(settings):
    app = build_app(settings, PausingAssistant(settings))
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


VIEWS = [(scheme, width) for scheme in ("light", "dark") for width in (1280, 390)]
HEIGHTS = {1280: 800, 390: 844}
URGENT_CLAIM = (
    "I have sudden weakness in my legs since this morning. "
    "A clinic says cord-blood stem cells can't be rejected. Is that true?"
)
# The contrast ratio (WCAG 2) of every visible piece of text against the background it is drawn
# on: the first ancestor with a background colour, blended over the page's when translucent.
CONTRAST = """(root) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c[3] === undefined || c[3] > 0)) {
        layers.push(c); if (c[3] === undefined || c[3] >= 1) break;
      }
    }
    let base = document.body.classList.contains('dark') ? [11, 15, 25] : [255, 255, 255];
    for (const c of layers.reverse()) {
      const a = c[3] === undefined ? 1 : c[3];
      base = [0, 1, 2].map(i => c[i] * a + base[i] * (1 - a));
    }
    return base;
  };
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el) continue;
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!rect.width || !rect.height || style.visibility === 'hidden' || el.closest('.sr-only')
        || el.closest('[hidden], [aria-hidden=true]')) continue;
    const fg = rgb(style.color), bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    out.push({text: walker.currentNode.textContent.trim().slice(0, 40), cls: el.className,
              ratio: Math.round((hi + 0.05) / (lo + 0.05) * 100) / 100});
  }
  return out;
}"""
# Every visible control a finger has to hit, with its size.
TARGETS = """() => [...document.querySelectorAll(
    'button, a.cite, summary, #mode label, .src-link a')]
  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().width > 0)
  .filter(e => !e.closest('[data-testid=status-tracker]'))
  .map(e => { const r = e.getBoundingClientRect();
              return {name: (e.innerText || e.getAttribute('aria-label') || e.tagName).trim().slice(0, 30),
                      width: Math.round(r.width), height: Math.round(r.height)}; })"""


def low_contrast(page, root: str = "body") -> list[dict]:
    found = page.locator(root).first.evaluate(CONTRAST)
    return [t for t in found if t["ratio"] < 4.5]


@pytest.fixture(scope="module", params=VIEWS, ids=[f"{s}-{w}" for s, w in VIEWS])
def view(request, browser, url):
    """One page per colour scheme and width, shared by the checks of that view."""
    scheme, width = request.param
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHTS[width]}, color_scheme=scheme, accept_downloads=True
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    context.route(OFF_MACHINE, stub_off_machine)
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.locator("#question textarea").wait_for(timeout=30_000)
    page.wait_for_timeout(300)  # Gradio applies the dark class after its first render
    page.view = (scheme, width)
    yield page
    context.close()


def test_first_screen_has_the_notice_box_and_examples(view):
    scheme, width = view.view
    assert view.evaluate("document.body.classList.contains('dark')") == (scheme == "dark")
    height = HEIGHTS[width]
    for selector in (".notice", "#question textarea", "#examples button"):
        box = view.locator(selector).first.bounding_box()
        assert box["y"] + box["height"] <= height, f"{selector} is below the first screen"
    assert not view.locator("#chat").is_visible(), "no empty chat panel above the box"
    assert view.locator("#welcome h2").is_visible()
    bad = low_contrast(view, ".notice")
    assert bad == [], f"emergency notice below 4.5:1 in {scheme}: {bad}"
    bad = low_contrast(view)
    assert bad == [], f"text below 4.5:1 on the first screen in {scheme}: {bad[:5]}"


def test_an_answer_opens_at_its_start_readable_and_tappable(view, settings):
    scheme, width = view.view
    answer = ask(view, URGENT_CLAIM)
    view.wait_for_timeout(300)
    top = answer.bounding_box()["y"]
    assert 0 <= top < HEIGHTS[width] / 2, f"the answer starts at y={top}, not in view"
    blocks = answer.locator(".answer > *").all_inner_texts()
    assert "emergency" in answer.locator(".urgent").inner_text()
    assert blocks.index(answer.locator(".urgent").inner_text()) <= 1, "emergency notice first"
    bad = low_contrast(view, "#chat")
    assert bad == [], f"answer text below 4.5:1 in {scheme}: {bad[:5]}"
    # sources: one entry per document, collapsed, opened by following a citation
    titles = answer.locator(".src-doc summary").all_inner_texts()
    assert titles and len(titles) == len(set(titles)), "one entry per document"
    assert answer.locator("details.src-doc[open]").count() == 0
    cite = answer.locator(".answer-text a.cite, .card-sources a.cite").first
    target = cite.get_attribute("href")
    cite.click()
    assert view.locator(target).is_visible(), "the cited passage opens"
    bad = low_contrast(view, "#chat .sources")
    assert bad == [], f"source text below 4.5:1 in {scheme}: {bad[:5]}"
    if width == 390:
        small = [t for t in view.evaluate(TARGETS) if t["width"] < 24 or t["height"] < 24]
        assert small == [], f"tap targets under 24 px: {small}"


def test_one_thumb_click_saves_and_the_answer_can_be_copied_and_saved(view, settings):
    answer = view.locator("#chat [data-testid=bot]").last
    if answer.locator(".sources").count() == 0:
        answer = ask(view, QUESTION)
    before = _feedback_rows(settings)
    view.locator("#chat button[aria-label='Like']").last.click()
    view.locator("#feedback:visible").wait_for()
    assert "was saved" in view.locator("#feedback").inner_text()
    rows = _feedback_rows(settings)
    assert len(rows) == len(before) + 1 and rows[-1]["rating"] == "up", "one click stores the rating"
    view.locator("#fb-cancel").click()
    view.locator("#copy-answer").click()
    copied = view.evaluate("navigator.clipboard.readText()")
    assert "Sources for this answer" in copied, copied[:2000]
    with view.expect_download() as download:
        view.locator("#save-answer").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    question = view.locator("#chat [data-testid=user]").last.inner_text().strip()
    assert str(escape(question)) in saved or question in saved, "the saved page has the question"
    assert "Sources for this answer" in saved and "<details" in saved and "open" in saved
    assert "<script" not in saved


def _feedback_rows(settings) -> list[dict]:
    if not settings.feedback_db.exists():
        return []
    with sqlite3.connect(settings.feedback_db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM feedback ORDER BY id")]


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
    document = entry.locator("xpath=ancestor::details[1]")
    assert document.locator(".badge").inner_text().strip(), "the source type is shown"
    link = document.locator(".src-link a")
    href = link.get_attribute("href")
    assert href.startswith("https://")
    with page.expect_popup() as popup:
        link.click()
    assert popup.value.url == href, "the source opens at its canonical address in a new tab"


def test_feedback_reasons_and_comment_complete_the_saved_rating(page, settings):
    ask(page, QUESTION)
    before = len(_feedback_rows(settings))
    page.locator("#chat button[aria-label='Dislike']").last.click()
    form = page.locator("#feedback:visible")
    form.wait_for()
    assert "Nothing else from your conversation is kept" in form.inner_text()
    rows = _feedback_rows(settings)
    assert len(rows) == before + 1 and rows[-1]["rating"] == "down", "saved on the click"
    page.get_by_label("Not supported by its source").check()
    page.get_by_label("Comment (optional)").fill("Source 1 says something else.")
    page.locator("#fb-send").click()
    page.locator(".fb-thanks").wait_for(timeout=10_000)
    assert form.count() == 0, "the form closes once sent"
    rows = _feedback_rows(settings)
    assert len(rows) == before + 1, "the comment completes the same row"
    row = rows[-1]
    assert (row["rating"], row["question"], row["mode"]) == ("down", QUESTION, "patient")
    assert json.loads(row["reasons"]) == ["unsupported"]
    assert row["comment"] == "Source 1 says something else."
    assert json.loads(row["citations"])[0]["url"].startswith("https://")
    assert row["answer"] and row["backend"] == "extractive"
    assert row["library_version"] == read_manifest(settings.index_dir)["library_version"]


def test_stop_then_ask_again(page):
    box = page.locator("#question textarea")
    box.fill(SLOW + QUESTION)
    box.press("Enter")
    page.locator("#chat .working").first.wait_for(timeout=ANSWER_WAIT)
    page.locator("#stop").click()
    page.get_by_text("You stopped this answer").wait_for(timeout=10_000)
    page.locator("#retry").click()
    answer = page.locator("#chat [data-testid=bot]").last
    answer.locator(".sources").wait_for(timeout=ANSWER_WAIT)
    assert page.locator("#chat [data-testid=user]").count() == 1, "asked again in place"
    assert page.get_by_text("You stopped this answer").count() == 0


STAFF_MESSAGE = (
    "Dear team, I am writing on behalf of my sister, who was diagnosed with relapsing MS six "
    "years ago and has had two relapses in the last year despite her current treatment. "
) * 8 + (
    "A clinic abroad has offered her stem cell treatment and wants full payment before any "
    "assessment. Our questions: who might benefit from aHSCT for MS, and what are the risks of "
    "HSCT for MS? We would be grateful for an answer before the end of the month. Best wishes, Sam."
)


def test_staff_paste_of_3000_characters_gets_a_draft_that_can_be_copied(page):
    message = STAFF_MESSAGE.ljust(3000, " ")[:3000]
    page.get_by_label("Support staff: draft a reply").check()
    page.locator("#draft").wait_for(state="visible")
    box = page.locator("#question textarea")
    page.wait_for_function("document.querySelector('#question textarea').maxLength >= 6000")
    box.focus()
    page.keyboard.insert_text(message)
    assert box.input_value() == message, "the whole message fits, sign-off included"
    assert page.locator("#cut-notice").count() == 0
    box.press("Enter")
    page.wait_for_function(
        "document.querySelector('#draft textarea').value.includes('References')", timeout=ANSWER_WAIT
    )
    draft = page.locator("#draft textarea").input_value()
    assert re.match(r"(Hello|Dear)\b", draft), "a greeting opens the draft"
    assert re.search(r"risk|infection|mortality|death", draft, re.I), "the risks question is answered"
    assert re.search(r"eligib|relapsing|benefit|active", draft, re.I), "who benefits is answered"
    assert re.search(r"^1\. .+https?://", draft, re.M), "numbered references"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("#draft button[aria-label*='Copy' i]").click()
    assert page.evaluate("navigator.clipboard.readText()") == draft


def test_a_paste_longer_than_the_box_says_what_was_left_out(page, settings):
    box = page.locator("#question textarea")
    box.focus()
    text = "word " * (settings.max_question_chars // 5) + "DEADLINE is Friday."
    page.evaluate(
        """(text) => { const box = document.querySelector('#question textarea');
           const data = new DataTransfer(); data.setData('text/plain', text);
           box.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true})); }""",
        text,
    )
    notice = page.locator("#cut-notice")
    notice.wait_for()
    assert f"holds {settings.max_question_chars} characters" in notice.inner_text()
    assert "DEADLINE" in notice.inner_text(), "the notice names what was dropped"


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
