"""The claim guard: find registry claims in a sentence and decide the sentence's stance.

Matching. Every claim is represented by its canonical wording and its paraphrases. A small
logistic model (see ClaimGuard) turns a sentence's similarity to each claim's wordings into a
probability; the most probable claim matches when it reaches `claim_threshold`. Attribution and
question frames ("the clinic says ...", "... is that true?") are stripped first and the better
of the two readings counts. Which of several accepted claims: the rank model (`which_claim`), plus
the reason the sentence gives ("A because B" -> B, "A, so B" -> A, but not "..., so it works",
where the inference is the claim), because overlapping claims often share a conclusion ("no
rejection", "safe") and differ in the reason; a closing debunk ("Clinics say X, but no study has
shown this") is left out of matching, since its words are those of the claims about studies.

Stance of a matched sentence:
  refutes  it is one of the registry's own corrections
  asks     it is a question or a request ("Is it true that ...?", "Tell me about ...")
  asserts  the stance model (see ClaimGuard) gives `asserts` at least `assert_threshold`, or the
           sentence matches a claim strongly (>= 0.9) and draws a conclusion ("X, so Y")
           or the reason it gives reads as asserting the claim above all else ("no rejection
           because they are immune privileged": the negation is the conclusion's, not a denial)
  refutes / reports / none  otherwise, whichever of the three the stance model prefers
The stance model reads the sentence as a whole against the matched claim: embedding, similarity
to the claim's wordings and to its correction, polarity against the claim (a negation-worded
claim such as "no side effects" is asserted by a sentence that also denies, and contradicted by
one that does not), and surface cues (evidential negation, attribution, hedges, selling words,
caution words, testimonial voice, fragments) as features, never as vetoes.
Question side (`in_question`): a card needs the asker to state, quote or ask about the claim:
statements and pasted fragments that assert it (not the asker's own story: "She is considering
treatment abroad."), quoted spans and text after a colon, premises of leading questions (not the
asker's plans: "If I skip the injections, ...?"), framed claims ("the clinic says X, true?",
"I'm worried, because I read X", "my nephew keeps posting that X"), a claim given as the reason
for the asker's feeling ("I'm worried I'm missing out, because clinics there get amazing results"),
statements with a question mark, and yes/no questions that say the claim was heard or is doubted
("Do stem cells really cure MS?"). A plain question ("Am I eligible for HSCT?", "Does it work for
progressive MS?") gets none, however close its words are to a claim; so does a sentence on a
claim's topic without its content ("A clinic offers me stem cell shots in Panama.", "A friend told
me about HSCT.": see `states_content`; a treatment's name is no content), a clinic offering or
selling something, a condition ("If X, ...?"), the asker's own clinician's advice ("my doctor said
maybe HSCT in 2 years") and, on a weak match, words attributed to someone that name no treatment
("the doctor told me 'six years until you are in a wheelchair'").
`non_english(text)` says when a text is not English: the guard reads English only.
Limits: English surface forms; irony and a debunk split over two sentences can be misread;
hedged assertions ("may cure") count as assertions on purpose, because clinics hedge. Figures:
evals/guard/README.md.

Where it lives: this module holds `ClaimGuard` (matching, stance decision, question side),
`GuardResult` and the development lines; the models it builds on (registry index, features, fit,
save and load) are `assistant/guard_model.py`; the surface helpers (frames, claim cores, quoted
spans, negation, cues, `non_english`) are `assistant/guard_text.py`, re-exported here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .embeddings import Embedder
from .guard_model import FEW_CLAIMS, STANCES, ClaimModels, word_set
from .guard_text import (
    CONCLUSION,
    DENIAL_FIRST,
    DISEASE_NAME,
    EVIDENTIAL_NEGATION,
    NEGATION,
    QUESTION_START,
    QUESTION_WORD,
    QUOTED,
    REPORTING,
    REQUEST,
    TAG_QUESTION,
    TREATMENT,
    TREATMENT_NAME,
    about_the_asker,
    attributed,
    claim_core,
    claim_cores,
    clinician_says,
    conflicts,
    contradiction,
    cue_features,
    cue_stance,
    declarative,
    follow_ups,
    heard_questions,
    later_clauses,
    non_english,
    only_offered,
    opens_conditional,
    plain,
    premise_of,
    quoted_spans,
    reason_clause,
    reported_parts,
    tells_outcome,
    tells_own_story,
    without_debunk,
)
from .sources import Claim
from .text import CITATION, content_words, normalize_terms, split_sentences

# The guard's public names, including the text helpers callers have long imported from here.
__all__ = [
    "STANCES",
    "Claim",
    "ClaimGuard",
    "GuardResult",
    "claim_core",
    "claim_cores",
    "conflicts",
    "contradiction",
    "cue_features",
    "cue_stance",
    "development_examples",
    "non_english",
    "question_texts",
    "quoted_spans",
]

STRONG_MATCH = 0.9  # claim probability at which a sentence that draws a conclusion asserts
CUED_ASSERT = 0.8  # assertion probability needed when a refuting or reporting cue is present
# claim probability a statement with a question mark needs: a weak match ("one shouldn't expect
# much benefit after HSCT?") is a question about something else
STATED_MATCH = 0.8
# A claim worded as a denial of evidence ("There is no conclusive evidence linking viruses ...")
DENIES_EVIDENCE = re.compile(r"\b(no|not|never)\b(?:\s+\w+){0,2}\s+(evidence|proof|proven|shown)\b", re.I)
ASKS_ABOUT = 0.7  # cosine to a claim wording at which a yes/no question asks about the claim
# A card needs what the claim says, not only its topic: the asker's words (the sentence or a
# stripped reading of it) must be near the claim's wordings with the topic all claims share taken
# out, and must use some of the claim's distinctive words ("A clinic offers me stem cell shots" is
# on every claim's topic and states none). Each bar is about the 2nd percentile of the tune
# split's clinic statements and reports of a claim (0.347 and 0.079, 134 items); tune split only.
CARD_CONTENT_SIMILARITY = 0.35
CARD_COVERAGE = 0.08


@dataclass(frozen=True)
class GuardResult:
    sentence: str
    claim: Claim | None
    stance: str  # asserts | refutes | reports | asks | none
    score: float
    premise: bool = False  # matched in the premise of a leading question ("Since X, ...?")

    def to_dict(self) -> dict:
        return {
            "sentence": self.sentence,
            "claim": self.claim.id if self.claim else None,
            "stance": self.stance,
            "score": round(self.score, 3),
        }


DEV_LABELS = {
    "assert": "asserts",
    "refute": "refutes",
    "report": "reports",
    "evidence": "none",
    "neutral": "none",
}
ROOT = Path(__file__).resolve().parents[1]


def development_examples(path: Path | None) -> list[tuple[str, str]]:
    """The fit part of the real clinic lines (evals/guard/dev_split.yaml), as (text, stance).

    The lines are third-party quotations kept outside the project (Settings.guard_development,
    default ../shared/evidence/dev_clinic_claims.jsonl); they are read as data when present and
    never copied. An empty setting fits without them. English lines only."""
    import json

    import yaml

    split = ROOT / "evals/guard/dev_split.yaml"
    if not path or not Path(path).exists() or not split.exists():
        return []
    fit = set((yaml.safe_load(split.read_text(encoding="utf-8")) or {}).get("fit") or [])
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        (r["text"], DEV_LABELS[r["label"]])
        for r in rows
        if r.get("id") in fit and r.get("language") == "en" and r.get("label") in DEV_LABELS
    ]


class ClaimGuard(ClaimModels):
    """Registry claims matched in sentences, with the sentence's stance (see the module
    docstring; the two models are `ClaimModels`). A sentence asserts when the stance model gives
    `asserts` at least `assert_threshold`: a missed clinic claim costs more than a dropped true
    sentence. The registry's corrections and the assistant's fixed notices (`known_safe`) are
    never assertions."""

    def __init__(
        self,
        claims: list[Claim],
        embedder: Embedder,
        threshold: float = 0.5,
        negatives: list[str] = (),
        negative_vectors: np.ndarray | None = None,
        examples: list[tuple[str, str]] = (),
        assert_threshold: float = 0.3,
        matrix: np.ndarray | None = None,
        known_safe: tuple[str, ...] = (),
        development: list[tuple[str, str]] | None = None,
        core: list[Claim] | None = None,
    ):
        self.threshold = threshold
        self.assert_threshold = assert_threshold
        super().__init__(claims, embedder, matrix)
        self.by_id = {c.id: c for c in claims}
        self._vectors: dict[str, np.ndarray] = {}
        self.own_sentences = {plain(s) for s in [*self.corrections, *known_safe]}
        self._parts: dict[str, QuestionParts] = {}  # questions read, without the spans of no card
        self.ruled_out = [ruled_out_words(c.claim) for c in claims]
        self.claim_words = [set(content_words(normalize_terms(topicless(c.claim)))) for c in claims]
        if claims and len(negatives):
            vectors = negative_vectors if negative_vectors is not None else embedder.encode(list(negatives))
            dev = development or []
            self.fit(list(negatives), vectors, [*examples], dev, core)

    def score(self, sentence: str, vector: np.ndarray) -> tuple[int, float]:
        """(claim index, probability) of the best-matching claim."""
        if not self.wordings:
            return -1, 0.0
        rows = self.features(vector, word_set(sentence))
        probs = self.probabilities(rows)
        i = self.which_claim(rows, probs, self.threshold)
        return i, float(probs[i])

    def _match(self, sentence: str, vector: np.ndarray) -> tuple[int, float, bool]:
        """(claim index, probability, matched in a premise) over the sentence and its stripped
        cores. Which claim is read from the best of each feature over all readings: a core finds
        the claim's own words ("they get results comparable to HSCT"), the sentence keeps what the
        frame held ("MSCs with no chemo"); the best single reading alone picked a neighbour."""
        if not self.wordings:
            return -1, 0.0, False
        claimed = without_debunk(sentence)
        if claimed != sentence:
            [vector] = self._vectors_of([(claimed, False)])
        cores = [(claimed, False), *claim_cores(claimed)]
        vectors = [vector, *self._vectors_of(cores[1:])]
        rows = [self.features(v, word_set(text)) for (text, _), v in zip(cores, vectors, strict=True)]
        best = np.max(np.stack(rows), axis=0)
        reason = self._reason_rows(sentence)
        i = self._testimonial(claimed, best) or self.which_claim(
            best, self.probabilities(best), self.threshold, reason
        )
        # the reason the sentence gives is one more reading of it ("X, so nothing could go wrong")
        readings = [*rows, *([] if reason is None else [reason])]
        probs = [float(self.probabilities(r[i : i + 1])[0]) for r in readings]
        reading = int(np.argmax(probs))
        return i, probs[reading], reading < len(cores) and cores[reading][1]

    def _testimonial(self, sentence: str, best: np.ndarray) -> int | None:
        """A person's own outcome told as a story ("his stem cells cured his MS, so it must work")
        makes the testimonial claim (registry topic `testimonials`), when the match model accepts
        it: the story's words are those of the cure or repair claims it is offered for."""
        if not tells_outcome(sentence):
            return None
        probs = self.probabilities(best)
        told = [
            k for k, c in enumerate(self.claims) if "testimonials" in c.topics and probs[k] >= self.threshold
        ]
        return max(told, key=lambda k: probs[k]) if told else None

    def _reason_rows(self, sentence: str) -> np.ndarray | None:
        """Match features of the reason the sentence gives for its claim (`reason_clause`), which
        help pick among overlapping claims; None when it gives none."""
        reason = reason_clause(sentence)
        if not reason or len(self.claims) < FEW_CLAIMS:
            return None
        [vector] = self._vectors_of([(reason, False)])
        return self.features(vector, word_set(reason))

    def check(self, sentence: str, vector: np.ndarray | None = None) -> GuardResult:
        original, sentence = sentence, CITATION.sub("", sentence).strip()  # [n] is not content
        if vector is None:
            vector = self.embedder.encode([sentence])[0]
        i, score, premise = self._match(sentence, vector)
        if i < 0 or score < self.threshold:
            return GuardResult(original, None, "none", score)
        if plain(sentence) in self.own_sentences:
            return GuardResult(original, self.claims[i], "refutes", score)  # our own correction
        text = sentence.strip()
        if text.endswith("?") or QUESTION_START.search(text) or REQUEST.search(text):
            return GuardResult(original, self.claims[i], "asks", score, premise)
        probs = self.stance_probabilities(sentence, vector, i)
        argues = score >= STRONG_MATCH and bool(CONCLUSION.search(sentence)) and probs[0] >= 0.1
        # An evidential negation or an attribution is strong evidence against asserting, not a
        # veto: the model must be sure ("no side effects, no downtime" still asserts).
        if DENIAL_FIRST.search(sentence) and not DENIES_EVIDENCE.search(self.claims[i].claim):
            # denies it all; a claim that itself denies evidence ("no conclusive evidence links
            # viruses to MS") is asserted by the same opening, so the model decides there
            return GuardResult(original, self.claims[i], "refutes", score, premise)
        if REPORTING.search(sentence) and QUOTED.search(sentence):
            return GuardResult(original, self.claims[i], "reports", score, premise)  # quotes it
        cued = bool(EVIDENTIAL_NEGATION.search(sentence) or REPORTING.search(sentence))
        bar = max(self.assert_threshold, CUED_ASSERT) if cued else self.assert_threshold
        stance = "asserts" if probs[0] >= bar or argues else STANCES[1 + int(np.argmax(probs[1:]))]
        if (
            stance != "asserts"
            and not EVIDENTIAL_NEGATION.search(sentence)
            and self._reason_asserts(sentence, i)
        ):
            # "no rejection because they are immune privileged": the sentence's negation belongs to
            # its conclusion, and the reason it gives states the claim
            stance = "reports" if REPORTING.search(sentence) else "asserts"
        return GuardResult(original, self.claims[i], stance, score, premise)

    def _reason_asserts(self, sentence: str, claim: int) -> bool:
        """Does the reason the sentence gives (`reason_clause`) state the claim on its own?"""
        reason = reason_clause(sentence)
        if not reason or about_the_asker(reason) or len(self.claims) < FEW_CLAIMS:
            return False
        [vector] = self._vectors_of([(reason, False)])
        rows = self.features(vector, word_set(reason))
        probs = self.probabilities(rows)
        if self.which_claim(rows, probs, self.threshold) != claim or probs[claim] < self.threshold:
            return False
        # the reason must read as asserting above all else, not just pass the lenient bar: "because
        # the cells do not survive long" leans to refuting
        stances = self.stance_probabilities(reason, vector, claim)
        return stances[0] >= max(self.assert_threshold, float(stances[1:].max()))

    def _carries_claim(self, sentence: str, vector: np.ndarray, result: GuardResult) -> bool:
        return bool(self.card_reason(sentence, vector, result))

    def card_reason(self, sentence: str, vector: np.ndarray, result: GuardResult) -> str:
        """Why the asker states, quotes or asks about the claim itself, not merely touches its
        topic or tells their own story; '' when they do not ("She is considering treatment
        abroad." names a treatment; "Can cord cells treat MS?" asks for facts: neither states a
        claim, so neither gets a card). The reason names the rule, for evals and debugging."""
        if clinician_says(sentence):
            return ""  # "my doctor said maybe HSCT in 2 years": advice, not a clinic's claim
        if result.premise:
            # "Since X, ...?", not "If I go, ...?" nor "If a treatment costs a lot, ...?"
            conditional = opens_conditional(sentence) or about_the_asker(premise_of(sentence))
            return "" if conditional else "premise"
        claim = self.claims.index(result.claim)
        if result.stance in ("asserts", "reports"):
            # a pasted fragment or "the clinic says X", not the asker's situation; a clinic that
            # offers or sells a treatment says nothing about it unless the match is strong and
            # the sentence names what the claim says ("There are so many clinics offering stem
            # cells for MS." matched the cure claim at 0.99 and names no cure)
            named = TREATMENT.search(sentence) or attributed(sentence) or result.score >= STRONG_MATCH
            offered = only_offered(sentence) and (
                result.score < STRONG_MATCH or not self._names_claim_words(sentence, claim)
            )
            if named and not offered and not tells_own_story(sentence):
                return f"statement ({result.stance})"
        text = sentence.strip()
        if self._clause_asserts(text, claim):
            return "later clause"  # "I'm worried I'm missing out, because clinics there get amazing results"
        if result.stance in ("asserts", "reports"):
            return ""
        named = result.score < STRONG_MATCH  # a weak match needs what was said to name a treatment
        if attributed(text) and not tells_own_story(text) and self._core_asserts(sentence, claim, named):
            # "I'm worried, but the clinic says X": the stance of X, not of the asker's "but"; not
            # "the doctor told me 'six years until you are in a wheelchair'", which is no treatment's
            return "attributed core"
        if TAG_QUESTION.search(text) and not (QUESTION_START.search(text) or REQUEST.search(text)):
            # a statement with a tag: "X, no?", "X - really?"; a strongly matched X that asserts
            # needs no treatment word ("Patient stories prove it works, right?")
            strong = result.score >= STRONG_MATCH and self._core_asserts(sentence, claim)
            return "tag question" if TREATMENT.search(text) or strong else ""
        if declarative(text):  # "X = proven safe?": a statement with a question mark, if it asserts
            # the reason it gives may state the claim ("Since the lab is certified, it must be safe?")
            strong = result.score >= STATED_MATCH or self._reason_asserts(text.rstrip(" ?") + ".", claim)
            stated = (
                strong
                and bool(TREATMENT.search(text))
                and not tells_own_story(text)
                # read as the statement it is: the question mark is a cue against asserting
                and self.assertion_probability(text.rstrip(" ?") + ".", vector, claim)
                >= self.assert_threshold
            )
            return "statement with a question mark" if stated else ""
        if self._core_asserts(sentence, claim):
            return "framed core"  # "The clinic says X, is that true?" / "Is it true that X?"
        asked = result.stance == "asks" and self._asks_about(text, vector, claim)
        return "doubting question" if asked else ""

    def _names_claim_words(self, sentence: str, claim: int) -> bool:
        """Does the sentence use a word of the claim's own, treatments and disease aside?"""
        return bool(set(content_words(normalize_terms(topicless(sentence)))) & self.claim_words[claim])

    def states_content(self, sentence: str, vector: np.ndarray, claim: int) -> bool:
        """Do the asker's words carry what the claim says, not only its topic? The best of the
        sentence and its stripped readings, on meaning (topic taken out) and on the claim's
        distinctive words (see CARD_CONTENT_SIMILARITY)."""
        if len(self.claims) < FEW_CLAIMS:
            return True  # no shared topic to take out: its mean is its claims
        readings = [(sentence, False), *claim_cores(sentence)]
        vectors = [vector, *self._vectors_of(readings[1:])]
        similar = max(float(self.content_similarity(v)[claim]) for v in vectors)
        covered = max(float(self.content_coverage(t)[claim]) for t, _ in readings)
        return similar >= CARD_CONTENT_SIMILARITY and covered >= CARD_COVERAGE

    def content_coverage(self, text: str) -> np.ndarray:
        """Per claim: the share of the text's distinctive words that are the claim's, its
        treatment names (`TREATMENT_NAME`) not counted as the claim's: "Someone in a Facebook
        group told me about HSCT." names the risk claim's treatment and says nothing of it. Nor
        is the disease's name (`DISEASE_NAME`), unless the text tells what happened to someone's
        MS ("stem cells cured her MS"): "They both do HSCT for MS." says nothing of a claim."""
        found = [*TREATMENT_NAME.finditer(text)]
        found += [] if tells_outcome(text) else [*DISEASE_NAME.finditer(text)]
        names = word_set(" ".join(m.group(0) for m in found))
        return self.coverage(word_set(text), names)

    def _core_asserts(self, sentence: str, claim: int, named: bool = False) -> bool:
        """Does a stripped reading of the sentence (frames of attribution or doubt removed) assert
        the claim, about something other than the asker? `named`: the reading must name what a
        clinic sells or certifies (`TREATMENT`), as a statement must."""
        cores = claim_cores(sentence)
        supposed = opens_conditional(sentence)
        return any(
            # a core is a clause cut from a sentence or a pasted fragment: either reading counts
            max(self.assertion_probability(text, v, claim) for text in {core, as_sentence(core)})
            >= self.assert_threshold
            and not about_the_asker(core)
            # a question left after stripping ("will my kids get ms because i", of "..., i have
            # it") and the condition of "If X, ...?" state nothing
            and not re.match(r"\W*" + QUESTION_WORD, core, re.I)
            and not (premise and supposed)
            and not (named and not TREATMENT.search(core))
            for (core, premise), v in zip(cores, self._vectors_of(cores), strict=True)
        )

    def _clause_asserts(self, sentence: str, claim: int) -> bool:
        """Does a later clause of the asker's own story assert the claim about a treatment ("I'm
        worried, because X")? The asker's feelings around it are no claim, X may be."""
        clauses = [(c, False) for c in later_clauses(sentence) if TREATMENT.search(c)]
        for (clause, _), v in zip(clauses, self._vectors_of(clauses), strict=True):
            rows = self.features(v, word_set(clause))
            probs = self.probabilities(rows)
            # the clause on its own must be about this claim, not merely near it
            about = self.which_claim(rows, probs, self.threshold) == claim and probs[claim] >= self.threshold
            if about and self.assertion_probability(clause, v, claim) >= self.assert_threshold:
                return True
        return False

    def _asks_about(self, text: str, vector: np.ndarray, claim: int) -> bool:
        """A yes/no question that says the claim was heard or is doubted ("Do stem cells really
        cure MS?"), worded close to the claim itself: "Am I eligible for HSCT?" is near a claim's
        topic, not its content. In a sentence of several questions, the doubting one must be."""
        heard = heard_questions(text)
        if not heard:
            return False
        own = [(q, False) for q in heard if q != text]
        vectors = [*self._vectors_of(own), *([vector] if len(own) < len(heard) else [])]
        wordings = self.matrix[self.owner_array == claim]
        return any(float((wordings @ v).max()) >= ASKS_ABOUT for v in vectors)

    def _vectors_of(self, cores: list[tuple[str, bool]]) -> list[np.ndarray]:
        """Embeddings of stripped claim cores, remembered (a question's cores are needed twice
        and arrive in the answer's batch, see `in_question`), the missing ones in one batch.
        Read into a local dict first: another thread may clear the memory meanwhile."""
        got = {c: self._vectors.get(c) for c, _ in cores}
        missing = [c for c, v in got.items() if v is None]
        if missing:
            got.update(self._remember(dict(zip(missing, self.embedder.encode(missing), strict=True))))
        return [got[c] for c, _ in cores]

    def _remember(self, vectors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if len(self._vectors) > 512:
            self._vectors.clear()
        self._vectors.update(vectors)
        return vectors

    def check_text(self, text: str) -> list[GuardResult]:
        sentences = split_sentences(text)
        vectors = self.embedder.encode(sentences)
        return [self.check(s, v) for s, v in zip(sentences, vectors, strict=True)]

    def question_texts(self, question: str) -> list[str]:
        """Every text `in_question` embeds for this question (`question_texts` less the spans that
        cannot give a card, see `_read_question`), for the answer's one batch."""
        return list(self._read_question(question).texts)

    def _read_question(self, question: str) -> QuestionParts:
        """The question's parts (`_question_parts`) without the spans that can give no card
        whatever their vectors: a card needs the span or one of its stripped readings to use some
        of the claim's distinctive words (`states_content`: coverage of at least CARD_COVERAGE),
        so a span whose readings reach it for no claim ("We are in Canada.") is neither embedded
        nor checked. Its cores go with it, unless another span has them too."""
        parts = _question_parts(question)
        if len(self.claims) < FEW_CLAIMS:
            return parts  # `states_content` holds for every span
        got = self._parts.get(question)
        if got is None:
            kept = [s for s in (*parts.sentences, *parts.quotes) if self._may_state(s)]
            texts, cores = _texts_of(kept)
            got = QuestionParts(
                tuple(s for s in parts.sentences if s in kept),
                tuple(q for q in parts.quotes if q in kept),
                texts,
                cores,
            )
            if len(self._parts) >= 256:
                self._parts.clear()
            self._parts[question] = got
        return got

    def _may_state(self, span: str) -> bool:
        """Can the span state a claim's content (see `states_content`)? The best coverage of any
        claim by the span or one of its stripped readings reaches CARD_COVERAGE (read with the
        same float conversion as `states_content`)."""
        readings = [span, *(core for core, _ in claim_cores(span))]
        return max(float(self.content_coverage(t).max()) for t in readings) >= CARD_COVERAGE

    def in_question(
        self, question: str, vectors: np.ndarray | None = None, known: Mapping[str, np.ndarray] | None = None
    ) -> list[GuardResult]:
        """Claims the asker states, quotes or asks about, best first, one per claim. Pasted
        fragments count as statements; quoted spans are checked on their own; a plain question
        on a claim's topic ("Am I eligible for HSCT?") carries no claim. `known` holds vectors
        already computed (the answer's one batch holds every text of `question_texts`); `vectors`
        are the sentences' own, in order. Whatever is missing is embedded in one batch."""
        parts = self._read_question(question)
        sentences, quotes = list(parts.sentences), list(parts.quotes)
        known = dict(known or {})
        every = _question_parts(question).sentences  # `vectors` are given for all of them
        if vectors is not None and len(vectors) == len(every):
            known.update(zip(every, vectors, strict=True))
        missing = [t for t in parts.texts if t not in known]
        if missing:
            known.update(zip(missing, self.embedder.encode(missing), strict=True))
        self._remember({c: known[c] for c in parts.cores})
        marked = {(a or b).strip() for a, b in QUOTED.findall(question)}
        marked |= {s for q in marked for s in _quoted_sentences(q)}
        clauses = set(clauses_of(quotes))
        marked |= set(clauses_of(list(marked)))
        found: dict[str, GuardResult] = {}
        for n, s in enumerate([*sentences, *quotes]):
            v = known[s]
            r = self.check(s, v)
            quoted = n >= len(sentences) and s in marked  # in quotation marks: a claim whatever its stance
            if not r.claim or not (quoted or self._carries_claim(s, v, r)):
                continue
            prefixed = s.startswith(SAID_OF_ANY)
            if s in clauses and r.score < CLAUSE_MATCH or prefixed and r.score < PREFIXED_MATCH:
                continue
            if names_a_product(s):
                # for "fat-derived stem cell therapy", quoted or cut from a sentence ("…sent me a
                # package: umbilical cord mesenchymal cells, six IV infusions…"): a name, no claim
                continue
            if not quoted and r.score < ATTRIBUTION_NEEDED and not ATTRIBUTED.search(s):
                continue  # a near match in the asker's own words needs someone who said it
            k = self.claims.index(r.claim)
            if ABSENCE_ITEM.match(s) and not set(content_words(s)) & self.ruled_out[k]:
                continue  # "no waiting lists" from a list of absences: none the claim speaks of
            if not self.states_content(s, v, k) or says_it_happens(s, self.ruled_out[k], self.claim_words[k]):
                continue  # on the claim's topic, not what it says
            if r.claim.id not in found or r.score > found[r.claim.id].score:
                found[r.claim.id] = r
        return sorted(found.values(), key=lambda r: r.score, reverse=True)


# Below this match, a sentence in the asker's own words carries a claim only when it says who
# made it ("They say my own fat cells can't harm me", 0.57): "I read that HSCT wipes out your
# immunity" (0.58) and "Can you have a relapse after HSCT with a clean MRI?" (0.62) had got cards
ATTRIBUTION_NEEDED = 0.65
ATTRIBUTED = re.compile(
    r"\b(?:says?|said|saying|told|tells?|claims?|claimed|claiming|promis\w*|guarantee\w*|according to|"
    r"brochure|website|leaflet|flyer|advert\w*|ads?|posted|wrote|writes|insists?|swears?)\b",
    re.I,
)
PRODUCT_WORDS = frozenset(
    content_words(
        "fat derived fat-derived adipose stem cell cells therapy therapies treatment treatments mesenchymal "
        "umbilical cord msc mscs infusion infusions injection injections protocol programme program "
        "regenerative medicine exosome exosomes hsct ahsct transplant package our their the clinic"
    )
)


def names_a_product(span: str) -> bool:
    """A quoted span that only names what is sold ("fat-derived stem cell therapy")."""
    words = set(content_words(span))
    return bool(words) and words <= PRODUCT_WORDS


# What a claim rules out follows one of these ("while avoiding chemotherapy", "no side effects",
# "cannot harm you", "risk-free"); a span that states the claim says so too ("without the chemo",
# "why go through chemo when…", "instead of a transplant").
ABSENCE = re.compile(
    r"\b(without|avoid\w*|minus|free|instead of|rather than|skip\w*|spar(?:e|es|ing)|no need|"
    r"why (?:go|put \w+) through)\b",
    re.I,
)
RULES_OUT = re.compile(NEGATION.pattern + "|" + ABSENCE.pattern, re.I)
ALIASES = {"chemotherapi": "chemo"}


def ruled_out_words(claim: str) -> frozenset[str]:
    """The content words a claim says are absent: those in the three words after a word that
    rules out ("MSC therapy achieves outcomes comparable to HSCT while avoiding chemotherapy":
    chemotherapy, chemo)."""
    words: set[str] = set()
    for m in RULES_OUT.finditer(claim):
        words |= set(content_words(normalize_terms(" ".join(claim[m.end() :].split()[:3]))))
    return frozenset(words | {ALIASES[w] for w in words if w in ALIASES})


def topicless(text: str) -> str:
    """The text without the names of treatments and of the disease (the topic of every claim)."""
    return DISEASE_NAME.sub(" ", TREATMENT_NAME.sub(" ", text))


def says_it_happens(span: str, ruled_out: frozenset[str], claim_words: set[str] = frozenset()) -> bool:
    """Does the span name what the claim rules out, with nothing ruling it out just before it
    (a plain "not" or "can't" there; "without" or "avoid" anywhere), or "free" just after, and
    none of the claim's other words? "A friend told me the chemo in HSCT can give you cancer
    later" names the chemotherapy that "MSC therapy matches HSCT while avoiding chemotherapy"
    rules out: it says the chemo happens, not the claim. "HSCT without the toxic chemo" says the
    claim, and so does "completely safe, side effects are rare" (the claim's "completely safe")."""
    if not ruled_out or ABSENCE.search(span):  # "…HSCT-level results without it": anywhere
        return False
    words = set(content_words(normalize_terms(topicless(span))))
    if words & (claim_words - ruled_out):
        return False
    tokens = re.findall(r"[a-z0-9']+", normalize_terms(span).lower())
    for i, token in enumerate(tokens):
        if not set(content_words(token)) & ruled_out:
            continue
        before, after = " ".join(tokens[max(0, i - 4) : i]), " ".join(tokens[i + 1 : i + 3])
        if not RULES_OUT.search(before) and not re.search(r"\b(free|less)\b", after):
            return True
    return False


def as_sentence(core: str) -> str:
    """A stripped core with the full stop it lost ("Patient stories prove it works, right?" ->
    "Patient stories prove it works."): without one the stance model reads a pasted fragment."""
    core = core.rstrip(" ,;:?")
    return core if re.search(r"[.!]['\"”’)]*$", core) else core + "."


def question_texts(question: str, cores_only: bool = False) -> list[str]:
    """Every text `ClaimGuard.in_question` embeds for a question (pure text, no model): its
    sentences, quoted spans, their stripped claim cores and doubting yes/no clauses, so a caller
    can embed them with the rest of the answer in one batch. The cores are read as `check`
    reads them (citations out) and as `_carries_claim` does (as written)."""
    parts = _question_parts(question)
    return list(parts.cores if cores_only else parts.texts)


@dataclass(frozen=True)
class QuestionParts:
    sentences: tuple[str, ...]  # the question's sentences
    quotes: tuple[str, ...]  # quoted or pasted spans that are no sentence, and joined follow-ups
    texts: tuple[str, ...]  # everything embedded: sentences, spans and cores
    cores: tuple[str, ...]  # stripped cores, doubting clauses and later clauses


@functools.lru_cache(maxsize=256)
def _question_parts(question: str) -> QuestionParts:
    """The parts of a question, read once per message: the answer's batch (`question_texts`)
    and `in_question` (twice) read the same question, ~3 ms of text rules each time."""
    sentences = split_sentences(question) or [question]
    quoted = [q for q in quoted_spans(question) if q not in sentences]
    # each sentence of a quoted passage may state its own claim ("…rebuild the myelin. 85% of
    # our patients improve."): the whole passage is read as one span, which gives one card
    quoted += [s for q in quoted for s in _quoted_sentences(q) if s not in sentences and s not in quoted]
    # …and each clause of a long pasted sentence may too ("…cells, grown in our FDA-registered lab,
    # to REGENERATE MYELIN": a lab's registration and myelin repair, two cards)
    quoted += [c for c in clauses_of(quoted) if c not in sentences and c not in quoted]
    quotes = [*quoted, *follow_ups(sentences)]
    quotes += reported_parts(sentences)
    return QuestionParts(tuple(sentences), tuple(quotes), *_texts_of([*sentences, *quotes]))


# What a product is said to do to the disease, after "to": "…to regrow myelin"
_PURPOSE_VERBS = r"to\s+(?:reverse|repair|regrow|regenerate|rebuild|restore|heal|cure|stop|halt)"
CLAUSE_BREAK_IN_QUOTE = re.compile(
    r",\s+|;\s+|\s+[-–—]\s+"
    # "…mesenchymal stem cells from our FDA-registered lab": where the cells are made, its own claim
    r"|\s+(?=(?:from|in|at|by)\s+(?:our|an?|the|its|their)\s+(?:[\w-]+\s+){0,2}(?:lab|laboratory|facility)\b)"
    # "…uses lab-grown exosomes to reverse nerve damage and regrow myelin": what it is said to do
    rf"|\s+(?={_PURPOSE_VERBS}\b)",
    re.I,
)
# ...which is a claim in three words too ("…signals that pass through the barrier to rebuild myelin")
PURPOSE = re.compile(rf"^{_PURPOSE_VERBS}\s+(?!itself|themselves|yourself)\w", re.I)
# "No chemotherapy, no rejection, no side effects.": a list of absences, each its own claim
NO_LIST = re.compile(
    r"^\W*(?:(?:no|zero)\s+[\w-]+(?:\s+[\w-]+)?\W*(?:,|&|\band\b)\s*)+(?:no|zero)\s+[\w-]+", re.I
)
LONG_QUOTE = 10  # words: a shorter pasted sentence makes one claim
CLAUSE_MATCH = 0.85  # a clause cut from a pasted sentence gives a card only on a close match
LIST_LEAD = re.compile(r"\s[-–—]\s|:\s")
NO_ITEM = re.compile(r"\s*(?:,|&|\band\b)\s*(?=(?:no|zero)\b)", re.I)


def clauses_of(spans: list[str]) -> list[str]:
    """The clauses of each span (`quoted_clauses`), each read with the longest span that holds it:
    "100% safe – NO rejection…" is one sentence of an advert for cord cells."""
    return [c for q in spans for c in quoted_clauses(q, max((p for p in spans if q in p), key=len))]


@functools.lru_cache(maxsize=1024)
def quoted_clauses(quote: str, passage: str = "") -> tuple[str, ...]:
    """The clauses of one long pasted sentence (LONG_QUOTE words or more), four words or more
    each; none when it has one clause; and the items of a list of absences. Read for the answer's
    batch and again by `in_question`. `passage`: the pasted text the sentence is part of."""
    bare = next((quote[len(p) :] for p in SAID_OF_ANY if quote.startswith(p)), quote)
    # "100% safe – NO rejection, NO chemotherapy, NO hospital stay.": the list after the dash
    bare = LIST_LEAD.split(bare)[-1]
    if NO_LIST.match(bare) and len(split_sentences(bare)) == 1:
        items = [c.strip(" .!&") for c in NO_ITEM.split(bare)]
        return tuple(_with_subject(items, passage or quote, many=True))
    if len(quote.split()) < LONG_QUOTE or len(split_sentences(quote)) > 1:
        return ()
    found = [c.strip(" .!") for c in CLAUSE_BREAK_IN_QUOTE.split(quote)]
    found = [c for c in found if len(c.split()) >= 4 or PURPOSE.match(c)]
    return tuple(_with_subject(found, quote)) if len(found) > 1 else ()


def _quoted_sentences(quote: str) -> list[str]:
    """The sentences of a quoted passage of more than one sentence; none for one sentence."""
    found = split_sentences(quote)
    return _with_subject(found, quote) if len(found) > 1 else []


# A pasted passage that sells something ("Our umbilical cord stem cell protocol has…")
SELLS = re.compile(
    r"\b(?:stem[\s-]+cells?|cells?|therap(?:y|ies)|treatments?|protocols?|mscs?|exosomes?)\b", re.I
)
SHORT_PIECE = 8  # words: "EMA approved." or "with no side effects" says nothing of what alone
OPENING_JOIN = re.compile(r"^(?:and|but|so|which|while|plus)\s+", re.I)
PERSONAL = re.compile(r"\b(?:i|i'm|i've|my|me|she|she's|he|he's|her|his|we're)\b", re.I)
SAID_OF = "Stem cell treatment: "
PREFIXED_MATCH = 0.95  # a short piece read with the subject gives a card only on a very close match
CORD_SAID_OF = "Umbilical cord stem cells: "  # a piece on rejection in a cord advert (`_with_subject`)
SAID_OF_ANY = (SAID_OF, CORD_SAID_OF)
ABSENCE_ITEM = re.compile(rf"^(?:{'|'.join(map(re.escape, SAID_OF_ANY))})(?:no|zero)\b", re.I)
ASKED = re.compile(
    r"^(?:is|are|was|were|do|does|did|can|could|will|would|should|how|what|why|when|who)\b", re.I
)


def _with_subject(pieces: list[str], passage: str, many: bool = False) -> list[str]:
    """Short pieces of a pasted sales passage that name no treatment, read as said of stem cell
    treatment: "…stem cell therapy reverses nerve damage. EMA approved. Fully safe." makes three
    claims about the therapy, and "EMA approved." alone matches none. The plain name, not the
    passage's own ("umbilical cord…"), which would pull every piece towards the cord claims; but a
    piece on rejection or donors is about cells from someone else when the passage sells cord
    cells ("no rejection" of one's own cells is another claim). `many`: the items of one list of
    absences, which need no passage around them to be sales talk."""
    if not SELLS.search(passage) and not many:
        return pieces
    cord = bool(CORD_NAMED.search(passage))
    # …not a piece about a person ("She's 66 with primary progressive MS."), quoted or not
    return [
        p
        if TREATMENT_NAME.search(p) or len(p.split()) >= SHORT_PIECE or ASKED.match(p) or PERSONAL.search(p)
        else f"{CORD_SAID_OF if cord and DONOR_BOUND.search(p) else SAID_OF}{OPENING_JOIN.sub('', p)}"
        for p in pieces
    ]


CORD_NAMED = re.compile(r"\b(?:umbilical|cord)\b", re.I)
DONOR_BOUND = re.compile(r"\breject\w*|\bdonors?\b|\bmatch\w*|\bimmune[- ]privileged\b", re.I)


def _texts_of(spans: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(every text embedded for these spans, their cores), in the order the batch holds them."""
    cores = [core for s in spans for core in _span_cores(s)[0]]
    cores += [q for s in spans for q in _span_cores(s)[1]]  # see `_asks_about`
    cores += [c for s in spans for c in _span_cores(s)[2]]  # `_clause_asserts`
    cores += [r for s in spans for r in _span_cores(s)[3]]  # `_reason_rows`
    return tuple(dict.fromkeys([*spans, *cores])), tuple(dict.fromkeys(cores))


@functools.lru_cache(maxsize=1024)
def _span_cores(span: str) -> tuple[tuple[str, ...], ...]:
    """A span's stripped claim cores (read as written and without citations, as `check` and
    `_carries_claim` read them), its doubting clauses, its later clauses about a treatment and
    the reason it gives (`reason_clause`)."""
    return (
        tuple(core for text in (span, CITATION.sub("", span).strip()) for core, _ in claim_cores(text)),
        tuple(q for q in heard_questions(span) if q != span.strip()),
        tuple(c for c in later_clauses(span) if TREATMENT.search(c)),
        tuple(r for r in [reason_clause(span)] if r),
    )
