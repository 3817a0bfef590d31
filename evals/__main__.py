"""`python -m evals` (also `assistant eval`): run the eval cases, write reports, check the gates.

Exit status: 0 when every gate passes, 1 when one fails (the failing cases are named), 2 when the
run cannot start (no cases, a broken case file, no index).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from assistant.settings import offline_env

offline_env()  # before Chroma or Hugging Face load

EVALS = Path(__file__).resolve().parent


def parser(standalone: bool = True) -> argparse.ArgumentParser:
    """The options; `assistant eval` reuses them (standalone=False: no -h, no folder options,
    which the top-level `assistant` command already has)."""
    p = argparse.ArgumentParser(
        prog="python -m evals", description=__doc__.splitlines()[0], add_help=standalone
    )
    p.add_argument(
        "--backend",
        default="extractive",
        help="extractive | parrot | ollama:<model> | openai:<model>",
    )
    p.add_argument(
        "--suite",
        choices=("quick", "full", "dev"),
        default="quick",
        help="full: every case; dev: the development set read from ../shared at run time",
    )
    p.add_argument(
        "--shared", type=Path, default=EVALS.parent.parent / "shared", help="folder of the dev set"
    )
    p.add_argument("--out", type=Path, help="output folder (default evals/out/<backend>-<suite>)")
    p.add_argument("--cases", help="glob of case files (default evals/cases/*.yaml)")
    p.add_argument("--gates", type=Path, default=EVALS / "gates.yaml", help="thresholds file")
    p.add_argument("--quiet", action="store_true", help="no line per case")
    if standalone:
        p.add_argument("--sources-dir", type=Path, help="library folder (ASSISTANT_SOURCES_DIR)")
        p.add_argument("--index-dir", type=Path, help="index folder (ASSISTANT_INDEX_DIR)")
    return p


def main(argv: list[str] | None = None) -> int:
    return run(parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    from . import report, runner

    try:
        if args.suite == "dev":
            cases, notes = runner.load_dev_cases(args.shared)
            if cases is None:
                print(f"note: no development set under {args.shared}: skipped", file=sys.stderr)
                return 0
        else:
            cases, notes = runner.load_cases(args.cases or runner.CASES_GLOB, args.suite)
    except (runner.CaseError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not cases:
        print("error: " + "; ".join(notes), file=sys.stderr)
        return 2
    settings = runner.settings_for(getattr(args, "sources_dir", None), getattr(args, "index_dir", None))
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    from assistant.embeddings import EmbeddingError
    from assistant.llm import BackendError
    from assistant.sources import SourceError
    from assistant.store import StoreError

    try:
        result = runner.run(cases, args.backend, settings, progress=not args.quiet)
    except (StoreError, SourceError, EmbeddingError, BackendError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result.update(suite=args.suite, started=started, notes=notes)
    if args.suite == "dev":
        result["halves"] = runner.dev_halves(result["cases"])
    result["gates"] = runner.check_gates(result, runner.load_gates(args.gates, args.backend, args.suite))
    result["passed"] = all(g["status"] != "FAIL" for g in result["gates"])
    out = args.out or EVALS / "out" / f"{re.sub(r'[^A-Za-z0-9._-]+', '-', args.backend)}-{args.suite}"
    report.write_all(result, out)
    print_summary(result, out)
    return 0 if result["passed"] else 1


def print_summary(result: dict, out: Path) -> None:
    from .report import fmt, threshold

    m = result["metrics"]
    print(f"\n{m['cases']} cases, backend {result['backend']}, suite {result['suite']}")
    for g in result["gates"]:
        line = f"{g['status']:4} {g['metric']:24} {fmt(g['value']):>8}  gate {threshold(g)}"
        if g["failing_cases"]:
            shown = ", ".join(g["failing_cases"][:12])
            more = len(g["failing_cases"]) - 12
            line += f"\n       failing: {shown}" + (f" (+{more} more)" if more > 0 else "")
        print(line)
    for half, figures in (result.get("halves") or {}).items():
        print(f"     {half} half: " + ", ".join(f"{k} {fmt(v)}" for k, v in figures.items()))
    print(f"report: {out / 'report.md'} | {out / 'report.html'} | {out / 'results.json'}")
    print(
        "GATES PASSED" if result["passed"] else "GATES FAILED",
        file=sys.stderr if not result["passed"] else sys.stdout,
    )


if __name__ == "__main__":
    sys.exit(main())
