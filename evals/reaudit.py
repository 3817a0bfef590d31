"""Re-check every finding of the library audit against the library as it is now.

For each line of `library_audit.jsonl` (file, claim id, field, the offending text):

- a **verdict** finding is resolved when the card's verdict is no longer the audited one;
- a **text** finding (a correction sentence, a note sentence or a front-matter line) is resolved
  when that text is gone from the card or the note (rewritten, rescoped or removed);
- a text still present is **declared** when it is citation data of a note that says so itself
  (`verified: false` with a `verification` text), or **decided** when `sources/README.md`
  ("Audit decisions") names the finding on a line that says why it stands;
- anything else is **open**.

High and medium findings count as done only when resolved. Prints one line per finding and the
counts by severity; exits 1 if any high or medium finding is not resolved.

    python -m evals.reaudit [--audit PATH] [--sources DIR] [--open-only]
"""

from __future__ import annotations

import argparse
import collections
import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
AUDIT = ROOT.parent / "shared" / "evidence" / "library_audit.jsonl"
FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.S)
META_LINE = re.compile(r"^(title|authors|year|publisher|url|doi|pmid|pmcid|nct):\s*(.*)$")
QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def norm(text: str) -> str:
    """Whitespace and quote marks do not count as a change."""
    return " ".join(text.translate(QUOTES).split())


def decided(readme: str) -> set[int]:
    """Finding numbers named in the README's "Audit decisions" on a line giving a reason."""
    section = readme.split("## Audit decisions", 1)[-1] if "## Audit decisions" in readme else ""
    out: set[int] = set()
    for item in re.split(r"\n- ", section):
        if re.search(r"\b(stands|declared)\b", item):
            out |= {int(n) for n in re.findall(r"#(\d+)", item)}
    return out


def load_cards(sources: Path) -> dict[str, dict]:
    data = yaml.safe_load((sources / "claims.yaml").read_text(encoding="utf-8")) or {}
    return {c["id"]: c for c in data.get("claims") or [] if isinstance(c, dict) and "id" in c}


def load_note(path: Path) -> tuple[dict, str]:
    match = FRONT.match(path.read_text(encoding="utf-8")) if path.exists() else None
    if not match:
        return {}, ""
    return yaml.safe_load(match.group(1)) or {}, path.read_text(encoding="utf-8")


def card_status(finding: dict, cards: dict[str, dict]) -> tuple[str, str]:
    card = cards.get(finding.get("claim_id") or "")
    if card is None:
        return "resolved", "card removed"
    if finding.get("field") == "verdict":
        old = re.search(r'"([a-z-]+)"', finding["text"])
        old_verdict = old.group(1) if old else finding["text"]
        if card.get("verdict") != old_verdict:
            return "resolved", f"verdict {old_verdict} -> {card.get('verdict')}"
        return "open", f"verdict still {old_verdict}"
    if norm(finding["text"]) in norm(str(card.get(finding.get("field") or "correction", ""))):
        return "open", "sentence still in the card"
    return "resolved", "sentence rewritten or rescoped"


def note_status(finding: dict, sources: Path) -> tuple[str, str]:
    meta, text = load_note(sources / Path(finding["file"]).name)
    if not text:
        return "resolved", "note removed"
    line = META_LINE.match(finding["text"])
    if line and str(meta.get(line.group(1), "")).strip('"') != line.group(2).strip('"'):
        return "resolved", f"{line.group(1)} changed or removed"
    if not line and norm(finding["text"]) not in norm(text):
        return "resolved", "sentence rewritten or removed"
    if (
        finding["class"] in ("metadata", "unverified")
        and meta.get("verified") is False
        and meta.get("verification")
    ):
        return "declared", "citation data marked unverified in the note"
    return "open", "text still in the note"


def reaudit(findings: list[dict], sources: Path) -> list[tuple[dict, str, str]]:
    cards = load_cards(sources)
    readme = (sources / "README.md").read_text(encoding="utf-8")
    stands = decided(readme)
    out = []
    for f in findings:
        if f["file"].endswith("claims.yaml"):
            status, why = card_status(f, cards)
        else:
            status, why = note_status(f, sources)
        if status in ("open", "declared") and f["n"] in stands:
            status, why = "decided", "README 'Audit decisions' says why it stands"
        out.append((f, status, why))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audit", type=Path, default=AUDIT)
    parser.add_argument("--sources", type=Path, default=ROOT / "sources")
    parser.add_argument("--open-only", action="store_true", help="print only findings not resolved")
    args = parser.parse_args(argv)
    if not args.audit.is_file():
        print(f"note: no audit file at {args.audit}: re-audit skipped")
        return 0
    findings = [
        json.loads(line) for line in args.audit.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    results = reaudit(findings, args.sources)
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for f, status, why in results:
        counts[f["severity"]][status] += 1
        if not args.open_only or status != "resolved":
            where = f.get("claim_id") or Path(f["file"]).name
            print(f"#{f['n']:<3} {f['severity']:<6} {status:<8} {where}: {why}")
    for severity in ("high", "medium", "low"):
        row = ", ".join(f"{k} {v}" for k, v in sorted(counts[severity].items()))
        print(f"{severity}: {sum(counts[severity].values())} findings ({row})")
    blocking = sum(c for s in ("high", "medium") for k, c in counts[s].items() if k != "resolved")
    print(f"{blocking} high or medium findings not resolved")
    return 1 if blocking else 0


if __name__ == "__main__":
    raise SystemExit(main())
