"""Memory: peak resident set (VmHWM) of the serving process, shipped library and 100k passages.

Starts `python app.py` on 127.0.0.1 and a free port, waits for the page, asks a few questions
through gradio_client on the page's chat endpoint, then reads VmHWM and VmRSS from
/proc/<pid>/status. The 100k case points ASSISTANT_INDEX_DIR at bench/scale.py's folder
(bench/out/scale/100000); run bench/scale.py first (`make bench` does).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cold_start import App  # noqa: E402
from bench.common import save, table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCALE = ROOT / "bench" / "out" / "scale"
QUESTIONS = (
    "What are the risks of HSCT for MS?",
    "Do mesenchymal stem cells work for progressive MS?",
    "Is a clinic's stem-cell treatment approved by the FDA?",
    "Umbilical cord stem cells carry no risk of rejection, right?",
    "What did the MIST trial find?",
)


def serving_memory(index_dir: Path | None) -> dict:
    env = {"ASSISTANT_INDEX_DIR": str(index_dir)} if index_dir else {}
    app = App(env)
    try:
        ready_s = app.wait_page()
        after_start = app.status()
        client = app.client()
        times = []
        for q in QUESTIONS:
            t = time.perf_counter()
            app.ask(client, q)
            times.append(time.perf_counter() - t)
        after = app.status()
        children = app.children()
    finally:
        app.stop()
    return {
        "ready_s": round(ready_s, 1),
        "rss_after_start_mb": round(after_start["VmRSS"] / 1024, 1),
        "peak_rss_mb": round(after["VmHWM"] / 1024, 1),
        "rss_after_questions_mb": round(after["VmRSS"] / 1024, 1),
        "questions": len(QUESTIONS),
        "question_s_max": round(max(times), 2),
        "child_processes": len(children),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="scale folder to serve")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    shipped = serving_memory(None)
    big_dir = SCALE / str(args.size)
    big = serving_memory(big_dir) if (big_dir / "manifest.json").exists() else None
    load_after = os.getloadavg()[0]
    figures = {
        "shipped": shipped,
        f"scale_{args.size}": big or "not measured: run bench/scale.py first",
        "goal": "none set in issue 7 (reported only)",
        "load_avg_1min_before_after": [round(load_before, 2), round(load_after, 2)],
    }
    save("memory", figures)
    rows: list[tuple[str, str, str, bool | None]] = [
        ("shipped: peak RSS, VmHWM (MB)", f"{shipped['peak_rss_mb']:.0f}", "no goal set", None),
        ("shipped: RSS after start (MB)", f"{shipped['rss_after_start_mb']:.0f}", "", None),
    ]
    if big:
        rows += [
            (f"{args.size} passages: peak RSS, VmHWM (MB)", f"{big['peak_rss_mb']:.0f}", "no goal set", None),
            (f"{args.size} passages: RSS after start (MB)", f"{big['rss_after_start_mb']:.0f}", "", None),
            (
                f"peak RSS {args.size} / shipped",
                f"{big['peak_rss_mb'] / shipped['peak_rss_mb']:.2f}x",
                "",
                None,
            ),
        ]
    else:
        rows.append((f"{args.size} passages", "not measured", "run bench/scale.py", None))
    rows.append(("load average (1 min) before / after", f"{load_before:.2f} / {load_after:.2f}", "", None))
    table(rows)


if __name__ == "__main__":
    main()
