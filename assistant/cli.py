"""The `assistant` command: sources check, index, ask, batch, check, serve, feedback export."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from .settings import Settings, offline_env


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ms-stemcell-assistant")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _hush() -> None:
    """--quiet: no progress bars from the model libraries (transformers draws "Loading weights"
    when the embedding model opens) and no warnings below errors; answers still print."""
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    os.environ["TRANSFORMERS_VERBOSITY"] = "error"
    os.environ["TQDM_DISABLE"] = "1"
    if "huggingface_hub" in sys.modules:  # read at import; flip it if already imported
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()


def _settings(args) -> Settings:
    overrides = {}
    for name in ("sources_dir", "index_dir", "backend", "host", "port"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    return Settings(**overrides).resolve()


def cmd_sources_check(args) -> int:
    """Notes, PDFs, the claim registry and the reviewed answers, then the review linters."""
    from .answers import load_answers
    from .review import review_library
    from .sources import check_library
    from .staff import load_staff
    from .text import SPLITS, SPLITS_FILE
    from .trust import check_sources

    # a check's output is its report: the model's "Loading weights" bar (drawn when the content
    # checks are not cached yet, as in a fresh clone) reads as an error on stderr
    _hush()
    settings = _settings(args)
    SPLITS.load(settings.index_dir / SPLITS_FILE)  # lines split by an earlier run are not split again
    docs, claims, problems = check_library(settings.sources_dir)
    known = {d.id for d in docs}
    answers, found = load_answers(settings.sources_dir / "answers", known)
    _, staff = load_staff(settings.sources_dir, known)
    problems += found + staff + review_library(settings.sources_dir, docs, claims)
    problems += check_sources(settings, docs)
    SPLITS.save(settings.index_dir / SPLITS_FILE)
    for p in problems:
        print(p, file=sys.stderr)
    counts: dict[str, int] = {}
    for d in docs:
        counts[d.type] = counts.get(d.type, 0) + 1
    summary = ", ".join(f"{n} {t}" for t, n in sorted(counts.items(), key=lambda x: -x[1]))
    print(
        f"{len(docs)} documents ({summary}); {len(claims)} claims; {len(answers)} reviewed answers; "
        f"{len(problems)} problems"
    )
    return 1 if problems else 0


def cmd_index(args) -> int:
    from .index import build_index

    report = build_index(_settings(args), rebuild=args.rebuild, progress=not args.quiet)
    for line in report.problems:
        print(line, file=sys.stderr)
    print(report.summary(), file=sys.stderr if report.problems else sys.stdout)
    return 1 if report.problems else 0


def _stdin():
    """Standard input as text: bytes that are not UTF-8 become U+FFFD instead of a crash."""
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")
    return sys.stdin


def _read(text: str) -> str:
    return _stdin().read() if text == "-" else text


def _history(path: str | None, settings: Settings) -> list:
    """The --history file's last turns, bounded as on the page and the API."""
    if not path:
        return []
    from .flow.condense import bounded_history
    from .flow.understand import QuestionError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise QuestionError(f"--history {path} cannot be read as JSON ({exc.__class__.__name__})") from exc
    if not isinstance(data, list):
        raise QuestionError(f"--history {path} must hold a JSON list of [question, answer] pairs")
    return bounded_history(data, settings.max_history_turns, settings.max_history_chars)


def _print_answer(answer, as_json: bool, draft: str = "") -> None:
    if as_json:
        print(
            json.dumps(answer.to_dict() | ({"draft": draft} if draft else {}), ensure_ascii=False, indent=2)
        )
        return
    if draft:  # staff mode: the reply to edit and send, references included
        print(draft)
        return
    print(answer.answer)
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            where = f", p. {c.page}" if c.page else f", section '{c.section}'"
            year = f" ({c.year})" if c.year else ""
            print(f"[{c.n}] {c.title}{year}{where}. {c.url}")
    for w in answer.warnings:
        print(f"note: {w}", file=sys.stderr)


