"""The claim guard: find registry claims in a sentence and decide the sentence's stance.

Matching. Every claim is represented by its canonical wording and its paraphrases. A small
logistic model (see ClaimGuard) turns a sentence's similarity to each claim's wordings into a
probability; the most probable claim matches when it reaches `claim_threshold`. Attribution and
question frames ("the clinic says ...", "... is that true?") are stripped first and the better
of the two readings counts.

Stance of a matched sentence:
  refutes  it is one of the registry's own corrections
  asks     it is a question or a request ("Is it true that ...?", "Tell me about ...")
  asserts  the stance model (see ClaimGuard) gives `asserts` at least `assert_threshold`, or the
           sentence matches a claim strongly (>= 0.9) and draws a conclusion ("X, so Y")
  refutes / reports / none  otherwise, whichever of the three the stance model prefers
The stance model reads the sentence as a whole against the matched claim: embedding, similarity
to the claim's wordings and to its correction, polarity against the claim (a negation-worded
claim such as "no side effects" is asserted by a sentence that also denies, and contradicted by
one that does not), and surface cues (evidential negation, attribution, hedges, selling words,
caution words, testimonial voice, fragments) as features, never as vetoes.
Question side (`in_question`): a card needs the asker to state, quote or ask about the claim:
statements and pasted fragments that assert it, quoted spans and text after a colon, premises of
leading questions, framed claims ("the clinic says X, true?"), and yes/no questions worded close
to a claim. A plain question on a claim's topic ("Am I eligible for HSCT?") gets none.
`non_english(text)` says when a text is not English: the guard reads English only.
Limits: English surface forms; irony and a debunk split over two sentences can be misread;
hedged assertions ("may cure") count as assertions on purpose, because clinics hedge. Figures:
evals/guard/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .embeddings import Embedder
from .sources import Claim
from .text import CITATION, content_words, split_sentences

QUESTION_START = re.compile(
    r"^\s*(is|are|was|were|do|does|did|can|could|will|would|should|has|have|may|might|"
    r"what|why|how|which|who|where|when)\b|\bis (it|this|that) (true|right|correct|real)\b",
    re.I,
)
EVIDENTIAL_NEGATION = re.compile(
    r"\bno (good |reliable |convincing |solid |strong |published |scientific |clinical |real |"
    r"human |controlled |such |long-term |safety |firm )?(evidence|proof|data|trial|study|studies|"
    r"support)\b"
    r"|\b(not|never|nor) (been |yet |ever )?(shown|proven|proved|demonstrated|established|supported|"
    r"confirmed|backed|approved|tested|reproduced|replicated)\b"
    r"|\b(unproven|unsupported|untrue|false|myth|misleading|incorrect|wrong|not true|not the case|"
    r"no basis|overstate[sd]?|exaggerat\w+|misrepresent\w*|misreport\w*|misquot\w*|debunked|"
    r"unfounded|red flag|warning sign|not evidence|is not proof|isn't proof|not a cure|no cure|nothing in|"
    r"not a status|marketing language|nothing like)\b"
    r"|\b(lacks?|lacking|without) (any )?(good |solid |controlled )?(evidence|proof|data|trials?)\b"
    r"|\b(did|does|do|has|have) not (support|show|confirm|back|prove|demonstrate)\b"
    r"|\b(nobody|no one|no study|no trial|no human study|no researcher)s? (has|have|ever)\b"
    r"|\bthere is no (reason|good reason)\b|\brather than\b|\bin fact\b|\bactually\b"
    r"|\bfailed to\b|\bdid not (find|show|reduce|improve|work)\b|\bonly in (animals|mice|rats)\b",
    re.I,
)
REPORTING = re.compile(
    r"\b(clinic|clinics|clinic's|provider|providers|company|companies|seller|sellers|marketing|"
    r"marketers?|advert\w*|ads?|websites?|sites?|blogs?|articles?|brochures?|leaflets?|flyers?|"
    r"videos?|posts?|pages?|salespeople|salesman|promoters?|testimonials?|some people|they|"
    r"the centre|the center|the doctor there|the founder|the owner)\b[^.?!]{0,60}?"
    r"\b(say|says|said|claim\w*|promis\w*|advertis\w*|market\w*|tell|tells|told|state[sd]?|"
    r"suggest\w*|assert\w*|boast\w*|insist\w*|describe\w*|call|calls|called|explain\w*|"
    r"list|lists|listed|cite|cites|cited|point\w*|pitch\w*|promot\w*|stress\w*|predict\w*|"
    r"present\w*|portray\w*|frame\w*|tout\w*|sell|sells|sold|offer\w*|feature\w*|"
    r"highlight\w*|quote\w*|mention\w*|argue\w*|write|writes|wrote|report\w*|push\w*|"
    r"spin\w*|hype\w*|imply|implies|implied|credit\w*|attribut\w*)\b"
    r"|\b(so-called|according to|is marketed as|are marketed as|is advertised as|are advertised as|"
    r"is promoted as|are promoted as|is pitched as|are pitched as|is sold as|are sold as|"
    r"it is claimed|are claimed|is claimed|claims? that|the claim|this claim|such claims|"
    r"marketing claims?|as if)\b",
    re.I,
)
NEGATION = re.compile(
    r"\b(no|not|never|none|nothing|nowhere|without|cannot|unable|neither|nor|free of|zero|"
    r"fails? to|failed to)\b|n't\b",
    re.I,
)
# Frames around a claim that say who said it or ask about it; stripped before matching so the
# claim itself is compared with the registry ("The clinic says X, is that true?" -> "X").
FRAME_START = re.compile(
    r"^\s*((the|my|a|one|some|their|our|this|that)\s+)?(\w+(?:'s)?\s+){0,2}?"
    r"(clinics?|doctors?|websites?|brochures?|ads?|adverts?|salesperson|centres?|centers?|they|"
    r"someone|people|friends?|groups?|providers?|company)\s+"
    r"(says?|said|claims?|claimed|told me|tells me|tell me|promises?|promised|advertises?|"
    r"advertised|states?|stated|insists?|swears?)\s+(that\s+)?"
    r"|^\s*i\s+(have\s+)?(read|heard|saw|was told|keep hearing|learned)\s+(online\s+|somewhere\s+)?(that\s+)?"
    r"|^\s*(is it (really )?true|is it right|is it correct)\s+(that\s+)?",
    re.I,
)
FRAME_END = re.compile(
    r"\s*([—–-]+|,|;|:)?\s*((is|was) (that|this|it) (really )?(true|right|correct|real|so)|"
    r"(true|right|correct|really)|can (that|this) be (true|right)|should i believe (it|this|that|them)|"
    r"(?:(?:is|are|does|do|did|was|were|has|have|would|will|could|should)(?:n'?t)?|won'?t|can'?t|can)"
    r" (?:it|they|that|there|he|she|we|you)|right)"
    r"\s*[?.!]*\s*$",
    re.I,
)
# The same attribution in the middle of a sentence: "I'm nervous, but the clinic insists X."
FRAME_INSIDE = re.compile(
    r"\b(clinics?|doctors?|websites?|brochures?|adverts?|salesperson|centres?|centers?|provider|"
    r"company|they|he|she)\s+(says?|said|claims?|claimed|told (?:me|her|him|us|them|my \w+)|"
    r"tells (?:me|her|him|us|them)|promised|promises|insists?|insisted|swears?|swore|assured \w+)"
    r"\s+(that\s+)?",
    re.I,
)
QUESTION_WORD = (
    r"(?:why|which|what|how|where|when|who|should|shall|can|could|do|does|did|is|are|will|would|"
    r"isn't|aren't|don't|doesn't|shouldn't|wouldn't|can't|won't|wasn't)\b"
)
# A leading question states its claim as a premise: "Since cord cells can't be rejected, which ...?"
PREMISE = re.compile(
    r"^\s*(?:(?:since|because|given that|given|now that|as|if|seeing that|seeing as)\s+(.{12,}?),\s*"
    r"(?:so\s+)?|(.{12,}?),\s*so\s+)" + QUESTION_WORD,
    re.I,
)
# A claim followed by what the asker means to do about it: "X, so she's booking next month".
CONSEQUENCE = re.compile(r",?\s+(so|and so|which is why|that's why)\s+(i|i'm|she|he|we|they|my)\b.*$", re.I)


def claim_cores(sentence: str) -> list[tuple[str, bool]]:
    """Readings of the sentence without attribution, question or premise frames, each with
    whether it was a premise; empty when nothing was stripped."""
    premise = PREMISE.match(sentence)
    text = next(g for g in premise.groups() if g) if premise else sentence
    inside = FRAME_INSIDE.search(text)
    readings = [text[inside.end() :]] if inside and not FRAME_START.match(text) else []
    readings.append(FRAME_START.sub("", text))
    cores: list[tuple[str, bool]] = []
    for reading in readings:
        for core in (reading, CONSEQUENCE.sub("", reading)):
            core = FRAME_END.sub("", core).strip(" ?.!—–-,")
            if core and core != sentence.strip(" ?.!") and (core, bool(premise)) not in cores:
                cores.append((core, bool(premise)))
    return cores


def claim_core(sentence: str) -> str:
    """The first stripped reading of the sentence (see claim_cores); empty when none."""
    cores = claim_cores(sentence)
    return cores[0][0] if cores else ""


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


def _plain(sentence: str) -> str:
    return " ".join(CITATION.sub("", sentence).lower().split()).rstrip(".")


def _f1(a: set[str], b: set[str]) -> float:
    common = len(a & b)
    if not common:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)


def _negations(text: str) -> int:
    return len(NEGATION.findall(text))


def cue_stance(sentence: str) -> str:
    """asks, refutes or reports when the sentence carries that cue; '' when it carries none."""
    text = sentence.strip()
    if text.endswith("?") or QUESTION_START.search(text):
        return "asks"
    if EVIDENTIAL_NEGATION.search(text):
        return "refutes"
    if REPORTING.search(text):
        return "reports"
    return ""


# A conclusion drawn in the sentence itself ("X, so Y", "Since X, Y"): evidence summaries report
# findings; marketing argues from them. With a strong claim match and no cue, it asserts.
CONCLUSION = re.compile(
    r",\s*so\b|\b(therefore|hence)\b|\b(which|that|this) means\b|^\s*(since|because|as)\b[^,]{8,},", re.I
)
STRONG_MATCH = 0.9
# A denial that governs the whole sentence ("There is no evidence that X", "No study has shown
# X"): its scope is the claim, whatever the claim's wording.
DENIAL_FIRST = re.compile(
    r"^\W*(there is|there's|there are|we have|we found)? ?no (good |reliable |convincing |solid |"
    r"strong |published |scientific |clinical |real |human |controlled )?(evidence|proof|data|"
    r"study|studies|trial|trials)\b|^\W*(nobody|no one|no study|no trial|none of the \w+) (has|have)\b",
    re.I,
)
CUED_ASSERT = 0.8  # assertion probability needed when a refuting or reporting cue is present
HEDGE = re.compile(r"\b(may|might|could|possibly|potentially)\b", re.I)
STUDY = re.compile(
    r"\b(trial|study|studies|meta-analysis|review|cohort|registry|randomi[sz]ed|placebo|pooled|"
    r"participants|guidelines?|recommend\w*|FDA|EMA|CDC|warn\w*|reported|found)\b",
    re.I,
)
PERSONAL = re.compile(r"\b(our|we|my|i|i'm|you|your|you'll)\b", re.I)


CONTRAST_START = re.compile(r"^\W*(but|however|yet|still|although|though|while|whereas)\b", re.I)
# Clinic register: selling voice, proof words, superlatives, testimonial first person.
SELLING = re.compile(
    r"\b(we|our|us|ours|proven|proved|proves|guarantee\w*|breakthrough\w*|miracle|remarkable|"
    r"profound|amazing|incredible|unique|revolutionary|innovative|cutting-edge|advanced|"
    r"best|safest|effective\w*|success\w*|results?|hope|life-changing|transform\w*|restor\w*|"
    r"regenerat\w*|heal\w*|cure[sd]?|revers\w*|improve\w*|rate)\b",
    re.I,
)
CAUTION = re.compile(
    r"\b(experimental|uncontrolled|small|pilot|phase|larger|confirm\w*|caution\w*|risks?|"
    r"harm\w*|deaths?|died|adverse|serious|infections?|warn\w*|unapproved|unlicensed|"
    r"unregulated|should|only|limited|uncertain|unclear|further|more research)\b",
    re.I,
)
TESTIMONIAL = re.compile(
    r"^\W*(i|i'm|i've|my|we|after (my|undergoing|having))\b|\bi (can|could|felt|feel|am)\b", re.I
)


def cue_features(text: str) -> list[float]:
    """Surface cues the stance model reads next to the embedding: features, never vetoes."""
    stripped = text.strip()
    flags = [
        bool(EVIDENTIAL_NEGATION.search(text)),
        bool(REPORTING.search(text)),
        min(len(NEGATION.findall(text)), 2) / 2,
        stripped.endswith("?") or bool(QUESTION_START.search(text)),
        bool(HEDGE.search(text)),
        bool(re.search(r"\d", text)),
        min(len(STUDY.findall(text)), 3) / 3,
        bool(PERSONAL.search(text)),
        min(len(SELLING.findall(text)), 3) / 3,
        min(len(CAUTION.findall(text)), 3) / 3,
        bool(CONTRAST_START.search(text)),
        bool(TESTIMONIAL.search(text)),
        bool(CONCLUSION.search(text)),
        "%" in text or bool(re.search(r"\bper ?cent\b", text, re.I)),
        not re.search(r"[.!?]['\"”’)]*$", stripped),  # heading, bullet or pasted fragment
        "!" in text,
        min(len(content_words(text)), 20) / 20,
    ]
    return [3.0 * float(f) for f in flags]


# Frequent function words of the languages clinic pages come in; a text whose letters are mostly
# outside the Latin alphabet, or whose function words are mostly not English, is not English.
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "is",
        "are",
        "in",
        "that",
        "with",
        "for",
        "it",
        "this",
        "be",
        "was",
        "were",
        "by",
        "on",
        "as",
        "or",
        "can",
        "from",
        "have",
        "has",
        "not",
        "your",
        "you",
        "our",
        "we",
        "they",
        "their",
        "these",
        "those",
        "which",
        "will",
        "may",
        "been",
        "into",
        "after",
        "more",
        "most",
        "all",
        "any",
    ]
)
FOREIGN_WORDS = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "del",
        "que",
        "y",
        "en",
        "con",
        "por",
        "para",
        "es",
        "una",
        "un",
        "se",
        "al",
        "lo",
        "como",
        "más",
        "pero",
        "muy",
        "su",
        "sus",
        "esta",
        "este",
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "mit",
        "den",
        "dem",
        "ein",
        "eine",
        "sich",
        "alle",
        "wieder",
        "zu",
        "von",
        "auf",
        "für",
        "auch",
        "wird",
        "sind",
        "le",
        "les",
        "des",
        "est",
        "et",
        "une",
        "du",
        "il",
        "pas",
        "sur",
        "dans",
        "ce",
        "qui",
        "sont",
        "au",
        "aux",
        "pour",
        "avec",
        "il",
        "di",
        "che",
        "e",
        "per",
        "nel",
        "della",
        "delle",
        "sono",
        "più",
        "casi",
        "anche",
        "degli",
        "gli",
        "dei",
        "o",
        "os",
        "da",
        "não",
        "em",
        "uma",
        "um",
        "neste",
        "ainda",
        "tem",
        "ao",
        "na",
        "gegen",
        "bei",
        "als",
        "nach",
        "noch",
        "nur",
        "oder",
        "aber",
        "wie",
        "bis",
        "sehr",
    ]
)


def non_english(text: str) -> bool:
    """True when the text is not English: the guard reads English only, so the flow can say so."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    latin = sum(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters)
    if latin / len(letters) < 0.6:
        return True
    words = re.findall(r"[^\W\d_]+", text.lower())
    english = sum(w in ENGLISH_WORDS for w in words)
    foreign = sum(w in FOREIGN_WORDS and w not in ENGLISH_WORDS for w in words)
    accented = sum(not ch.isascii() for ch in letters)
    return foreign + min(accented, 2) >= 2 and foreign + min(accented, 2) > 2 * english


