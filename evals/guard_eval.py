"""`python -m evals.guard_eval [--split test|tune]`: the claim guard's figures on the labelled set.

Reads evals/guard/<split>.yaml (`items: [{text, label, claim}]`, labels asserts | refutes |
reports | asks | evidence | unrelated), runs ClaimGuard over every item and reports:
  assertion recall     asserts items the guard flags as asserting (any claim / the right claim)
  false-block rate     refutes, reports, evidence and unrelated items flagged as asserting
  question-side recall asks items whose claim ClaimGuard.in_question finds
  confusion            label x predicted stance
An item of several sentences is flagged when any sentence asserts (that is what the pipeline
drops); otherwise its predicted stance is that of its best-matching sentence. Goals are in
evals/gates.yaml (section `guard`); exit 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

EVALS = Path(__file__).resolve().parent
LABELS = ("asserts", "refutes", "reports", "asks", "evidence", "unrelated")
STANCES = ("asserts", "refutes", "reports", "asks", "none")
NOT_ASSERTING = ("refutes", "reports", "evidence", "unrelated")


def load_items(path: Path) -> list[dict]:
    items = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("items") or []
    bad = [i for i in items if not isinstance(i, dict) or i.get("label") not in LABELS or not i.get("text")]
    if bad:
        raise ValueError(f"{path}: {len(bad)} item(s) without text or with an unknown label, e.g. {bad[0]}")
    return items


def predict_all(guard, texts: list[str]) -> list[dict]:
    """The guard's reading of each item; every sentence is embedded in one batch (speed)."""
    from assistant.text import split_sentences

    sentences = [split_sentences(t) or [t] for t in texts]
    flat = [s for group in sentences for s in group]
    vectors = guard.embedder.encode(flat)
    out, start = [], 0
    for group in sentences:
        out.append(predict(guard, group, vectors[start : start + len(group)]))
        start += len(group)
    return out


def predict(guard, sentences: list[str], vectors) -> dict:
    """Flagged stance and claim of one item, and the claims found on the question side."""
    results = [guard.check(s, v) for s, v in zip(sentences, vectors, strict=True)]
    asserting = [r for r in results if r.claim and r.stance == "asserts"]
    best = asserting[0] if asserting else max(results, key=lambda r: r.score, default=None)
    matched = best is not None and best.claim is not None
    return {
        "stance": best.stance if matched else "none",
        "claim": best.claim.id if matched else None,
        "score": round(best.score, 3) if best else 0.0,
        "in_question": [r.claim.id for r in guard.in_question(" ".join(sentences), vectors)],
    }


def share(hits: list[bool]) -> float | None:
    return round(sum(hits) / len(hits), 4) if hits else None


def figures(items: list[dict], predictions: list[dict]) -> dict:
    pairs = list(zip(items, predictions, strict=True))
    asserts = [(i, p) for i, p in pairs if i["label"] == "asserts"]
    others = [(i, p) for i, p in pairs if i["label"] in NOT_ASSERTING]
    asks = [(i, p) for i, p in pairs if i["label"] == "asks" and i.get("claim")]
    confusion = {label: Counter() for label in LABELS}
    for i, p in pairs:
        confusion[i["label"]][p["stance"]] += 1
    return {
        "items": len(items),
        "assertion_recall_any_claim": share([p["stance"] == "asserts" for _, p in asserts]),
        "assertion_recall_right_claim": share(
            [p["stance"] == "asserts" and p["claim"] == i.get("claim") for i, p in asserts]
        ),
        "false_block_rate": share([p["stance"] == "asserts" for _, p in others]),
        "false_block_by_label": {
            label: share([p["stance"] == "asserts" for i, p in others if i["label"] == label])
            for label in NOT_ASSERTING
        },
        "question_side_recall": share([i["claim"] in p["in_question"] for i, p in asks]),
        "confusion": {label: {s: confusion[label][s] for s in STANCES} for label in LABELS},
    }


def errors(items: list[dict], predictions: list[dict]) -> dict[str, list[dict]]:
    """The misses, for a maintainer to read (tune on the tune split only, never on test)."""
    out: dict[str, list[dict]] = {
        "missed_assertions": [],
        "wrong_claim": [],
        "false_blocks": [],
        "missed_questions": [],
    }
    for i, p in zip(items, predictions, strict=True):
        row = {"text": i["text"], "label": i["label"], "claim": i.get("claim"), "got": p}
        if i["label"] == "asserts" and p["stance"] != "asserts":
            out["missed_assertions"].append(row)
        elif i["label"] == "asserts" and p["claim"] != i.get("claim"):
            out["wrong_claim"].append(row)
        elif i["label"] in NOT_ASSERTING and p["stance"] == "asserts":
            out["false_blocks"].append(row)
        elif i["label"] == "asks" and i.get("claim") and i["claim"] not in p["in_question"]:
            out["missed_questions"].append(row)
    return out


def check_goals(figs: dict, goals: dict) -> list[str]:
    missed = []
    for name, spec in goals.items():
        value = figs.get(name)
        if value is None:
            continue
        if ("min" in spec and value < spec["min"]) or ("max" in spec and value > spec["max"]):
            bound = f">= {spec['min']}" if "min" in spec else f"<= {spec['max']}"
            missed.append(f"{name} = {value} (goal {bound})")
    return missed


def table(figs: dict) -> str:
    lines = [f"{'metric':32} value"]
    for key in (
        "items",
        "assertion_recall_any_claim",
        "assertion_recall_right_claim",
        "false_block_rate",
        "question_side_recall",
    ):
        lines.append(f"{key:32} {figs[key]}")
    lines += [f"  false blocks on {k:15} {v}" for k, v in figs["false_block_by_label"].items()]
    lines.append("\nconfusion (rows: label, columns: predicted stance)")
    lines.append(f"{'':10}" + "".join(f"{s:>9}" for s in STANCES))
    for label, row in figs["confusion"].items():
        lines.append(f"{label:10}" + "".join(f"{row[s]:>9}" for s in STANCES))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.guard_eval", description=__doc__.splitlines()[0])
    p.add_argument("--split", choices=("test", "tune"), default="test")
    p.add_argument("--out", type=Path, help="JSON file (default evals/out/guard-<split>.json)")
    p.add_argument("--gates", type=Path, default=EVALS / "gates.yaml")
    p.add_argument(
        "--report-only", action="store_true", help="print missed goals but exit 0 (how `make eval` runs it)"
    )
    args = p.parse_args(argv)

    from .runner import settings_for

    path = EVALS / "guard" / f"{args.split}.yaml"
    if not path.exists():
        print(f"error: {path} is missing", file=sys.stderr)
        return 2
    items = load_items(path)
    from assistant.pipeline import Assistant

    guard = Assistant(settings_for()).guard
    predictions = predict_all(guard, [i["text"] for i in items])
    figs = figures(items, predictions)
    goals = (yaml.safe_load(args.gates.read_text(encoding="utf-8")) or {}).get("guard") or {}
    missed = check_goals(figs, goals)
    out = args.out or EVALS / "out" / f"guard-{args.split}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "split": args.split,
        "file": str(path),
        "figures": figs,
        "goals": goals,
        "missed_goals": missed,
        "errors": errors(items, predictions),
    }
    out.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    print(table(figs))
    print(f"\nwritten: {out}")
    for line in missed:
        print(f"GOAL MISSED: {line}", file=sys.stderr)
    return 1 if missed and not args.report_only else 0


if __name__ == "__main__":
    sys.exit(main())
