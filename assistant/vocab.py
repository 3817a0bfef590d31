"""One vocabulary for the whole project: every closed set of words is an enum here, with one table.

Enums are `StrEnum`, so a value compares equal to its plain string ("patient" == Mode.PATIENT)
and JSON, YAML and Gradio see ordinary strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Mode(StrEnum):
    PATIENT = "patient"  # patients and families: plain answers
    STAFF = "staff"  # support staff: a reply draft to edit and send


class Stance(StrEnum):
    """What a sentence does with a clinic claim it matches."""

    ASSERTS = "asserts"
    ASKS = "asks"
    REPORTS = "reports"
    REFUTES = "refutes"
    NONE = "none"


class DeclineReason(StrEnum):
    """Why a request is declined before any search (assistant/flow/scope.py)."""

    INSTRUCTION = "instruction"
    PERSONAL_ADVICE = "personal-advice"
    LIVE_INFO = "live-info"
    OTHER_CONDITION = "other-condition"
    NOT_COVERED = "not-covered"  # nothing in the library is close enough (abstention)


class BlockKind(StrEnum):
    """The typed pieces an answer streams as (see docs in assistant/models.py `Block`)."""

    URGENT = "urgent"  # urgent-care notice, always first
    CARD = "card"  # a claim card: the claim, the verdict, what the evidence shows
    LEAD = "lead"  # a short heading for one ask when a message has several
    ANSWER = "answer"  # cited, verified sentences
    NOT_COVERED = "not_covered"  # what the library does not cover for this ask
    CONTEXT = "context"  # sentences tailored to the person's stated situation
    NEXT_STEP = "next_step"  # what to ask the neurologist, MS team or clinic
    DECLINE = "decline"  # a request out of scope, with the reason
    ABSTAIN = "abstain"  # nothing in the library answers this
    NOTICE = "notice"  # a notice the reader must see (question cut, model down, …)
    REMINDER = "reminder"  # "general information, not medical advice"


class NoticeCode(StrEnum):
    """Codes of the warnings an Answer carries; the page shows those with `reader=True`."""

    CUT = "question-cut"
    NOT_ENGLISH = "not-english"
    INSTRUCTIONS_IGNORED = "instructions-ignored"
    LLM_FAILED = "llm-failed"
    LLM_UNVERIFIED = "llm-unverified"
    URGENT = "urgent"
    DECLINED = "declined"
    DROPPED = "sentences-dropped"


READER_NOTICES = frozenset(
    {NoticeCode.CUT, NoticeCode.NOT_ENGLISH, NoticeCode.LLM_FAILED, NoticeCode.LLM_UNVERIFIED}
)


class Verdict(StrEnum):
    FALSE = "false"
    MISLEADING = "misleading"
    UNSUPPORTED = "unsupported"
    PARTLY_SUPPORTED = "partly-supported"


@dataclass(frozen=True)
class VerdictText:
    label: str  # the badge on a card
    verdict: str  # the card's sentence after the claim
    draft: str  # the staff draft's "In short, …"


VERDICTS: dict[Verdict, VerdictText] = {
    Verdict.FALSE: VerdictText("False", "The evidence shows this is false.", "this is not true"),
    Verdict.MISLEADING: VerdictText("Misleading", "This claim is misleading.", "this is misleading"),
    Verdict.UNSUPPORTED: VerdictText(
        "Not supported by evidence",
        "Good evidence does not back this claim.",
        "good evidence does not back this",
    ),
    Verdict.PARTLY_SUPPORTED: VerdictText(
        "Only partly supported",
        "This claim is only partly right.",
        "this is only partly supported by the evidence",
    ),
}


class EvidenceType(StrEnum):
    RCT = "rct"
    META_ANALYSIS = "meta-analysis"
    COHORT = "cohort"
    TRIAL = "trial"
    CASE_REPORT = "case-report"
    GUIDELINE = "guideline"
    REGULATOR = "regulator"
    SOCIETY = "society"
    REVIEW = "review"
    LAB_ANIMAL = "lab-animal"
    REGISTRATION = "registration"
    PROTOCOL = "protocol"


@dataclass(frozen=True)
class EvidenceInfo:
    label: str  # shown on source badges
    prior: float  # retrieval tie-breaker: stronger evidence first (see README)


EVIDENCE: dict[EvidenceType, EvidenceInfo] = {
    EvidenceType.GUIDELINE: EvidenceInfo("Guideline", 1.0),
    EvidenceType.META_ANALYSIS: EvidenceInfo("Meta-analysis", 1.0),
    EvidenceType.RCT: EvidenceInfo("Randomised trial", 0.8),
    EvidenceType.REGULATOR: EvidenceInfo("Regulator", 0.6),
    EvidenceType.SOCIETY: EvidenceInfo("MS society", 0.6),
    EvidenceType.COHORT: EvidenceInfo("Cohort study", 0.4),
    EvidenceType.TRIAL: EvidenceInfo("Clinical trial", 0.4),
    EvidenceType.REVIEW: EvidenceInfo("Review", 0.2),
    EvidenceType.PROTOCOL: EvidenceInfo("Trial protocol", 0.2),
    EvidenceType.REGISTRATION: EvidenceInfo("Trial registration", 0.2),
    EvidenceType.CASE_REPORT: EvidenceInfo("Case report", 0.0),
    EvidenceType.LAB_ANIMAL: EvidenceInfo("Lab or animal study", 0.0),
}


def evidence_prior(kind: str) -> float:
    try:
        return EVIDENCE[EvidenceType(kind)].prior
    except ValueError:
        return 0.0


def evidence_label(kind: str) -> str:
    try:
        return EVIDENCE[EvidenceType(kind)].label
    except ValueError:
        return kind.replace("-", " ").capitalize() or "Source"