def cmd_ask(args) -> int:
    from .draft import draft_reply
    from .library import Library
    from .pipeline import Assistant

    settings = _settings(args)
    assistant = Assistant(settings)
    library = Library.load(settings) if args.mode == "staff" else None
    history = _history(args.history, settings)

    def answer(question: str):
        got = assistant.ask(question, history, args.mode, args.backend)
        _print_answer(got, args.json, draft_reply(got, library) if library else "")
        return got

    if args.question is not None:  # an empty "" is a (blank) question, not a session
        answer(_read(args.question))
        return 0
    if not args.quiet:
        print("Ask about stem-cell treatments for MS (empty line to quit).", file=sys.stderr)
    for line in _stdin():
        question = line.strip()
        if not question:
            break
        history.append((question, answer(question).answer))
    return 0


def cmd_batch(args) -> int:
    """One request per JSONL line (id, question, mode, history) -> one Answer JSON per line."""
    from .draft import draft_reply
    from .flow.understand import QuestionError
    from .library import Library
    from .pipeline import Assistant

    settings = _settings(args)
    assistant, library = Assistant(settings), Library.load(settings)
    source = _stdin() if args.input == "-" else open(args.input, encoding="utf-8", errors="replace")  # noqa: SIM115
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    done = failed = 0
    with source, out:
        for number, line in enumerate(source, start=1):
            if not line.strip():
                continue
            record = _batch_answer(line, number, assistant, library, args.backend, draft_reply, QuestionError)
            failed += "error" in record
            done += "error" not in record
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
    if not args.quiet or failed:
        print(f"answered {done} request(s); {failed} failed", file=sys.stderr)
    return 1 if failed else 0


def _batch_answer(line: str, number: int, assistant, library, backend, draft_reply, question_error) -> dict:
    """One line's answer; a bad line gets an `error` record naming the line, never a crash."""
    request: dict = {}
    try:
        request = json.loads(line)
        if not isinstance(request, dict) or not isinstance(request.get("question"), str):
            raise question_error("each line needs a JSON object with a 'question' string")
        mode = request.get("mode") or "patient"
        history = [tuple(t) for t in request.get("history") or []]
        answer = assistant.ask(request["question"], history, mode, backend)
    except (ValueError, question_error, TypeError) as exc:
        rid = request.get("id") if isinstance(request, dict) else None
        return {"id": rid, "line": number, "error": str(exc)}
    record = {"id": request.get("id"), **answer.to_dict()}
    if mode == "staff":
        record["draft"] = draft_reply(answer, library)
    return record


def cmd_check(args) -> int:
    from .pipeline import Assistant

    results = Assistant(_settings(args)).guard.check_text(_read(args.text))
    if args.json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        for r in results:
            claim = r.claim.id if r.claim else "-"
            print(f"{r.stance:8} {r.score:.2f} {claim:32} {r.sentence}")
    return 1 if any(r.stance == "asserts" for r in results) and args.strict else 0


def cmd_serve(args) -> int:
    from .ui import serve

    serve(_settings(args))
    return 0


