"""Index build (issue 18): one forward pass per passage. A sentence's vector is pooled from its
passage's token embeddings; only a sentence past the model's length limit is embedded alone."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.embeddings import load_embedder
from assistant.index import BuildReport, _write
from assistant.models import Passage
from assistant.settings import Settings
from assistant.text import split_sentences

SHORT = """- The MIST trial compared aHSCT with drug therapy in 110 people with relapsing MS.
- Disability got worse in 3 people after aHSCT and in 34 people on drugs.
No one died in the first year after the transplant."""
FILLER = " ".join(f"Cohort {n} was followed for {n + 2} years after treatment." for n in range(40))
LONG = FILLER + " The last cohort reported fatigue as the most common complaint."


class Collection:
    def __init__(self):
        self.rows = {}

    def upsert(self, ids, embeddings, documents, metadatas):
        self.rows.update(zip(ids, zip(documents, np.asarray(embeddings), strict=True), strict=True))


class Bar:
    def update(self, n):
        pass


def passage(pid: str, text: str) -> Passage:
    return Passage(pid, pid, "A test note", "What was found", text, 2020, "rct", "https://example.org")


@pytest.fixture(scope="module")
def built():
    embedder = load_embedder(Settings().embedding_model)
    seen = {"encode": [], "spans": []}
    encode, spans = embedder.encode, embedder.encode_spans
    embedder.encode = lambda texts: seen["encode"].append(list(texts)) or encode(texts)
    embedder.encode_spans = lambda texts, s: seen["spans"].append(list(texts)) or spans(texts, s)
    cols = (Collection(), Collection())
    batch = [passage("short", SHORT), passage("long", LONG)]
    _write(batch, embedder, cols, Bar(), BuildReport(), mode="pooled")
    embedder.encode, embedder.encode_spans = encode, spans
    return embedder, cols, seen


def test_each_passage_goes_through_the_model_once(built):
    _, cols, seen = built
    assert len(seen["spans"]) == 1 and len(seen["spans"][0]) == 2  # both passages, one batch
    alone = [t for call in seen["encode"] for t in call]
    # Only sentences cut off by the length limit (256 tokens) are embedded on their own.
    assert alone and all(t in split_sentences(LONG) for t in alone)
    assert split_sentences(LONG)[-1] in alone
    assert not any(t in split_sentences(SHORT) for t in alone)
    assert len(cols[1].rows) == len(split_sentences(SHORT)) + len(split_sentences(LONG))


def test_pooled_sentence_vectors_mean_what_the_sentence_says(built):
    embedder, cols, _ = built
    sentences = split_sentences(SHORT)
    alone = embedder.encode(sentences)
    pooled = np.stack([cols[1].rows[f"short::s{i}"][1] for i in range(len(sentences))])
    assert np.allclose(np.linalg.norm(pooled, axis=1), 1.0, atol=1e-4)
    similarity = pooled @ alone.T
    # Each pooled vector is closest to its own sentence read alone. It also carries its passage's
    # context (a later sentence more): cosine to the sentence alone measured 0.90, 0.82, 0.62.
    assert list(similarity.argmax(axis=1)) == list(range(len(sentences)))
    assert similarity.diagonal().min() > 0.55


def test_passage_vector_is_the_models_own(built):
    embedder, cols, _ = built
    from assistant.store import embedding_text

    expected = embedder.encode([embedding_text(passage("short", SHORT))])[0]
    assert float(cols[0].rows["short"][1] @ expected) > 0.999


def test_mean_passage_vectors_keep_each_sentence_alone():
    """alone-mean (ASSISTANT_MEAN_PASSAGE_VECTORS): sentences are the model's vectors of the
    sentence alone, as verification needs; the passage's vector is made from them and its heading,
    in one model call per batch and no forward pass over the passage."""
    embedder = load_embedder(Settings().embedding_model)
    calls = []
    encode = embedder.encode
    embedder.encode = lambda texts: calls.append(list(texts)) or encode(texts)
    cols = (Collection(), Collection())
    batch = [passage("short", SHORT), passage("other", "Infections were the main early risk.")]
    try:
        _write(batch, embedder, cols, Bar(), BuildReport(), mode="alone-mean")
    finally:
        embedder.encode = encode
    assert len(calls) == 1 and "A test note (short). What was found." in calls[0]
    assert not any(t.endswith(SHORT) for t in calls[0])  # no passage text goes through the model
    sentences = split_sentences(SHORT)
    alone = embedder.encode(sentences)
    got = np.stack([cols[1].rows[f"short::s{i}"][1] for i in range(len(sentences))])
    assert np.allclose(got, alone, atol=1e-5)
    heading = embedder.encode(["A test note (short). What was found."])
    mean = np.vstack([alone, heading]).mean(axis=0)
    assert np.allclose(cols[0].rows["short"][1], mean / np.linalg.norm(mean), atol=1e-5)
    from assistant.store import embedding_text

    # Made from its parts, the passage vector still means what the passage says.
    whole = embedder.encode([embedding_text(passage("short", SHORT))])[0]
    assert float(cols[0].rows["short"][1] @ whole) > 0.8