STANCES = ("asserts", "refutes", "reports", "none")
DEV_LABELS = {
    "assert": "asserts",
    "refute": "refutes",
    "report": "reports",
    "evidence": "none",
    "neutral": "none",
}
EXAMPLE_LABELS = {
    "asserts": "asserts",
    "refutes": "refutes",
    "reports": "reports",
    "evidence": "none",
    "unrelated": "none",
}
ROOT = Path(__file__).resolve().parents[1]
ASKS_ABOUT = 0.7  # cosine to a claim wording at which a yes/no question asks about the claim
YES_NO = re.compile(
    r"^\s*(is|are|was|were|do|does|did|can|could|will|would|has|have|may|might|isn't|aren't|don't|"
    r"doesn't|won't|can't)\b",
    re.I,
)
REQUEST = re.compile(
    r"^\s*(tell me|explain|describe|help me understand|i (want|would like|'d like) to know)\b", re.I
)
QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]{12,}?)[\"“”«»]|(?<!\w)'([^']{12,}?)'(?!\w)")


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


AUXILIARY = re.compile(
    r"\b(is|are|was|were|can|will|would|could|should|has|have|does|do|did|may|might|must)\b(?! not)", re.I
)
FIRST_NEGATION = re.compile(r"\b(no|not|never|without|zero)\s+|n't\b|\bcannot\b", re.I)


