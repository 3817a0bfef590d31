"""Is every fact sentence of sources/staff.yaml backed by the notes it cites?

The same test as evals/answers_check.py: every number in the sentence appears in its notes, and
the two note sentences that share the most content words with it hold at least half of its
content words. Reads the notes directly: no index, no model. Exit 1 when any fails.

    python -m evals.staff_check
"""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.sources import load_library
from assistant.staff import load_staff
from assistant.text import split_sentences

from .answers_check import check_sentence

ROOT = Path(__file__).resolve().parents[1]


def failures(sources: Path = ROOT / "sources") -> tuple[list[tuple[str, str, str]], int]:
    """Unbacked sentences as (where, sentence, best quote) and the count checked; a content file
    that does not load is reported as one failure per problem."""
    docs, _ = load_library(sources)
    by_id = {d.id: d for d in docs}
    content, problems = load_staff(sources, set(by_id))
    if content is None:
        return [(str(p), "", "") for p in problems], 0
    out, total = [], 0
    for where, fact in content.facts:
        cited = [by_id[s] for s in fact.sources]
        for sentence in split_sentences(fact.text):
            total += 1
            backed, quote = check_sentence(sentence, cited)
            if not backed:
                out.append((where, sentence, quote))
    return out, total


def main() -> int:
    found, total = failures()
    for where, sentence, quote in found:
        print(f"NOT BACKED {where}: {sentence}\n    best quote: {quote}")
    print(f"{total - len(found)} of {total} staff sentences backed by their notes")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
