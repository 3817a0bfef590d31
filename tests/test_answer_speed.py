"""Issue 18, third round: the answer's work cut without changing what it computes.

Each speed-up here must give the same values as the code it replaced: the guard's word features,
pysbd's sentence spans, the card backing's covering rows, the spans the question-side guard no
longer embeds (they can give no card), and the server's start-up reads (`Assistant.warm_up`)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from assistant import claims
from assistant.flow import by_ask
from assistant.flow.cards import _covering
from assistant.guard_model import _f1
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.text import _segmenter, content_words, numbers

ROOT = Path(__file__).resolve().parents[1]

QUESTIONS = [
    "My daughter is 26 and her MS is moving fast: four relapses in eighteen months, and she now "
    "limps. She is on her second drug. We are in Canada. Who decides whether she can have a stem "
    "cell transplant, and how do we even ask for it?",
    "is hsct worth it if my ms is mild?? only 1 relaps in 5 yrs on tecfidera",
    "The coordinator of a private HSCT clinic told me on the phone that aHSCT is risk-free "
    "nowadays. I'm 44 with RRMS. Is that true?",
    'My clinic says "cord cells are never rejected". Is that true? We live in Leeds.',
    "A clinic offers me stem cell shots in Panama. Is that a good idea?",
    "What's a good recipe for pizza dough?",
]


@pytest.fixture(scope="module")
def shipped() -> Assistant:
    settings = Settings().resolve(ROOT)
    if not (settings.index_dir / "manifest.json").exists():
        pytest.fail("the shipped index is missing: run `assistant index` (make test does)")
    return Assistant(settings)


def test_word_features_are_the_same_floats_as_the_loops_they_replace(shipped):
    guard = shipped.guard

    def distinctive_by_claim(words):  # the loop over every claim's profile, as it was
        weight = {w: guard.rarity.get(w, guard.unseen) for w in words}
        total = sum(weight.values()) + 1e-9
        out = np.zeros((len(guard.claims), 2), dtype=np.float32)
        for k, profile in enumerate(guard.profiles):
            used = [w for w in words if profile.get(w, 0.0) > 0]
            out[k, 0] = sum(weight[w] for w in used) / total
            out[k, 1] = sum(profile[w] for w in used) / (guard.profile_masses[k] + 1e-9)
        return out

    texts = [*QUESTIONS, *guard.wordings, *guard.corrections, "", "the and of"]
    for text in texts:
        words = set(content_words(text))
        by_wording = np.asarray([*(_f1(words, w) for w in guard.words), 0.0], dtype=np.float32)
        assert np.array_equal(np.append(guard._word_f1(words), 0.0).astype(np.float32), by_wording)
        assert np.array_equal(guard.distinctive(words), distinctive_by_claim(words))


def test_sentence_spans_are_pysbds_own():
    import pysbd

    theirs, ours = pysbd.Segmenter(language="en", clean=False), _segmenter()
    rnd = random.Random(18)
    parts = ["It works.", "Is it safe?", "Dr. No.", "Yes!", "No.", "e.g. this one.", "Wait...", "MS. HSCT."]
    texts = [*QUESTIONS, "Yes. Yes. Yes.", "A. B. A. B.", "It works.  It works.\n\nIt works!"]
    texts += [
        rnd.choice([" ", "  ", "\n", "\t "]).join(rnd.choices(parts, k=rnd.randint(1, 8))) for _ in range(200)
    ]
    for text in texts:
        assert ours.segment(text) == theirs.segment(text), text


def test_card_backing_with_kept_row_terms_picks_the_same_rows():
    rows = [
        ("In MIST, 3 of 55 people had a relapse.", {"passage_id": "a", "pos": 0}),
        ("MIST compared aHSCT with drugs in 110 people.", {"passage_id": "a", "pos": 1}),
        ("aHSCT stopped relapses in most people.", {"passage_id": "b", "pos": 0}),
        ("aHSCT stopped relapses in most people.", {"passage_id": "c", "pos": 0}),  # a tie
        ("Nothing here.", {"passage_id": "d", "pos": 0}),
    ]
    terms = [(set(content_words(d)), numbers(d)) for d, _ in rows]
    for sentence in ("In MIST, aHSCT stopped relapses in 110 people; 3 relapsed.", "Relapses stopped.", "x"):
        assert _covering(sentence, rows, terms) == _covering(sentence, rows)


def test_spans_the_guard_skips_give_no_card_and_are_not_embedded(shipped):
    """A span whose readings use no claim's distinctive words ("We are in Canada.") is not in the
    batch; with every text's vector given, `in_question` finds the same cards as when it reads
    every span (evals: the same over the eval cases, guard sets and development questions)."""
    guard = shipped.guard
    batch = guard.question_texts(QUESTIONS[0])
    assert "We are in Canada." not in batch
    assert set(batch) <= set(claims.question_texts(QUESTIONS[0]))

    def found(question, every_span):
        texts = claims.question_texts(question)
        known = dict(zip(texts, shipped.embedder.encode(texts), strict=True))
        real = guard._read_question
        if every_span:
            guard._read_question = claims._question_parts
        try:
            return [
                (r.claim.id, r.stance, r.score, r.sentence) for r in guard.in_question(question, known=known)
            ]
        finally:
            guard._read_question = real

    for question in QUESTIONS:
        assert found(question, every_span=False) == found(question, every_span=True)
    assert found(QUESTIONS[2], every_span=False)  # the risk-free claim still gets its card


def test_a_registry_under_ten_claims_reads_every_span(tiny_assistant):
    question = "We are in Canada. Cord cells are never rejected, right?"
    assert tiny_assistant.guard.question_texts(question) == claims.question_texts(question)


def test_warm_up_reads_ahead_and_answers_the_same(tiny_settings):
    cold, warm = Assistant(tiny_settings), Assistant(tiny_settings)
    try:
        warm.warm_up()
        assert warm.card_support._backing  # reviewed and correction sentences backed already
        assert warm.retriever._rows and warm.retriever._sentence_rows
        assert by_ask.easy_stems.cache_info().currsize == 1  # the topic word lists are read
        for question in (
            "What did the MIST trial find?",
            "My clinic says umbilical cord cells cannot be rejected. Is that true?",
            "What are the risks of aHSCT, and did the MESEMS trial reduce lesions?",
        ):
            a, b = cold.ask(question), warm.ask(question)
            assert (a.answer, a.citations, a.claims) == (b.answer, b.citations, b.claims)
    finally:
        cold.close()
        warm.close()
