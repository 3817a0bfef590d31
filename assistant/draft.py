"""The staff draft: a reply a support worker can edit and send, built from the answer's blocks.

One function, `draft_reply`, serves the page, the `/ask` API, `assistant ask --mode staff` and
`assistant batch`. The draft, in order: a greeting and a short acknowledgement of the person's
situation in their terms; safety actions when the message calls for them; each ask answered in the
order asked (claim cards as plain paragraphs, what the library does not cover said plainly); the
red flags of a clinic's offer and questions to put to the clinic; a next step; a sign-off
placeholder; then one reference per document, with the [n] of the body renumbered to match.
The reviewed wording of safety actions, red flags, questions and acknowledgements lives in
sources/staff.yaml (assistant/staff.py). The body is kept under `MAX_WORDS` by dropping later
answer sentences of each ask, never a safety action or an ask's first sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from .flow.asks import DRUGS
from .flow.by_ask import NOT_COVERED_ANY
from .flow.notices import DECLINES, card_lead
from .library import Library
from .models import Answer, Block, Citation, ClaimMatch, SourceDoc
from .settings import Settings
from .staff import SafetyAction, StaffContent, load_staff
from .text import overlap, split_sentences
from .vocab import VERDICTS, BlockKind, DeclineReason, Verdict

MAX_WORDS = 350
# Share of a claim's content words the message must hold for the draft to answer it as a claim
# the writer made: below it, the guard's match is a loose paraphrase of something else.
CLAIM_OVERLAP = 0.4
MAX_EXTRA = 3  # answer sentences per ask after its first
NOT_COVERED_LINE = (
    "I'm sorry, but the reviewed sources we rely on do not cover your question, so I "
    "can't give you a reliable answer. Your MS team is the best place to ask about this."
)
URGENT_LINE = (
    "If any symptoms are sudden, severe or new, please call your local emergency number or go "
    "to urgent care now rather than waiting for a reply from us."
)
GENERAL = "This is general information, not medical advice."
TALK = "If it would help to talk any of this through, you're very welcome to reply or call us."
SIGN_OFF = "Kind regards,\n[Your name]\n[Organisation]"
MARKER = re.compile(r"\[([^\[\]\s,]+(?:,\s*[^\[\]\s,]+)*)\]")
# The writer speaks about themselves: "I was diagnosed", "my MS nurse", "I had HSCT".
PERSONAL = re.compile(
    r"\bI (?:was|'ve been|have been) diagnosed|\bmy (?:MS|RRMS|SPMS|PPMS|relapses|neuro\w*)\b|"
    r"\bI (?:had|finished|have had|stopped|lost)\b|\bI(?:'m| am) \d+,? (?:with|and have)\b|"
    r"\bI have [^.]{0,30}\bMS\b",
    re.I,
)
SIGNED = re.compile(
    r"(?:thanks|thank you(?: very much)?|regards|wishes|cheers)\b[^\n.]{0,40}?,\s*"
    r"(?-i:([A-Z][a-z]{1,20}))\b[^\n]{0,40}\s*$",
    re.I,
)
# A clinic's offer: a price, a deposit, or a clinic or centre somewhere that offers or accepted.
OFFER = re.compile(
    r"[$€£]\s?\d|\b\d[\d,. ]*\s?(?:euros?|usd|dollars|pounds)\b|deposit|up ?front|"
    r"(?:clinic|centre|center) (?:in|on|abroad)\b|\boffer(?:s|ed|ing)?\b|accepted (?:him|her|me|them)|"
    r"\bbooked\b",
    re.I,
)
HSCT = re.compile(r"\bh?a?hsct\b|transplant|chemo", re.I)
CELLS = re.compile(r"cord|mesenchymal|\bmscs?\b|exosome|stem ?cells?", re.I)
PRICE = re.compile(r"[$€£]\s?\d|\b\d[\d,. ]*\s?(?:euros?|usd|dollars|pounds)\b|price|cost", re.I)
# The treatment is behind them and no further round is planned: questions for a clinic would read
# as advice after the fact.
TREATED = re.compile(
    r"\b(?:had|finished|received)\b[^.]{0,60}\b(?:hsct|transplant|injection|infusion|drip|rounds?|cells)\b"
    r"|\bhaving her second|\binjected\b",
    re.I,
)
# An ask the clinic questions answer ("What should she ask the clinic before she pays?").
CLINIC_ASK = re.compile(
    r"\bask (?:the clinic|them)\b|questions? (?:to ask|for the clinic|(?:we|i) (?:must|should) ask)|"
    r"what (?:should|must|can|do) (?:we|i|she|he|they) ask",
    re.I,
)
GOING_AHEAD = re.compile(
    r"if (?:i|we|she|he) (?:do )?go ahead|before (?:the first|(?:she|he|we|i) pays?)", re.I
)


@dataclass(frozen=True)
class Limits:
    """How much of each fixed part a draft keeps; tighter levels are tried until the body fits."""

    ack: int = 4  # sentences of the acknowledgement
    why: int = 2  # safety actions that keep their cited reason
    flags: int = 5
    questions: int = 4
    cards: int = 3  # claim cards in full; the rest share one sentence
    closing: bool = True
    headings: bool = True
    flag_why: bool = True
    named: bool = True  # quote the claims that share one sentence
    covered: bool = False  # leave out asks the safety actions or clinic questions already answer


TIGHT = Limits(ack=2, why=1, flags=3, questions=3, cards=2, closing=False, headings=False, flag_why=False)
LEVELS = (
    Limits(),
    Limits(ack=3, flags=3),
    Limits(ack=3, flags=3, questions=3, closing=False),
    TIGHT,
    replace(TIGHT, covered=True),
    replace(TIGHT, covered=True, named=False, why=0, flags=2),
    replace(TIGHT, covered=True, named=False, why=0, flags=2, cards=1),
)


def draft_reply(answer: Answer, library: Library) -> str:
    """The reply text: body (at most MAX_WORDS words with the sign-off), then the references."""
    staff = staff_content(_sources_dir(library))
    person = Person.read(answer, staff)
    for limits in LEVELS:
        body, refs = _body(answer, library, staff, person, limits)
        if _words([*body, SIGN_OFF]) <= MAX_WORDS:
            break
    paras = [*body, SIGN_OFF]
    if refs:
        paras.append("References\n" + "\n".join(refs))
    return "\n\n".join(paras)


def _body(
    answer: Answer, library: Library, staff: StaffContent | None, person: Person, limits: Limits
) -> tuple[list[str], list[str]]:
    top = [_greeting(answer.question), *acknowledge(answer.question, person, staff, limits.ack)]
    actions = _actions(answer.question, staff)
    top += safety(answer, person, actions, limits.why)
    offer = clinic_offer(answer.question, staff, limits)
    asked = [" ".join(a.get("text", "").split()) for a in answer.asks or []]
    answered = {
        i
        for i, text in enumerate(asked)
        if any(a.answers_ask(text) for a in actions)
        or (CLINIC_ASK.search(text) and any(p.startswith("Questions to ask") for p in offer))
    }
    urgent = any(a.urgent for a in actions)
    closing = [p for p in [_next_step(answer), GENERAL + " " + TALK] if p] if limits.closing else [GENERAL]
    closing = [GENERAL + " " + TALK] if urgent and limits.closing else closing
    if urgent:  # the safety action answers these asks; research sentences under them would distract
        limits = replace(limits, covered=True)
    budget = MAX_WORDS - _words([*top, *offer, *closing, SIGN_OFF])
    for _ in range(3):  # renumbering changes the markers' length a little: trim again if over
        paras = [*top, *answer_parts(answer, budget, limits, answered), *offer, *closing]
        body, refs = renumber(paras, answer.citations, library)
        over = _words([*body, SIGN_OFF]) - MAX_WORDS
        if over <= 0:
            break
        budget -= over
    return body, refs


# -- who writes, about whom --------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """Who the message is about: `who` ("you", "your wife") and `whose` ("your", "your wife's")."""

    who: str = "you"
    whose: str = "your"
    relation: str = ""
    name: str = ""
    drug: str = "the MS drug"

    @classmethod
    def read(cls, answer: Answer, staff: StaffContent | None) -> Person:
        message = answer.question
        drug = _drug(message, answer.context.get("drugs") or [])
        rules = staff.of_kind("who") if staff else []
        relation, name = _relation(message, rules[0].match) if rules else ("", "")
        if not relation:
            return cls(drug=drug)
        return cls(relation, f"{relation}'s", relation, name, drug)


def _relation(message: str, rule: str) -> tuple[str, str]:
    """("your wife", "Claire") for the person the message is about; ("", "") when the writer
    speaks about themselves. A named relative wins ("our daughter Hannah" over "my husband")."""
    found = list(re.finditer(rule, message, re.I))
    if not found or (PERSONAL.search(message) and not any(m.group(2) for m in found)):
        return "", ""
    named = [m for m in found if m.group(2)]
    if named:
        return f"your {named[0].group(1).lower()}", named[0].group(2)
    counts: dict[str, int] = {}
    for m in found:
        counts[m.group(1).lower()] = counts.get(m.group(1).lower(), 0) + 1
    best = max(counts, key=lambda k: (counts[k], -list(counts).index(k)))
    return f"your {best}", ""


def _drug(message: str, drugs: list[str]) -> str:
    """The first MS drug named, as the writer spelled it ("Ocrevus"), or "the MS drug"."""
    best = None
    for name in drugs:
        m = re.search(rf"\b({DRUGS[name]})\b", message, re.I) if name in DRUGS else None
        if m and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return "the MS drug"
    word = best.group(1)
    return word if word[0].isupper() else word.capitalize()


def _greeting(message: str) -> str:
    m = SIGNED.search(message.strip()[-160:])
    return f"Dear {m.group(1)}," if m else "Hello,"


# -- acknowledgement ----------------------------------------------------------------------------
def acknowledge(message: str, person: Person, staff: StaffContent | None, most: int = 4) -> list[str]:
    """Thanks, who it is about, a feeling the writer named, and a choice already made, a deadline
    or one detail, in their words; never a judgement of what they did."""
    about = f" about {person.relation}" if person.relation else ""
    about += f", {person.name}" if person.relation and person.name else ""
    lines = [f"Thank you for writing to us{about}."]
    if staff is None:
        return lines
    said = {kind: _first(staff, kind, message) for kind in ("feeling", "done", "deadline", "detail")}
    if said["feeling"]:
        lines.append(f"I'm so sorry you're dealing with this; it sounds really {said['feeling']}.")
    lines += [said[k] for k in ("done", "deadline", "detail") if said[k]]
    return [" ".join(lines[:most])]


def _first(staff: StaffContent, kind: str, message: str) -> str | None:
    for rule in staff.of_kind(kind):
        if text := rule.said(message):
            return text
    return None


# -- safety ---------------------------------------------------------------------------------
def _actions(message: str, staff: StaffContent | None) -> list[SafetyAction]:
    """The safety actions the message calls for, most urgent first, two at most."""
    return [a for a in staff.safety if a.applies(message)][:2] if staff else []


def safety(answer: Answer, person: Person, actions: list[SafetyAction], why: int = 2) -> list[str]:
    """The safety actions, said first; each with its cited reason while words allow."""
    out = []
    for i, action in enumerate(actions):
        drug = _drug_in(action.match, answer.question) or person.drug
        text = action.text.format(who=person.who, whose=person.whose, drug=drug)
        text = text[0].upper() + text[1:]
        out.append(f"{text} {_cite(action.why.text, action.why.sources)}" if i < why else text)
    if not out and answer.blocks_of(BlockKind.URGENT):
        out.append(URGENT_LINE)
    return out


def _drug_in(rule: str, message: str) -> str:
    """The MS drug named where the rule matched ("stop Ocrevus now" → "Ocrevus")."""
    found = re.search(rule, message, re.I)
    for rx in DRUGS.values():
        m = re.search(rf"\b({rx})\b", found.group(0), re.I) if found else None
        if m:
            word = m.group(1)
            return word if word[0].isupper() else word.capitalize()
    return ""


def _cite(text: str, sources: tuple[str, ...]) -> str:
    """A staff fact with document markers ([@note-id]) that `renumber` turns into [n]."""
    return f"{text.rstrip('.')} [{', '.join('@' + s for s in sources)}]."


# -- a clinic's offer -------------------------------------------------------------------------
def clinic_offer(message: str, staff: StaffContent | None, limits: Limits = LEVELS[0]) -> list[str]:
    """Red flags the offer shows, and 3-4 questions to put to the clinic before any payment."""
    if staff is None or not OFFER.search(message):
        return []
    out = []
    flags = [f for f in staff.red_flags if f.applies(message)][: limits.flags]
    if flags:
        names = [f.text for f in flags]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        flag_line = f"Some things in the offer you describe are common warning signs: {listed}."
        why = _cite(flags[0].why.text, flags[0].why.sources) if limits.flag_why else ""
        out.append(f"{flag_line} {why}".strip())
    if TREATED.search(message) and not GOING_AHEAD.search(message):
        return out
    questions = _questions(message, staff)[: limits.questions]
    if questions:
        when = "before the first treatment" if GOING_AHEAD.search(message) else "before paying anything"
        lines = [f"- {q.text} [@{q.sources[0]}]" for q in questions]
        out.append(f"Questions to ask the clinic {when}:\n" + "\n".join(lines))
    return out


def _questions(message: str, staff: StaffContent) -> list:
    kinds = {"hsct"} if HSCT.search(message) else set()
    kinds |= {"cells"} if CELLS.search(message) and not kinds else set()
    chosen = []
    for q in staff.clinic_questions:
        if q.for_ and q.for_ not in kinds:
            continue
        if q.id == "price-includes" and not PRICE.search(message):
            continue
        chosen.append(q)
    return chosen[:4]


# -- the asks ---------------------------------------------------------------------------------
@dataclass
class Part:
    """One ask's share of the draft: what must be said, and sentences said if words allow."""

    heading: str = ""
    must: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    kept: int = 0

    def text(self) -> str:
        said = " ".join([*self.must[:1], *self.extra[: self.kept], *self.must[1:]])
        return f"{self.heading}\n{said}" if self.heading and said else said

    def words(self) -> int:
        return len(self.text().split())


