"""A card's backing sentences are read by id (the BM25 index knows each source's passages), not
with a source filter that scans every sentence row, and they are the same sentences, in the same
order, with the same citations, as the filter gave."""

from __future__ import annotations

from itertools import combinations

from conftest import NOTES

from assistant.flow.cards import CardSupport

SENTENCES = [
    "Disability got worse in 3 people after aHSCT in MIST.",
    "Transplant-related mortality was 2.1% across 15 studies.",
    "Mesenchymal stem cells did not reduce new lesions.",
    "Donor cord cells can be rejected.",
    "The risk of MS rose 32-fold after Epstein-Barr virus infection.",
]


class Recording:
    """The real Chroma collection, with each read's kind (by id or by filter) noted."""

    def __init__(self, collection):
        self.collection, self.reads = collection, []

    def get(self, **query):
        self.reads.append("filter" if "where" in query else "ids")
        return self.collection.get(**query)


def _as_data(backing):
    return [(p.id, p.source_id, p.text, p.section, quote) for p, quote in backing]


def test_by_id_gives_the_filters_sentences_without_a_filter(tiny_assistant):
    passages, sentences = tiny_assistant.collections
    recorded = Recording(sentences)
    by_filter = CardSupport(passages, sentences)
    by_id = CardSupport(passages, recorded, lexical=tiny_assistant.lexical)
    source_sets = [[s] for s in NOTES] + [list(pair) for pair in combinations(NOTES, 2)]
    compared = 0
    for sources in source_sets:
        for sentence in SENTENCES:
            expected = _as_data(by_filter.by_words(sources, sentence))
            assert _as_data(by_id.by_words(sources, sentence)) == expected, (sources, sentence)
            compared += bool(expected)
    assert compared >= len(SENTENCES)  # most pairs have backing: the comparison is not vacuous
    assert recorded.reads and set(recorded.reads) == {"ids"}
    # the sentences of a set of sources are read once for all the sentences citing them
    assert len(recorded.reads) == len(source_sets)


def test_an_unknown_source_has_no_backing(tiny_assistant):
    support = CardSupport(*tiny_assistant.collections, lexical=tiny_assistant.lexical)
    assert support.by_words(["no-such-note"], SENTENCES[0]) == []
