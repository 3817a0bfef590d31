"""Is every sentence of every claim correction backed by the passages the claim card cites?

Runs the same support selection as the claim card (`CardSupport.support`) and the same test as
the citation-validity metric (`evals.metrics.supports` plus the number check), and lists the
correction sentences that fail, with the best quote found. Exit 1 when any fails.

    python -m evals.registry_check [--claim ID]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.text import numbers, split_sentences
from evals.metrics import supports

ROOT = Path(__file__).resolve().parents[1]


def failures(assistant: Assistant, only: str | None = None) -> list[tuple[str, str, str]]:
    out = []
    for claim in assistant.guard.claims:
        if only and claim.id != only:
            continue
        sentences = split_sentences(claim.correction)
        backing = assistant.card_support.support(claim, sentences)
        for sentence, support in zip(sentences, backing, strict=True):
            quotes = [q for _, q in support]
            cited_text = " ".join(p.text for p, _ in support)
            if not supports(sentence, quotes) or not numbers(sentence) <= numbers(cited_text):
                out.append((claim.id, sentence, " | ".join(quotes)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claim", help="check one claim id")
    args = parser.parse_args(argv)
    assistant = Assistant(Settings().resolve(ROOT))
    found = failures(assistant, args.claim)
    for cid, sentence, quote in found:
        print(f"{cid}: {sentence}\n    best quote: {quote[:300]}")
    total = sum(len(split_sentences(c.correction)) for c in assistant.guard.claims)
    print(f"{len(found)} of {total} correction sentences are not backed by their cited passages")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
