"""Load: concurrent chat users through the Gradio API, on loopback only, bounded in time.

    python bench/load.py [--users 32] [--seconds 60] [--max-queue 64] [--url http://127.0.0.1:PORT/]

1. Starts `assistant serve` on a free 127.0.0.1 port (the shipped library and index; the index is
   built first if it is missing), unless --url names a server already running on loopback.
2. Steady load: --users gradio_client users, each with its own session, ask the chat endpoint
   (/respond, streamed) one question after another for --seconds. No new question starts after
   that; one still running is waited for at most --timeout seconds. Every failure is counted.
3. Overload: a burst of --max-queue + 32 questions at once from several sessions. The queue holds
   --max-queue of them; each one over gets Gradio's "busy, try again" (QueueError on the API, "This
   application is currently busy. Please try again." on the page). The burst's accepted jobs are
   then cancelled, and one more question must still be answered.
4. Prints the figures, saves them under "load" in bench/results.json and stops the server.

Exit status 1 when a steady-load question failed, the overload produced anything but busy
messages, or the server stopped answering.

    python bench/load.py --oversized [--users 32] [--seconds 60] [--history-mb 2.7]

`--oversized` (issue #19) runs the steady load twice on one server instead: alone, then with one
more client sending oversized chat histories one after another (--history-mb, refused with 413 at
the body limit, alternating with a history just under the limit, which is read up to the history
bounds). It prints the other users' p95 in both runs and their ratio (goal: at most 1.5) and saves
them under "load_oversized" in bench/results.json.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.settings import offline_env  # noqa: E402
from bench.common import free_port, percentile, save, table  # noqa: E402

STARTUP_S = 300  # the first run may build the index
BURST_EXTRA = 32
WARM_UP_S = 15  # --oversized: load before the two measured runs


def questions() -> list[str]:
    """Single-turn patient questions from the eval cases."""
    out = []
    for path in sorted(glob.glob(str(ROOT / "evals" / "cases" / "*.yaml"))):
        for case in yaml.safe_load(Path(path).read_text()).get("cases", []):  # not every file has cases
            if len(case.get("turns", [])) == 1 and case.get("mode", "patient") == "patient":
                out.append(case["turns"][0])
    return out or ["Who might benefit from aHSCT for MS?"]


def start_server(port: int, max_queue: int) -> subprocess.Popen:
    env = {**os.environ, "ASSISTANT_MAX_QUEUE": str(max_queue)}
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def wait_ready(url: str, proc: subprocess.Popen | None) -> float:
    started = time.monotonic()
    while time.monotonic() - started < STARTUP_S:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the server stopped while starting:\n{proc.stderr.read()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return time.monotonic() - started
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not answer within {STARTUP_S} s")


def answered(messages) -> bool:
    """The last chat message is a finished answer (sources or an abstention, not 'Checking…')."""
    html = messages[-1]["content"][0]["text"] if messages and messages[-1] else ""
    return bool(html) and "Checking each sentence" not in html and "error-box" not in html


def connect(client_for, tries: int = 5):
    """A client, trying again after a timeout (the server may be busy answering)."""
    for attempt in range(tries):
        try:
            return client_for()
        except Exception:  # httpx timeouts while the server is loaded
            if attempt == tries - 1:
                raise
            time.sleep(2)


def steady(client_for, users: int, seconds: float, timeout: float, pool: list[str]) -> dict:
    """Each user asks, waits for the whole answer, asks again, until the time is up."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    # Connected first, one after another: on a busy machine 32 clients reading the API info at
    # once time out, and the run measures answers, not connecting.
    clients = [connect(client_for) for _ in range(users)]
    stop_at = time.monotonic() + seconds

    def user(k: int) -> None:
        client = clients[k]
        i = k
        while time.monotonic() < stop_at:
            question = pool[i % len(pool)]
            i += users
            t = time.perf_counter()
            job = None
            try:
                job = client.submit(question, [], "patient", api_name="/respond")
                messages, *_ = job.result(timeout=timeout)
                ok = answered(messages)
                problem = "" if ok else "unfinished or error answer"
            except Exception as exc:  # counted, never raised: the run must finish
                problem = f"{exc.__class__.__name__}: {str(exc)[:120]}"
                if job is not None:  # a user who gives up leaves: no job left behind in the queue
                    with contextlib.suppress(Exception):
                        job.cancel()
            with lock:
                if problem:
                    errors.append(problem)
                else:
                    latencies.append(time.perf_counter() - t)

    started = time.monotonic()
    with ThreadPoolExecutor(users) as pool_:
        list(pool_.map(user, range(users)))
    wall = time.monotonic() - started
    return {"latencies": latencies, "errors": errors, "wall": wall}


