"""Stage 5, compose ask by ask: each ask of a message is answered in the order asked.

For each ask: (a) the direct answer first: the reviewed answer it matched, or else the best
verified sentences for the ask's aspect; (b) what the library does not cover for it, said plainly,
never a figure about something else standing in; (c) sentences tailored to the person's stated
context (the reviewed answer's variants); (d) the next step. A short lead (the ask itself) heads
each part when a message has several asks.
"""

from __future__ import annotations

import difflib
import re
import string
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..answers import YES_NO_LEAD, ReviewedAnswer, without_yes_no
from ..models import Block
from ..text import (
    CITATION,
    STOPWORDS,
    WORD,
    content_words,
    looks_non_english,
    normalize_terms,
    numbers,
    overlap,
)
from ..vocab import BlockKind
from .asks import (
    ASPECT_RULES,
    BARE_WAIT,
    CARRIED_LEAD,
    CELLS_SOLD,
    COPE_WITH,
    GENERIC,
    GOES_ANYWAY,
    INSURERS,
    NAMED_DMT,
    ONE_OF_THEM,
    PASTE_AFTER,
    POINTER,
    SET_BESIDE,
    STOPPING,
    THAT_JUDGED,
    TRUTH_CHECK,
    VAGUE_WORDS,
    WH_WORD,
    Ask,
    Plan,
    points_back,
    treatment_of,
    vague,
    with_answer,
)
from .cards import CardSupport, Citer
from .person import CITIES, COUNTRY, DRUGS, PROGRESSIVE, PersonContext, drugs_in
from .retrieve import relevant, retrieve
from .scope import MS as MS_NAMED
from .scope import OTHER_CONDITION

if TYPE_CHECKING:  # the assistant's opened resources; imported for types only
    from ..pipeline import Assistant
    from .verify import Checker

ASPECT_WORDS = dict(ASPECT_RULES)
TREATMENT_NAMES = {
    "ahsct": "aHSCT",
    "msc": "mesenchymal stem cells",
    "cord-cells": "umbilical cord stem cells",
    "clinics": "treatment at private stem-cell clinics",
    "dmt": "MS drugs",
    "stem-cells-general": "stem-cell treatment for MS",
    "none": "this",
}
NOT_COVERED = {
    "cost": "The library has no reviewed prices for {t}; costs differ by country, centre and year.",
    "recovery": "The library has no reviewed account of recovery time after {t} that answers this.",
    "eligibility": "The library cannot say whether you personally qualify for {t}.",
    "access": "The library has no reviewed list of where {t} is offered or how long waits are.",
    "risks": "The library has no reviewed figures on this particular risk of {t}.",
    "decision": "The library cannot make this choice for you: it depends on your own health and history.",
}
# A choice the person asks to have made for them ("should I postpone?", "is it worth it?"): its
# plain answer is that only they and their team can make it, said first. Not every ask the rules
# file under decisions ("what would the total be?").
CHOOSING = re.compile(
    r"\b(should (i|we|she|he|they|my \w+)|is it worth|worth it|worth the|do i go|go ahead|decide|"
    r"postpone|delay|or wait|wait (for|until)|push (back|on))\b",
    re.I,
)
# The person's own situation, now ("could I carry on with the treatment?", "what should I do?"):
# only the team that knows them can judge it, and general sentences near the topic would read as
# if they did. A reviewed answer that matched the situation ("a fever three weeks after my
# transplant, what should I do?") is still given: it was written for it and ends with who to call.
SITUATION = re.compile(
    r"\bwhat (?:was|is|will|would) (?:going )?(?:to )?happen (?:to (?:me|us) )?now\b"
    r"|\bwhat (?:should|do|can|could|shall) (?:i|we) do(?: now| next)?\s*\??$"
    r"|\b(?:could|can|should|may) (?:i|we) (?:still )?(?:continue|carry on|go on)"
    r"(?: with (?:the|my|this) (?:treatment|transplant|procedure))?\s*\??$"
    r"|\bwill (?:they|the (?:hospital|clinic|centre|center|team|doctors?)) (?:still )?"
    r"(?:postpone|cancel|delay|move|stop|refuse|let)\b"
    r"|\bdo (?:i|we) (?:have|need) to tell (?:the|my|our|them)\b",
    re.I,
)
# Worry about the person's own symptom: the same, but a reviewed answer that matched it ("should
# I worry about infections after HSCT?") is general information worth giving.
WORRY = re.compile(
    r"\b(?:something|anything) (?:i|we) (?:have|need|ought|should) (?:to )?worry"
    r"|\bshould (?:i|we) (?:be )?worr(?:y|ied)\b|\bdo (?:i|we) need to worry\b"
    r"|\bis (?:this|that|it) something to worry",
    re.I,
)
SITUATION_NOT_COVERED = "The library cannot judge your own situation; the team that knows you can."
# "Why is there no big trial of MSCs yet?": sentences near the topic state facts, not the reason;
# said first, so that the facts below are not read as the explanation.
WHY = re.compile(r"^\W*(?:(?:but|so|and|then|ok|okay|well|hm+)\W+){0,3}(?:why|how come)\b", re.I)
WHY_NOT_COVERED = "The library has no reviewed answer to why this is so; here is what its sources say nearby."
WHY_ALONE = "The library has no reviewed answer to why this is so."  # when nothing nearby is kept
SITUATION_STEP = "Please contact your treating team or your MS team; they know your history."
# An ask about another disease inside a message about MS ("The clinic also treats autism. Does it
# work for autism?"): scope declines such a message only when it never names MS.
OTHER_CONDITION_NOT_COVERED = (
    "The library covers stem-cell treatment for MS only, so it cannot say whether a treatment helps "
    "another condition."
)
OTHER_CONDITION_STEP = "A doctor who treats that condition, or a charity for it, can help."
SITUATION_STEPS = {"ahsct": "Please contact your transplant team or your MS team; they know your history."}
SAID_BY_VARIANT = 0.7  # share of an answer sentence's words a variant holds when it says the same
NOT_COVERED_ANY = "The library has no reviewed information that answers this question."
SAID_ONCE = (BlockKind.ANSWER, BlockKind.CONTEXT)