def answer_parts(
    answer: Answer,
    budget: int,
    limits: Limits = Limits(),
    covered: set[int] = frozenset(),
    most: int = MAX_EXTRA,
) -> list[str]:
    """Each ask in the order asked: its first sentence and what is not covered always, further
    sentences one round at a time while the word budget allows. An ask the safety actions or the
    clinic questions answer (`covered`) is left out when the library adds nothing to it, or when
    words are tight (`limits.covered`). At most `most` further sentences per ask: the composer's
    later sentences answer the ask less and less."""
    parts = _parts(answer, limits, covered)
    for part in parts:
        part.extra = part.extra[:most]
    used = sum(p.words() for p in parts)
    grown = True
    while grown:
        grown = False
        for part in parts:
            if part.kept < len(part.extra) and used + len(part.extra[part.kept].split()) <= budget:
                used += len(part.extra[part.kept].split())
                part.kept += 1
                grown = True
    return [p.text() for p in parts if p.text()]


def _parts(answer: Answer, limits: Limits, answered: set[int]) -> list[Part]:
    asks = answer.asks or []
    covered = answered if limits.covered else set()
    groups: dict[int | None, list[Block]] = {}
    for block in answer.blocks:
        groups.setdefault(block.ask, []).append(block)
    several = len(asks) > 1 and limits.headings
    cards = _card_parts(answer, limits.cards, limits.named)
    parts: list[Part] = []
    card_at = next((i for i, a in enumerate(asks) if a.get("aspect") == "claim" and i not in groups), None)
    if card_at is None:
        parts += cards
    for i, ask in enumerate(asks):
        if i == card_at:
            parts += cards
            continue
        if i in covered or (i in answered and not _said(groups.get(i, []))):
            continue
        part = _ask_part(groups.get(i, []), _heading(ask) if several else "")
        if part.must:
            parts.append(part)
    loose = _ask_part(groups.get(None, []), "")
    if loose.must:
        parts.append(loose)
    apology = [_apology(b) for b in answer.blocks_of(BlockKind.DECLINE, BlockKind.ABSTAIN)][:1]
    return parts + [Part(must=apology)] if apology else parts


