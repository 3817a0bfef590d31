"""Every fixed text the assistant writes itself, in one place.

None of these is a claim or a cited statement: the guard treats them as known-safe and the evals
leave them out of the answer sentences they score.
"""

from __future__ import annotations

import re

from ..models import Notice
from ..vocab import VERDICTS, DeclineReason, NoticeCode, Verdict

REMINDER = (
    "This is general information, not medical advice: please talk to your MS team about your own situation."
)
URGENT = re.compile(
    r"\b(suicid\w*|kill myself|can'?t breathe|cannot breathe|chest pain|stroke|seizure|"
    # breathing trouble, in the words people use for it
    r"(can'?t|cannot|couldn'?t) (get|catch) (her|his|my|their) breath|short(ness)? of breath|"
    r"(struggling|trouble|difficulty) (to )?breath\w*|chest (is |feels |felt )?(so |very )?tight\w*|"
    r"tight(ness)? (in )?(her|his|my|the) chest|"
    r"emergency|sudden(ly)? (lost|loss|blind\w*|weak\w*|numb\w*|paraly\w*)|lost (my )?(sight|vision)|"
    r"high fever|fever after|bleeding|unconscious|collapsed?|"
    # stroke signs and a fever in someone whose immune system a transplant has just wiped out
    r"(face|mouth|smile) (is |was )?droop\w*|droop\w* (face|mouth)|slurr\w*|"
    r"(temperature|fever|temp) (of |is |was )?(3[89]|4[0-2])([.,]\d)?|(3[89]|4[0-2])([.,]\d)? ?°|"
    r"(3[89]|4[0-2])([.,]\d)? ?(c |degrees? )?(fever|temperature|temp)|"  # "I got 38 fever"
    # the same in Fahrenheit (100.4 F is 38 C)
    r"(temperature|fever|temp) (of |is |was )?(100([.,]\d)?|10[1-7]([.,]\d)?) ?(°|degrees|f\b))\b",
    re.I,
)
# Weeks after the chemotherapy of a transplant, shivers or a new cough may be an infection while
# the immune system is still low; after cells injected into the spine or a vein, a fever or a stiff
# neck may be an infection or meningitis (the harms the case reports describe). Urgent there,
# though not in a message about MS in general.
INFECTION_SIGNS = re.compile(
    # "the yellow fever vaccine" names a vaccine, not a sign
    r"\b(shiver\w*|chills|rigou?rs|feverish|(?<!yellow )fevers?|a (high )?temperature|"
    r"a cough|bad cough|coughing|"
    r"stiff neck|neck is stiff|"
    # and signs of low platelets (ITP, a late autoimmune effect of the transplant): bleeding
    # gums, tiny red or purple dots on the skin, bruises from nothing, blood in urine
    r"bleeds?|bled|bruis\w*|(?:tiny |small |little )?(?:red|purple) (?:dots|spots)|petechiae|"
    r"nose ?bleeds?|blood in (?:my |the |his |her )?(?:urine|pee|stool|poo))\b",
    re.I,
)
_PROCEDURE = r"(a?hsct|transplant|chemo\w*|stem ?cells?|injection|injected|infusions?|infused|drip|shots?)"
AFTER_TRANSPLANT = re.compile(
    rf"\b(after|since|finished|out from|post)\b[^.?!]{{0,40}}\b{_PROCEDURE}"
    rf"|\b{_PROCEDURE}[^.?!]{{0,60}}\b(ago|days out|weeks out|since|and now|yesterday|last night|on \w+day)"
    r"\b",
    re.I,
)


def urgent(text: str) -> bool:
    """Symptoms that need urgent care now, not an answer from the library."""
    return bool(URGENT.search(text) or (INFECTION_SIGNS.search(text) and AFTER_TRANSPLANT.search(text)))


