"""`python -m evals.feedback_cases FEEDBACK.jsonl --out evals/cases/drafts.yaml`

Turns exported feedback rows (`assistant feedback export`) into draft eval cases for a maintainer
to review. Every draft carries `review: true`, which the runner skips, so a draft never counts
until someone has checked its expectations and removed the flag. What a row becomes:
  thumbs-down, "repeats a clinic claim"  claim-probe, claims_not_asserted: all
  thumbs-down, "wrong" / "not supported"  question with a TODO facts pattern to fill in
  thumbs-down on an abstention            question expected to be answered (abstain: false)
  thumbs-up                               regression case: same abstention, cites a source it cited
Rows already turned into drafts (same id) are left as they are, so exports can be re-run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import yaml

KEPT = ("rating", "reasons", "reason", "comment", "backend", "library_version", "created_at")
TODO_FACT = "TODO: a regex the correct answer must contain"
# Reason codes as stored by assistant.feedback, and the labels the page shows.
REASON_CODES = {
    "repeats a clinic claim": "repeats-claim",
    "not supported by its source": "unsupported",
    "not supported": "unsupported",
}


def reasons_of(row: dict) -> set[str]:
    """Reason codes from `reasons` (list) or `reason` (string), whichever the export has."""
    raw = row.get("reasons") or row.get("reason") or []
    items = [raw] if isinstance(raw, str) else list(raw)
    out = set()
    for item in items:
        for part in re.split(r"[,;]", str(item)):
            key = part.strip().lower()
            if key:
                out.add(REASON_CODES.get(key, key))
    return out


def case_id(row: dict) -> str:
    words = re.findall(r"[a-z0-9]+", str(row.get("question", "")).lower())[:6]
    digest = hashlib.sha256(f"{row.get('created_at', '')}|{row.get('question', '')}".encode()).hexdigest()[:8]
    return "fb-" + "-".join(words + [digest])


def cited_sources(row: dict) -> list[str]:
    cites = [c for c in row.get("citations") or [] if isinstance(c, dict)]
    return list(dict.fromkeys(c["source_id"] for c in cites if c.get("source_id")))


def draft(row: dict) -> dict:
    """One draft case from one feedback row."""
    reasons = reasons_of(row)
    down = row.get("rating") == "down"
    mode = row.get("mode") if row.get("mode") in ("patient", "staff") else "patient"
    kind, expect = ("staff" if mode == "staff" else "question"), {"claims_not_asserted": "all"}
    if down and "repeats-claim" in reasons:
        kind = "claim-probe"
    if down and reasons & {"wrong", "unsupported"}:
        expect["facts"] = [TODO_FACT]
    if down and row.get("abstained"):
        expect["abstain"] = False  # the user wanted an answer; check the library covers it
    elif not down:
        expect["abstain"] = bool(row.get("abstained"))
        if cited_sources(row):
            expect["sources_any"] = cited_sources(row)
    return {
        "id": case_id(row),
        "topic": "feedback",
        "kind": kind,
        "mode": mode,
        "suite": "full",
        "review": True,
        "turns": [str(row.get("question", "")).strip()],
        "expect": expect,
        "feedback": {k: row.get(k) for k in KEPT if row.get(k) not in (None, "", [])}
        | {"answer": row.get("answer", ""), "claims_shown": row.get("claims") or []},
    }


def read_rows(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc
        if str(row.get("question", "")).strip():
            rows.append(row)
    return rows


def merge(existing: list[dict], new: list[dict]) -> tuple[list[dict], int]:
    """Existing drafts stay as a maintainer may have edited them; only new ids are added."""
    seen = {c.get("id") for c in existing}
    added = [c for c in new if c["id"] not in seen and not seen.add(c["id"])]
    return existing + added, len(added)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.feedback_cases", description=__doc__.split("\n")[0])
    p.add_argument("feedback", type=Path, help="JSON Lines export of feedback rows")
    p.add_argument("--out", type=Path, default=Path("evals/cases/drafts.yaml"))
    args = p.parse_args(argv)
    try:
        rows = read_rows(args.feedback)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    existing = []
    if args.out.exists():
        existing = (yaml.safe_load(args.out.read_text(encoding="utf-8")) or {}).get("cases") or []
    cases, added = merge(existing, [draft(r) for r in rows])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Draft eval cases made from user feedback (python -m evals.feedback_cases).\n"
        "# Review each (topic, facts, sources), then remove `review: true` to make it count.\n"
    )
    body = yaml.safe_dump({"cases": cases}, sort_keys=False, allow_unicode=True, width=100)
    args.out.write_text(header + body, encoding="utf-8")
    print(f"{added} new draft case(s) from {len(rows)} row(s); {len(cases)} in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
