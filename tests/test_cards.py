"""The notes' sentences behind a reviewed or correction sentence: found once, then remembered."""

from __future__ import annotations

from assistant.flow.cards import CardSupport

META = {"source_id": "mist", "title": "MIST", "year": 2019, "type": "rct", "passage_id": "mist::0", "pos": 0}


class Counting:
    """A Chroma collection stand-in that counts the reads a question costs."""

    def __init__(self, rows: dict):
        self.rows, self.reads = rows, 0

    def get(self, ids=None, where=None, include=None):
        self.reads += 1
        keys = ids or list(self.rows)
        return {
            "ids": keys,
            "documents": [self.rows[k][0] for k in keys],
            "metadatas": [self.rows[k][1] for k in keys],
        }


def test_a_fixed_sentence_is_backed_by_its_notes_and_looked_up_once():
    sentences = Counting({"mist::0::s0": ("In MIST, disability got worse in 3 people after aHSCT.", META)})
    passages = Counting({"mist::0": ("In MIST, disability got worse in 3 people after aHSCT.", META)})
    support = CardSupport(passages, sentences)
    first = support.by_words(["mist"], "Disability got worse in 3 people after aHSCT in MIST.")
    again = support.by_words(["mist"], "Disability got worse in 3 people after aHSCT in MIST.")
    assert first == again and first[0][0].source_id == "mist" and "3 people" in first[0][1]
    assert sentences.reads == 1 and passages.reads == 1