def _said(blocks: list[Block]) -> bool:
    """Whether the library says anything particular to the ask: an answer, or a not-covered
    statement more specific than the generic one."""
    kinds = (BlockKind.ANSWER, BlockKind.CONTEXT)
    return any(
        b.kind in kinds or (b.kind == BlockKind.NOT_COVERED and b.text != NOT_COVERED_ANY) for b in blocks
    )


def _card_parts(answer: Answer, full: int, named: bool = True) -> list[Part]:
    """The claims the writer stated, as plain paragraphs: the first `full` with what the evidence
    shows; the rest named together in one sentence."""
    claims = {c.id: c for c in answer.claims}
    cards = [(b, claims.get(b.claim)) for b in answer.blocks_of(BlockKind.CARD)]
    # Only claims the writer made: said in the message, in words close to the claim's own.
    cards = [
        (b, c)
        for b, c in cards
        if c is None or (c.matched_in != "answer" and overlap(c.claim, answer.question) >= CLAIM_OVERLAP)
    ]
    cards.sort(key=lambda bc: -overlap(bc[1].claim, answer.question) if bc[1] else 0)
    parts = [_card_part(_card(b, c)) for b, c in cards[:full]]
    rest = [c.claim.rstrip(".!? ") for _, c in cards[full:] if c and c.verdict != Verdict.PARTLY_SUPPORTED]
    if rest:
        quoted = " (" + "; ".join(f'"{r}"' for r in rest) + ")" if named else ""
        parts.append(Part(must=[f"Good evidence does not back the other claims you mention either{quoted}."]))
    return parts