def denied(text: str) -> set[str]:
    """Content words within the four words after a negation: what the text denies."""
    out: set[str] = set()
    for match in NEGATION.finditer(text):
        out |= set(content_words(" ".join(text[match.end() :].split()[:4])))
    return out


def conflicts(a: str, b: str) -> bool:
    """Does one text deny what the other states? ("MSCs did not reduce lesions" against "MSCs
    reduce lesions"); a negation about something else is no conflict."""
    return bool(denied(a) & set(content_words(b))) != bool(denied(b) & set(content_words(a)))


def contradiction(wording: str) -> str:
    """A plain contradiction of a claim wording, made by flipping its first negation or adding
    one after its first auxiliary verb; '' when neither applies. Training data for the stance
    model: a correct "X does not Y" must not read as the claim "X does Y"."""
    early = len(" ".join(wording.split()[:7]))  # the main clause, not a relative one
    negation = FIRST_NEGATION.search(wording)
    if NEGATION.search(wording):
        if not negation or negation.start() > early or re.match(r"\s*longer", wording[negation.end() :]):
            return ""
        word = negation.group(0).lower()
        return " ".join(
            (
                wording[: negation.start()] + ("can" if word == "cannot" else "") + wording[negation.end() :]
            ).split()
        )
    aux = AUXILIARY.search(wording)
    if not aux or aux.start() > early:
        return ""
    verb = aux.group(1)
    return (
        wording[: aux.start()] + ("cannot" if verb.lower() == "can" else f"{verb} not") + wording[aux.end() :]
    )