def oversized_history(megabytes: float) -> list[list[str]]:
    """A chat history of about `megabytes` MB: one earlier question whose topics are joined by
    connectors, the shape a follow-up's reading carried whole into the query before issue #19."""
    question = "Is HSCT " + "for MS " * round(megabytes * 1_000_000 / 7) + "in the UK?"
    return [[question, "An earlier answer."]]


def abuser(client_for, done: threading.Event, sizes: list[float]) -> dict:
    """One client asking with oversized histories, one request after another, until `done`."""
    client = connect(client_for)
    counts = {"sent": 0, "refused_413": 0, "answered": 0, "other_errors": {}}
    seconds: list[float] = []
    histories = [oversized_history(mb) for mb in sizes]
    while not done.is_set():
        history = histories[counts["sent"] % len(histories)]
        counts["sent"] += 1
        t = time.perf_counter()
        try:
            client.predict("And what about the risks?", history, "patient", api_name="/ask")
            counts["answered"] += 1
        except Exception as exc:  # the body limit's refusal is the expected outcome
            if "413" in str(exc) or "Too Large" in str(exc):
                counts["refused_413"] += 1
            else:  # e.g. the connection closed by the refusal while the body was still sent
                kind = f"{exc.__class__.__name__}: {str(exc)[:80]}"
                counts["other_errors"][kind] = counts["other_errors"].get(kind, 0) + 1
        seconds.append(time.perf_counter() - t)
    counts["request_s_p95"] = round(percentile(seconds, 95), 2) if seconds else None
    return counts


def with_abuser(client_for, args: argparse.Namespace, pool: list[str]) -> tuple[dict, dict]:
    """The steady load with one abusive client running alongside for the same time."""
    found: dict = {}
    done = threading.Event()
    sizes = [args.history_mb, 0.9]  # over the body limit, then just under it

    def run_abuser() -> None:
        found.update(abuser(client_for, done, sizes))

    thread = threading.Thread(target=run_abuser, daemon=True)
    thread.start()  # running from before the users connect until after the last answer
    run = steady(client_for, args.users, args.seconds, args.timeout, pool)
    done.set()
    thread.join(timeout=args.timeout)
    return run, found


def overload(client_for, max_queue: int, timeout: float) -> dict:
    """A burst larger than the queue: everything beyond it must be a busy message."""
    from gradio_client.utils import QueueError

    total = max_queue + BURST_EXTRA
    senders = [client_for() for _ in range(4)]  # one client runs at most 40 jobs at a time
    jobs = [
        senders[i % 4].submit("What are the risks of aHSCT?", [], "patient", api_name="/ask")
        for i in range(total)
    ]
    busy, other, accepted = 0, [], []
    deadline = time.monotonic() + timeout
    for job in jobs:  # a refused job fails at once; an accepted one is still queued or running
        while (
            not job.done()
            and job.status().code.name in ("STARTING", "JOINING_QUEUE")
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        if job.done() and job.exception() is not None:
            exc = job.exception()
            if isinstance(exc, QueueError) and "try again" in str(exc).lower():
                busy += 1
            else:
                other.append(f"{exc.__class__.__name__}: {str(exc)[:120]}")
        else:
            accepted.append(job)
    for job in accepted:
        job.cancel()
    for job in accepted:
        with contextlib.suppress(Exception):  # cancelled: the server drops it
            job.result(timeout=timeout)
    time.sleep(1.0)
    t = time.perf_counter()
    alive = bool(
        client_for().predict("Who might benefit from aHSCT for MS?", [], "patient", api_name="/ask")["answer"]
    )
    return {
        "sent": total,
        "busy": busy,
        "accepted": len(accepted),
        "other_errors": other,
        "alive_after": alive,
        "after_s": time.perf_counter() - t,
    }


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--max-queue", type=int, default=64, help="ASSISTANT_MAX_QUEUE for the server started"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds one answer may take")
    parser.add_argument("--url", help="a server already running on 127.0.0.1 (else one is started)")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results.json")
    parser.add_argument(
        "--oversized", action="store_true", help="steady load alone, then with one oversized-history client"
    )
    parser.add_argument("--history-mb", type=float, default=2.7, help="the oversized history's size")
    args = parser.parse_args()
    if args.users < 1 or not 0 < args.seconds <= 600:
        parser.error("--users must be at least 1 and --seconds between 0 and 600")
    if args.url and urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--url must be a loopback address: this benchmark never leaves the machine")
    return args


