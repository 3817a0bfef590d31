"""Screenshots of the chat page for the README: both modes, desktop and phone (390 px).

    .venv/bin/python scripts/screenshots.py [--out docs]

Starts the app on a free local port with the shipped index, drives the system Chromium
(/usr/bin/chromium, no `playwright install`) and writes
docs/{first,patient,dark,staff}-{desktop,mobile}.png: what a visitor sees on the first
screen and when a new answer opens (at its start, its first source opened).
Feedback goes to a temporary database, so making screenshots stores nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.settings import Settings, offline_env  # noqa: E402

offline_env()  # before Gradio, Chroma or the model load

from assistant.pipeline import Assistant  # noqa: E402
from assistant.ui import build_app, ensure_index, launch, warm_up  # noqa: E402
from bench.common import free_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = {  # name: (mode, question, colour scheme); "first" is the page before any question
    "first": ("patient", "", "light"),
    "patient": ("patient", "A clinic says cord-blood stem cells can't be rejected. Is that true?", "light"),
    "dark": ("patient", "What are the risks of HSCT for MS?", "dark"),
    "staff": (
        "staff",
        "A clinic in Mexico offers stem cells for my progressive MS for $20,000. Should I go?",
        "light",
    ),
}
VIEWPORTS = {"desktop": (1280, 800), "mobile": (390, 844)}


def shoot(browser, url: str, shot: tuple[str, str, str], size: tuple[int, int], path: Path) -> None:
    """The screen as a visitor sees it: the first screen, or a new answer opened at its start."""
    mode, question, scheme = shot
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, device_scale_factor=1, color_scheme=scheme
    )
    page = context.new_page()
    page.goto(url, wait_until="load")  # not "networkidle": Gradio keeps a connection open
    box = page.locator("#question textarea")
    box.wait_for(timeout=30000)
    if mode == "staff":
        page.get_by_label("Support staff: draft a reply").check()
        page.locator("#draft").wait_for(state="visible")
    if question:
        box.fill(question)
        box.press("Enter")
        page.locator("#chat .sources").last.wait_for(timeout=60000)
        if mode == "staff":
            page.wait_for_function("document.querySelector('#draft textarea').value.includes('References')")
        page.evaluate("document.querySelector('#chat details.src-doc').open = true")
        page.evaluate(
            "[...document.querySelectorAll('#chat .answer')].pop().closest('[data-testid=bot]')"
            ".scrollIntoView({block: 'start'})"
        )
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(feedback_db=Path(tmp) / "feedback.sqlite3").resolve(ROOT)
        ensure_index(settings)
        assistant = Assistant(settings)
        warm_up(assistant)
        app = build_app(settings, assistant)
        port = free_port()
        url = launch(app, settings, port=port, block=False)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
                for name, shot in SHOTS.items():
                    for view, size in VIEWPORTS.items():
                        path = args.out / f"{name}-{view}.png"
                        shoot(browser, url, shot, size, path)
                        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
                browser.close()
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
