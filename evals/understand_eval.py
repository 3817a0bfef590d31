"""How well the message-understanding stage reads asks and context (evals/cases/understand.yaml).

    python -m evals.understand_eval [--split tune|test|all]

Reports: share of messages with the right number of asks; aspect and treatment accuracy over asks
(position by position, on messages whose ask count is right); and per context field, the share of
labelled values read exactly (numbers within 0.5). The test split is held out: never tune on it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from assistant.flow.asks import read_asks
from assistant.flow.person import read_context

FILE = Path(__file__).resolve().parent / "cases" / "understand.yaml"


def score(items: list[dict], matcher=None) -> dict:
    """`matcher` (an Assistant) adds the reviewed-answer matcher, as the flow reads asks."""
    counts = aspects = treatments = n_asks = 0
    fields: dict[str, list[bool]] = {}
    for item in items:
        asks, want = read_asks(item["text"]), item["asks"]
        if matcher is not None and asks:
            vectors = matcher.embedder.encode([a.query for a in asks])
            asks = [matcher.reviewed.apply(a, v) for a, v in zip(asks, vectors, strict=True)]
        if len(asks) == len(want):
            counts += 1
            for got, exp in zip(asks, want, strict=True):
                n_asks += 1
                aspects += got.aspect == exp["aspect"]
                treatments += got.treatment == exp["treatment"]
        ctx = read_context(item["text"]).to_dict()
        for key, value in (item.get("context") or {}).items():
            fields.setdefault(key, []).append(_same(ctx.get(key), value))
    return {
        "messages": len(items),
        "ask_count_right": round(counts / len(items), 3),
        "aspect_accuracy": round(aspects / max(n_asks, 1), 3),
        "treatment_accuracy": round(treatments / max(n_asks, 1), 3),
        "context": {k: f"{sum(v)}/{len(v)}" for k, v in sorted(fields.items())},
    }


def _same(got, want) -> bool:
    if isinstance(want, int | float) and isinstance(got, int | float):
        return abs(got - want) <= 0.5
    if isinstance(want, list):
        return sorted(got or []) == sorted(want)
    if isinstance(want, str) and isinstance(got, str):
        return want.lower() in got.lower() or got.lower() in want.lower()
    return got == want


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "test", "all"), default="test")
    parser.add_argument("--misses", action="store_true", help="list the messages read wrongly")
    parser.add_argument(
        "--matcher", action="store_true", help="with the reviewed-answer matcher (loads models)"
    )
    args = parser.parse_args(argv)
    items = yaml.safe_load(FILE.read_text())["items"]
    chosen = [i for i in items if args.split == "all" or i.get("split") == args.split]
    matcher = None
    if args.matcher:
        from assistant.pipeline import Assistant
        from assistant.settings import Settings

        matcher = Assistant(Settings().resolve(FILE.parents[2]))
    print(yaml.safe_dump(score(chosen, matcher), sort_keys=False))
    if args.misses:
        for item in chosen:
            got = [(a.aspect, a.treatment) for a in read_asks(item["text"])]
            want = [(a["aspect"], a["treatment"]) for a in item["asks"]]
            if got != want:
                print(f"{item['id']}: got {got} want {want}\n   {item['text'][:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