def _ask_part(blocks: list[Block], heading: str) -> Part:
    said = [b.text for b in blocks if b.kind in (BlockKind.ANSWER, BlockKind.CONTEXT)]
    missing = [b.text for b in blocks if b.kind == BlockKind.NOT_COVERED]
    return Part(heading, [*said[:1], *missing[:1]], said[1:])


def _card_part(text: str) -> Part:
    sentences = split_sentences(text)
    return Part("", [" ".join(sentences[:3])], sentences[3:5])


# A question that asks whether something is safe, normal or can wait is not repeated as a heading:
# read on its own, "Is it safe to travel?" could pass for the answer.
RISKY_HEADING = re.compile(r"\b(safe|normal|fine|okay|ok|no problem|wait)\b", re.I)
ASPECT_HEADINGS = {
    "risks": "About the risks",
    "decision": "About the decision",
    "recovery": "About recovery",
    "cost": "About the cost",
    "eligibility": "About who it is for",
    "effectiveness": "About whether it works",
}


def _heading(ask: dict) -> str:
    """The ask as a short plain heading line: its own words, numbering dropped, at most 12 words."""
    text = re.sub(r"^\W*\d+\s*[.)]\s*|^\W*[-•]\s*", "", " ".join(ask["text"].split()))
    text = re.sub(r"^(?:my |our )?questions?(?: are| is)?\s*:\s*", "", text, flags=re.I)
    words = text.split()
    if RISKY_HEADING.search(text):
        return ASPECT_HEADINGS.get(ask.get("aspect") or "", "")
    if len(words) < 4:  # "Should I?" says nothing on its own line
        return ""
    text = " ".join(words) if len(words) <= 12 else " ".join(words[:11]) + " …"
    return text[0].upper() + text[1:] if text else text