def run_load(args: argparse.Namespace) -> tuple[dict, dict]:
    """Steady load, then the overload burst (or, with --oversized, the steady load alone and then
    with the oversized-history client), against --url or a server started here."""
    from gradio_client import Client

    proc = None
    if args.url:
        url = args.url
    else:
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        proc = start_server(port, args.max_queue)
    try:
        ready_s = wait_ready(url, proc)
        print(
            f"server ready at {url} in {ready_s:.0f} s; {args.users} users for {args.seconds:.0f} s",
            flush=True,
        )

        def client_for():
            return Client(url, verbose=False)

        if args.oversized:
            # Not measured: the first answers of a fresh server are slower (caches, JIT, pools).
            steady(client_for, args.users, WARM_UP_S, args.timeout, questions())
            alone = steady(client_for, args.users, args.seconds, args.timeout, questions())
            print("steady load alone done; again with the oversized-history client…", flush=True)
            abused, counts = with_abuser(client_for, args, questions())
            return alone, {"run": abused, "abuser": counts}
        run = steady(client_for, args.users, args.seconds, args.timeout, questions())
        print("steady load done; overload burst…", flush=True)
        burst = overload(client_for, args.max_queue, args.timeout)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    return run, burst


def show(args: argparse.Namespace, figures: dict, run: dict, burst: dict) -> None:
    p50, p95 = figures["latency_s_p50"], figures["latency_s_p95"]
    done = figures["answers"]
    table(
        [
            ("concurrent users", str(args.users), "32", None),
            ("answers in the run", str(done), "", None),
            ("errors", str(len(run["errors"])), "0", not run["errors"]),
            ("answers per second", f"{figures['answers_per_s']:.2f}", "", None),
            ("latency p50 (s)", f"{p50:.2f}", "", None),
            ("latency p95 (s)", f"{p95:.2f}", "reported", None),
            (
                "overload: busy / sent",
                f"{burst['busy']} / {burst['sent']}",
                "busy, not a crash",
                burst["busy"] > 0 and not burst["other_errors"],
            ),
            ("answers after overload", str(burst["alive_after"]), "True", burst["alive_after"]),
        ]
    )
    for kind in figures["error_kinds"]:
        print(f"  error: {kind}")
    for kind in figures["overload_other_errors"]:
        print(f"  overload error: {kind}")


def oversized_figures(args: argparse.Namespace, alone: dict, abused: dict, abuser_counts: dict) -> dict:
    def p95(run: dict) -> float | None:
        return round(percentile(run["latencies"], 95), 2) if run["latencies"] else None

    before, after = p95(alone), p95(abused)
    return {
        "users": args.users,
        "seconds": args.seconds,
        "history_mb": args.history_mb,
        "others_p95_s_alone": before,
        "others_p95_s_with_oversized_client": after,
        "ratio": round(after / before, 2) if before and after else None,
        "goal_ratio_at_most": 1.5,
        "answers_alone": len(alone["latencies"]),
        "answers_with_oversized_client": len(abused["latencies"]),
        "errors": len(alone["errors"]) + len(abused["errors"]),
        "error_kinds": sorted(set(alone["errors"] + abused["errors"]))[:10],
        "oversized_client": abuser_counts,
        "cpu_count": os.cpu_count(),
        "load_avg_1min": round(os.getloadavg()[0], 2),
    }


def main_oversized(args: argparse.Namespace) -> int:
    alone, second = run_load(args)
    figures = oversized_figures(args, alone, second["run"], second["abuser"])
    if not args.no_save:
        save("load_oversized", figures)  # merges this one key into bench/results.json
    print(json.dumps(figures, indent=2))
    ok = figures["ratio"] is not None and figures["ratio"] <= 1.5 and not figures["errors"]
    return 0 if ok else 1


def main() -> int:
    offline_env()
    args = arguments()
    if args.oversized:
        return main_oversized(args)
    run, burst = run_load(args)
    lat = run["latencies"]
    done = len(lat)
    p50 = percentile(lat, 50) if lat else float("nan")
    p95 = percentile(lat, 95) if lat else float("nan")
    ok = (
        not run["errors"]
        and done > 0
        and not burst["other_errors"]
        and burst["busy"] > 0
        and burst["alive_after"]
    )
    figures = {
        "users": args.users,
        "seconds": args.seconds,
        "max_queue": args.max_queue,
        "answers": done,
        "errors": len(run["errors"]),
        "error_kinds": sorted(set(run["errors"]))[:10],
        "answers_per_s": round(done / run["wall"], 2) if run["wall"] else 0.0,
        "latency_s_p50": round(p50, 2),
        "latency_s_p95": round(p95, 2),
        "latency_s_max": round(max(lat), 2) if lat else None,
        "overload_sent": burst["sent"],
        "overload_busy": burst["busy"],
        "overload_accepted": burst["accepted"],
        "overload_other_errors": burst["other_errors"][:10],
        "answers_after_overload": burst["alive_after"],
        "cpu_count": os.cpu_count(),
        "load_avg_1min": round(os.getloadavg()[0], 2),
    }
    if not args.no_save:
        save("load", figures)
    show(args, figures, run, burst)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
