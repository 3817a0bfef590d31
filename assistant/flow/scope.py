"""Scope: what the assistant declines before it searches, and what it removes from a question.

Similarity alone cannot tell "Does HSCT work for lupus?" or "What dose of ocrelizumab should I
take?" from questions the library answers: they share its words, so retrieval finds passages and
an extractive answer would quote them beside the point. Each rule here names a kind of request
the library cannot answer honestly, and the decline says which kind, in plain words:

- instruction: text that tries to change how the assistant works (role-play, "ignore your
  sources", "SYSTEM:", "developer mode") with no real question left once it is removed;
- personal-advice: doses to take, reading a person's own scan or results, investments, tax;
- live-info: today's prices, waiting lists or local directories (the library holds reviewed
  documents, not live data);
- other-condition: the question is about another disease, another use of stem cells (knees,
  banking a baby's cord blood) or an animal, and does not name MS: the library covers MS. An MS
  question that mentions another illness (COVID before a transplant, cancer as a late risk,
  diabetes beside MS) is answered: such illnesses count only when a treatment is sought for them.

When an instruction comes with a real question, the instruction is dropped and the question is
answered, with a notice. The rules are deliberately narrow (a wrong decline fails a patient);
tests/test_scope.py holds answerable questions that must pass through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import reads_as_instruction, split_sentences
from ..vocab import DeclineReason

# Requests to take on a role or switch off a rule; questions only (notes may say "act as").
ROLE = re.compile(
    r"\b(pretend|imagine) (you are|you're|to be)\b|\brole-?play\b|\byou are (now )?(dr|doctor)\.? [A-Z]"
    r"|\b(disable|turn off|switch off|bypass)\b[^.?!]{0,30}\b(guard|filter|safety|rules?|registry)\b"
    r"|\backnowledge\b[^.?!]{0,20}\b(rule|instructions?)\b|\bnew rule for this (chat|conversation)\b"
    r"|\"role\"\s*:\s*\"(system|assistant)\"|\bprint (your|the) (hidden|system|full)\b"
    r"|\b(ignora|ignorez|ignoriere|ignori)\b[^.?!]{0,30}\b(instrucciones|instructions|anweisungen|istruzioni)\b",
    re.I,
)
HIDDEN = re.compile(r"<!--.*?-->", re.S)  # markup the user never sees, e.g. in pasted clinic text
ROLE_LABEL = re.compile(r"^\W*(user|patient|question)\s*:\s*", re.I)  # labels, not instructions
QUESTION_START = re.compile(
    r"^\W*(what|which|who|whom|whose|when|where|why|how|is|are|am|was|were|do|does|did|can|could|"
    r"will|would|should|shall|may|might|has|have|had|tell me|explain|describe|compare|summari[sz]e|"
    r"help me|i want to know|i'd like to know|please (tell|explain))\b",
    re.I,
)
# MS named as such. Words MS shares with other diseases ("relapsing", "myelin", "sclerosis",
# "aHSCT") do not count: "relapsing polychondritis" or "aHSCT for systemic sclerosis" are not MS.
MS = re.compile(r"\bMS\b|multiple sclerosis|\b(RR|SP|PP)MS\b|\bCIS\b|clinically isolated", re.I)
# Diseases (and uses) outside the library: naming one without naming MS makes it the subject.
OTHER_CONDITION = re.compile(
    r"\b(lupus|parkinson'?s?|alzheimer'?s?|dementia|ALS|motor neu?rone disease|crohn'?s|colitis|"
    r"sickle[- ]cell|thalass\w*|arthritis|osteoarthritis|autis\w*|cerebral palsy|copd|scleroderma|"
    r"systemic sclerosis|myasthenia|huntington'?s?|muscular dystrophy|fibromyalgia|psoriasis|"
    r"neuromyelitis|NMOSD|NMO|guillain[- ]barr[eé]|CIDP|leukodystroph\w*|polychondritis|"
    r"multiple system atrophy|MSA|chronic fatigue|ME/CFS|myalgic|spinal[- ]cord injur\w*|"
    r"cartilage|knees?|hips? replacement|macular degeneration|erectile|hair regrowth|anti-?ageing|"
    r"anti-?aging)\b"
    r"|\bbank\w*\b[^.?!]{0,60}\bcord[- ]blood\b|\bcord[- ]blood bank\w*",
    re.I,
)
# Illnesses an MS question often mentions in passing (an infection before a transplant, a cancer
# as a late risk, a child's asthma, diabetes beside MS): the subject only when a treatment is
# sought for them ("stem cells for diabetes", "transplant for myeloma", "after a heart attack").
CONTEXT_ILLNESS = (
    r"covid(-19)?|coronavirus|diabet\w*|asthma|epilep\w*|migraines?|cancers?|tumou?rs?|"
    r"leuka?emia|lymphoma|myeloma|heart attacks?|heart failure|heart disease|strokes?|"
    r"kidney (disease|failure)|liver (disease|failure)|graft[- ]versus[- ]host( disease)?"
)
FILLER = r"(?:(?:a|an|the|my|his|her|their|our|your|type [12]|multiple|severe|chronic|acute)\s+){0,3}"
# "tested positive for COVID" names an infection, not a treatment sought for it
NOT_SOUGHT = r"(?<!positive )(?<!negative )(?<!tested )(?<!test )(?<!screened )(?<!vaccinated )"
SOUGHT_FOR = re.compile(
    rf"\b{NOT_SOUGHT}(for|treats?|treating|treatment of|cures?|curing|help|helps|fix|fixes|repair|repairs|"
    rf"reverse|reverses|regrow|after)\s+{FILLER}({CONTEXT_ILLNESS})\b",
    re.I,
)
ILLNESS = re.compile(rf"\b({CONTEXT_ILLNESS})\b", re.I)
# The library's own subjects: a question naming one of them is not about another illness alone.
DOMAIN = re.compile(
    r"\ba?hsct\b|transplant\w*|stem[- ]?cells?|\bmscs?\b|mesenchymal|\bcord\b|umbilical|clinics?\b|"
    r"\btrials?\b|\bdmts?\b|neurologist|myelin|relaps\w*|chemo\w*|ocrelizumab|ocrevus|alemtuzumab|"
    r"lemtrada|natalizumab|tysabri|ryoncil|exosomes?|\bthe treatment\b",
    re.I,
)
PETS = re.compile(r"\b(dogs?|cats?|horses?|pets?|puppy|puppies|kittens?)\b", re.I)
# The animal is the patient ("stem cells for my dog's hips"), not company after a transplant
# ("is it ok to cuddle my dog after HSCT?"), which the aftercare answers cover.
PET_TREATED = re.compile(
    r"\b(?:for|treat\w*|injected into|give|gave) (?:my|our|a|the|his|her) "
    r"(?:dogs?|cats?|horses?|pets?|puppy|kittens?)\b(?! (?:hair|fur|saliva|bowl|bed)\b)"
    r"|\b(?:dog|cat|horse|pet|puppy|kitten)'?s (?:arthritis|hips?|joints?|legs?|illness|cancer|ms)\b"
    r"|\b(?:dog|cat|horse|pet|puppy|kitten)s? (?:has|have|had|is|got|gets) (?:\w+[- ]){0,3}"
    r"(?:ms|multiple sclerosis|symptoms|arthritis|cancer|disease)\b",
    re.I,
)
# The person's own treatment named around a pet ("we have a cat, will she have to go somewhere
# else while I recover?"): the pet is company during aftercare, not the patient.
OWN_CARE = re.compile(
    r"\b(?:while|when|after|during) (?:i|i'm|i am|we|my|the|your|you)\b[^.?!]{0,25}"
    r"\b(?:recover\w*|transplant|chemo\w*|treatment|hospital|immune system)\b",
    re.I,
)
DOSE = re.compile(
    r"\b(what|which|how much|how many|how often)\b[^?]{0,50}\b(dose|dosage|units?|mg|milligrams?|"
    r"tablets?|pills?|injections?)\b[^?]{0,40}\b(should|shall|must|can|do) (i|we|he|she|they|my \w+) "
    r"(take|have|use|give|get|start)\b"
    r"|\b(maximum|max|highest safe|right) (daily )?dose\b|\bprescribe me\b",
    re.I,
)
DIAGNOSIS = re.compile(
    r"\bam i (relapsing|having a relapse|in (a )?relapse|getting worse)\b"
    r"|\b(here'?s|here is|this is|read|interpret) my (mri|scan|report|blood \w+|results?|letter)\b"
    r"|\bdo i have (ms|multiple sclerosis)\b",
    re.I,
)
MONEY = re.compile(
    r"\b(buy|sell|invest in)\b[^.?!]{0,40}\b(shares?|stocks?|options)\b"
    r"|\btax (return|relief|deductions?|credits?)\b|\bon my tax(es)?\b",
    re.I,
)
LIVE_WHEN = re.compile(r"\b(today|right now|tomorrow|this week|this month|at the moment|currently)\W*$", re.I)
# "wait for the trials … right now" is not a request for a waiting list: only list/time forms count.
LIVE_WHAT = re.compile(r"\b(charging|waiting lists?|wait(ing)? times?|waits|appointments?|slots?)\b", re.I)
SHORTEST_WAIT = re.compile(r"\bshortest wait", re.I)


@dataclass(frozen=True)
class Request:
    """The question as the assistant will treat it."""

    text: str  # what is searched and answered (instructions removed)
    decline: DeclineReason | None = None  # None: answer it
    instructions_removed: bool = False


def read_request(question: str) -> Request:
    """Decide whether to answer, and what part of the question to answer."""
    text = HIDDEN.sub(" ", question)
    kept = [ROLE_LABEL.sub("", s) for s in split_sentences(text) if not _instruction(s)]
    removed = " ".join(kept) != " ".join(split_sentences(text)) or text != question
    # nothing removed: the message as written, its line breaks kept for the reader of asks
    rest = " ".join(s for s in kept if s.strip()) if removed else question
    if removed and not _asks(kept):
        return Request(question, DeclineReason.INSTRUCTION, True)
    decline = _decline(rest)
    return Request(rest or question, decline, removed)


def _decline(text: str) -> DeclineReason | None:
    if DOSE.search(text) or DIAGNOSIS.search(text) or MONEY.search(text):
        return DeclineReason.PERSONAL_ADVICE
    if SHORTEST_WAIT.search(text) or (LIVE_WHEN.search(text) and LIVE_WHAT.search(text)):
        return DeclineReason.LIVE_INFO
    pet = PET_TREATED.search(text) or (
        PETS.search(text) and not DOMAIN.search(text) and not OWN_CARE.search(text)
    )
    if pet or (not MS.search(text) and _other_subject(text)):
        return DeclineReason.OTHER_CONDITION
    return None


def follow_up_condition(question: str, reading: str, earlier: str) -> str:
    """The other disease of the turn a follow-up follows ("where could he get it, and is it
    legal?", read with that turn's topic, so `reading` differs from `question`, after "my dad has
    Parkinson's…", `earlier`); "" when the follow-up or that turn names MS. The follow-up is still
    answered (legality, or a procedure's risks, are the library's), after a line that the library
    cannot say whether a treatment helps that disease."""
    if reading == question or MS.search(question) or MS.search(earlier):
        return ""
    found = OTHER_CONDITION.search(earlier)
    return found.group(1) if found and found.group(1) else ""


def _other_subject(text: str) -> bool:
    """Is the question about another condition? (Called only when MS is not named.)"""
    if OTHER_CONDITION.search(text) or SOUGHT_FOR.search(text):
        return True
    return bool(ILLNESS.search(text)) and not DOMAIN.search(text)  # "my next COVID booster?"


def _instruction(sentence: str) -> bool:
    if ROLE_LABEL.match(sentence):
        return False
    return reads_as_instruction(sentence) or bool(ROLE.search(sentence))


def _asks(sentences: list[str]) -> bool:
    """Is there a real question left: a question mark or a question's first words."""
    return any(s.rstrip().endswith("?") or QUESTION_START.match(s) for s in sentences)