def _card(block: Block, claim: ClaimMatch | None) -> str:
    """A claim the writer stated, as a plain paragraph. Cards for claims the answer's own sentences
    touched are left out: the writer never made them."""
    if claim is None:
        return block.text
    if claim.matched_in == "answer":
        return ""
    body = block.text.removeprefix(card_lead(claim.claim, claim.verdict)).strip()
    name = claim.claim.rstrip(".!?")
    lead = f'You mentioned the claim "{name}".'
    return f"{lead} In short, {VERDICTS[Verdict(claim.verdict)].draft}. {body}"


def _apology(block: Block) -> str:
    if block.kind != BlockKind.DECLINE or block.reason is None:
        return NOT_COVERED_LINE
    text = DECLINES[DeclineReason(block.reason)]
    return f"I'm sorry, but {text[0].lower()}{text[1:]}"


def _next_step(answer: Answer) -> str:
    steps = list(dict.fromkeys(b.text for b in answer.blocks_of(BlockKind.NEXT_STEP)))
    if not steps:
        return ""
    step = steps[0]
    return f"As a next step, {step[0].lower()}{step[1:]}" if step.split()[0] in _VERBS else step


_VERBS = {"Ask", "Talk", "Check", "Contact", "Tell", "Discuss", "Bring", "Write", "Call", "See", "Keep"}


