"""Cold start: wall time from `python app.py` to the first question answered on the page.

Starts app.py on 127.0.0.1 and a free port in a subprocess (the shipped index must exist: `make
bench` builds it first), polls the page, then asks one question through gradio_client on the
page's chat endpoint (/respond, what the question box calls) and stops the app by its pid.
Also used by bench/memory.py to start and question the serving process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import free_port, median, save, table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "What are the risks of HSCT for MS?"
QUIET_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
}


class App:
    """`python app.py` in a subprocess on 127.0.0.1:<free port>; stopped by its pid."""

    def __init__(self, env: dict | None = None, log: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-app-")
        self.log_path = log or Path(self._tmp.name) / "app.log"
        full_env = {
            **os.environ,
            **QUIET_ENV,
            "ASSISTANT_HOST": "127.0.0.1",
            "ASSISTANT_PORT": str(self.port),
            "ASSISTANT_FEEDBACK_DB": str(Path(self._tmp.name) / "feedback.sqlite3"),
            **(env or {}),
        }
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")],
            cwd=ROOT,
            env=full_env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_page(self, timeout: float = 600) -> float:
        """Seconds from start until the page answers HTTP 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app.py exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the page did not answer within {timeout:.0f} s:\n{self.tail()}")

    def client(self):
        from gradio_client import Client

        return Client(self.url, verbose=False)

    def ask(self, client, question: str) -> str:
        """Ask through the page's chat endpoint; return the answer's HTML."""
        messages, *_ = client.predict(question, [], "patient", api_name="/respond")
        answer = messages[-1]["content"] if messages and messages[-1] else ""
        text = answer if isinstance(answer, str) else str(answer)
        if 'class="answer"' not in text or 'class="working"' in text or "error-box" in text:
            raise RuntimeError(f"no finished answer on the page for {question!r}: {text[:300]}")
        return text

    def status(self) -> dict[str, int]:
        """VmRSS and VmHWM (peak resident set) of the app process, in kB."""
        out = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
        return out

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(x) for x in path.read_text().split()] if path.exists() else []

    def tail(self, lines: int = 15) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()
        self._tmp.cleanup()


def cold_start() -> dict[str, float]:
    app = App()
    try:
        page_s = app.wait_page()
        client = app.client()
        app.ask(client, QUESTION)
        answer_s = time.perf_counter() - app.started
    finally:
        app.stop()
    return {"page_s": page_s, "first_answer_s": answer_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    runs = [cold_start() for _ in range(args.runs)]
    load_after = os.getloadavg()[0]
    page = [r["page_s"] for r in runs]
    answer = [r["first_answer_s"] for r in runs]
    figures = {
        "runs": len(runs),
        "page_ready_s": [round(x, 1) for x in page],
        "first_answer_s": [round(x, 1) for x in answer],
        "first_answer_s_median": round(median(answer), 1),
        "goal": "none set in issue 7 (reported only)",
        "load_avg_1min_before_after": [round(load_before, 2), round(load_after, 2)],
    }
    save("cold_start", figures)
    table(
        [
            ("runs", str(len(runs)), "", None),
            ("python app.py -> page answers HTTP (s)", " / ".join(f"{x:.1f}" for x in page), "", None),
            (
                "python app.py -> first answer (s)",
                " / ".join(f"{x:.1f}" for x in answer),
                "no goal set",
                None,
            ),
            ("load average (1 min) before / after", f"{load_before:.2f} / {load_after:.2f}", "", None),
        ]
    )


if __name__ == "__main__":
    main()