def cmd_feedback_export(args) -> int:
    from .feedback import FeedbackStore

    db = args.db or _settings(args).feedback_db
    if not Path(db).exists():
        print(f"note: no feedback database at {db}: nothing has been given yet", file=sys.stderr)
    count = FeedbackStore(db).export_jsonl(args.out)
    where = "stdout" if args.out == "-" else args.out
    print(f"exported {count} feedback row(s) from {db} to {where}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="assistant", description=__doc__)
    top.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    top.add_argument("--sources-dir", type=Path, help="library folder (ASSISTANT_SOURCES_DIR)")
    top.add_argument("--index-dir", type=Path, help="index folder (ASSISTANT_INDEX_DIR)")
    sub = top.add_subparsers(dest="command", required=True, metavar="command", help="what to do")
    for add in (_library_commands, _answer_commands, _other_commands):
        add(sub)
    return top


def _library_commands(sub) -> None:
    sources = sub.add_parser("sources", help="work with the curated library")
    sources_sub = sources.add_subparsers(dest="action", required=True, metavar="action", help="what to do")
    sources_sub.add_parser("check", help="validate notes, PDFs and the claim registry").set_defaults(
        func=cmd_sources_check
    )
    index = sub.add_parser("index", help="build or update the index (only changed files)")
    index.add_argument("--rebuild", action="store_true", help="drop the index and build it anew")
    _quiet(index, "no progress bars, only the summary")
    index.set_defaults(func=cmd_index)


def _answer_commands(sub) -> None:
    ask = sub.add_parser("ask", help="answer a question with citations ('-' reads stdin)")
    ask.add_argument("question", nargs="?", help="the question; '-' reads stdin; omit for a session")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON (docs/API.md)")
    ask.add_argument(
        "--mode",
        choices=("patient", "staff"),
        default="patient",
        help="patient: plain answer; staff: a reply draft for staff to edit (default: patient)",
    )
    _backend(ask)
    ask.add_argument("--history", help="JSON file: [[question, answer], ...] of earlier turns")
    _quiet(ask, "no progress bars or prompts, only the answers")
    ask.set_defaults(func=cmd_ask)

    batch = sub.add_parser("batch", help="answer every request of a JSONL file, models loaded once")
    batch.add_argument(
        "input", help="JSONL: {id, question, mode, history: [[q, a], ...]} per line; '-' = stdin"
    )
    batch.add_argument("--out", default="-", help="JSONL of answers, one per line (default: stdout)")
    _backend(batch)
    _quiet(batch, "no progress bars or summary line (failures are still counted)")
    batch.set_defaults(func=cmd_batch)

    check = sub.add_parser("check", help="run the claim guard on text ('-' reads stdin)")
    check.add_argument("text", help="the text to check, one claim per sentence; '-' reads stdin")
    check.add_argument("--json", action="store_true", help="print each sentence's result as JSON")
    check.add_argument("--strict", action="store_true", help="exit 1 when a claim is asserted")
    _quiet(check, "no progress bars")
    check.set_defaults(func=cmd_check)


def _other_commands(sub) -> None:
    serve = sub.add_parser("serve", help="serve the chat page")
    serve.add_argument("--host", help="address to listen on (ASSISTANT_HOST; default: this machine only)")
    serve.add_argument("--port", type=int, help="port to listen on (ASSISTANT_PORT)")
    _backend(serve)
    _quiet(serve, "no progress bars while the models open")
    serve.set_defaults(func=cmd_serve)

    feedback = sub.add_parser("feedback", help="feedback given on the chat page")
    feedback_sub = feedback.add_subparsers(dest="action", required=True, metavar="action", help="what to do")
    export = feedback_sub.add_parser("export", help="write every feedback row as JSONL")
    export.add_argument("--out", default="-", help="output file (default: stdout)")
    export.add_argument("--db", type=Path, help="feedback database (ASSISTANT_FEEDBACK_DB)")
    export.set_defaults(func=cmd_feedback_export)

    # The eval harness lives in the repository, not in the installed package.
    evaluate = sub.add_parser(
        "eval", help="run the eval suite and its gates (python -m evals, from a checkout)", add_help=False
    )
    evaluate.add_argument("options", nargs=argparse.REMAINDER, help="options of python -m evals")
    evaluate.set_defaults(func=cmd_eval)


def _backend(command) -> None:
    command.add_argument(
        "--backend",
        help="who writes the answer: extractive (default, no model) | ollama:<model> | openai:<model>"
        " (ASSISTANT_BACKEND)",
    )


def _quiet(command, what: str) -> None:
    command.add_argument("-q", "--quiet", action="store_true", help=what)


def cmd_eval(args) -> int:
    """`python -m evals` in the checkout that holds the library (evals/README.md)."""
    root = _settings(args).sources_dir.parent
    if not (root / "evals" / "__main__.py").exists():
        print(f"error: no eval harness in {root}: run from a checkout of the repository", file=sys.stderr)
        return 2
    return subprocess.call([sys.executable, "-m", "evals", *args.options], cwd=root)


def main(argv: list[str] | None = None) -> int:
    offline_env()
    args = parser().parse_args(argv)
    if getattr(args, "quiet", False):
        _hush()
    try:
        return args.func(args)
    except Exception as exc:
        if not isinstance(exc, _user_errors()):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _user_errors() -> tuple[type[Exception], ...]:
    """The errors printed as one line. Imported only once one is raised: importing them first
    loaded LangChain, bm25s and SciPy into every command, a quarter of `assistant index`'s start."""
    from .embeddings import EmbeddingError
    from .flow.understand import QuestionError
    from .sources import SourceError
    from .store import StoreError

    return StoreError, SourceError, EmbeddingError, QuestionError


if __name__ == "__main__":
    sys.exit(main())