def quoted_spans(text: str) -> list[str]:
    """Spans the asker put in quotation marks or after a colon ("What about this: X"): pasted
    clinic wording, checked as statements on their own."""
    quoted = [a or b for a, b in QUOTED.findall(text)]
    pasted = [part.split("?")[0] for part in re.split(r":\s+", text)[1:]]
    return [s.strip() for s in [*quoted, *pasted] if len(s.split()) >= 3]


class ClaimGuard:
    """Registry claims, and two small logistic models fitted when the guard is built.

    The match model says whether a sentence is about a registry claim. It reads four features of
    the sentence against each claim: the best and the mean of the two best cosine similarities
    to the claim's wordings, the similarity to the claim's centroid, and the best content-word F1.
    Positives are the registry's wordings scored against the claim's other wordings (leave one
    out) and the claim-bearing tuning sentences; negatives are library sentences without refuting
    or reporting cues and the tuning and development lines labelled evidence or unrelated.

    The stance model reads the sentence as a whole against the matched claim: the sentence
    embedding, its similarity to the claim's wordings and to the claim's correction, whether the
    claim itself is worded as a negation ("no side effects") next to the sentence's negations, and
    the surface cues of `cue_features` (features, not vetoes). It is a four-way logistic model
    (asserts, refutes, reports, none) fitted on the registry's wordings (asserts), its corrections
    (refutes), library sentences (none, or refutes / reports when they carry those cues), the
    tuning examples and the fit part of the real clinic lines. A sentence asserts when the model
    gives `asserts` at least `assert_threshold`: a missed clinic claim costs more than a dropped
    true sentence. The held-out splits are never used.
    """

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
    ):
        self.claims = claims
        self.embedder = embedder
        self.threshold = threshold
        self.assert_threshold = assert_threshold
        self.wordings: list[str] = []
        self.owner: list[int] = []
        for i, claim in enumerate(claims):
            for text in (claim.claim, *claim.paraphrases):
                self.wordings.append(text)
                self.owner.append(i)
        self.owner_array = np.asarray(self.owner, dtype=int)
        width = max((self.owner.count(i) for i in range(len(claims))), default=1)
        self.grid = np.full((len(claims), width), len(self.owner), dtype=int)
        for i in range(len(claims)):
            members = np.flatnonzero(self.owner_array == i)
            self.grid[i, : len(members)] = members
        self.matrix = matrix if matrix is not None else embedder.encode(self.wordings)
        self.words = [set(content_words(w)) for w in self.wordings]
        self.sums = np.zeros((len(claims), self.matrix.shape[1]), dtype=np.float32)
        np.add.at(self.sums, self.owner_array, self.matrix)
        self.by_id = {c.id: c for c in claims}
        self.claim_negated = np.asarray([bool(NEGATION.search(c.claim)) for c in claims], dtype=np.float32)
        self._vectors: dict[str, np.ndarray] = {}
        # The registry's corrections and the assistant's fixed notices are never assertions.
        self.corrections = [s for c in claims for s in split_sentences(c.correction)]
        self.correction_owner = np.asarray(
            [i for i, c in enumerate(claims) for _ in split_sentences(c.correction)], dtype=int
        )
        self._correction_matrix: np.ndarray | None = None
        self.own_sentences = {_plain(s) for s in [*self.corrections, *known_safe]}
        self.weights = np.asarray([4.0, 4.0, 4.0, 2.0], dtype=np.float32)
        self.bias = -10.0  # replaced by fit(); a usable default for a registry without negatives
        self.stance_weights: np.ndarray | None = None  # classes x features
        self.stance_bias = np.zeros(len(STANCES), dtype=np.float32)
        if claims and len(negatives):
            vectors = negative_vectors if negative_vectors is not None else embedder.encode(list(negatives))
            dev = development or []
            self.fit(list(negatives), vectors, [*examples], dev)

    @property
    def correction_matrix(self) -> np.ndarray:
        if self._correction_matrix is None:
            self._correction_matrix = self.embedder.encode(self.corrections)
        return self._correction_matrix

    # -- features and models ----------------------------------------------------------
    def features(self, vector: np.ndarray, words: set[str], leave_out: int = -1) -> np.ndarray:
        """One row per claim: [best cos, mean of two best cos, centroid cos, best word F1]."""
        sims = np.append(self.matrix @ vector, -1.0)  # the extra slot pads short claims
        lex = np.asarray([*(_f1(words, w) for w in self.words), 0.0], dtype=np.float32)
        sums = self.sums
        if leave_out >= 0:
            sums = sums.copy()
            sums[self.owner[leave_out]] -= self.matrix[leave_out]
            sims[leave_out], lex[leave_out] = -1.0, 0.0
        grid = sims[self.grid]  # claims x wordings, padded with -1
        top2 = -np.partition(-grid, 1, axis=1)[:, :2]
        norms = np.linalg.norm(sums, axis=1) + 1e-9
        return np.column_stack(
            [top2[:, 0], top2.mean(axis=1), (sums @ vector) / norms, lex[self.grid].max(axis=1)]
        ).astype(np.float32)

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(rows @ self.weights + self.bias)))

    def stance_features(self, text: str, vector: np.ndarray, claim: int, leave_out: int = -1) -> np.ndarray:
        """The sentence against claim `claim`: embedding, claim and correction similarity, the
        claim's own negation next to the sentence's, and the surface cues."""
        sims = self.matrix @ vector
        if leave_out >= 0:
            sims[leave_out] = -1.0
        members = np.flatnonzero(self.owner_array == claim)
        nearest = int(members[np.argmax(sims[members])]) if members.size else -1
        to_claim = float(sims[nearest]) if members.size else 0.0
        corr = self.correction_matrix[self.correction_owner == claim] @ vector
        to_correction = float(corr.max()) if corr.size else 0.0
        negations = min(len(NEGATION.findall(text)), 2) / 2
        negated = float(self.claim_negated[claim])
        # Polarity against the claim: "cord cells can be rejected" is close to "cord cells can't
        # be rejected" and says the opposite; "no rejection, ever" agrees with it.
        wordings = [self.claims[claim].claim] + ([self.wordings[nearest]] if nearest >= 0 else [])
        flips = float(np.mean([conflicts(text, w) for w in wordings]))
        extra = [
            to_claim,
            to_correction,
            3.0 * (to_claim - to_correction),
            3.0 * negations * (1 - negated),
            3.0 * negations * negated,
            3.0 * flips,
            3.0 * flips * max(to_claim, 0.0),
        ]
        return np.concatenate([vector, np.asarray(extra + cue_features(text), dtype=np.float32)])

    def best_claim(self, text: str, vector: np.ndarray) -> int:
        return int(np.argmax(self.probabilities(self.features(vector, set(content_words(text))))))

    def fit(self, negatives: list[str], negative_vectors: np.ndarray, examples=(), development=()) -> None:
        from sklearn.linear_model import LogisticRegression

        labelled = [(t, EXAMPLE_LABELS[label], 3.0) for t, label in examples if label in EXAMPLE_LABELS]
        labelled += [(t, label, 3.0) for t, label in development]
        ex_vectors = self.embedder.encode([t for t, _, _ in labelled]) if labelled else np.zeros((0, 1))

        X, y = [], []
        for j, vector in enumerate(self.matrix):
            X.append(self.features(vector, self.words[j], leave_out=j)[self.owner[j]])
            y.append(1)
        for text, vector in zip(negatives, negative_vectors, strict=True):
            if EVIDENTIAL_NEGATION.search(text) or REPORTING.search(text):
                continue  # such sentences may well name a claim in order to refute it
            rows = self.features(vector, set(content_words(text)))
            X.append(rows[int(np.argmax(rows[:, 0]))])
            y.append(0)
        for (text, label, _), vector in zip(labelled, ex_vectors, strict=True):
            rows = self.features(vector, set(content_words(text)))
            X.append(rows[int(np.argmax(rows[:, 0]))])
            y.append(int(label != "none"))  # clinic lines and their debunks are about a claim
        match = LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000)
        match.fit(np.asarray(X), np.asarray(y))
        self.weights = match.coef_[0].astype(np.float32)
        self.bias = float(match.intercept_[0])

        rows, labels, weights = [], [], []
        for j, vector in enumerate(self.matrix):
            rows.append(self.stance_features(self.wordings[j], vector, self.owner[j], leave_out=j))
            labels.append("asserts")
            weights.append(1.0)
        flipped = [(contradiction(w), self.owner[j]) for j, w in enumerate(self.wordings)]
        flipped = [(t, o) for t, o in flipped if t]
        for (text, owner), vector in zip(flipped, self.embedder.encode([t for t, _ in flipped]), strict=True):
            rows.append(self.stance_features(text, vector, owner))
            labels.append("refutes")
            weights.append(1.0)
        for text, vector, owner in zip(
            self.corrections, self.correction_matrix, self.correction_owner, strict=True
        ):
            rows.append(self.stance_features(text, vector, int(owner)))
            labels.append("refutes")
            weights.append(1.0)
        for text, vector in zip(negatives, negative_vectors, strict=True):
            rows.append(self.stance_features(text, vector, self.best_claim(text, vector)))
            cue = (
                "refutes" if EVIDENTIAL_NEGATION.search(text) else "reports" if REPORTING.search(text) else ""
            )
            labels.append(cue or "none")
            weights.append(0.5)  # weak labels from cues
        for (text, label, weight), vector in zip(labelled, ex_vectors, strict=True):
            rows.append(self.stance_features(text, vector, self.best_claim(text, vector)))
            labels.append(label)
            weights.append(weight)
        model = LogisticRegression(C=0.5, class_weight="balanced", max_iter=4000)
        model.fit(np.asarray(rows), labels, sample_weight=weights)
        order = [list(model.classes_).index(s) for s in STANCES]
        self.stance_weights = model.coef_[order].astype(np.float32)
        self.stance_bias = model.intercept_[order].astype(np.float32)

    def stance_probabilities(self, sentence: str, vector: np.ndarray, claim: int | None = None) -> np.ndarray:
        """Probabilities of asserts, refutes, reports, none for the sentence against the claim."""
        if self.stance_weights is None:
            return np.asarray([1.0, 0.0, 0.0, 0.0])  # no model: a matched sentence asserts
        claim = self.best_claim(sentence, vector) if claim is None else claim
        logits = self.stance_weights @ self.stance_features(sentence, vector, claim) + self.stance_bias
        e = np.exp(logits - logits.max())
        return e / e.sum()

    def assertion_probability(self, sentence: str, vector: np.ndarray, claim: int | None = None) -> float:
        return float(self.stance_probabilities(sentence, vector, claim)[0])

    # -- a fitted guard is saved next to the index, so serving starts without refitting ---
    def save(self, path: Path) -> None:
        np.savez(
            path,
            matrix=self.matrix,
            weights=self.weights,
            bias=self.bias,
            stance_weights=self.stance_weights if self.stance_weights is not None else np.zeros(0),
            stance_bias=self.stance_bias,
            correction_matrix=self.correction_matrix,
        )

    def load(self, path: Path) -> None:
        with np.load(path) as data:
            self.weights, self.bias = data["weights"], float(data["bias"])
            if "stance_weights" not in data or "correction_matrix" not in data:
                raise ValueError(f"{path}: a guard cache from before the stance model; fit again")
            sw = data["stance_weights"]
            self.stance_weights = sw if sw.size else None
            self.stance_bias = data["stance_bias"]
            if len(data["correction_matrix"]) == len(self.corrections):
                self._correction_matrix = data["correction_matrix"]

    # -- matching ---------------------------------------------------------------------
    def score(self, sentence: str, vector: np.ndarray) -> tuple[int, float]:
        """(claim index, probability) of the best-matching claim."""
        if not self.wordings:
            return -1, 0.0
        rows = self.features(vector, set(content_words(sentence)))
        probs = self.probabilities(rows)
        # Which claim: the closest wording among the claims the model accepts (the probability
        # says whether any claim is meant; the nearest wording says which one).
        accepted = np.flatnonzero(probs >= self.threshold)
        i = int(accepted[np.argmax(rows[accepted, 0])]) if len(accepted) else int(np.argmax(probs))
        return i, float(probs[i])

    def check(self, sentence: str, vector: np.ndarray | None = None) -> GuardResult:
        original, sentence = sentence, CITATION.sub("", sentence).strip()  # [n] is not content
        if vector is None:
            vector = self.embedder.encode([sentence])[0]
        i, score = self.score(sentence, vector)
        premise = False
        cores = claim_cores(sentence)
        for (core, in_premise), core_vector in zip(cores, self._vectors_of(cores), strict=True):
            ci, cscore = self.score(core, core_vector)
            if cscore > score:
                i, score, premise = ci, cscore, in_premise
        if i < 0 or score < self.threshold:
            return GuardResult(original, None, "none", score)
        if _plain(sentence) in self.own_sentences:
            return GuardResult(original, self.claims[i], "refutes", score)  # our own correction
        text = sentence.strip()
        if text.endswith("?") or QUESTION_START.search(text) or REQUEST.search(text):
            return GuardResult(original, self.claims[i], "asks", score, premise)
        probs = self.stance_probabilities(sentence, vector, i)
        argues = score >= STRONG_MATCH and bool(CONCLUSION.search(sentence)) and probs[0] >= 0.1
        # An evidential negation or an attribution is strong evidence against asserting, not a
        # veto: the model must be sure ("no side effects, no downtime" still asserts).
        if DENIAL_FIRST.search(sentence):
            return GuardResult(original, self.claims[i], "refutes", score, premise)  # denies it all
        if REPORTING.search(sentence) and QUOTED.search(sentence):
            return GuardResult(original, self.claims[i], "reports", score, premise)  # quotes it
        cued = bool(EVIDENTIAL_NEGATION.search(sentence) or REPORTING.search(sentence))
        bar = max(self.assert_threshold, CUED_ASSERT) if cued else self.assert_threshold
        stance = "asserts" if probs[0] >= bar or argues else STANCES[1 + int(np.argmax(probs[1:]))]
        return GuardResult(original, self.claims[i], stance, score, premise)

    def _carries_claim(self, sentence: str, vector: np.ndarray, result: GuardResult) -> bool:
        """Does the asker state or ask about the claim itself, not merely touch its topic?"""
        if result.premise or result.stance in ("asserts", "reports"):
            return True  # "Since X, ...?", a pasted fragment, "the clinic says X"
        claim = self.claims.index(result.claim)
        cores = claim_cores(sentence)
        if any(
            self.assertion_probability(core, v, claim) >= self.assert_threshold
            for (core, _), v in zip(cores, self._vectors_of(cores), strict=True)
        ):
            return True  # "The clinic says X, is that true?" / "Is it true that X?"
        # A question asks about the claim when it is worded close to the claim itself ("Do stem
        # cells cure MS?"); "Am I eligible for HSCT?" is near a claim's topic, not its content.
        closest = float((self.matrix[self.owner_array == claim] @ vector).max())
        text = sentence.strip()
        return result.stance == "asks" and bool(YES_NO.search(text)) and closest >= ASKS_ABOUT

    def _vectors_of(self, cores: list[tuple[str, bool]]) -> list[np.ndarray]:
        """Embeddings of stripped claim cores, remembered (a question's cores are needed twice)
        and computed in one batch."""
        missing = list(dict.fromkeys(c for c, _ in cores if c not in self._vectors))
        if missing:
            if len(self._vectors) > 512:
                self._vectors.clear()
            self._vectors.update(zip(missing, self.embedder.encode(missing), strict=True))
        return [self._vectors[c] for c, _ in cores]

    def check_text(self, text: str) -> list[GuardResult]:
        sentences = split_sentences(text)
        vectors = self.embedder.encode(sentences)
        return [self.check(s, v) for s, v in zip(sentences, vectors, strict=True)]

    def in_question(self, question: str, vectors: np.ndarray | None = None) -> list[GuardResult]:
        """Claims the asker states, quotes or asks about, best first, one per claim. Pasted
        fragments count as statements; quoted spans are checked on their own; a plain question
        on a claim's topic ("Am I eligible for HSCT?") carries no claim."""
        sentences = split_sentences(question) or [question]
        if vectors is None or len(vectors) != len(sentences):
            vectors = self.embedder.encode(sentences)
        quotes = [q for q in quoted_spans(question) if q not in sentences]
        marked = {(a or b).strip() for a, b in QUOTED.findall(question)}
        pairs = [
            *zip(sentences, vectors, strict=True),
            *zip(quotes, self._vectors_of([(q, False) for q in quotes]), strict=True),
        ]
        found: dict[str, GuardResult] = {}
        for n, (s, v) in enumerate(pairs):
            r = self.check(s, v)
            quoted = n >= len(sentences) and s in marked  # in quotation marks: a claim whatever its stance
            if not r.claim or not (quoted or self._carries_claim(s, v, r)):
                continue
            if r.claim.id not in found or r.score > found[r.claim.id].score:
                found[r.claim.id] = r
        return sorted(found.values(), key=lambda r: r.score, reverse=True)