def answer_asks(res: Assistant, plan: Plan, composer, checker: Checker) -> Generator[Block, None, int]:
    """Each ask in order (a lead each when there are several); one plain ask the old way."""
    started = time.perf_counter()
    focus = [src for r in plan.claims for src in r.claim.sources]
    several, kept = len(plan.asks) > 1, 0
    per_message = (
        res.settings.patient_sentences if checker.answer.mode == "patient" else res.settings.staff_sentences
    )
    limit = max(2, per_message // len(plan.asks)) if several else None
    given: set[str] = set()
    unseen = unseen_item(plan.message.asked, plan.asks)
    not_ms = another_condition_not_ms(plan.message.asked)
    steps: set[str] = set()  # next steps already given: one per kind of team, not one per ask
    shown: set[str] = set()  # reviewed sentences already given to an earlier ask
    if plan.earlier_condition:
        yield Block(BlockKind.NOT_COVERED, named_decline(plan.earlier_condition))
    for i, ask in enumerate(plan.asks or [None]):
        if ask is not None and ask.aspect == "claim" and _carded(ask, plan.claims):
            continue  # the claim card above answers it
        # words with one meaning here decide the answer before it is checked for a repeat
        ask = firm_route(res.reviewed, figure_claim(res.reviewed, ask)) if ask is not None else None
        # "Is there any hospital here that knows how to do the follow-up?" after the answer on
        # after-care: the line on individual providers, not "said above"
        provider = ask is not None and _about_a_provider(ask.text)
        if ask is not None and ask.answer_id in given and not provider:
            again = _not_given(res.reviewed, ask, given, plan.vectors.get(ask.query))
            if again is None:  # the same question asked again in other words: answered once,
                # but the part of it the library lacks is said ("…and could I breastfeed after?")
                _record(checker.answer, i, ask)
                kept += yield from _missing_part(res, ask, i, plan, several)
                continue
            ask = again
        if several:
            yield lead(ask)
        if unseen and i == unseen[1]:
            yield Block(BlockKind.NOT_COVERED, UNSEEN_TEXT.format(thing=unseen[0]), ask=i)
        if ask is not None and (asks_about_another_condition(ask) or not_ms):
            kept += 1
            yield Block(BlockKind.NOT_COVERED, other_condition_not_covered(ask.own or ask.text, plan), ask=i)
            yield Block(BlockKind.NEXT_STEP, OTHER_CONDITION_STEP, ask=i)
            continue
        # not when a reviewed answer matched the ask as a whole (other-conditions-not-ms)
        other = also_another_condition(ask) if ask is not None and not ask.answer_id else ""
        if other:
            yield Block(BlockKind.NOT_COVERED, named_decline(other), ask=i)
            ask = the_ms_part(res, ask, plan, other)
        if provider:
            # "Dr. Robles is the best doctor for this, you know if he is good?": no answer on
            # who qualifies or on clinics speaks to one named doctor
            kept += 1
            yield Block(BlockKind.NOT_COVERED, CLINIC_NOT_COVERED, ask=i)
            yield from next_step(ask, i, steps)
            continue
        if ask is not None and SITUATION.search(CARRIED_LEAD.sub("", ask.text)) and not ask.answer_id:
            kept += yield from situation_blocks(ask, i, ask_missing(res, ask), steps)
            continue
        if ask is not None and not several:
            ask = whole_message_match(res.reviewed, ask, plan)
        if ask is not None and several and not ask.answer_id:
            ask = context_match(res.reviewed, ask, plan)
        if ask is not None and not ask.answer_id:
            ask = unmatched(res.reviewed, ask, plan.vectors.get(ask.query))
        if ask is not None and not ask.answer_id:
            ask = product_answer(res.reviewed, ask, plan.message.asked, given)
        reviewed = res.reviewed.by_id(ask.answer_id) if ask and ask.answer_id else None
        if reviewed is not None and not same_kind(reviewed, ask, plan.message.asked):
            reviewed = kindred_answer(res.reviewed, reviewed, plan.vectors.get(ask.query))
            ask = replace(ask, answer_id=reviewed.id if reviewed else None)
            if reviewed is None:  # "…do any MSC trials take people with PPMS?": its topic's answer
                ask = topic_route(res.reviewed, ask)
                reviewed = res.reviewed.by_id(ask.answer_id) if ask.answer_id else None
        if reviewed is not None and not speaks_to(reviewed, ask):
            reviewed = answer_of_its_kind(res.reviewed, ask, plan.vectors.get(ask.query))
            ask = replace(ask, answer_id=reviewed.id if reviewed else None)
            ask = replace(ask, aspect=reviewed.aspect) if reviewed else ask.composed()
        if reviewed is not None and for_another_place(reviewed, ask, plan.person):
            # still an ask about access there: the place the library lacks is said first
            kind = reviewed.aspect
            reviewed, ask = None, replace(ask, answer_id=None, aspect=kind, read_aspect=kind)
        local = local_answer(res.reviewed, ask, plan.person) if ask is not None else None
        if local is not None and (reviewed is None or reviewed.place != local.place):
            reviewed, ask = local, replace(ask, answer_id=local.id, aspect=local.aspect)
        alone = "" if several else plan.message.asked
        broad = (
            broader_answer(res.reviewed, reviewed, ask, plan.person, alone) if reviewed is not None else None
        )
        if broad is not None and broad.id not in given:  # given to an earlier ask: not twice
            reviewed, ask = broad, replace(ask, answer_id=broad.id)
        _record(checker.answer, i, ask)  # the answer given, not the matcher's first pick
        if reviewed is not None:
            given.add(reviewed.id)
            narrow = (
                ask.asks_what_is_lacking
                or asks_the_uncovered_part(ask, reviewed)
                or wants_a_figure_it_lacks(ask, reviewed)
                or wants_evidence_it_lacks(ask, reviewed)
            )
            missing = _named_lack(res, ask, plan.person) if narrow else ask_missing(res, ask, plan.person)
            support = res.card_support
            # "I'm 17, can teenagers get it?": the variant for their age answers the uncovered part
            own_kind = narrow and ask.read_aspect in ("other", reviewed.aspect)
            start = len(checker.citer.passages)  # before the reviewed sentences are cited
            yes_no = yes_or_no(ask)
            blocks = list(
                reviewed_blocks(
                    reviewed, plan.person, i, checker.citer, support, narrow, missing, yes_no, own_kind
                )
            )
            # a reviewed sentence two answers share is read once, in the first; one that a claim
            # card above already says in other words is not read again either
            cards = [b for b in checker.answer.blocks if b.kind == BlockKind.CARD]
            fresh = [b for b in blocks if b.kind not in SAID_ONCE or not _said_before(b, shown, cards)]
            if len(fresh) < len(blocks):
                fresh = checker.citer.release(start, fresh)
            fresh = _with_drug_context(fresh, drug_context(res, ask, plan, i, checker.citer, given))
            for block in fresh:
                shown.add(block.text)
                # its plain "the library has no reviewed guidance on a second transplant" answers
                # an ask about just that part, without the general "I can't answer" after it
                kept += block.kind in (BlockKind.ANSWER, BlockKind.NOT_COVERED)
                yield block
            yield from drug_step(ask, plan.person, i, steps)
            continue
        # …not a price ask whose own lack is named below ("would Medicare cover the physio?")
        lacked = (
            _lacked_before(res.reviewed, ask, given) if ask is not None and not _paid_for(ask).words else None
        )
        if lacked is not None:
            # "How many weeks is he in there?" after the answer on the hospital stay, which says
            # the library has no figures on days or weeks: that line again, not "no information"
            kept += 1
            yield Block(BlockKind.NOT_COVERED, lacked.not_covered, ask=i)
            continue
        ask = ask.composed() if ask is not None else None
        if ask is not None and WORRY.search(ask.text):
            kept += yield from situation_blocks(ask, i, ask_missing(res, ask), steps)
            continue
        text = ask.query if several else plan.query
        missing = Missing() if ask is None else ask_missing(res, ask, plan.person)
        in_scope = several or any(in_field(t) for t in (plan.message.asked, plan.query, plan.earlier) if t)
        ctx = retrieve(res.retriever, res.collections[1], text, plan.vectors[text], focus)
        checker.answer.timings_ms.setdefault("retrieve", round((time.perf_counter() - started) * 1000))
        if not relevant(ctx.passages, res.settings):
            # An ask about this field that the library cannot answer is said to be not covered;
            # a message outside the field (a recipe, the weather) is left to the abstention.
            if ask is not None and in_scope:
                kept += 1
                yield not_covered(ask, i, missing)
                yield from next_step(ask, i, steps)
            continue
        asks_why = ask is not None and why_ask(ask)
        ctx.question, ctx.mode, ctx.ask, ctx.limit, ctx.no_figures = (
            plan.message.question,
            checker.answer.mode,
            ask,
            NARROW_LIMIT if missing.mostly or asks_why else limit,
            missing.mostly,
        )
        ctx.uncovered = missing.words if missing.mostly else ()
        ctx.topics = res.source_topics
        blocks = checker.verified(composer, ctx)
        if ask is None:
            kept += yield from blocks
            continue
        kept += yield from composed_blocks(blocks, ask, i, missing, steps, checker.citer)
        yield from drug_context(res, ask, plan, i, checker.citer, given)
        yield from drug_step(ask, plan.person, i, steps)
    if unseen and unseen[1] is None:  # mentioned, not asked about: after the answers
        yield Block(BlockKind.NOT_COVERED, UNSEEN_TEXT.format(thing=unseen[0]))
    return kept


def _lacked_before(reviewed, ask: Ask, given: set[str]) -> ReviewedAnswer | None:
    """An answer given to an earlier ask whose not-covered line names what this unmatched ask
    asks about (`uncovered_part`)."""
    earlier = (reviewed.by_id(g) for g in sorted(given))
    return next((a for a in earlier if a is not None and uncovered_part(ask, a)), None)


def _missing_part(res: Assistant, ask: Ask, index: int, plan: Plan, several: bool):
    """An ask whose answer an earlier ask was given: its lead and, by name, what it asks that
    the library lacks; nothing when it lacks nothing (then it was the same question again)."""
    earlier = res.reviewed.by_id(ask.answer_id) if ask.answer_id else None
    named = uncovered_part(ask, earlier, ask.own or ask.text) if earlier is not None else ()
    # "…and will my insurance give back some money?" after the answer on prices
    named = _paid_for(ask).words or named
    # "is it ok to cuddle my dog?" after the answer on infections: its "pets", not "cuddle"
    missing = Missing(named) if named else ask_missing(res, ask, plan.person)
    if earlier is not None and not named:
        # "…and when does that start?" after the answer on vaccinations: its lack is said there
        missing = missing.besides(" ".join([earlier.not_covered, *(s.text for s in earlier.answer)]))
    if not (several and missing.words):
        return 0
    yield lead(ask)
    # "How soon would a new lesion be visible on the scan?" asks what the answer's own line lacks
    # (its schedule of scans and when lesions show): that line
    sentence = earlier.not_covered if len(named) > 1 else missing.sentence()
    yield Block(BlockKind.NOT_COVERED, sentence, ask=index)
    return 1


def _record(answer, index: int, ask: Ask | None) -> None:
    """`Answer.asks` shows the reviewed answer each ask was given (after the checks above may
    have changed or dropped the matcher's pick), so a maintainer reads what the person read."""
    if ask is not None and index < len(answer.asks):
        answer.asks[index] = ask.record()


# Asks that want one kind of statement, a price or a risk, read from their own words (the rules
# for the other aspects are too loose to overrule the matcher: "can I get access" reads as
# eligibility, yet the answer on referral answers it).
WANTS_ITS_KIND = frozenset({"cost", "risks"})
# Asks whose own words want results: "…which one actually works better?" after a question on safety
WANTS_RESULTS = frozenset({"comparison", "effectiveness"})
PLACE = re.compile(r"\b(clinics?|centres?|centers?|hospitals?)\b", re.I)
# What a risks ask wants to hear about: harms, not "safety standards" or "is it safe to ask".
HARMS = re.compile(
    r"\b(die|died|dies|dying|deaths?|mortality|infections?|side[- ]effects?|complications?|risks?|harms?|"
    r"tumou?rs?|blindness|fever)\b",
    re.I,
)


# Something the person read or watched that the library cannot see: said once, at the ask about it.
# A video call is a way of talking ("follow-up video call included" in a clinic's package).
UNSEEN = re.compile(
    r"\b(?:newspaper |magazine |online |news )?(article|news (?:report|story|piece)|newspaper|documentary|"
    r"video(?!s?\W{1,2}(?:calls?|chats?|consult\w*|appointments?|visits?)\b)|podcast|"
    r"tv (?:programme|program|show))s?\b",
    re.I,
)
UNSEEN_THINGS = ("article", "news report", "newspaper", "documentary", "video", "podcast", "programme")
UNSEEN_TEXT = "The library cannot see the {thing} you mention, so it cannot say what it describes."


def unseen_item(message: str, asks: list[Ask]) -> tuple[str, int | None] | None:
    """(what, ask index) for an article, video or programme the message refers to: the ask that
    names it (said first there: "What does the documentary show?" is answered by it), else None
    (said once, after the answers: "Friends send me videos. Should I consider HSCT?" is answered
    first)."""
    found = UNSEEN.search(message)
    if not found:
        return None
    at = next((i for i, a in enumerate(asks) if UNSEEN.search(a.text)), None)
    thing = found.group(1).lower()
    return (
        "news report" if thing.startswith("news") else "programme" if thing.startswith("tv") else thing
    ), at


# Products the library has one answer for, whatever is asked of them
PRODUCTS = re.compile(r"\b(?:exosom\w*|ryoncil|remestemcel\w*|wharton\w*|placenta\w*|secretome\w*)", re.I)


# The one reviewed answer on a product a message is about ("New EXOSOME therapy now available…
# Is there any proof this stops MS?"), for its asks that name no treatment and matched nothing
PRODUCT_ANSWERS = {"exosom": "regulation-exosomes"}
ABOUT_THE_PRODUCT = frozenset({"evidence", "effectiveness", "regulation", "risks", "decision", "other"})


def product_answer(reviewed, ask: Ask, message: str, given: set[str]) -> Ask:
    if ask.read_aspect not in ABOUT_THE_PRODUCT or treatment_of(ask.own or ask.text) is not None:
        return ask
    named = {p.group().lower()[:6] for p in PRODUCTS.finditer(message)}
    found = next((reviewed.by_id(a) for p, a in PRODUCT_ANSWERS.items() if p in named), None)
    if found is None or found.id in given:
        return ask
    return replace(ask, answer_id=found.id, aspect=found.aspect)


def names_its_product(answer: ReviewedAnswer, ask: Ask) -> bool:
    """Does the ask name a product (PRODUCTS) that the answer's sentences name too?"""
    said = " ".join(s.text for s in answer.answer).lower()
    # by the name's stem: "exosome infusions" and the answer's "Exosomes"; a vague ask ("worth it
    # or scam?") names it in the statement it was read with
    own = ask.own or ask.text
    text = ask.query if vague(own) else own
    return any(p.group().lower()[:6] in said for p in PRODUCTS.finditer(text))


# "Is there any evidence exosomes do anything?" to the answer on their approval, which has no trial
NO_TRIAL = re.compile(r"\bno (?:\w+ )?(?:trials?|evidence|studies|study)\b", re.I)


def wants_evidence_it_lacks(ask: Ask | None, answer: ReviewedAnswer) -> bool:
    """Does an ask for results or evidence get an answer on approval that says it has no trial?
    Then that lack is the direct answer, said first."""
    return (
        ask is not None
        and ask.read_aspect in ("effectiveness", "evidence")
        and answer.aspect == "regulation"
        and bool(NO_TRIAL.search(answer.not_covered))
    )


# What an ask on approval or the law names: a regulator, a licence, the law, a sale, a standard
RULED = re.compile(
    rf"{ASPECT_WORDS['regulation'].pattern}|\b(?:lawful|sell\w*|sold|standard|mainstream|routine|"
    r"normal option|offici\w*|recogni[sz]\w*|ministry|government|regulators?|tga|health canada|legit\w*|"
    # "What does the European Medicines Agency say…?", "can I get them on the NHS?"
    r"medicines agency|nhs|medicare|public (?:system|health)|health service|available|offered|"
    # "At what point does HSCT become an option?": when it is offered, not what to do next
    r"becomes? (?:an |a )?option)\b",
    re.I,
)
WAITING = re.compile(r"\bwait(?:ing)?[- ](?:lists?|times?)\b|\bhow long (?:is|are|would be) the wait", re.I)


def speaks_to(answer: ReviewedAnswer, ask: Ask) -> bool:
    """Does the matched reviewed answer speak to what the ask wants? "What does an exosome
    treatment cost?" matched to the answer on whether exosomes are approved does not: no price
    and no word on prices; the composer answers it instead (or says it is not covered)."""
    wanted = ask.read_aspect
    on_the_law = _speaks_of_the_law(answer, ask) if answer.aspect == "regulation" else None
    if on_the_law is not None:
        return on_the_law
    if wanted == "evidence" and answer.aspect == "eligibility":
        # "…still relapsing on cladribine, EDSS 4. What is the evidence right now?" asks what the
        # treatment has been shown to do, not whether the person fits its criteria
        return False
    if wanted == "eligibility" and answer.aspect == "other":
        # "Is this the kind of MS HSCT is meant for?" asks who it is for, not what it is
        return False
    if wanted not in WANTS_ITS_KIND or wanted == answer.aspect:
        return True
    if wanted == "cost" and answer.id == FERTILITY_ANSWER and FERTILITY.search(ask.query):
        return True  # who pays for storing eggs: the answer on fertility, which says the library lacks it
    said = " ".join([*(s.text for s in answer.answer), answer.not_covered])
    # "is the treatment safe?" wants its harms; "is this clinic safe?" may be answered by its standards
    harms = wanted == "risks" and not PLACE.search(ask.text)
    return bool((HARMS if harms else ASPECT_WORDS[wanted]).search(said))


def _speaks_of_the_law(answer: ReviewedAnswer, ask: Ask) -> bool | None:
    """For an answer on approval or the law: True when it is the one answer on a product the ask
    names, False when the ask wants something else, None when the general checks decide."""
    wanted = ask.read_aspect
    if wanted not in WANTS_ITS_KIND and names_its_product(answer, ask):
        return True  # the one answer on exosomes: what it lacks (any trial in MS) answers "does it work?"
    if wanted == "effectiveness":
        # "Can MS be treated with a stem cell transplant?" asks what it does, not whether a
        # product is approved: that no stem-cell product is approved read as a no to aHSCT
        return False
    if WAITING.search(ask.text):
        # "How long is the waiting list?" asks how long until a place, not until an approval
        return False
    if wanted not in WANTS_ITS_KIND and not RULED.search(ask.query):
        # "If it keeps happening, what are the options?", "allowed to fly by then?": when or
        # whether something is possible, not what a regulator or the law says
        return False
    return None


# Cells injected or infused at a clinic: not the transplant, whatever the clinic calls it.
CELL_SHOTS = re.compile(
    r"\bstem[- ]?cells?\s+(?:injections?|shots?|infusions?|jabs?|drips?|IVs?)\b"
    r"|\b(?:injections?|shots?|infusions?|jabs?|drips?) of (?:\w+ )?stem[- ]?cells?\b"
    r"|\bstem[- ]?cells? (?:were |was )?(?:injected|infused)\b",  # "stem cells injected into my spine"
    re.I,
)


# Answers whose content is the treatment's own (its results, risks, steps): not those on how to
# read a clinic's figures or what to ask before paying, which hold for any clinic.
BOUND_TO_TREATMENT = frozenset({"effectiveness", "risks", "eligibility", "procedure", "recovery", "evidence"})


def same_kind(answer: ReviewedAnswer, ask: Ask, message: str) -> bool:
    """Is the reviewed answer about the kind of treatment asked about? An answer on what aHSCT
    does for disability does not answer "could the stem cell injections I paid for give me back
    my hands?": injected cells are not the transplant (a comparison answer speaks of both)."""
    if (
        answer.treatment != "ahsct"
        or answer.aspect not in BOUND_TO_TREATMENT
        or treatment_of(ask.text) == "ahsct"
    ):
        return True
    if ask.treatment in ("msc", "cord-cells"):
        return False
    return not (CELL_SHOTS.search(message) and treatment_of(message) != "ahsct")


def whole_message_match(reviewed, ask: Ask, plan: Plan) -> Ask:
    """A message's only ask that matched no reviewed answer, matched again with what the message
    says around it ("PPMS, 49, no active lesions. Is HSCT any use for me?"): the ask alone says
    too little."""
    vector = plan.vectors.get(plan.query)
    if vector is None or plan.query == ask.query:
        return ask
    if ask.answer_id:
        return _story_decides(reviewed, ask, plan.query, vector)
    found = reviewed.match(plan.query, vector) or _agreed(reviewed, plan.query, vector, ask, plan)
    if found is None:
        return ask
    return with_answer(ask, found)


# The whole message outvotes its ask's own match only when far surer, and of the ask's kind
STORY_CONFIDENCE, STORY_MARGIN = 0.75, 0.2


def _story_decides(reviewed, ask: Ask, query: str, vector) -> Ask:
    """A message's only ask, matched, against the message read whole: "six weeks out from HSCT,
    my leg has gone weak again like in my old relapses. How do I know if this is a relapse or
    part of the recovery?" alone matched the answer on MS coming back years later (0.57); the
    story says it is the answer on symptoms that flare early (0.80)."""
    found = reviewed.match(query, vector)
    if found is None or found.answer.id == ask.answer_id or not _its_own_kind(found, ask):
        return ask
    if found.confidence < max(STORY_CONFIDENCE, ask.confidence + STORY_MARGIN):
        return ask
    return with_answer(ask, found)


def context_match(reviewed, ask: Ask, plan: Plan) -> Ask:
    """One of several asks that matched no reviewed answer, matched again with the statement
    just before it ("My MRI shows brain atrophy. Could HSCT slow the shrinking down?"): the ask
    alone does not say what "the shrinking" is."""
    vector = _read_together(plan.vectors, ask.before, ask.query)
    found = reviewed.match(ask.in_context, vector) if vector is not None else None
    if found is None or not _its_own_kind(found, ask):
        return ask
    return with_answer(ask, found)


def alone_match(reviewed, ask: Ask, vectors: dict) -> Ask:
    """An ask read with the ask before it ("Will it halt my MS? If it does, will that last for
    good?"), matched in its own words when they match an answer: the two read as one had matched
    nothing or the first ask's answer again, the second alone the answer on how long the effect
    lasts."""
    if ask.answer_id and not ask.alone_wins:
        return ask
    vector = vectors.get(ask.alone) if ask.alone else None
    found = reviewed.match(ask.alone, vector) if vector is not None else None
    if found is None or not _its_own_kind(found, ask):
        return ask
    return with_answer(ask, found)


def _its_own_kind(found, ask: Ask) -> bool:
    """A match read with borrowed words answers the ask only when it is of the kind the ask's own
    words want: "Will it halt my MS?" after a sentence on the death rate had been given the
    answer on the risk of dying."""
    return ask.read_aspect == "other" or found.answer.aspect == ask.read_aspect


def _read_together(vectors, *texts: str) -> np.ndarray | None:
    """The vector of texts read as one, from their own (mean-pooled sentence vectors, weighted by
    length): no second embedding call, and a statement two asks lean on is embedded once."""
    if not all(t in vectors for t in texts):
        return None
    together = sum(len(t.split()) * vectors[t] for t in texts)
    return together / np.linalg.norm(together)


# Two readings of one message that pick the same answer vouch for each other: the whole message
# and its ask alone each just under the threshold ("is hsct worth it if my ms is mild?? only 1
# relaps in 5 yrs…": 0.40 and 0.21 for the answer on weighing the risk) still mean that answer.
AGREED_FLOOR = 0.3


def _agreed(reviewed, query: str, vector, ask: Ask, plan: Plan):
    own = plan.vectors.get(ask.query)
    if own is None or reviewed.threshold > 1:
        return None
    whole, alone = reviewed.best(query, vector), reviewed.best(ask.query, own)
    same = whole is not None and alone is not None and whole.answer.id == alone.answer.id
    return whole if same and whole.confidence >= AGREED_FLOOR else None


# The answer that covers every criterion of its group: what an ask naming several of them needs.
BROADEST = {"eligibility": "ahsct-who-qualifies"}
CRITERIA = {
    "age": re.compile(r"\b(age|old|older|young|younger|\d{2} ?(?:years? old|yo|y/o))\b", re.I),
    "edss": re.compile(r"\b(edss|disability score|wheelchair|walk\w*)\b", re.I),
    "type": re.compile(r"\b(spms|ppms|rrms|progressive|relapsing)\b", re.I),
    "duration": re.compile(
        r"\b(how long i(?:'ve| have) had|years? since|diagnosed (?:in|\d)|had ms for|"
        r"\d+ years? (?:of|with) (?:ms|multiple sclerosis))\b",
        re.I,
    ),
}


def broader_answer(
    reviewed, matched: ReviewedAnswer, ask: Ask, person: PersonContext, message: str = ""
) -> ReviewedAnswer | None:
    """The group's broadest answer for an ask that names several of its criteria ("too old by
    13 years, EDSS 6.0 and SPMS: am I out?"): the answer on one of them (the EDSS limit) would
    leave the others unanswered. The person's stated age, MS type and EDSS count as named.
    `message`: the whole message, when the ask is its only one."""
    broad_id = BROADEST.get(matched.aspect)
    if broad_id is None or matched.id == broad_id or matched.treatment != "ahsct":
        return None
    if any(words.search(t) for words in ONE_CRITERION for t in (ask.own or ask.text, ask.query, message)):
        return None  # its own words ask about one criterion, whatever else the person told
    named = {k for k, rule in CRITERIA.items() if rule.search(ask.query)}
    named |= {
        k for k, v in (("age", person.age), ("edss", person.edss), ("type", person.ms_type)) if v is not None
    }
    return reviewed.by_id(broad_id) if len(named) >= 2 else None


KINDRED_FLOOR = 0.45  # cosine to one of an answer's questions: near enough to be what was asked
# The same for an ask no answer matched at all: closer, since nothing else vouches for the answer.
UNMATCHED_FLOOR = 0.7
# …but a price ask has one answer per kind of treatment, and it opens by saying which prices the
# library lacks: "Will my insurance pay if I have the treatment in Sweden?" is that answer's ask
WHO_QUALIFIES = "ahsct-who-qualifies"  # the transplant's criteria, with variants by age, type, EDSS
# …for an ask in the words of criteria, not "can she have live vaccines?" (read as eligibility)
QUALIFY = re.compile(
    r"\b(?:qualif\w*|eligib\w*|candidates?|criteria|too (?:old|late|disabled)|suitable|"
    r"an option for (?:me|her|him|us|them)|"
    # "I'd like to understand what they actually look at when they decide"
    r"what (?:they|the (?:team|panel|doctors?|centre|center)) (?:actually |really )?look at)\b",
    re.I,
)
COST_ANSWERS = {
    "ahsct": "ahsct-cost",
    **dict.fromkeys(("clinics", "msc", "cord-cells"), "clinic-cost"),
}


def kindred_answer(reviewed, rejected: ReviewedAnswer, vector) -> ReviewedAnswer | None:
    """For an ask about injected cells matched to a transplant answer: the reviewed answer of the
    same aspect about cells or clinics whose questions are nearest the ask ("can the injections
    give me my hands back?" → whether stem cells repair nerves), if one is near enough."""
    return nearest_answer(reviewed, lambda a: a.treatment != "ahsct" and a.aspect == rejected.aspect, vector)


def answer_of_its_kind(reviewed, ask: Ask, vector, floor: float | None = None) -> ReviewedAnswer | None:
    """For an ask that wants a price or harms, matched to an answer without them ("are MSCs
    safe?" to the answer on why safe is not the same as effective): the reviewed answer of that
    aspect about the same treatment whose questions are nearest the ask, if one is near enough."""
    return nearest_answer(
        reviewed, lambda a: a.aspect == ask.read_aspect and a.treatment == ask.treatment, vector, floor
    )


def _not_given(reviewed, ask: Ask, given: set[str], vector) -> Ask | None:
    """An ask matched to an answer already given: None when it asks the same thing again; when its
    own words want another kind of answer ("Which is safer, HSCT or MSCs? And which works
    better?", whose second ask borrows the first's words), the nearest answer of that kind."""
    if ask.read_aspect not in WANTS_RESULTS or ask.read_aspect == reviewed.by_id(ask.answer_id).aspect:
        return None
    found = answer_of_its_kind(reviewed, ask, vector, UNMATCHED_FLOOR)
    return replace(ask, answer_id=found.id, aspect=found.aspect) if found and found.id not in given else None


def kind_match(reviewed, ask: Ask, vector) -> Ask:
    """An ask that wants a price or harms of a named treatment ("are MSC infusions safe
    though?") and matched no reviewed answer: the answer of that aspect about that treatment
    whose questions are nearest, if one is close (UNMATCHED_FLOOR); whether someone qualifies for
    the transplant: its criteria. The matcher's vote can split
    between the answer on harms and the one on 'safe is not the same as effective'."""
    if ask.read_aspect not in (*WANTS_ITS_KIND, "eligibility") or reviewed.threshold > 1:
        return ask  # a threshold above 1 turns reviewed answers off (tests of the composers)
    # …only for a treatment the ask or message names ("How can I get my car insurance premium
    # down?" names none, and is no question for this library)
    if ask.read_aspect == "cost" and ask.treatment in COST_ANSWERS and treatment_of(ask.query):
        # one price answer per kind of treatment, opening with the prices the library lacks:
        # "What's the price at that Tijuana clinic now?" (0.48 to its nearest question) is its ask
        found = reviewed.by_id(COST_ANSWERS[ask.treatment])
        if found is None:
            return ask
        return replace(ask, answer_id=found.id, aspect=found.aspect, asks_what_is_lacking=True)
    if ask.read_aspect == "eligibility" and ask.treatment == "ahsct" and QUALIFY.search(ask.own or ask.text):
        # "She's asking whether she'd even qualify for HSCT at her age and with her level of
        # disability" (0.24 to its nearest wording): the criteria, with the variants for her
        return with_reviewed(reviewed, ask, WHO_QUALIFIES)
    if ask.treatment not in SPECIFIC:
        return ask
    found = answer_of_its_kind(reviewed, ask, vector, UNMATCHED_FLOOR)
    return replace(ask, answer_id=found.id, aspect=found.aspect) if found else ask


def unmatched(reviewed, ask: Ask, vector) -> Ask:
    """An ask that matched no reviewed answer: the first of these readings that finds one (its
    kind for a named treatment, the drug it names, the matcher's pick of its kind, its topic)."""
    if reviewed.threshold > 1:
        return ask  # reviewed answers turned off (tests of the composers)
    for reading in (kind_match, drug_comparison, kind_agrees, topic_route):
        ask = reading(reviewed, ask, vector)
        if ask.answer_id:
            break
    return ask


# The matcher's first pick, just under its threshold, when the ask's own words want that kind of
# answer about that treatment: the two readings vouch for each other ("what to do if she gets a
# fever at 2am?": 0.36 for the answer on fevers after aHSCT, a risks ask about aHSCT)
KIND_AGREES_FLOOR = 0.3
# …not for results, whose answers are many and close: "does smoking make HSCT work less well?"
# would get the answer on who responds best, which says nothing of smoking
KIND_AGREES = frozenset({"risks", "cost", "recovery", "procedure", "access", "regulation", "eligibility"})


def kind_agrees(reviewed, ask: Ask, vector) -> Ask:
    if vector is None or ask.read_aspect not in KIND_AGREES:
        return ask
    best = reviewed.best(ask.query, vector)
    if best is None or best.confidence < KIND_AGREES_FLOOR:
        return ask
    found = best.answer
    if found.aspect != ask.read_aspect or found.treatment != ask.treatment:
        return ask
    return with_answer(ask, best)


# "would my periods stop for a while after?": words with one meaning here, whatever else the ask says
FERTILITY = re.compile(
    r"\b(?:fertil\w*|infertil\w*|eggs?|sperm|ovar\w*|menopause|menstrua\w*|(?:my|her|your) periods?)\b"
    # "would it mess up my chances of having kids later?"
    r"|\bchances? of (?:having|getting|making) (?:kids|children|a baby|babies|pregnant)\b"
    r"|\b(?:have|having) (?:kids|children|babies|a baby) (?:later|after\w*|one day|in the future)\b"
    # "is possible that I cannot have baby anymore?"
    r"|\b(?:can't|cannot|can not|not able to|unable to|never)\s+(?:have|get|be)\s+(?:a\s+)?"
    r"(?:baby|babies|kids|children|pregnant)\b",
    re.I,
)
# "Does this mean the HSCT has failed?" after old symptoms came back: MS active again after it
FAILED = re.compile(
    r"\b(?:has|have|had|did|does)\s+(?:it|this|that|the\s+(?:transplant|treatment)|(?:my\s+)?a?hsct)\s+"
    r"(?:failed|fail|stopped working|stop working|not work(?:ed)?)\b"
    r"|\b(?:transplant|a?hsct|treatment)\s+(?:has\s+|have\s+)?failed\b"
    # "does that mean it failed??"
    r"|\bmean(?:s|t)?\s+(?:that\s+)?(?:it|the\s+(?:transplant|treatment)|(?:my\s+)?a?hsct)\s+(?:has\s+|had\s+)?failed\b",
    re.I,
)
# "MS comes back": active again after the transplant (not "It come back after?" of hair, whose
# "it" the ask reads from the statement before)
COMES_BACK = re.compile(r"\b(?:ms|the disease|relapses?)\s+(?:comes?|coming|came)\s+back\b", re.I)
# "Can you have it a second time?", "can HSCT be done twice?"
AGAIN = re.compile(
    r"\b(?:a\s+)?second\s+(?:time|transplant|round|a?hsct)\b|\btwice\b"
    r"|\b(?:have|do|get|repeat)\w*\s+(?:it|a?hsct|the\s+transplant)\s+again\b|\brepeat\s+(?:transplant|a?hsct)\b"
    # "what do people do after that, redo it or go back on meds?"
    r"|\bredo(?:ing)?\s+(?:it|a?hsct|the\s+transplant)\b",
    re.I,
)
# "He asked whether this new lesion means MS is back": active again after the transplant
MS_BACK = re.compile(r"\b(?:(?:my|his|her|their|the)\s+)?ms\s+(?:is|'s|was)\s+back\b", re.I)
# "what chemo do they actually use?", even after a sentence about a trial
WHICH_CHEMO = re.compile(
    r"\b(?:what|which)\s+(?:kind of\s+|type of\s+)?chemo\w*\b"
    # "…say they use less strong chemo than others, so it is more safe. Is this true…?": intensity
    r"|\b(?:less|more|lower|milder|weaker|stronger|gentler|lighter)\s+(?:strong\s+|intense\s+|intensive\s+|"
    r"toxic\s+|dose\s+)?chemo\w*\b",
    re.I,
)
# "would he be stuck with the drug arm?": the trials' comparison group
DRUG_ARM = re.compile(r"\b(?:drug|control|comparison|medication|medicine) (?:arm|group)\b", re.I)
# "how he'd get into StarMS", "can I still join BEAT-MS at 58?"
JOIN_TRIAL = re.compile(
    r"\b(?:join|get into|get in|enrol\w*|enroll\w*|take part in|sign up (?:for|to)|participate in|"
    r"get a place (?:on|in))\b[^.?!]{0,30}\b(?:starms|beat-?ms|ram-?ms|trials?)\b"
    # "any trials I could get into instead of flying to Mexico?"
    r"|\btrials?\s+(?:i|we|he|she|they)\s+(?:could|can|might)\s+(?:get into|join|enrol\w*|take part in)\b"
    # "any trials overseas that take older progressive patients?": a trial that would take them
    r"|\btrials?\b[^.?!]{0,40}\b(?:(?:that|which|who)\s+)?(?:take|takes|accept|accepts|recruit|recruits|"
    r"enrol|enrols|enroll|enrolls)\s+(?:\w+\s+){0,2}(?:people|patients|anyone|someone|adults|men|women)\b",
    re.I,
)
# "Would I actually qualify for HSCT on the NHS with my history?": the criteria, not the answer
# on NHS access that "NHS" drew the matcher to
WOULD_QUALIFY = re.compile(
    r"\b(?:would|will|do|does|could|can|might)\s+(?:i|she|he|we|they|my \w+)\s+"
    r"(?:actually\s+|even\s+|really\s+|still\s+)?"
    r"(?:qualify|be eligible|be a candidate)\b"
    # "would having had alemtuzumab rule me out?", "would they even take him after 11 years of MS?"
    r"|\brules?\s+(?:me|her|him|them|us)\s+out\b"
    # "Is this true for everyone with progressive or it is only this doctor opinion?"
    r"|\b(?:only|just)\s+(?:this|that|the|his|her|one)\s+doctor'?s?\s+(?:opinion|view|call|decision)\b"
    r"|\b(?:would|will)\s+they\s+(?:even\s+|still\s+)?(?:take|accept)\s+(?:him|her|me|them|us)\b"
    # "neuro says no because I'm stable… is that even a proper reason or is he fobbing me off?"
    r"|\b(?:proper|good|valid|fair|real|legit\w*)\s+reason\b|\bfobb(?:ing|ed)\s+(?:me|us|him|her)\s+off\b",
    re.I,
)
# "I'd love to know if there's a recommended revaccination schedule", "can I have the MMR?":
# vaccines after the transplant, wherever the ask names them
VACCINES = re.compile(
    r"\b(?:re-?)?vaccin\w*|\b(?:jabs?|immuni[sz]ations?|mmr|measles|yellow fever|boosters?)\b", re.I
)
# "what do the long-term results look like, 10 years out?": results over the years
LONG_TERM = re.compile(
    r"\blong[- ]term (?:results?|outcomes?|data)\b|\b(?:10|ten|15|20) years (?:out|on|later)\b",
    re.I,
)
# "how long would I really be vulnerable to infections with a little one at home?"
VULNERABLE = re.compile(
    r"\b(?:vulnerable|at risk|susceptible) (?:to|of|from) infections?\b"
    r"|\binfections? (?:with|from) (?:a|my|our|the) (?:little|young|small|toddler|kids?|children)\b"
    # "What are the most common infections afterwards?": the transplant's own infections
    r"|\b(?:most common|main|usual|typical) infections?\b",
    re.I,
)
# "Could someone explain what it looks like day by day?": the transplant's steps
DAY_BY_DAY = re.compile(
    # "Can you walk me through what actually happens, week by week, from the first admission…?"
    r"\b(?:day|week)[- ]by[- ](?:day|week)\b|\bwalk (?:me|us|her|him) through what\b|\btypical day\b"
    r"|\bwhat (?:is|'s) (?:going to|gonna) happen (?:to )?(?:her|him|me|them|us)\b",
    re.I,
)
# "How much looking after will he need when we get home?": the help needed at home
LOOKING_AFTER = re.compile(
    r"\b(?:how much|what)\s+(?:looking after|care|help)\s+(?:will|would|does|do)\s+"
    r"(?:he|she|they|i|we)\s+need\b"
    # "how long until I'd be able to manage at home on my own?"
    r"|\bmanage\s+(?:at\s+home\s+)?(?:on|by)\s+(?:my|his|her|their)\s*(?:own|self)\b",
    re.I,
)
# "if something goes wrong after she comes home, who looks after her?": the follow-up at home
WHO_CARES = re.compile(
    r"\bwho\s+(?:will\s+|would\s+)?(?:looks?|look)\s+after\s+(?:her|him|me|them|us)\b"
    r"|\bwho\s+(?:will\s+|would\s+)?(?:takes?|take)\s+care\s+(?:of|for)\s+(?:her|him|me|them|us)\b"
    # "would local hospitals here look after me if something goes wrong?", "who make the controls
    # of blood?" after coming home
    r"|\bwould\s+(?:the\s+)?(?:local\s+)?(?:hospitals?|doctors?)\b[^.?!]{0,15}\blook\s+after\b"
    r"|\bwho\s+(?:make|makes|does|do)\s+the\s+(?:controls?|checks?)\b"
    # "who checks his blood counts and deals with infections once he flies home?"
    r"|\bwho\s+(?:will\s+|would\s+)?(?:checks?|monitors?|watch(?:es)?)\s+(?:his|her|my|their|the)\s+"
    r"(?:blood|bloods|counts|results)\b"
    # "after coming back to Dubai who will do my follow up?"
    r"|\bwho\s+(?:will\s+|would\s+|can\s+|could\s+)?(?:do|does|handle|manage)\s+(?:my|her|his|their|the)\s+"
    r"follow[- ]?ups?\b",
    re.I,
)
# "…what is the recovery like — how long in hospital?": the answer on the hospital stay
HOSPITAL_STAY = re.compile(
    r"\bhow (?:long|many (?:days|weeks|nights))\b[^.?!]{0,25}\b(?:in|at)\s+(?:the\s+)?hospital\b"
    r"|\bhospital stay\b"
    # "how long I'd need to stay before I'm allowed to fly home?"
    r"|\bhow long\b[^.?!]{0,30}\bstay\b[^.?!]{0,40}\b(?:fly|go|travel|return|get)\w*\s+(?:back\s+)?home\b",
    re.I,
)
# "is 'results guaranteed' something a real medical provider would ever say?": a warning sign
GUARANTEED = re.compile(r"\b(?:guarantee\w*|money[- ]back)\b", re.I)
# "Is it safe to have HSCT after Lemtrada?", "how long must we wait after her last Lemtrada?": the
# transplant after a drug, not the two set side by side (the matcher heard the comparison)
_AFTER_DRUG = (
    r"\b(?:after|since|from|following)\s+(?:(?:the|her|his|my|their|last)\s+){0,2}(?:\w+\s+)?"
    + NAMED_DMT.pattern
)
AFTER_A_DRUG = re.compile(
    rf"\b(?:wait\w*|gap|interval|wash-?out|how long)\b[^.?!]{{0,40}}{_AFTER_DRUG}"
    rf"|\b(?:safe|okay|ok|risky|dangerous)\b[^.?!]{{0,40}}{_AFTER_DRUG}"
    # "is it possible to go direct from natalizumab to the transplant, or I need wait some time
    # without medicine?"
    rf"|\b(?:go|move|switch|come|jump)\w*\s+(?:direct(?:ly)?|straight)\s+from\s+(?:\w+\s+){{0,2}}{NAMED_DMT.pattern}"
    r"|\bwait\w*\b[^.?!]{0,25}\bwithout\s+(?:any\s+)?(?:medicine|medication|drugs?|treatment|dmts?)\b",
    re.I,
)
# "whether age makes the treatment more dangerous", "is it riskier at my age than for the young
# ones?": the balance of benefit and risk, with its lines for age and progressive MS (the library
# has no results by age band)
AGE_RISK = re.compile(
    r"\bage\b[^.?!]{0,30}\b(?:more )?(?:dangerous|risky|riskier)\b"
    r"|\b(?:riskier|more dangerous|more risky)\b[^.?!]{0,20}\b(?:at (?:my|her|his|their) age|older)\b",
    re.I,
)
# "Does new activity while on ocrelizumab make me a candidate, or would they switch me to another
# drug first?", "Is one new lesion enough, or do you need relapses?": what counts as activity on a
# drug (the matcher had heard a comparison with the drug, and an ask about relapses after HSCT)
BREAKTHROUGH = re.compile(
    r"\b(?:activity|relaps\w*|lesions?|attacks?)\b[^.?!]{0,40}\b(?:while on|on|despite)\b[^.?!]{0,60}"
    r"\b(?:candidate|qualif\w*|eligib\w*)\b"
    r"|\b(?:one|a single|1|a)\s+(?:new\s+)?(?:lesion|relapse)s?\b[^.?!]{0,15}\benough\b"
    # "…whether I'd even count as someone who has failed treatment or whether they'd want me to try
    # another drug first"
    r"|\b(?:count|counts|qualify|qualifies)\s+as\s+(?:someone\s+who\s+(?:has|have)\s+)?(?:having\s+)?"
    r"failed\s+(?:treatment|a\s+(?:drug|dmt|treatment))",
    re.I,
)
# "theres a place in mexico says they take ppms and any edss, why would they say yes if its
# pointless": a clinic that accepts progressive MS, against expert advice (no answer had matched)
TAKES_PROGRESSIVE = re.compile(
    r"\b(?:take|takes|taking|accept\w*|treat|treats|treating)\s+(?:people\s+with\s+|patients\s+with\s+)?"
    r"(?:ppms|spms|pms|progressive)\b",
    re.I,
)
# "…hospitals in Delhi do it for much less. Is the quality the same as in the UK or US?": how to
# judge a centre (it had got sentences on the UK's trial and on unproven cell treatments)
QUALITY_THERE = re.compile(
    r"\b(?:quality(?! of life)|(?:safety )?standards?)\b[^.?!]{0,30}\b(?:same|as good|as high|compare\w*|"
    r"like|equal)\b|\bas (?:good|safe) as (?:in|at) (?:the )?(?:uk|us|usa|europe|home)\b",
    re.I,
)
# "What should I actually ask at my next appointment…?", "What should I be asking my neurologist
# before I bring this up?": the questions to take to the MS team (it had heard a personal decision)
ASK_THE_NEUROLOGIST = re.compile(
    r"\bwhat (?:should|can|could|do|shall) (?:i|we|she|he) (?:\w+ ){0,2}ask(?:ing)?\b[^.?!]{0,30}"
    r"\b(?:neuro\w*|doctor|appointment|consult\w*|ms (?:team|nurse)|specialist)\b"
    r"|\bquestions?\b[^.?!]{0,20}\b(?:for|to ask|to take to|to put to)\s+(?:my|the|her|his|our)\s+"
    r"(?:neuro\w*|doctor|consultant|ms (?:team|nurse)|specialist)\b",
    re.I,
)
# "my local neurologists are against it, so how do I get assessed?", "my neuro won't refer me":
# a way to be assessed anyway (the reviewed answer on referral and second opinions)
NEURO_AGAINST = re.compile(
    r"\b(?:neurologists?|neuros?|doctors?|consultants?)\b[^.?!]{0,25}\b(?:(?:is|are)\s+against\s+(?:it|hsct|ahsct)|"
    r"won'?t\s+refer|will\s+not\s+refer|refuses?\s+to\s+refer|(?:is|are)n'?t\s+keen)\b",
    re.I,
)
UK_NAMED = re.compile(r"\b(?:nhs|starms|uk|united kingdom|england|scotland|wales|northern ireland)\b", re.I)
# Asks about one criterion in their own words ("does new activity on ocrelizumab make me a
# candidate?", "why would they take PPMS?"): the answer on it, not the broadest one
ONE_CRITERION = (BREAKTHROUGH, TAKES_PROGRESSIVE)
ELIGIBILITY_ANSWERS = (
    "ahsct-who-qualifies",
    "ahsct-age-limit",
    "ahsct-edss-limit",
    "ahsct-disease-duration",
    "ahsct-breakthrough-activity",
    "ahsct-progressive-eligibility",
)
# "day 3 after the cyclo, temp 37.9. normal?? or do i ring the ward": a fever during or after the
# transplant, which needs the team the same day (it had been read as a question on mobilisation)
FEVER = re.compile(
    r"\b(?:fever\w*|temperatures?|chills|rigou?rs|shivering)\b"
    r"|\btemp\b\W{0,3}(?:(?:is|was|of|at|now)\s+){0,2}3[7-9]",
    re.I,
)
# "…now he has shingles. She asks whether that is common after HSCT": the virus woken up after the
# transplant and the drugs against it (it had got the answer on new autoimmune diseases)
SHINGLES = re.compile(r"\b(?:shingles|zoster|herpes|cold sores?)\b(?!\s+vaccin)", re.I)
# "What signs should make me get help urgently…?", "When must I go to hospital immediately?": after
# the transplant, a fever first (it had got the answer on days in hospital, and on progressive MS)
URGENT_SIGNS = re.compile(
    r"\b(?:warning|danger|red[- ]flag|which|what)\s+(?:signs?|symptoms?)\b[^.?!]{0,40}"
    r"\b(?:urgent\w*|emergency|straight away|right away|immediately|a&e|er)\b"
    r"|\b(?:go|get|come|rush)\s+(?:back\s+)?(?:to\s+)?(?:the\s+)?(?:hospital|a&e|er|emergency)\s+"
    r"(?:immediately|straight away|right away|urgently|at once)\b",
    re.I,
)
# "…before pregnancy. With HSCT how much I must wait?": a pregnancy after the transplant (the
# matcher had heard the wait between a drug and the transplant)
PREGNANCY = re.compile(r"\bpregnan\w*|\bconceiv\w*|\b(?:have|having|try for|trying for) a baby\b", re.I)
# Asks whose words have one meaning here, routed to the answer that holds it whatever the matcher
# picked ("…periods stop…" matched the answer on stopping drugs): (words, the answers that speak
# of it, the first of them to give)
FIRM_ROUTES = (
    (FEVER, ("ahsct-fever-after",)),
    (SHINGLES, ("ahsct-shingles-antivirals",)),
    (URGENT_SIGNS, ("ahsct-fever-after",)),
    (FERTILITY, ("ahsct-fertility", "ahsct-pregnancy-after")),
    (PREGNANCY, ("ahsct-pregnancy-after",)),
    (BREAKTHROUGH, ("ahsct-breakthrough-activity",)),
    (TAKES_PROGRESSIVE, ("ahsct-progressive-eligibility",)),
    (QUALITY_THERE, ("ahsct-abroad-what-to-ask",)),
    (ASK_THE_NEUROLOGIST, ("ahsct-questions-for-neurologist",)),
    (NEURO_AGAINST, ("ahsct-referral", "ahsct-nhs-access")),
    (WOULD_QUALIFY, ELIGIBILITY_ANSWERS),
    (DAY_BY_DAY, ("ahsct-procedure-steps",)),
    (AFTER_A_DRUG, ("ahsct-dmts-around-transplant",)),
    (AGE_RISK, ("ahsct-worth-the-risk",)),
    (VACCINES, ("ahsct-vaccinations-after",)),
    (LONG_TERM, ("ahsct-long-term",)),
    (VULNERABLE, ("ahsct-infections",)),
    (WHO_CARES, ("ahsct-aftercare",)),  # who follows someone up at home: after-care first
    (LOOKING_AFTER, ("ahsct-practical-planning", "ahsct-aftercare")),
    (HOSPITAL_STAY, ("ahsct-hospital-stay",)),
    (GUARANTEED, ("ahsct-abroad-what-to-ask", "clinic-red-flags")),
    (DRUG_ARM, ("ahsct-trial-drug-group",)),
    (WHICH_CHEMO, ("ahsct-regimens",)),
    (JOIN_TRIAL, ("ahsct-trials", "ahsct-trial-drug-group", "ahsct-nhs-access")),
    (FAILED, ("ahsct-relapse-after", "ahsct-mri-monitoring")),
    (AGAIN, ("ahsct-relapse-after",)),
    (MS_BACK, ("ahsct-relapse-after", "ahsct-mri-monitoring")),
)


# Asks about what a clinic sells whose words have one meaning (a staff member's "I need: …a short
# list of the claims that are red flags, …questions she could put to the clinic"; "(b) the risk of
# stopping their DMT"), whatever the matcher picked: a deposit first (TOPIC_ROUTES' words)
RED_FLAGS = re.compile(
    r"\bred flags?\b|\bwarning signs?\b"
    # "How can I tell which one is only for money?": how to spot a clinic that sells hope
    # ("legit or scam?" is the trust route's, or a product's one answer: TOPIC_ROUTES)
    r"|\b(?:only|just) (?:in it )?for (?:the )?money\b|\bjust (?:wants?|after) (?:\w+ )?money\b",
    re.I,
)
CLINIC_QUESTIONS = re.compile(
    r"\bquestions?\b[^.?!]{0,30}\b(?:ask|put to|for)\s+(?:the|a|this|that|each)\s+(?:clinic|provider)s?\b"
    r"|\bwhat (?:should|can|could) (?:i|we|she|he|they) ask (?:the|a|this|that) (?:clinic|provider)\b",
    re.I,
)


def sold_route(reviewed, ask: Ask) -> Ask:
    own = ask.own or ask.text
    found = (
        DEPOSIT_PAID
        if DEPOSIT.search(own)
        else "clinic-red-flags"
        if RED_FLAGS.search(own)
        else "clinic-how-to-check"
        if CLINIC_QUESTIONS.search(own)
        else CELLS_WITH_DRUG
        if _drug_beside_cells(own)
        else None
    )
    if not found or found == ask.answer_id or reviewed.by_id(found) is None:
        return ask
    # the words decide what kind of answer is wanted ("…only for money?" is no price ask)
    routed = with_reviewed(reviewed, ask, found)
    return replace(routed, read_aspect=routed.aspect)


def firm_route(reviewed, ask: Ask) -> Ask:
    """A lab's standing or a licence (`law_route`, any treatment); what a clinic sells
    (`sold_route`); else, for the transplant, the first of FIRM_ROUTES whose words the ask's own
    words hold, unless the ask already has one of the answers that speak of it."""
    own = ask.own or ask.text
    routed = law_route(reviewed, beside_route(reviewed, ask))
    if routed is ask and ask.treatment in CELLS_SOLD:
        routed = sold_route(reviewed, ask)
    if routed is not ask or ask.treatment != "ahsct":
        return routed
    # "Is that something she can have yet?" after "…the shingles vaccine before winter.": the
    # statement it points back to holds the words
    pointing = points_back(own) or vague(own) or POINTER_FIRST.match(own) or BARE_WAIT.search(own)
    pointing = pointing or THAT_JUDGED.search(own)  # "…whether that is common after HSCT"
    for words, answers in FIRM_ROUTES:
        # only a thing's own name counts from the statement pointed at: "…I nap twice a day… Is
        # this normal?" is no ask about a second transplant
        said = (own, ask.query) if pointing and words in NAMES_A_THING else (own,)
        if not any(words.search(t) for t in said):
            continue
        if words is PREGNANCY and NAMED_DMT.search(own):
            continue  # "For pregnancy is better Lemtrada or the transplant?": the two compared
        chosen = ask.answer_id if ask.answer_id in answers else answers[0]
        # the neurologist against it, in a message that names StarMS or the NHS: the UK's answer
        chosen = answers[1] if words is NEURO_AGAINST and UK_NAMED.search(ask.query) else chosen
        found = reviewed.by_id(chosen)
        if found is None:
            continue
        # the words decide what kind of answer is wanted ("who looks after her if something goes
        # wrong?" wants the answer on after-care, not harms); a price ask still wants its price
        wanted = ask.read_aspect if ask.read_aspect == "cost" else found.aspect
        return replace(ask, answer_id=found.id, aspect=found.aspect, read_aspect=wanted)
    # "4 months after HSCT, still wiped out by 2pm. Is this normal??": read as recovery from the
    # tiredness told (not the answer on MS symptoms flaring early, whose figures are on relapses)
    if ask.read_aspect == "recovery" and TIREDNESS.search(ask.query) and ask.answer_id != RECOVERY_TIME:
        return with_reviewed(reviewed, ask, RECOVERY_TIME)
    # "…should I freeze my eggs first and who pays for that?": the answer on fertility, whose lack
    # of anything on paying for storage is said (`_paid_for`), not the transplant's price
    if ask.read_aspect == "cost" and FERTILITY.search(ask.query) and ask.answer_id != FERTILITY_ANSWER:
        return with_reviewed(reviewed, ask, FERTILITY_ANSWER)
    return ask


# A lab's standing and a licence, which sellers present as approval of what they sell
LAB_STATUS = re.compile(
    r"\b(?:fda|tga|gmp)[- ](?:registered|approved|certified|standard|compliant)\s+"
    r"(?:lab|laboratory|facility)\b"
    r"|\b(?:lab|laboratory|facility)\s+(?:is\s+|being\s+)?(?:fda[- ])?(?:registered|approved|certified)\b"
    # "what 'FDA-registered' does and doesn't mean": the word alone, as the advert used it
    r"|\bfda[- ]registered\b|\bregistered with (?:the )?fda\b",
    re.I,
)
LICENSED = re.compile(r"\b(?:fully\s+|properly\s+|government[- ])?licen[cs]ed\b", re.I)
LAW_ROUTES = (
    (LAB_STATUS, "regulation-fda-registered", None),
    (LICENSED, "regulation-approved-abroad", CELLS_SOLD),
)
FERTILITY_ANSWER = "ahsct-fertility"


SETS_BESIDE = frozenset({"comparison", "other", "claim", "evidence"})


def beside_route(reviewed, ask: Ask) -> Ask:
    """ "And the exosomes is same thing like the HSCT… or something different?": what a clinic sells
    set beside the transplant gets the comparison of the two, whatever the matcher made of it."""
    own = ask.own or ask.text
    sold = PRODUCTS.search(ask.query) or CELLS_NAMED.search(ask.query) or ask.treatment in CELLS_SOLD
    # …not an ask that wants something else first ("which risks I should flag, or how what she booked
    # differs from HSCT": the risks of what she booked)
    beside = SET_BESIDE.search(own) and AHSCT_NAMED.search(own) and ask.read_aspect in SETS_BESIDE
    if beside and sold and ask.answer_id != CELLS_COMPARED:
        return with_reviewed(reviewed, ask, CELLS_COMPARED)
    return ask


def law_route(reviewed, ask: Ask) -> Ask:
    """ "Does FDA approved lab mean the treatment is approved?", "what does 'fully licensed' mean
    for a clinic like this?": what a lab's or a licence's status says, whatever cells are sold."""
    own = ask.own or ask.text
    for words, answer, treatments in LAW_ROUTES:
        if words.search(own) and (treatments is None or ask.treatment in treatments):
            return with_reviewed(reviewed, ask, answer)
    return ask


def with_reviewed(reviewed, ask: Ask, answer_id: str) -> Ask:
    """The ask given the reviewed answer `answer_id` (unchanged when the library lacks it)."""
    found = reviewed.by_id(answer_id)
    return replace(ask, answer_id=found.id, aspect=found.aspect) if found else ask


# words that name the thing itself, wherever they are said
NAMES_A_THING = (VACCINES, PREGNANCY, FEVER, SHINGLES, WHICH_CHEMO)
# "Is that something she can have yet…?": the ask's subject is the thing said before it
POINTER_FIRST = re.compile(
    r"^\W*(?:and\s+)?(?:is|are|was|would|will|can|could|does|do)\s+(?:that|this|those|these)\b", re.I
)
TIREDNESS = re.compile(
    r"\b(?:fatigue\w*|tired\w*|exhaust\w*|worn out|wiped out|no energy|sleeping \d+ hours)\b", re.I
)
RECOVERY_TIME = "ahsct-recovery-time"


# "Is 95% believable?", "is their success rate real?": how far a clinic's own figure can be trusted
# (a figure given, or the clinic's own rate: not "what is the real success rate of HSCT?")
_CREDIBLE = r"(?:believ\w*|realistic|credible|real|true|trust\w*|legit\w*|accurate|possible)"
_FIGURE = r"(?:\d+(?:[.,]\d+)?\s?%|\d+ per ?cent|(?:their|its|the clinic'?s|the centre'?s) success rates?)"
CREDIBLE_FIGURE = re.compile(
    rf"{_FIGURE}[^?.!]{{0,40}}\b{_CREDIBLE}\b|\b(?:believe|trust)\b[^?.!]{{0,30}}{_FIGURE}", re.I
)
# "The consultant said 'around 1 percent or less', is that true?": the person's own team's figure,
# not a clinic's marketing
CLINICIAN_SAID = re.compile(
    r"\b(?:consultant|neurologist|neuro|doctor|nurse|haematologist|hematologist|specialist|team)\s+"
    r"(?:\w+\s+)?(?:said|says|told|quoted|gave)\b",
    re.I,
)
FIGURE_ANSWERS = {"ahsct": "ahsct-clinic-success-rates"}
FIGURE_ANSWER = "clinic-testimonials-success-rates"


def figure_claim(reviewed, ask: Ask) -> Ask:
    """An ask whether a figure can be believed gets the answer on reading clinics' own figures,
    whatever the matcher made of the words around it."""
    own = ask.own or ask.text
    if not CREDIBLE_FIGURE.search(own) or CLINICIAN_SAID.search(own):
        return ask
    return with_reviewed(reviewed, ask, FIGURE_ANSWERS.get(ask.treatment, FIGURE_ANSWER))


# Topics of the transplant that one reviewed answer holds, named in words the matcher reads poorly
# in a long ask ("how long would I realistically be off, bearing in mind I'm around kids all day?",
# "can i finish my degree or do i need to defer a whole yr??": 0.10 to 0.13 for the answer on work)
TOPIC_ROUTES = [  # (topic, answer, whether the answer lacks the topic's core)
    (
        re.compile(
            r"\b(?:off work|back to work|return(?:ing)? to (?:work|school|uni\w*|college|my job)|"
            r"miss(?:ing)? (?:school|work|uni\w*|college|classes)|defer\w*|time off|be off|"
            # "could i keep working on my laptop from the hospital bed?"
            r"keep working|work(?:ing)? (?:on my laptop |remotely )?from (?:the )?(?:hospital|bed|home)|"
            # "how many months am I away from a classroom?"
            r"away from (?:the |a |my )?(?:work|job|office|classroom|class|school|desk)|"
            r"finish (?:my|her|his|their) "
            r"(?:degree|studies|course|school year|programme|program|master'?s))\b",
            re.I,
        ),
        "ahsct-return-to-work",
        True,
    ),
    # "hsct for spms at 55, worth it or am I wasting my money?": the balance of benefit and risk
    (
        re.compile(r"\bworth (?:it|the risks?|doing|trying|a try|going through)\b", re.I),
        "ahsct-worth-the-risk",
        False,
    ),
    (COPE_WITH, "ahsct-risks-overview", False),  # "I'm not sure he'd cope with chemo"
    # "the stem cells they take, from blood or from bone?": the person's own blood stem cells
    (
        re.compile(
            r"\b(?:from|out of) (?:the |my |her |his )?(?:blood|bones?|bone marrow|marrow|hips?)\b", re.I
        ),
        "ahsct-own-cells",
        False,
    ),
    # "is she kept in isolation?": kept from infections while her counts are low
    (re.compile(r"\bisolat\w*|\bprotective (?:room|isolation)\b", re.I), "ahsct-infections", False),
    # "…whether he should go back on a drug" after the transplant
    (
        re.compile(
            r"\b(?:back on|restart\w*) (?:a |an |my |his |her |their |the )?(?:ms )?"
            r"(?:drugs?|dmts?|medications?|medicines?|meds)\b",
            re.I,
        ),
        "ahsct-dmts-around-transplant",
        True,
    ),
    # "does hair fall out with the chemo, and does it grow back normal?"
    (
        re.compile(r"\bhair\b|\b(?:does|will|would) (?:it|they|a?hsct) (?:all |ever )?grow back\b", re.I),
        "ahsct-chemo-side-effects",
        True,
    ),
    (
        FERTILITY,
        "ahsct-fertility",
        False,
    ),
    # "we have a cat and a dog, does one of them need to go?", "can he eat takeaway or salad?":
    # the answer on infections says it holds no advice on pets, food or crowds
    (
        re.compile(
            r"\b(?:pets?|cats?|dogs?|animals?|takeaways?|salads?|raw food|sushi|crowds?|masks?|cook\w*|food|"
            r"public transport|hug\w*|kiss\w*|fly|flying|flights?|holidays?|vacations?|"
            # "Is it safe to travel while my immune system is still rebuilding?", not travel abroad
            # for the treatment itself
            r"travel\w* (?:while|after|during|when|so soon|that soon|again))\b",
            re.I,
        ),
        "ahsct-infections",
        True,
    ),
    # "who takes care of him after when he come home, our doctors will help him or they refuse?"
    (
        re.compile(
            r"\b(?:takes?|taking) care of (?:him|her|me|them)\b|\blooks? after (?:him|her|me|them)\b"
            r"|\b(?:our|my|his|her|the) (?:own |local |home )?doctors? (?:here |at home )?"
            r"(?:will|would) (?:help|see|treat)"
            # "will our neurologist here even see him after?", "will greek doctors accept to do it?"
            r"|\b(?:our|my|his|her|the|local|home) (?:own |local )?(?:neurologists?|doctors?|gp|team)"
            r" (?:here |back home |at home )?(?:even |still )?(?:see|treat|follow)\w*\b"
            r"|\bdoctors? (?:accept|agree) to (?:do|see|follow|treat)\b",
            re.I,
        ),
        "ahsct-aftercare",
        False,
    ),
    # "…will my MS come back after the birth?": the answer on pregnancy after it, which says the
    # library has no evidence on pregnancies after aHSCT
    (re.compile(r"\b(?:pregnan\w*|birth|breastfe\w*|baby|babies)\b", re.I), "ahsct-pregnancy-after", True),
    # "what is the chance her MS comes back?" (matched to nothing)
    (COMES_BACK, "ahsct-relapse-after", False),
    # "Last night I had a temperature of 37.9. Do I wait it out or go to emergency?"
    (
        re.compile(r"\b(?:fevers?|feverish|temperatures?|shiver\w*|chills)\b", re.I),
        "ahsct-fever-after",
        False,
    ),
    # "sleeping 14 hours a day, is that normal at this point?"
    (
        TIREDNESS,
        "ahsct-recovery-time",
        True,
    ),
    # "can she do weights or swimming yet?": the answer on recovery, which has no advice on exercise
    (
        re.compile(
            r"\b(?:exercis\w*|gym|weights|swim\w*|workouts?|running|cycling|crossfit|yoga|football|soccer|"
            r"sports?|tennis|rugby|golf|hiking)\b",
            re.I,
        ),
        "ahsct-recovery-time",
        True,
    ),
    # "…now her thyroid is overactive. Could that be from the transplant?"
    (
        re.compile(r"\b(?:thyroid\w*|graves|autoimmun\w*|platelets?|ITP)\b", re.I),
        "ahsct-secondary-autoimmunity",
        False,
    ),
]


# "Should she stop Ocrevus to do this like they told her?" of cells a clinic sells
STOP_DRUG = re.compile(
    rf"\b(?:stop\w*|come off|coming off|quit\w*|drop\w*|skip\w*)\s+(?:taking\s+)?"
    rf"(?:my\s+|her\s+|his\s+|their\s+|the\s+)?"
    rf"(?:ms\s+)?(?:{NAMED_DMT.pattern}|drugs?|medications?|medicines?|meds|treatment)",
    re.I,
)
DEPOSIT = re.compile(r"\bdeposits?\b", re.I)
DEPOSIT_PAID = "clinic-deposit-paid"
# A judgement of whoever sells a treatment, asked of the library, which names no provider
TRUST_JUDGED = re.compile(
    r"\b(?:trustworthy|trust (?:him|her|them|it|this|that)|legit\w*|reliable|reputable|above board)\b", re.I
)
CHECK_ANSWERS = {"ahsct": "ahsct-abroad-what-to-ask", **dict.fromkeys(CELLS_SOLD, "clinic-how-to-check")}
CELLS_WITH_DRUG = "msc-with-dmt"
CELLS_IN_PROGRESSIVE = "msc-progressive-ms"
# "I'm on ocrelizumab, so would I have to stop it before going, could the two interact?"
STOP_IT_OR_MIX = re.compile(
    rf"{STOPPING.pattern}\s+(?:it|them|that)\b|\binteract\w*|\bmix\w*\b|{GOES_ANYWAY.pattern}", re.I
)


def _drug_beside_cells(text: str) -> bool:
    return bool(STOP_DRUG.search(text) or (NAMED_DMT.search(text) and STOP_IT_OR_MIX.search(text)))


def topic_route(reviewed, ask: Ask, _vector=None) -> Ask:
    """An ask about the transplant that matched nothing, routed by a topic only one reviewed
    answer holds (TOPIC_ROUTES); one about stopping a drug for cells a clinic sells, to the
    answer on those cells beside MS drugs."""
    own = ask.own or ask.text
    if ask.treatment in CELLS_SOLD and _drug_beside_cells(own):
        return with_reviewed(reviewed, ask, CELLS_WITH_DRUG)
    # "…and tell her whether she can do anything about the deposit": the answer on a deposit paid
    if DEPOSIT.search(own) and ask.treatment in CELLS_SOLD:
        return with_reviewed(reviewed, ask, DEPOSIT_PAID)
    # "…my brother wants to go, trustworthy or no": how to check whoever sells it
    # (not "is any of that legit?" of a pasted advert's claims)
    # (nor "legit or scam?" of a product the library has its one answer on: that answer first)
    judged = TRUST_JUDGED.search(own) and not POINTER.search(own) and not PRODUCTS.search(ask.query)
    if judged and ask.treatment in CHECK_ANSWERS:
        return with_reviewed(reviewed, ask, CHECK_ANSWERS[ask.treatment])
    # "I wonder whether any of the MSC trials actually take people with PPMS": cells in progressive MS
    if ask.treatment in CELLS_SOLD and PROGRESSIVE.search(ask.own or ask.text):
        return with_reviewed(reviewed, ask, CELLS_IN_PROGRESSIVE)
    if ask.treatment != "ahsct":
        return ask
    # its own words first; then, for "Would she have to redo all of them?", the statement it read
    texts = (ask.own or ask.text, ask.query)
    route = next(((a, core) for t in texts for rule, a, core in TOPIC_ROUTES if rule.search(t)), None)
    found = reviewed.by_id(route[0]) if route else None
    if found is None:
        return ask
    return replace(ask, answer_id=found.id, aspect=found.aspect, asks_what_is_lacking=route[1])


# The reviewed comparison of aHSCT with each drug it has one for; any other drug: the general one
COMPARED_WITH = {"ocrelizumab": "ahsct-vs-ocrelizumab", "alemtuzumab": "ahsct-vs-alemtuzumab"}
OTHER_DRUGS = "ahsct-vs-other-ms-drugs"


def drug_comparison(reviewed, ask: Ask, _vector=None) -> Ask:
    """An ask that compares aHSCT with a drug it names and matched no answer ("Is HSCT better
    than staying on Aubagio, or rituximab which is cheaper here?"): the comparison with that drug,
    or the one with MS drugs in general. The drug named decides, not the matcher's vote."""
    if ask.read_aspect != "comparison" or ask.treatment not in ("ahsct", "dmt"):
        return ask
    text = ask.own or ask.text
    # "Kindly tell which one is correct treatment for him?" after fat cells and aHSCT were named:
    # the reading names both
    # …and "How do those two compare?" after "…Lemtrada or a referral for aHSCT."
    points = SET_BESIDE.search(text) or ONE_OF_THEM.search(text)
    other = CELLS_NAMED.search(ask.query) or drugs_in(ask.query)
    both_read = points and AHSCT_NAMED.search(ask.query) and other
    if not both_read and (treatment_of(text) not in ("ahsct", "dmt") or not AHSCT_NAMED.search(text)):
        return ask
    named = drugs_in(text) or (drugs_in(ask.query) if both_read else [])
    # "…explain the difference between this and proper aHSCT" about a clinic's cells
    beside_cells = SET_BESIDE.search(text) and CELLS_NAMED.search(ask.query)
    if not named and not beside_cells:
        return ask
    return with_reviewed(reviewed, ask, COMPARED_WITH.get(named[0], OTHER_DRUGS) if named else CELLS_COMPARED)


AHSCT_NAMED = re.compile(r"\b(?:a?hsct|transplant\w*|bone marrow)\b", re.I)
CELLS_NAMED = re.compile(r"\b(?:mesenchymal|umbilical cord|stem cell clinics|stem cell treatment)\b", re.I)
CELLS_COMPARED = "ahsct-vs-other-stem-cells"


def nearest_answer(reviewed, wanted, vector, floor: float | None = None) -> ReviewedAnswer | None:
    """The `wanted` answer with a question nearest the ask, above `floor` (KINDRED_FLOOR)."""
    floor = KINDRED_FLOOR if floor is None else floor
    if vector is None:
        return None
    kindred = np.array([wanted(a) for a in reviewed.answers])
    if not kindred.any():
        return None
    sims = np.where(kindred[reviewed.owner], reviewed.vectors @ vector, -np.inf)
    best = int(np.argmax(sims))  # the first of equals, as the answers' order gives them
    return reviewed.answers[reviewed.owner[best]] if sims[best] > floor else None


SAID_BY_CARD = 0.8  # share of a sentence's words a claim card above holds when it says the same


def _said_before(block: Block, shown: set[str], cards: list[Block]) -> bool:
    return block.text in shown or _said_in(block, cards)


def _said_in(block: Block, cards: list[Block]) -> bool:
    """Does a claim card above say the sentence already ("The claim that no match is needed is
    not supported: the immune system can react to donor MSCs" after the card on that claim)?"""
    text = CITATION.sub("", block.text)
    return any(overlap(text, CITATION.sub("", card.text)) >= SAID_BY_CARD for card in cards)


def _carded(ask: Ask, claims: list) -> bool:
    """Did a claim card above come from this ask's own words? A card for another sentence of the
    message does not answer "The clinic says stop my drug now: should I?". A bare check of the
    statement before it ("…says: Regenerate your nervous system. Real or not?") is answered by
    that statement's card: composed figures after it would stand in for an answer."""
    own = any(r.sentence in ask.text or ask.text in r.sentence for r in claims)
    # "Is any of this true??" after a pasted advert: the cards of its claims are the answer
    return (
        own
        or (vague(ask.text) and any(r.sentence in ask.query for r in claims))
        or (bool(TRUTH_CHECK.match(ask.text)) and bool(claims))
    )


def lead(ask: Ask) -> Block:
    """The ask itself as a short heading, so the reader sees which part each answer answers."""
    # the person's own words: not the topic a follow-up carries ("…for my mum? (about HSCT)")
    text = " ".join(CARRIED_LEAD.sub("", ask.text).split()).strip(" ,;")
    text = text[:1].upper() + text[1:]
    if len(text) > 120:
        text = text[:117].rsplit(" ", 1)[0] + "…"
    return Block(BlockKind.LEAD, text if text.endswith(("?", "…", ".")) else text + "?")


def reviewed_blocks(
    answer: ReviewedAnswer,
    person: PersonContext,
    index: int,
    citer: Citer,
    support: CardSupport,
    narrow: bool = False,
    missing: Missing | None = None,
    yes_no: bool = True,
    context_too: bool = False,
) -> Iterator[Block]:
    """The reviewed answer as blocks: context variants, answer sentences, not covered, next step.
    `narrow`: the ask is about the part the answer says it does not cover ("Will I lose my hair?"
    to the answer on chemotherapy side effects): that is said first, and no figure about the rest
    stands in for the answer. `missing`: the ask's own topic words the library never uses; when
    they are most of its topic ("can I eat yogurt?" to the answer on recovery) said the same way,
    else after the answer. `yes_no`: the ask can be answered yes or no; else ("How is it
    different?", "Is it X or Y?") an answer's "Yes:" or "No," lead is left out. `context_too`: a
    narrow ask of the answer's own kind keeps the variants written for the person's context,
    figures and all (they are about this person, not the rest of the topic)."""
    # "…no reviewed advice on repeating vaccinations" already says the library lacks the "jabs"
    missing = (missing or Missing()).besides(answer.not_covered)
    if narrow:
        if missing.words:  # "…will my insurance give back some money?": what it asks, first
            yield Block(BlockKind.NOT_COVERED, missing.sentence(), ask=index)
        yield Block(BlockKind.NOT_COVERED, answer.not_covered, ask=index)
        missing = Missing()  # said: not again below
    elif missing.mostly:
        yield Block(BlockKind.NOT_COVERED, missing.sentence(), ask=index)
    narrow = narrow or missing.mostly
    # What the person said about themselves (SPMS, 58) decides what answers them: those
    # sentences come first, the general answer after.
    variants = answer.variants_for(person.ms_type, person.age, person.edss)
    sentences = [(BlockKind.CONTEXT, v) for v in variants]
    # An answer sentence the variant above already says ("higher for women over 32") is not repeated.
    sentences += [
        (BlockKind.ANSWER, s)
        for s in answer.answer
        if not any(overlap(s.text, v.text) >= SAID_BY_VARIANT for v in variants)
    ]
    for kind, sentence in sentences:
        if narrow and numbers(sentence.text) and not (context_too and kind == BlockKind.CONTEXT):
            continue
        if for_the_other_sex(sentence.text, person.sex):
            continue  # "…higher for women over 32" to a man of 29
        if not yes_no and YES_NO_LEAD.match(sentence.text):
            sentence = sentence.model_copy(update={"text": without_yes_no(sentence.text)})
        block = _cited(sentence, kind, index, citer, support)
        if block is not None:
            yield block
    if answer.not_covered and (not narrow or missing.mostly):
        yield Block(BlockKind.NOT_COVERED, answer.not_covered, ask=index)
    if missing.words and not missing.mostly:
        yield Block(BlockKind.NOT_COVERED, missing.sentence(), ask=index)
    yield Block(BlockKind.NEXT_STEP, answer.next_step, ask=index)


WOMEN = re.compile(r"\bwom[ae]n\b", re.I)
MEN = re.compile(r"\bm[ae]n\b", re.I)


def for_the_other_sex(text: str, sex: str | None) -> bool:
    """A sentence about women only, for a man (or about men only, for a woman)."""
    if sex == "male":
        return bool(WOMEN.search(text)) and not MEN.search(text)
    if sex == "female":
        return bool(MEN.search(text)) and not WOMEN.search(text)
    return False


EITHER_OR = re.compile(r"\bor\b(?!\s+not\b)", re.I)


def yes_or_no(ask: Ask | None) -> bool:
    """Can the ask be answered yes or no? Not a question word's ask ("How is it different?")
    nor a choice between two things ("…or can I go back to normal?")."""
    return ask is None or not (WH_WORD.search(ask.text) or EITHER_OR.search(ask.text))


# "The library cannot say whether you personally qualify": a judgement only the person's own team
# can make, true of every ask of its kind; not a part of the topic that the library lacks.
JUDGEMENT = re.compile(r"\bcannot (say|weigh|judge)\b", re.I)


# The words people use for what the answers call fatigue or vaccinations (stems).
ALIKE = {
    "exhaust": "fatigu",
    "tire": "fatigu",
    "tired": "fatigu",
    "worn": "fatigu",
    "sleepi": "fatigu",
    **{w: "fatigu" for w in content_words("wiped drained knackered shattered")},  # "wiped out by 2pm"
    "jab": "vaccin",
    "gym": "exercis",  # "…back to lifting weights at the gym": the exercise an answer lacks
    "workout": "exercis",
    "sport": "exercis",
    # "…a special diet, like no sushi?", "…keep my cat?": the food and pets an answer lacks
    **{w: "food" for w in content_words("diet diets eat eating meal meals sushi salad salads fish")},
    **{w: "pet" for w in content_words("pets cat cats dog dogs")},
    # "…seeing me bald for weeks?": the hair loss an answer lacks; "can you get it twice?": a second one
    **{w: "hair" for w in content_words("bald baldness")},
    "twice": "second",
    # "Is it safe to fly to the wedding?": the travel an answer lacks
    **{
        w: content_words("travel")[0]
        for w in content_words("fly flying flight flights holiday holidays trip")
    },
}


# How a question is put, not what it is about: "how long does recovery take" does not ask the part
# on "how long fatigue lasts" that an answer says it lacks; "what are the results after 10 years"
# does not ask for "results for the decades after".
QUESTION_FRAME = frozenset(
    content_words(
        "long take takes time soon much many often realistic realistically exactly "
        "result results outcome outcomes"
        " evidence research studies say says"  # "What does the evidence say for somebody like him?"
        # "how long the exhaustion usually lasts", "…how my relapses used to start": the verbs of
        # how a thing is told ("used" is not the "which treatment to use" an answer lacks)
        " last lasts start starts takes begin begins end ends use used uses mean means get gets"
        " show shows appear appears happen happens"
    )
)


# An ask for an amount: a price, a count, a share, a chance
AMOUNT = re.compile(
    r"\b(how much|how many|what (?:does|do|would|will|is|are) (?:\w+ ){0,4}(?:cost|costs|price|prices)|"
    r"(?:cost|price)s? (?:of|for|in|down|there|abroad)|what percentage|what (?:are|is) the (?:odds|chances?)|"
    r"how likely|(?:hsct|ahsct|transplant|treatment|cells?) (?:price|cost)s?)\b",
    re.I,
)


# "When can I get back to my garden?", "how soon can I hug my grandson?": a time the answer may lack
TIMING = re.compile(
    r"\b(?:when (?:can|could|will|would|should|do|does|is|am|are)|how (?:long|soon)|"
    r"how many (?:days|weeks|months|years))\b",
    re.I,
)
LACKS_TIMING = re.compile(r"\b(?:how long|how soon|when)\b", re.I)
DURATION = re.compile(r"\b\d[\d.,]*\s*(?:days?|weeks?|months?|years?)\b", re.I)


def wants_a_figure_it_lacks(ask: Ask | None, answer: ReviewedAnswer) -> bool:
    """Does the ask want an amount ("Roughly what does that cost down there?") that the answer
    gives none of, or a time ("When can I get back to my garden?") that the answer says it lacks
    and gives no duration for? Then what the library lacks is the direct answer, said first, and
    the answer's other figures (a fever rate) do not stand in for it."""
    if ask is None or not answer.not_covered:
        return False
    own = ask.own or ask.text
    if TIMING.search(own) and LACKS_TIMING.search(answer.not_covered):
        return not any(DURATION.search(s.text) for s in answer.answer)
    return bool(AMOUNT.search(own)) and not any(numbers(s.text) for s in answer.answer)


def asks_the_uncovered_part(ask: Ask | None, answer: ReviewedAnswer) -> bool:
    """Are the ask's own topic words (hair, nausea) in what the answer says it does not cover and
    in none of its answer sentences? Words every answer of the field shares do not count."""
    return bool(uncovered_part(ask, answer))


def uncovered_part(ask: Ask | None, answer: ReviewedAnswer, text: str = "") -> tuple[str, ...]:
    """The words of the answer's not-covered sentence that the ask (or `text`, its own words)
    asks about ("…cuddle my dog?" to the answer on infections gives "pets"), in that sentence's
    spelling."""
    if ask is None or not answer.not_covered or JUDGEMENT.search(answer.not_covered):
        return ()
    own = {ALIKE.get(w, w) for w in content_words(text or ask.query)} - GENERIC - VAGUE_WORDS - QUESTION_FRAME
    wanted = own - set(content_words(" ".join(s.text for s in answer.answer)))
    words = WORD.findall(answer.not_covered.lower())
    # "a second transplant", not "second"
    found = (
        f"a {w} {words[i + 1]}" if w in ORDINALS and i + 1 < len(words) else w
        for i, w in enumerate(words)
        if set(content_words(w)) & wanted
    )
    return tuple(dict.fromkeys(found))


ORDINALS = frozenset({"second", "third", "repeat", "further"})


def _cited(sentence, kind: BlockKind, index: int, citer: Citer, support: CardSupport) -> Block | None:
    """A reviewed sentence cited to the passages of its notes that back it; dropped (never shown
    uncited) when no passage of its notes holds its numbers."""
    backing = support.by_words(sentence.sources, sentence.text)
    cited_text = " ".join(p.text for p, _ in backing)
    if not backing or not numbers(sentence.text) <= numbers(cited_text):
        return None
    marks = tuple(dict.fromkeys(citer.number(p, quote) for p, quote in backing))
    text = sentence.text.rstrip()
    end = text[-1] if text[-1:] in ".!?" else "."
    return Block(kind, f"{text.rstrip('.!?')} [{', '.join(map(str, marks))}]{end}", marks, ask=index)


def composed_blocks(
    blocks: Generator[Block, None, int],
    ask: Ask,
    index: int,
    missing: Missing | None = None,
    steps: set[str] | None = None,
    citer: Citer | None = None,
) -> Generator[Block, None, int]:
    """The verifier's blocks for one ask, tagged with it; then a plain 'not covered' when no kept
    sentence speaks to the ask's aspect (a cost ask needs a cost statement about its treatment).
    When most of the ask's own topic is not in the library ("ataxia"), that is said first, and no
    figure about something else stands in for the answer; a missing detail ("bacteria or
    hepatitis") is said after the answer. A personal decision ("should I postpone?") first hears
    that only the person and their team can make it, and a "why" that the library holds no
    reviewed reason, then what the library holds. The next step
    follows an ask left unanswered (`steps`: those already given)."""
    start = len(citer.passages) if citer is not None else 0  # before the blocks are verified
    blocks = list(blocks)
    missing = (missing or Missing()).with_symptom(unanswered_symptom(ask, blocks))
    judges = bool(JUDGES_A_CLINIC.search(ask.text))  # "is Dr X good?": the lack is the answer
    # …and what the library says near it about other things would stand in for one
    shown = [] if judges else [b for b in blocks if not _stands_in(b, missing)]
    if citer is not None and len(shown) < len(blocks):
        shown = citer.release(start, shown)
    kept: list[Block] = []
    why = not missing.mostly and why_ask(ask)
    first = missing.mostly or why or judges or (ask.aspect == "decision" and bool(CHOOSING.search(ask.text)))
    if first and not why:
        yield not_covered(ask, index, missing if missing.mostly else None)
    for block in shown:
        tagged = Block(block.kind, block.text, block.citations, block.claim, index, block.reason)
        if tagged.kind == BlockKind.ANSWER:
            if why and not kept:  # "here is what its sources say nearby" only when some follows
                yield Block(BlockKind.NOT_COVERED, WHY_NOT_COVERED, ask=index)
            kept.append(tagged)
        yield tagged
    if why and not kept:
        yield Block(BlockKind.NOT_COVERED, WHY_ALONE, ask=index)
    answered = not first and addresses(kept, ask)
    if not first and not answered:
        yield not_covered(ask, index, missing)  # the missing words when there are some
    elif missing.words and not missing.mostly:
        yield Block(BlockKind.NOT_COVERED, missing.sentence(), ask=index)
    if answered and judges:
        yield Block(BlockKind.NOT_COVERED, CLINIC_NOT_COVERED, ask=index)
    if not answered and steps is not None:
        yield from next_step(ask, index, steps)
    return len(kept) + (not answered or bool(missing.words))


def _stands_in(block: Block, missing: Missing) -> bool:
    """Would the sentence stand in for what the library lacks? A figure, when most of the ask is
    missing; a missing symptom named as something else ("headache and fatigue" as side effects
    for "can stem cells help my fatigue?")."""
    if block.kind != BlockKind.ANSWER:
        return False
    symptom = SYMPTOM_RULES.get(missing.words[0]) if missing.words else None
    return (missing.mostly and bool(numbers(block.text))) or bool(symptom and symptom.search(block.text))


def ask_missing(res: Assistant, ask: Ask, person: PersonContext | None = None) -> Missing:
    if looks_non_english(ask.query):  # its words are another language's, not topics the library lacks
        return Missing()
    known = library_terms(res)
    missing = missing_topic(ask.query, known, common(res))
    if ask.declined:  # the other disease is declined on its own line
        missing = Missing(tuple(w for w in missing.words if w.lower() != ask.declined.lower()))
    if WAITING.search(ask.text) and not ask.answer_id:
        # the library holds no waiting times anywhere, though each word of the ask is its own
        missing = Missing(("waiting lists", *missing.words[:2]), True)
    if (paid := _paid_for(ask)).words:
        missing = Missing((*paid.words, *missing.words[:2]), True)
    if CHILDREN_TREATED.search(ask.own or ask.text):
        missing = Missing(("children and teenagers", *missing.words[:2]), True)
    body = REGULATOR.search(PASTE_AFTER.sub("", ask.own or ask.text))
    if body and not all(s in known for s in content_words(normalize_terms(body.group()))):
        # "what does 'TGA-standard' mean here?": what that regulator's word means is the ask
        missing = Missing((body.group(), *(w for w in missing.words[:2] if w != body.group())), True)
    place = unknown_place(ask, person, known)
    if place and place not in missing.words:
        # where the answer depends on the place, the place the library lacks is most of the ask
        return Missing((*missing.words[:2], place), missing.mostly or ask.aspect in WHERE_BOUND)
    return missing


# "Will my national health insurance give back some money?", "…freeze my eggs first and who pays
# for that?": what a price ask wants paid, where the library has nothing reviewed on it
INSURANCE = re.compile(
    r"\b(?:insurance|insurer|medicare|medicaid|private health|health fund|reimburs\w*|refund\w*|"
    rf"{INSURERS}|"
    r"give (?:me )?back (?:some |the )?money|"
    r"pay (?:me |us )?back)\b",
    re.I,
)


# National medicines regulators other than the FDA and the EMA, whose rules the library may lack
REGULATOR = re.compile(
    r"\b(?:TGA|Medsafe|COFEPRIS|Health Canada|CDSCO|ANVISA|PMDA|HPRA|MHRA|AEMPS|BfArM|ANSM|AIFA|"
    r"Roszdravnadzor|SAHPRA|Swissmedic|NMPA)\b",
    re.I,
)


# "Is HSCT ever done on children or teenagers?": the library's evidence is on adults
CHILDREN_TREATED = re.compile(
    r"\b(?:done|given|offered|used|performed|do|treat\w*)\b[^.?!]{0,20}\b(?:on|for|in|to)\s+"
    r"(?:children|kids|teens|teenagers|adolescents|minors)\b|\b(?:paediatric|pediatric)\b",
    re.I,
)


def _named_lack(res: Assistant, ask: Ask, person: PersonContext) -> Missing:
    """For an ask about the part an answer lacks: what it wants paid, or an everyday thing it
    names that the library never mentions ("is altitude or flying a problem after?" beside the
    answer on infections, which has no advice on travel), said beside the answer's own lack."""
    if (paid := _paid_for(ask)).words:
        return paid
    named = tuple(w for w in ask_missing(res, ask, person).words if REMEDY.fullmatch(w))
    return Missing(named, True) if named else Missing()


def _paid_for(ask: Ask) -> Missing:
    """For a price ask: what it wants paid that the library lacks, as a `Missing`."""
    lacking = _cost_of_what(ask) if "cost" in (ask.aspect, ask.read_aspect) else ""
    return Missing((lacking,), True) if lacking else Missing()


def _cost_of_what(ask: Ask) -> str:
    if FERTILITY.search(ask.query):
        return "paying for egg or sperm storage"
    if TAX.search(ask.own or ask.text):  # "can I deduct it from my tax as a medical cost?"
        return "tax relief"
    if WELFARE.search(ask.own or ask.text):  # "would the fundraiser count against my allowance?"
        return "welfare benefits or fundraising rules"
    return "insurance cover" if INSURANCE.search(ask.own or ask.text) else ""


TAX = re.compile(r"\b(?:tax\w*|deduct\w*)\b", re.I)
WELFARE = re.compile(
    r"\b(?:disability (?:allowance|benefits?|payments?)|welfare|social security|means[- ]tested)\b", re.I
)


# Places whose care the library speaks of as the UK's or the US's (NHS, FDA)
SPOKEN_OF_AS = {
    **dict.fromkeys(("UK", "England", "Scotland", "Wales", "United Kingdom"), "UK"),
    **dict.fromkeys(("US", "USA", "United States", "America"), "US"),
}
# Asks whose answer depends on where the person lives: access, price, the law
WHERE_BOUND = frozenset({"access", "cost", "regulation"})


def for_another_place(answer: ReviewedAnswer, ask: Ask, person: PersonContext) -> bool:
    """Is the answer about one country's services (MS Australia, the NHS) while the ask names
    another country, or the person said they live in one? "I am from Brazil. The public system
    here do HSCT?" is not answered by which Australian hospitals offer it."""
    if not answer.place:
        return False
    place = place_named(ask.own or ask.text) or person.country
    return bool(place) and SPOKEN_OF_AS.get(place, place) != answer.place


# "…the waiting list for HSCT in Belgium?": a place the ask names by its capital letter
IN_PLACE = re.compile(r"\bin (?:the )?([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
NOT_PLACES = frozenset(
    (
        *("January", "February", "March", "April", "May", "June", "July"),
        *("August", "September", "October", "November", "December"),
        *("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        *("MS", "English", "Spanish"),
    )
)


def place_named(text: str) -> str | None:
    """The country an ask names: one the library knows, a city of one, or another place."""
    if named := COUNTRY.search(text):
        return named.group()
    found = IN_PLACE.search(text)
    if found is None or found.group(1).split()[0] in NOT_PLACES:
        return None
    return CITIES.get(found.group(1), found.group(1))


# "Can I get it through the public hospitals here?": the place is where the person lives
HERE = re.compile(r"\b(here|in my country|where i live|public (?:system|hospitals?|health\w*))\b", re.I)
# …and asks about getting it, not about its risks there ("Is aHSCT risky here?")
# or about it being paid for there ("Is it covered by Medicare here?")
GETTING = re.compile(
    r"\b(get|have it|offer\w*|available|access|done|do (?:it|them|this)|covered|funded|paid for)\b", re.I
)


def local_answer(reviewed, ask: Ask, person: PersonContext) -> ReviewedAnswer | None:
    """The answer on getting the treatment in the person's own country, for an ask about
    getting it "here" ("I live in Brisbane. Can I get aHSCT through the public hospitals
    here?"); None when the library has no answer for that country."""
    own = ask.own or ask.text
    if not person.country or not HERE.search(own) or not GETTING.search(own):
        return None
    place = SPOKEN_OF_AS.get(person.country, person.country)
    found = (a for a in reviewed.answers if a.place == place and a.aspect == "access")
    return next((a for a in found if a.treatment == ask.treatment), None)


# Who pays where the person lives: their insurer, health service or state
HOME_PAYS = re.compile(
    r"\b(?:insur\w*|cover\w*|fund\w*|reimburs\w*|nhs|medicare|medicaid|health (?:service|system|board)|"
    r"public(?:ly)?|state|government|tax\w*)\b",
    re.I,
)


def unknown_place(ask: Ask, person: PersonContext | None, known) -> str | None:
    """For an ask on access, cost or the law: the country it is about (named in it, or where the
    person said they live) when the library never names it. "I live in Ireland. Why don't the
    hospitals here offer HSCT?" is not answered by the NHS sentences near it; "Is the clinic in
    India to blame?" is about the clinic, not the country."""
    if ask.aspect not in WHERE_BOUND:
        return None
    named = COUNTRY.search(ask.own or ask.text)
    if not named and ask.aspect == "cost" and not HOME_PAYS.search(ask.own or ask.text):
        return None  # "Price is 12000 euro, is that normal?": the clinic's price, not home's
    place = named.group() if named else person.country if person is not None else None
    if not place or place in SPOKEN_OF_AS:
        return None
    stems = content_words(normalize_terms(place))
    return place if stems and not all(s in known for s in stems) else None


def situation_blocks(
    ask: Ask, index: int, missing: Missing, steps: set[str] | None
) -> Generator[Block, None, int]:
    """An ask about the person's own situation now: that only their team can judge it, the
    topic words the library lacks ("ataxia"), and who to contact; no general sentences."""
    yield Block(BlockKind.NOT_COVERED, SITUATION_NOT_COVERED, ask=index)
    if missing.words:
        yield Block(BlockKind.NOT_COVERED, missing.sentence(), ask=index)
    step = SITUATION_STEPS.get(ask.treatment, SITUATION_STEP)
    if steps is None or step not in steps:
        (steps if steps is not None else set()).add(step)
        yield Block(BlockKind.NEXT_STEP, step, ask=index)
    return 1


def asks_about_another_condition(ask: Ask) -> bool:
    """Does the ask, in its own words, name a disease outside the library and not MS?"""
    own = ask.own or ask.text
    found = OTHER_CONDITION.search(own)
    return bool(found and found.group(1)) and not MS_NAMED.search(own)


def also_another_condition(ask: Ask) -> str:
    """The other disease when the ask wants one treatment for MS and for it ("could a transplant
    treat both, my lupus and my MS?"), else "". The other disease is declined, the MS part
    answered."""
    if (ask.read_aspect or ask.aspect) not in ("effectiveness", "other", "comparison", "evidence"):
        return ""  # "I have MS and arthritis, is it safe for me?": the other disease is context
    found = OTHER_CONDITION.search(ask.query)
    own = ask.own or ask.text
    asked = (
        bool(found and found.group(1))
        and bool(MS_NAMED.search(ask.query))
        and bool(OTHER_CONDITION.search(own) or BOTH_ASKED.search(own))
        and bool(TREATING.search(own))  # not "the early study in MS and ALS patients"
    )
    return found.group(1) if asked else ""


def the_ms_part(res: Assistant, ask: Ask, plan: Plan, other: str) -> Ask:
    """What is left to answer once the other disease is declined: whether the treatment helps MS,
    with the reviewed answer of that kind when one is close."""
    ask = replace(ask, aspect="effectiveness", read_aspect="effectiveness", declined=other)
    found = answer_of_its_kind(res.reviewed, ask, plan.vectors.get(ask.query), UNMATCHED_FLOOR)
    return replace(ask, answer_id=found.id) if found else ask


def other_condition_not_covered(text: str, plan: Plan) -> str:
    """The decline, naming the other disease as the asker wrote it (in the ask, else in the
    message: "is it an option for him?" after "he has MSA, not MS")."""
    found = OTHER_CONDITION.search(text) or OTHER_CONDITION.search(plan.message.asked)
    return named_decline(found.group(1)) if found and found.group(1) else OTHER_CONDITION_NOT_COVERED


def named_decline(condition: str) -> str:
    """The library's scope, naming the other disease (acronyms spelled out: "MSA (multiple system
    atrophy)")."""
    return OTHER_CONDITION_NAMED.format(condition=SPELLED_OUT.get(condition, condition))


# "my father in law has MSA, not MS": a message about another disease, whatever its asks say of MS
NOT_MS = re.compile(r"\b(?:not|isn'?t|is not|no)\s+(?:ms|multiple sclerosis)\b", re.I)


def another_condition_not_ms(message: str) -> bool:
    found = OTHER_CONDITION.search(message)
    return bool(found and found.group(1)) and bool(NOT_MS.search(message))


OTHER_CONDITION_NAMED = (
    "The library covers stem-cell treatment for MS only and has no reviewed information on whether a "
    "treatment helps {condition}."
)
# "treat both", "help that too", "at the same time": one treatment asked for two conditions
TREATING = re.compile(
    r"\b(?:treat\w*|help\w*|cure\w*|work\w*|fix\w*|heal\w*|benefit\w*|good for|improv\w*)\b", re.I
)
BOTH_ASKED = re.compile(r"\b(?:both|as well|too|also|at once|at the same time)\b", re.I)


def in_field(message: str) -> bool:
    """Is the message about MS or a stem-cell treatment (the library's field)?"""
    return bool(MS_WORDS.search(message)) or treatment_of(message) not in (None, "dmt")


def addresses(kept: list[Block], ask: Ask) -> bool:
    """Does a kept sentence answer the ask's aspect for its treatment? A cost ask needs a price
    (or, when it asks about insurance, a word on insurance), not advice near the topic."""
    rule = ASPECT_WORDS.get(ask.aspect)
    if not kept:
        return False
    if ask.aspect == "cost":
        insurance = re.search(r"insur|cover", ask.text, re.I)
        return any(PRICE.search(b.text) or (insurance and re.search(r"insur", b.text, re.I)) for b in kept)
    if rule is None:
        return True
    return any(rule.search(re.sub(r"\([^)]*\)", " ", b.text)) and _same_treatment(b.text, ask) for b in kept)


def _same_treatment(text: str, ask: Ask) -> bool:
    named = treatment_of(text)
    return (
        named is None
        or ask.treatment in ("stem-cells-general", "none", named)
        or named == "stem-cells-general"
    )


def why_ask(ask: Ask) -> bool:
    """Does the ask, in its own words, ask why ("how come my neuro never mentioned it?")?"""
    return bool(WHY.search(ask.own or ask.text))


def not_covered_texts() -> list[str]:
    """Every 'not covered' sentence this module can write: fixed texts, never claims."""
    unseen = [UNSEEN_TEXT.format(thing=t) for t in UNSEEN_THINGS]
    return [
        *unseen,
        CLINIC_NOT_COVERED,
        NOT_COVERED_ANY,
        NEXT_STEP_ANY,
        SITUATION_NOT_COVERED,
        WHY_NOT_COVERED,
        WHY_ALONE,
        SITUATION_STEP,
        OTHER_CONDITION_NOT_COVERED,
        OTHER_CONDITION_NAMED.format(condition="lupus"),
        OTHER_CONDITION_STEP,
        *SITUATION_STEPS.values(),
        *NEXT_STEPS.values(),
    ] + [t.format(t=name) for t in NOT_COVERED.values() for name in TREATMENT_NAMES.values()]


def not_covered(ask: Ask, index: int, missing: Missing | None = None) -> Block:
    """What the library does not cover for the ask: its own missing topic words when it has
    some ("ataxia"), else the aspect's sentence (no prices for aHSCT), else the general one."""
    if missing is not None and missing.words:
        return Block(BlockKind.NOT_COVERED, missing.sentence(), ask=index)
    if JUDGES_A_CLINIC.search(ask.text):
        return Block(BlockKind.NOT_COVERED, CLINIC_NOT_COVERED, ask=index)
    template = NOT_COVERED.get(ask.aspect)
    text = template.format(t=TREATMENT_NAMES.get(ask.treatment, "this")) if template else NOT_COVERED_ANY
    return Block(BlockKind.NOT_COVERED, text, ask=index)


MISSING = "The library has no reviewed information about {words}."
# "Is it a good hospital?", "is this clinic legit?": the library reviews evidence, not places.
# …nor people: "Is Dr. Kessler legit? Does he have a good track record?"
PLACES = (
    r"(?:(?:hospital|clinic|centre|center|institution|institute|doctor|surgeon|physician)s?"
    r"|dr\.? (?:[A-Z]\.\s*){0,2}[A-Z]\w+)"
)
JUDGES_A_CLINIC = re.compile(
    # "…find out that doctor's personal success rate": one doctor's or clinic's own record
    rf"\b{PLACES}'s\s+(?:own\s+|personal\s+)?(?:success rates?|results|track record|record)\b|"
    rf"\b(?:good|best|top|legit\w*|reputable|trustworthy|reliable|genuine|real|proper)\b[^.?!]{{0,30}}\b{PLACES}\b"
    rf"|\b{PLACES}\b[^.?!]{{0,30}}\b(?:good|legit\w*|reputable|trustworthy|reliable|genuine|"
    r"to blame|at fault|negligent|liable|track record|complaints?)\b",
    re.I,
)
CLINIC_NOT_COVERED = "The library has no reviewed information on individual clinics, hospitals or doctors."


def _about_a_provider(text: str) -> bool:
    """A named doctor's standing or reach, a clinic talking to the home team, or finding a doctor
    or hospital who knows the treatment: no reviewed answer speaks to one provider."""
    named_doctor = JUDGES_A_DOCTOR.search(text) and REACHES_A_DOCTOR.search(text)
    finds = FINDS_A_PROVIDER.search(text) or PICKS_A_PROVIDER.search(text)
    return bool(named_doctor or CONTACTS_A_CLINIC.search(text) or finds)


# "is there a particular doctor in Joburg who has experience with people treated overseas?", "is
# there some hospital there that know how to follow patients from the Mexico clinic?"
FINDS_A_PROVIDER = re.compile(
    r"\b(?:is there|are there|do you know|can you recommend|could you recommend)\s+(?:\w+\s+){0,4}"
    r"(?:doctors?|specialists?|neurologists?|physicians?|hospitals?|clinics?|centres?|centers?)\b"
    r"[^.?!]{0,30}\b(?:who|that)\s+(?:know|knows|has|have|is|are)\s+(?:how|experience\w*|familiar|used to)\b",
    re.I,
)
# "which hospital is best one and who is the best doctor for this?": a ranking of providers
PICKS_A_PROVIDER = re.compile(
    rf"\b(?:which|what)\s+{PLACES}\s+(?:is|are|would be)\s+(?:the\s+)?(?:best|top|safest|most \w+)\b"
    rf"|\b(?:who|which|what)\s+(?:is|are|'s)\s+(?:the\s+)?(?:best|top|safest|most \w+)\s+{PLACES}",
    re.I,
)
# "…you know if he is good?", "is Dr. Almeida still the responsible doctor, does he answer emails?"
REACHES_A_DOCTOR = re.compile(
    JUDGES_A_CLINIC.pattern
    + r"|\b(?:still|responsible|in charge|answers?|repl(?:y|ies)|respond\w*|e-?mails?|"
    r"contact\w*|reach|treated by|seen by|(?:anyone|anybody|you) know|heard (?:of|about)|"
    # "whether a Dr. K. Arslan who runs the programme is any good"
    r"any good|reputation|reputable|trustworthy)\b",
    re.I,
)
# "…will the Mexican clinics talk to us directly, or does everything go through the patient?"
CONTACTS_A_CLINIC = re.compile(
    r"\b(?:clinics?|hospitals?|centres?|centers?)\b[^.?!]{0,30}\b(?:talk|speak|reply|respond|answer|write|send)\w*"
    r"\b[^.?!]{0,20}\b(?:us|me|directly|our (?:doctors?|team|gp)|records?)\b",
    re.I,
)
# a named doctor, capital and all; written in lower case after "know" ("anyone know dr valdes?")
JUDGES_A_DOCTOR = re.compile(
    r"\b(?:[Dd]r\.?|[Dd]octor)\s+(?:[A-Z]\.\s*){0,2}[A-Z][a-z]+"  # "Dr. K. Arslan"
    r"|\b(?i:know|heard of|heard about)\s+(?i:dr\.?|doctor)\s+(?!(?i:who|that|which|at|in|for)\b)[a-z]{3,}"
)
NARROW_LIMIT = 2  # sentences near an ask whose topic the library lacks: context, not an answer
# Who to ask when the library cannot answer: the team that knows the person's treatment.
NEXT_STEPS = {
    "ahsct": "Please ask your transplant team or MS team about this; they know your history.",
    "dmt": "Please ask your neurologist or MS nurse about this.",
}
NEXT_STEP_ANY = "Please ask your neurologist or MS nurse about this before you decide anything."


def next_step(ask: Ask, index: int, given: set[str]) -> Iterator[Block]:
    """The next step after an ask the library could not fully answer, once per answer."""
    text = NEXT_STEPS.get(ask.treatment, NEXT_STEP_ANY)
    if text not in given:
        given.add(text)
        yield Block(BlockKind.NEXT_STEP, text, ask=index)


# Asks where the drug a person is on decides the answer: the transplant is weighed against it.
WEIGHED_AGAINST_DRUG = frozenset({"eligibility", "decision", "comparison", "effectiveness"})


def drug_step(ask: Ask, person: PersonContext, index: int, given: set[str]) -> Iterator[Block]:
    """The drug the person named, in the next step of an ask about aHSCT that is weighed against
    it ("I'm on Ocrevus. Am I a candidate?"): a question for their neurologist, never a claim
    about the drug. Once per answer."""
    if (
        not (person.drugs or person.offered)
        or ask.treatment != "ahsct"
        or ask.aspect not in WEIGHED_AGAINST_DRUG
    ):
        return
    if person.drugs:
        drug = person.drugs[-1]
        text = f"You mention {drug}: ask your neurologist how your MS has behaved on it, and what that means."
    else:  # "they proposed Aubagio, but could I have the transplant first instead?"
        drug = person.offered[0]
        text = (
            f"You mention {drug} as an option: ask your neurologist how strong a drug it is for MS like "
            "yours, and whether a high-efficacy drug would suit you better."
        )
    if "drug" not in given:
        given.add("drug")
        yield Block(BlockKind.NEXT_STEP, text, ask=index)


# The reviewed comparison of aHSCT with a drug the person takes: its first sentence is what their
# drug changes in an answer on whether aHSCT is for them ("…on Ocrevus for a year and still
# relapsing. What is your view on stem cell treatment?")
DRUG_COMPARISONS = {"ocrelizumab": "ahsct-vs-ocrelizumab", "alemtuzumab": "ahsct-vs-alemtuzumab"}
WEIGHED_OR_EVIDENCE = WEIGHED_AGAINST_DRUG | {"evidence"}


def drug_context(
    res: Assistant, ask: Ask, plan: Plan, index: int, citer: Citer, given: set[str]
) -> Iterator[Block]:
    """Once per answer, for an ask on aHSCT or stem cells in general weighed against a drug the
    person named: the first sentence of the reviewed comparison with that drug, unless an ask of
    the message compares (it is given the whole answer)."""
    if ask.treatment not in ("ahsct", "stem-cells-general") or ask.aspect not in WEIGHED_OR_EVIDENCE:
        return
    found = next((DRUG_COMPARISONS[d] for d in plan.person.drugs if d in DRUG_COMPARISONS), None)
    if found is None or found in given or f"drug:{found}" in given:
        return
    if any(a.answer_id == found or a.read_aspect == "comparison" for a in plan.asks):
        return
    answer = res.reviewed.by_id(found)
    if answer is None or not answer.answer:
        return
    given.add(f"drug:{found}")
    block = _cited(answer.answer[0], BlockKind.CONTEXT, index, citer, res.card_support)
    if block is not None:
        yield block


def _with_drug_context(blocks: list[Block], context: Iterator[Block]) -> list[Block]:
    """The drug's sentence right after the answer's sentences, before what it lacks and its next step."""
    extra = list(context)
    said = [j for j, b in enumerate(blocks) if b.kind in SAID_ONCE]
    at = said[-1] + 1 if said else len(blocks)
    return [*blocks[:at], *extra, *blocks[at:]]


def _listed(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


# Words that tell the asker's story, not what they ask about: often absent from the library, yet
# no part of the answer is missing for want of them ("my daughter", "last Tuesday", "worried").
STORY_WORDS = frozenset(
    content_words(
        "daughter son wife husband mother mum mom father dad brother sister kid kids child children "
        "family friend friends partner boyfriend girlfriend grandmother grandfather aunt uncle cousin "
        "nephew niece month months week weeks day days ago today yesterday tomorrow weekend morning "
        "evening night monday tuesday wednesday thursday friday saturday sunday worried worry scared "
        "afraid anxious nervous hope hoping happy sad upset confused tell told said says say read "
        "heard hear saw seen ask asked asking wonder wondering thinking thought feel feeling felt "
        "try tried trying going come came back take took give gave make made help thing things "
        "something anything everything question questions answer information info article news "
        "website site forum group post page online please thanks thank hello dear anyone somebody "
        "someone lot bit kind sort guys everyone advice opinion experience experiences appreciate "
        "wanted wants looking look idea ideas able whether okay fine worth situation grandkid "
        "grandkids grandchild grandchildren baby babies boss colleague colleagues neighbour neighbor "
        "video videos blog vlog post posts photo photos picture pictures story stories testimonial "
        "brochure brochures leaflet leaflets flyer flyers pamphlet email emails advert adverts "
        "newsletter message messages letter "
        # typed without the apostrophe: "shes so tired", "im scared"
        "shes hes ive im dont cant wont isnt doesnt didnt wasnt arent theyre youre thats whats theres "
        "wouldnt couldnt shouldnt havent hasnt"
    )
)
# Everyday words (verbs, numbers) a small library never uses: no topic of an ask.
EVERYDAY = frozenset(
    content_words(
        "avoid continue consider recommend suggest expect affect involve require include prevent "
        "reduce increase improve manage handle cope deal mention explain describe mean cause allow "
        "decide choose prefer plan happen stop start keep wait allowed supposed normally usual "
        "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
        "hundred thousand first second third fourth fifth half twice couple several chemo "
        "accurate maximum minimum acknowledge tackle adapt dissolve restart boost succeed yield relax "
        "insist pretend prescribe outweigh imagine create inquire afford postpone regard legit naive "
        "upbeat dodgy worldwide redundant amazing reassure verge mode slot draft admission variant "
        "necessary whatsoever whichever regrow reboot resist zero decade session unwell ability fuss vague "
        "bogus scam scams fake quack hoax gimmick genuine "  # judging a treatment: the library covers that
        "mobile chronic appointment downside caveat instruction"
    )
)
IGNORED = GENERIC | VAGUE_WORDS | STORY_WORDS | EVERYDAY
# Endings of adverbs, participles, adjectives and comparatives ("definitely", "reassured",
# "reliable", "cheaper", "trustworthy"): words about the asking, rarely the thing asked about.
# (not "-eed": "breastfeed", "need" are no participles)
NOT_A_NOUN = re.compile(
    r"(ly|(?<!e)ed|ing|able|ible|ous|ful|less|est|ive|al|ary|ever|ier|[^e]er|worthy)$", re.I
)
CANDIDATE = re.compile(r"\b(?:[A-Za-z][A-Za-z-]{3,}|[A-Z]{3})\b")  # and acronyms: AVN, ITP


@dataclass(frozen=True)
class Missing:
    """The ask's topic words the library never uses, and whether they are most of its topic."""

    words: tuple[str, ...] = ()
    mostly: bool = False

    def sentence(self) -> str:
        named = (SPELLED_OUT.get(w, AS_NOUN.get(w.lower(), w)) for w in self.words)
        return MISSING.format(words=_listed(tuple(dict.fromkeys(named))))  # "teeth", "tooth": once

    def with_symptom(self, symptom: str) -> Missing:
        """With a symptom the ask wants helped and no answer sentence names: most of the ask."""
        return Missing((symptom, *self.words)[:3], True) if symptom else self

    def besides(self, said: str) -> Missing:
        """Without the words a not-covered sentence already names (in its words or in ALIKE's)."""
        named = set(content_words(said))
        words = tuple(w for w in self.words if not any(ALIKE.get(s, s) in named for s in content_words(w)))
        return self if words == self.words else Missing(words, self.mostly and bool(words))


# Symptoms an ask may want a treatment to help, as the reader would name them, and the words a
# sentence about that symptom uses. "Does aHSCT do anything for bladder problems?" is not
# answered by results on disability, nor by bleeding from the bladder as a side effect.
SYMPTOMS = {
    "bladder problems": r"bladder|urin\w*|pee|peeing|toilet|incontinen\w*",
    "bowel problems": r"bowels?|constipat\w*",
    "fatigue": r"fatigue\w*|tired\w*|exhaust\w*|energy",
    "pain": r"pains?|painful|aches?|aching",
    "eyesight": r"eyesight|vision|sight|optic|eyes?",
    "memory": r"memory|forget\w*",
    "brain fog": r"brain fog",
    "thinking": r"thinking|cognit\w*|concentrat\w*",
    "stiffness and spasms": r"spastic\w*|stiff\w*|spasms?|cramps?",
    "balance": r"(?:my|her|his|poor|bad) balance|balance (?:problems?|issues?)|dizz\w*|vertigo",
    "tremor": r"tremors?|shak\w*",
    "numbness": r"numb|numbness|tingl\w*|pins and needles",  # not "numbers"
    "mood": r"depress\w*|mood|anxiety",
    "speech": r"speech|speak\w*|slurr\w*",
    "swallowing": r"swallow\w*",
    "sexual problems": r"sex\w*|erect\w*|libido",
}
SYMPTOM_RULES = {name: re.compile(rf"\b(?:{words})\b", re.I) for name, words in SYMPTOMS.items()}


def unanswered_symptom(ask: Ask, blocks: list[Block]) -> str:
    """The symptom an effect ask names ("…do anything for my bladder?") when no answer sentence
    on effect names it; "" otherwise."""
    if ask.aspect != "effectiveness":
        return ""
    own = ask.own or ask.text
    rule = ASPECT_WORDS["effectiveness"]
    answers = [b.text for b in blocks if b.kind == BlockKind.ANSWER and rule.search(b.text)]
    for name, symptom in SYMPTOM_RULES.items():
        if symptom.search(own) and not any(symptom.search(text) for text in answers):
            return name
    return ""


# Acronyms of neighbouring conditions, spelled out so the reader sees which one is meant.
SPELLED_OUT = {
    "NMO": "NMO (neuromyelitis optica)",
    "NMOSD": "NMOSD (neuromyelitis optica spectrum disorder)",
    "ADEM": "ADEM (acute disseminated encephalomyelitis)",
    "CIDP": "CIDP (chronic inflammatory demyelinating polyneuropathy)",
    "ALS": "ALS (motor neurone disease)",
    "MSA": "MSA (multiple system atrophy)",
}

# An activity asked about as a verb ("Could I still breastfeed after HSCT?"), named as a topic:
# "no reviewed information about breastfeeding", not "about breastfeed"
AS_NOUN = {
    "breastfeed": "breastfeeding",
    "breast-feed": "breastfeeding",
    "swim": "swimming",
    "drive": "driving",
    "fly": "flying",
    "pack": "packing",
    "dentist": "dental care",
    "dentists": "dental care",
    "dental": "dental care",
    "teeth": "dental care",
    "tooth": "dental care",
    "smoke": "smoking",
    "vape": "vaping",
    "drink": "drinking",
    "ski": "skiing",
    "dive": "diving",
    "cycle": "cycling",
    "garden": "gardening",
}


def missing_topic(text: str, known, everyday: frozenset[str] = frozenset()) -> Missing:
    """The ask's topic words that the library never uses (`known`: its stemmed terms), at most
    three, in the ask's order: "ataxia" in "the ataxia comes and goes, should I worry?"; `mostly`
    when they are more than half of the ask's topic words. Only rare words are named: a word of
    everyday English (`everyday`, such as "difficult" or "impact") missing from a small library is
    no topic it lacks."""
    topic = topic_words(text)
    named = {_as_named(m.group()) for m in REMEDY.finditer(text)}  # topics in easy words ("wine")
    found = [
        w
        for w, stems in topic.items()
        if (w not in everyday or w in named)
        and not _glued(w, known)
        # a remedy named as such is read as written: "diet" is no misspelling of "die"
        and not all(s in known if w in named else _known(s, known) for s in stems)
        # a remedy or activity named as such is no misspelling ("altitude" is not "attitude")
        and (w in named or not _inflected(w, everyday))
        and (w in named or not _misspelt(w, everyday))  # last: it tries every one-letter edit
    ]
    # a remedy the library lacks ("vitamin D 60000 IU weekly, ok to continue after?") is what is asked
    remedy = any(w in named for w in found)
    return Missing(tuple(found[:3]), len(found) > len(topic) / 2 or remedy)


# Endings that make another form of the same word: "terrifies" is "terrified", "redo" is "do"
FORMS = (("ies", ("ied", "ying")), ("es", ("ed", "ing")), ("s", ("ed", "ing")), ("ed", ("ing", "s")))
PREFIXES = ("re", "un", "over")


def _inflected(word: str, everyday: frozenset[str]) -> bool:
    """Another form of an everyday word ("terrifies", where the tokenizer has "terrified"), or one
    with "re-" or "un-" before it ("redo"): a word of the person's story, not a topic."""
    word = word.lower()
    forms = [
        word[: -len(end)] + other
        for end, others in FORMS
        if word.endswith(end) and len(word) > len(end) + 3
        for other in others
    ]
    again = [word[len(p) :] for p in PREFIXES if word.startswith(p) and len(word) > len(p) + 1]
    return any(f in everyday for f in forms) or any(a in everyday or a in STOPWORDS for a in again)


def _misspelt(word: str, everyday: frozenset[str]) -> bool:
    """An everyday word typed with two letters the wrong way round ("frist"), or one letter left
    out or doubled ("diffrence", "untill"): a misspelling, not a topic."""
    word = word.lower()
    swaps = (word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
    dropped = (word[:i] + word[i + 1 :] for i in range(len(word)))
    added = (word[:i] + c + word[i:] for i in range(len(word) + 1) for c in string.ascii_lowercase)
    return len(word) > 4 and any(w in everyday for w in (*swaps, *dropped, *added))


# The asker's own role ("I'm a hospital pharmacist", "I work as a nurse"): who asks, not the topic
ROLE = re.compile(r"\b(?:i'?m|i am|i work as|working as)\s+an?\s+(?:\w+\s+)?$", re.I)


def topic_words(text: str) -> dict[str, list[str]]:
    """The words that name what an ask is about, with their stems. Names and places (capitalised
    inside a sentence), adverbs and participles, everyday words (Dale-Chall's list of words most
    children know: "hug", "crowd"), story words and the field's own words do not count: naming
    them as the missing part would be noise."""
    remedies = list(REMEDY.finditer(text))  # "camel milk", "bee stings": topics in easy words
    found = {_as_named(r.group()): content_words(normalize_terms(r.group())) for r in remedies}
    for m in CANDIDATE.finditer(text):
        word = m.group()
        if _a_name(text, m.start(), word) or NOT_A_NOUN.search(word) or UNIT.search(text[: m.start()]):
            continue
        if ROLE.search(text[: m.start()]):
            continue
        if DRUG_NAME.fullmatch(word):  # the person's drug is their context (drug_step), not a topic
            continue
        if CURRENCY.fullmatch(word):  # "AUD $9,900" in a pasted offer: the price's unit, not a topic
            continue
        if TRANSPLANT_ABROAD.fullmatch(word):  # "autotrapianto": the transplant in the asker's words
            continue
        if PLATFORM.fullmatch(word):  # "her friend sent this from instagram": where it was seen
            continue
        if any(r.start() <= m.start() < r.end() for r in remedies):
            continue
        stems = content_words(normalize_terms(word))
        if stems and not any(s in IGNORED or s in easy_stems() for s in stems):
            found.setdefault(word if word.isupper() else word.lower(), stems)  # AVN stays AVN
    return found


def _as_named(words: str) -> str:
    """A remedy as the asker wrote it, lower-cased unless it starts with an acronym ("vitamin D",
    "CBD oil")."""
    return words if words.split()[0].isupper() else words[:1].lower() + words[1:]


DRUG_NAME = re.compile("|".join(DRUGS.values()), re.I)
# Remedies people try beside or instead of stem cells, named in everyday words ("camel milk", "bee
# stings"): the topic of the ask even though a child knows the words, when the library lacks one.
REMEDY = re.compile(
    r"\b(?:(?:camel|goat|donkey|raw) milk|bee (?:stings?|venom)|apitherapy|snake venom|honey|"
    r"vitamin [a-z]\d{0,2}|supplements?|herbal \w+|herbs|cannabis|cbd(?: oil)?|marijuana|ozone|"
    r"chelation|hyperbaric oxygen|acupuncture|turmeric|curcumin|ldn|low[- ]dose naltrexone|"
    r"colloidal silver|mushrooms?|peptides?|placenta|keto(?: diet)?|paleo(?: diet)?|gluten[- ]free|"
    r"juicing|detox\w*|cupping|leeches|homeopath\w*|fasting|"
    # everyday life after treatment: "When can I have a glass of wine again after HSCT?"
    r"alcohol|wines?|beers?|coffee|caffeine|saunas?|hot tubs?|tattoos?|swimming|sunbathing|hair dye|dye|"
    # "the nurse said to see the dentist first", "my city is at 900 metres, is altitude a problem?"
    r"dentists?|dental|teeth|tooth|altitude|pack|packing|"
    # "can I drive again after?", "a medical visa", "sick leave in the UAE", "which crowdfunding site"
    r"driving|drive|visas?|sick leave|sick pay|crowdfund\w*|gofundme|"
    # "can she give breastfeeding after?", "vitamin D and high-dose biotin", "would the fundraiser
    # count against my Disability Allowance?"
    r"breast[- ]?feed\w*|biotin|disability (?:allowance|benefits?|payments?)|welfare benefits?|"
    # "kindly advise which diet is correct for MS", "must I use contraception during the treatment?"
    r"diets?|contracepti\w*|birth control)\b",
    re.I,
)
# A word right after a number is its unit ("8 lakh rupees", "40 mg"), not what is asked about.
UNIT = re.compile(r"\d[\d,.]*\s*(?:[A-Za-z]+\s+)?$")
# The transplant's name in other languages, written inside an English message
TRANSPLANT_ABROAD = re.compile(r"(?:auto)?(?:trapiant|trasplant|transplant|greff)\w*", re.I)
PLATFORM = re.compile(
    r"instagram|facebook|tiktok|whatsapp|telegram|youtube|twitter|reddit|messenger|linkedin|snapchat", re.I
)
CURRENCY = re.compile(r"(?:AUD|USD|US\$|CAD|NZD|EUR|GBP|INR|ZAR|MXN|CHF|SGD|AED|THB|TRY|RUB|BRL|PLN)")


@lru_cache(maxsize=1)
def easy_stems() -> frozenset[str]:
    """Stems of the Dale-Chall easy words that textstat ships (its reading-grade word list)."""
    from importlib.resources import files

    words = (files("textstat") / "resources" / "en" / "easy_words.txt").read_text(encoding="utf-8")
    return frozenset(content_words(words))


def _a_name(text: str, at: int, word: str) -> bool:
    """Capitalised inside a sentence (Moscow, Ocrevus, Dr Burt); acronyms (COVID) are topics."""
    if not word[0].isupper() or word.isupper():
        return False
    before = text[:at].rstrip()
    return bool(before) and before[-1] not in ".?!:"


# Words the library writes another way.
# a word the library says otherwise: "temp 37.9" is a fever
SAME_AS = {"spine": "spinal", "flare": "relaps", "temp": "fever"}


def _known(stem: str, known) -> bool:
    """In the library, or a misspelling of a word that is ("transplnt", "chemoterapy")."""
    if stem in known or SAME_AS.get(stem) in known:
        return True
    if len(stem) < 3:
        return False
    # short words and acronyms ("HST" for HSCT) may only miss one letter
    slack = 2 if len(stem) >= 5 else 1
    near = [k for k in known if k[:1] == stem[:1] and abs(len(k) - len(stem)) <= slack]
    return bool(difflib.get_close_matches(stem, near, n=1, cutoff=0.85))


def _glued(word: str, known) -> bool:
    """Two words typed as one ("theimmune"): a stop word, then a library word."""
    return any(
        word[:i] in STOPWORDS and all(_known(s, known) for s in content_words(word[i:]))
        for i in range(1, min(5, len(word) - 3))
    )


def common(res: Assistant) -> frozenset[str]:
    """Everyday English: the whole words of the embedding model's tokenizer vocabulary (about
    20,000: "difficult", "impact", "tremor"), which splits rare words ("ataxia", "covid") into
    pieces. Empty for an embedder without a tokenizer."""
    tokenizer = getattr(getattr(res.embedder, "model", None), "tokenizer", None)
    return whole_words(tokenizer) if tokenizer is not None else frozenset()


@lru_cache(maxsize=4)
def whole_words(tokenizer) -> frozenset[str]:
    """Read once per tokenizer (the vocabulary has some 30,000 entries)."""
    return frozenset(w for w in tokenizer.get_vocab() if w.isalpha() and w.islower() and len(w) > 3)


def library_terms(res: Assistant):
    """The library's stemmed terms (the lexical index's vocabulary): what it can speak about."""
    return res.retriever.lexical.retriever.vocab_dict


PRICE = re.compile(r"[$€£]\s?\d|\b\d[\d,.]*\s?(dollars|euros|pounds|usd|eur|gbp)\b", re.I)
MS_WORDS = re.compile(r"\bMS\b|multiple sclerosis", re.I)
SPECIFIC = {"ahsct", "msc", "cord-cells", "dmt"}


# The two kinds of cell treatment the library keeps apart: the transplant, and donor or clinic
# cells (cord cells are mostly MSCs, so those two are one kind here).
FAMILY = {"ahsct": "transplant", "msc": "cells", "cord-cells": "cells"}
# a note's topics name the kind too ("adipose-cells" is a source of MSCs)
TOPIC_FAMILY = {**FAMILY, "adipose-cells": "cells", "neural-progenitors": "cells"}


def other_treatment(sentence: str, ask: Ask | None, topics: Sequence[str] = ()) -> bool:
    """A sentence about the other kind of cell treatment: an MSC infection rate never answers a
    question about the risks of aHSCT (unless the ask compares the two). A sentence that names
    no treatment is of its note's kind when the note's topics hold one kind only ("A key factor
    is tissue factor…", from a study of MSC products, does not answer blood tests after aHSCT)."""
    if ask is None or ask.aspect == "comparison" or ask.treatment not in FAMILY:
        return False
    named = treatment_of(sentence)
    if named is None:
        kinds = {TOPIC_FAMILY[t] for t in topics if t in TOPIC_FAMILY}
        return len(kinds) == 1 and FAMILY[ask.treatment] not in kinds
    return named in FAMILY and FAMILY[named] != FAMILY[ask.treatment]


def off_topic_price(sentence: str, ask: Ask | None) -> bool:
    """A price must be about the asked treatment for MS: a survey of heart-clinic prices, or the
    yearly cost of MS drugs, never stands in for the price of aHSCT abroad."""
    if ask is None or not PRICE.search(sentence):
        return False
    named = treatment_of(sentence)
    if ask.treatment in SPECIFIC or named in SPECIFIC:
        return named != ask.treatment
    return not MS_WORDS.search(sentence)
