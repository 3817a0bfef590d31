"""Is every sentence of every reviewed answer backed by the notes it cites?

For each answer and variant sentence in sources/answers/*.yaml: every number in it must appear in
the text of the notes it cites, and the two sentences of those notes that share the most content
words with it must together hold at least half of its content words (the test of
`evals.metrics.supports`). Failures are listed with the best quote found; exit 1 when any fails.
Reads the notes directly: no index, no model.

    python -m evals.answers_check [--answer ID]
"""

from __future__ import annotations

import argparse
import re
import statistics
from functools import cache
from pathlib import Path

from assistant.answers import ReviewedAnswer, load_answers
from assistant.models import SourceDoc
from assistant.sources import load_library
from assistant.text import numbers, overlap, split_sentences
from evals.metrics import SUPPORT_OVERLAP, fk_grade

ROOT = Path(__file__).resolve().parents[1]
HEADING = re.compile(r"^\s*#+\s.*$", re.M)


@cache
def _sentences(doc: SourceDoc) -> tuple[str, ...]:
    return tuple(split_sentences(HEADING.sub("\n", doc.body)))


def check_sentence(sentence: str, cited: list[SourceDoc]) -> tuple[bool, str]:
    """(backed, best quote): numbers from the cited text, content from its best two sentences."""
    pool = [s for doc in cited for s in _sentences(doc)]
    best = sorted(pool, key=lambda s: overlap(sentence, s), reverse=True)[:2]
    quote = " ".join(best)
    cited_text = " ".join(doc.body for doc in cited)
    numbers_found = numbers(sentence) <= numbers(cited_text)
    return bool(best) and numbers_found and overlap(sentence, quote) >= SUPPORT_OVERLAP, quote


def texts(answer: ReviewedAnswer) -> list[tuple[str, str, tuple[str, ...]]]:
    """(field, text, sources) of every cited text of an answer."""
    out = [(f"answer[{i}]", s.text, s.sources) for i, s in enumerate(answer.answer)]
    return out + [(f"variants[{i}]", v.text, v.sources) for i, v in enumerate(answer.variants)]


def failures(answers: list[ReviewedAnswer], docs: dict[str, SourceDoc]) -> tuple[list[tuple], int]:
    """Unbacked sentences as (answer id, field, sentence, best quote), and the count checked."""
    out, total = [], 0
    for answer in answers:
        for field, text, sources in texts(answer):
            cited = [docs[s] for s in sources if s in docs]
            for sentence in split_sentences(text):
                total += 1
                backed, quote = check_sentence(sentence, cited)
                if not backed:
                    out.append((answer.id, field, sentence, quote))
    return out, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answer", help="check one answer id")
    args = parser.parse_args(argv)
    sources = ROOT / "sources"
    docs, _ = load_library(sources)
    by_id = {d.id: d for d in docs}
    answers, problems = load_answers(sources / "answers", set(by_id))
    for problem in problems:
        print(f"problem: {problem}")
    if args.answer:
        answers = [a for a in answers if a.id == args.answer]
        if not answers:
            print(f"no valid answer with id '{args.answer}'")
            return 1
    found, total = failures(answers, by_id)
    for aid, field, sentence, quote in found:
        print(f"{aid}: {field}: {sentence}\n    best quote: {quote[:300]}")
    grades = [g for a in answers if (g := fk_grade(a.text)) is not None]
    if grades:
        print(f"reading grade of the answers: mean {statistics.mean(grades):.1f}, max {max(grades):.1f}")
    print(f"{len(found)} of {total} answer sentences are not backed by the notes they cite")
    return 1 if found or problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