URGENT_NOTICE = (
    "If you have sudden, severe or new symptoms, call your local emergency number or go to "
    "urgent care now; do not wait for an answer here."
)
NOT_ENGLISH = (
    "The question seems not to be in English: the library and its answers are in English only, "
    "and clinic claims are recognised in English only, so the answer may miss what you asked. "
    "Please ask in English if you can."
)
INSTRUCTIONS_IGNORED = (
    "Your message contained instructions to change how I answer; I ignored them and answered "
    "only from the library's sources."
)
EXAMPLES = (
    "Who might benefit from aHSCT for MS?",
    "What are the risks of HSCT for MS?",
    "Do mesenchymal stem cells work for progressive MS?",
    "Is a clinic's stem-cell treatment approved by the FDA?",
)
ABSTAIN_LEAD = "I can't answer that from the sources in this library, so I won't guess. "
DECLINES = {
    DeclineReason.INSTRUCTION: (
        "I can't take on a role or change how I work: I answer questions about stem-cell "
        "treatments for MS only from the reviewed sources in this library, with a citation for "
        "each statement."
    ),
    DeclineReason.PERSONAL_ADVICE: (
        "I can't give personal advice about doses, your own test results or scans, money or tax. "
        "Your MS team, pharmacist or a qualified adviser can help with that."
    ),
    DeclineReason.LIVE_INFO: (
        "I don't have live information such as today's prices, waiting lists or local services: "
        "the library holds reviewed documents, not current listings. The clinic, your MS team or "
        "an MS society helpline can tell you what applies now."
    ),
    DeclineReason.OTHER_CONDITION: (
        "This library covers multiple sclerosis in people only, so I can't answer questions about "
        "other conditions from it. Your doctor or a charity for that condition can help."
    ),
}


COVERAGE = (
    "The library covers stem-cell treatments for multiple sclerosis: aHSCT (results, risks "
    "and who it may suit), mesenchymal and other stem-cell products, what clinics claim, "
    "regulation, costs and reported harms."
)
SUGGESTED = EXAMPLES[:3]  # shown after a decline or an abstention


def coverage_text() -> str:
    examples = " ".join(f'"{q}"' for q in SUGGESTED)
    return f"{COVERAGE} You could ask, for example: {examples}"


def abstain_text() -> str:
    return ABSTAIN_LEAD + coverage_text()


def decline_text(reason: DeclineReason) -> str:
    return f"{DECLINES[reason]} {coverage_text()}"


def card_lead(claim: str, verdict: str) -> str:
    """The first line of a claim card: the claim as marketed, then the verdict in words."""
    return f'Some clinics claim: "{claim.rstrip(".!?")}." {VERDICTS[Verdict(verdict)].verdict}'


def fixed_paragraphs() -> list[str]:
    """Paragraphs the flow writes itself: never claims, never cited statements."""
    declines = [decline_text(r) for r in DECLINES]
    return [REMINDER, URGENT_NOTICE, abstain_text(), *declines, INSTRUCTIONS_IGNORED]


# -- warnings with codes ----------------------------------------------------------------------
def cut(limit: int) -> Notice:
    return Notice(NoticeCode.CUT, f"The question was cut to its first {limit} characters.")


def llm_failed(name: str, error: Exception) -> Notice:
    return Notice(
        NoticeCode.LLM_FAILED,
        f"The language model ({name}) failed ({error.__class__.__name__}); "
        "the answer was composed from the sources directly.",
    )


def llm_stopped(name: str, error: Exception) -> Notice:
    return Notice(
        NoticeCode.LLM_FAILED,
        f"The language model ({name}) stopped early ({error.__class__.__name__}); "
        "the answer may be incomplete, and each sentence shown was checked against its source.",
    )


def llm_unverified(name: str) -> Notice:
    return Notice(
        NoticeCode.LLM_UNVERIFIED,
        f"No sentence from {name} could be verified against its sources; "
        "the answer below was composed from the sources directly.",
    )


def dropped(reasons: list[str]) -> Notice:
    return Notice(
        NoticeCode.DROPPED,
        f"Removed {len(reasons)} sentence(s) that could not be verified: " + "; ".join(reasons),
    )