def _words(paras: list[str]) -> int:
    """Words as the reader (and the eval) counts them: markers included."""
    return sum(len(p.split()) for p in paras)


# -- references -------------------------------------------------------------------------------
def renumber(paras: list[str], citations: list[Citation], library: Library) -> tuple[list[str], list[str]]:
    """[n] (answer citations) and [@note-id] (staff facts) become one number per document, in the
    order documents are first cited; returns the body and the reference lines."""
    by_n = {c.n: c for c in citations}
    order: dict[str, int] = {}
    first: dict[str, Citation | None] = {}

    def doc_of(item: str) -> str | None:
        if item.startswith("@"):
            first.setdefault(item[1:], None)
            return item[1:]
        c = by_n.get(int(item)) if item.isdigit() else None
        if c is None:
            return None
        if first.get(c.source_id) is None:
            first[c.source_id] = c
        return c.source_id

    def swap(m: re.Match) -> str:
        items = [x.strip() for x in m.group(1).split(",")]
        if not all(x.isdigit() or x.startswith("@") for x in items):
            return m.group(0)
        docs = [d for d in (doc_of(x) for x in items) if d]
        numbers = sorted({order.setdefault(d, len(order) + 1) for d in docs})
        return f"[{', '.join(map(str, numbers))}]" if numbers else ""

    body = [re.sub(r"\s+([.,;:])", r"\1", MARKER.sub(swap, p)) for p in paras]
    refs = [f"{n}. {reference_text(d, library.docs.get(d), first.get(d))}" for d, n in order.items()]
    return body, refs


def vancouver_authors(doc: SourceDoc | None) -> str:
    if doc is None:
        return ""
    names = [a for a in doc.authors if a.strip()]
    if not names:
        return doc.publisher if doc.publisher != "not verified" else ""
    if len(names) > 6 and "et al" not in names[5]:
        names = [*names[:6], "et al."]
    return ", ".join(names).replace(", et al.", ", et al").rstrip(".")


def reference_text(doc_id: str, doc: SourceDoc | None, cited: Citation | None) -> str:
    """Vancouver style, one per document. An article: Authors. Title. Journal; Year. A page of an
    organisation: Organisation. Title [Internet]. Year. Then "Available from: URL". A missing
    year or publisher is left out, never written as "n.d."."""
    title = (doc.title if doc else cited.title if cited else doc_id).strip().rstrip(". ")
    year = str((doc.year if doc else cited.year if cited else 0) or "")
    url = (doc.url if doc else cited.url if cited else "").strip()
    authors = vancouver_authors(doc)
    if doc and any(a.strip() for a in doc.authors):
        publisher = doc.publisher if doc.publisher != "not verified" else ""
        parts = [authors, title, "; ".join(p for p in (publisher, year) if p)]
    else:
        parts = [authors, f"{title} [Internet]", year]
    text = " ".join(_sentence(p) for p in parts if p and p.strip())
    return f"{text} Available from: {url}" if url else text


def _sentence(part: str) -> str:
    """A reference element closed by one full stop ("hope?" stays "hope?", never "hope?.")."""
    part = part.strip().rstrip(".")
    return part if part.endswith(("?", "!")) else part + "."


def reference(c: Citation, doc: SourceDoc | None) -> str:
    """One numbered reference for a citation (kept for callers that list citations one by one)."""
    return f"{c.n}. {reference_text(c.source_id, doc, c)}"


# -- the reviewed content -----------------------------------------------------------------------
def _default_sources() -> Path:
    return Settings().resolve().sources_dir


def _sources_dir(library: Library) -> Path:
    for doc in library.docs.values():
        for folder in (doc.path.parent, doc.path.parent.parent):
            if (folder / "staff.yaml").is_file():
                return folder
    return _default_sources()


@cache
def staff_content(sources_dir: Path) -> StaffContent | None:
    """The reviewed staff content; None when the file is missing or invalid (`sources check`
    reports why), and the draft then goes without safety lines, flags and questions."""
    content, _ = load_staff(sources_dir)
    return content
