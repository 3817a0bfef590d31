"""Stage 3, condense: read a follow-up ("and the risks?") as one standalone question.

Whether a message continues the conversation is decided from the message and the previous turn
only (as that turn was itself read):

- a message that names its own subject (a treatment, a trial, a drug, a clinic's claim) stands
  alone, even when it says "it", "that" or "their" ("The clinic says their cord cells can't be
  rejected. True?" is a new question, whatever came before);
- otherwise it continues when it points back ("that trial", "is it safe?", "does that rule me
  out?"), opens as a continuation ("and…", "what about…", "so…") or is too short to stand alone;
- in between (no subject, no reference, a few words), it continues when its meaning is close to
  the previous turn's (embedding similarity, when the embedder is given).

A continuation is rewritten as the new message plus the previous turn's topic words (its
treatment and subject: "HSCT for MS in the UK"), never the earlier questions joined together;
with a chat model, the model rewrites it from the previous turn alone, and a reply that copies
the earlier question back is refused. `Answer.query` shows the reading.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from ..text import content_words

CONDENSE_PROMPT = (
    "Rewrite the user's last message as one standalone question about stem-cell treatments for "
    "multiple sclerosis. Use the earlier message only to fill in what 'it', 'they', 'that' or a "
    "missing topic refer to; keep the last message's own question and do not repeat the earlier "
    "question. Reply with the question only.\n\nConversation:\n{history}\n\n"
    "Last message: {question}\nStandalone question:"
)

# Topic words, by kind: a message that names one of a kind replaces the earlier one of that kind
# ("and versus alemtuzumab?" after "HSCT versus ocrelizumab" keeps HSCT, drops ocrelizumab).
# "stem cells" beside a treatment's name is that treatment's cells
GENERIC_CELLS = re.compile(r"(?:the )?stem[- ]cells?", re.I)
TOPICS: list[tuple[str, re.Pattern]] = [
    (
        "trial",
        re.compile(
            r"\b(MIST|BEAT-MS|RAM-MS|StarMS|MESEMS|ASTIMS|NET-MS|HALT-MS|COAST|SAFECELL)( trial)?\b"
            r"|\bthe Israeli( stem[- ]cell| MSC)? trial\b",
            re.I,
        ),
    ),
    (
        "therapy",
        re.compile(
            r"\ba?HSCT( abroad)?\b|\bstem[- ]cell transplant\w*|\bmesenchymal stem[- ]cell( infusion)?s?\b"
            r"|\bMSCs?\b|\b(umbilical )?cord[- ]blood( products?)?\b|\b(umbilical )?cord( stem)? cells?\b"
            r"|\bcord cell drips?\b|\bexosomes?\b|\bfat (stem )?cells?( therapy)?\b"
            r"|\bfat[- ]derived( stem)? cells?\b"
            r"|\bstem[- ]cell (therapy|infusions?|"
            r"injections?|trials?|clinics?)\b|\bstem[- ]cells?\b|\bRyoncil\b|\bchemotherapy\b",
            re.I,
        ),
    ),
    (
        "drug",
        re.compile(
            r"\b(ocrelizumab|ocrevus|natalizumab|tysabri|alemtuzumab|lemtrada|ofatumumab|kesimpta|"
            r"cladribine|mavenclad|rituximab|fingolimod|copaxone|interferon|DMTs?|MS drugs)\b",
            re.I,
        ),
    ),
    (
        "claim",
        re.compile(
            r"\b(clinic|website|advert|salesperson)s?\b[^.?!]{0,30}\b(says?|said|claims?|told|promis\w*)\b",
            re.I,
        ),
    ),
    (
        "ms",
        re.compile(
            r"\b((relapsing|progressive|primary progressive|secondary progressive|active)( MS)?|"
            r"[RSP]PMS|MS|multiple sclerosis)\b",
            re.I,
        ),
    ),
    (
        "place",
        re.compile(
            r"\b(abroad|(?:in|for) (the )?(UK|US|USA|America|United States|Canada|Australia|Mexico|"
            r"Russia|India|Germany|Europe|EU|Panama|Turkey|Poland|Israel)|on the NHS)\b",
            re.I,
        ),
    ),
]
PAYING = re.compile(r"\b(?:pay\w*|privately|go(?:ing)? private|costs?|price)\b", re.I)
MSC_TRIAL = re.compile(r"(?:MESEMS|SAFECELL|the Israeli.*)(?: trial)?", re.I)
# Kinds that make a message stand alone ("ms" and "place" do not: "what about for progressive?").
OWN_SUBJECT = {"trial", "therapy", "drug", "claim"}
REFERRING = re.compile(r"\b(it|its|they|them|their|that|this|those|these|he|she|one)\b", re.I)
# A pronoun the topic can stand in for ("is it true?" and "it's worth" are left alone).
# "they" doing what people do ("the injection they give", "what they told me") is the staff, not
# the treatment
PRONOUN = re.compile(
    r"\b(it|they|them)\b(?!\s+(true|right|correct|possible|worth|likely|normal|ok|okay)\b)"
    r"(?<!\bthey(?=\s+(?:give|gave|say|said|tell|told|use|used|do|did|offer|offered|charge|charged|"
    r"want|wanted|call|called|put|ask|asked|recommend|recommended|cope|feel|felt|handle|react|"
    r"understand|think|worry|see|saw|accept|accepted|require|required|check|checked|test|tested|"
    r"refuse|refused|decide|decided|choose|chose|let|allow|allowed|send|sent)\b))",
    re.I,
)
COMMON = re.compile(r"\b(trials?|studies|study|products?|infusions?|cells?|clinics?|drugs?)$", re.I)
POINTING = re.compile(
    r"\b(that|this|those|these|the same)\s+(trial|study|studies|paper|research|results?|treatment|"
    r"procedure|transplant|therapy|price|cost|option|drug|one)\b",
    re.I,
)
CONTINUING = re.compile(
    r"^\W*(and|but|so|also|then|plus|versus|vs\.?|what about|how about|what of|ok|okay|and if|"
    r"what if|or)\b",
    re.I,
)
NEW_TOPIC = re.compile(
    r"\b(different|another|new) (caller|question|topic|subject)\b|^\W*(new question|unrelated)\b", re.I
)
CONNECTOR = re.compile(r"\s*((for|in|of|with|on|and|the|people with)\s+)*", re.I)
# "Would I have been able to take part?" after a question on a trial: joining that trial
JOINING = re.compile(
    r"\b(take part|join|enrol\w*|enroll\w*|sign up|get in(to)?|be (included|accepted|part of it)|"
    r"(been )?eligible|qualif\w*)\b",
    re.I,
)
# "was Kesimpta one of the drugs they compared with?" after a question on a trial: its arms
TRIAL_ARMS = re.compile(
    r"\b(compar\w*|control group|placebo|sham|the other (group|arm)|"
    r"(drugs?|treatments?) (they|it) (used|gave|tested))\b",
    re.I,
)
SIMILAR = 0.55  # cosine of message and previous turn above which an unmarked message continues
MAX_TOPIC_CHARS = 120  # a topic is a treatment and a subject ("aHSCT for relapsing MS in the UK")


def bounded_history(history, turns: int, chars: int) -> list:
    """The last `turns` earlier turns of a chat history, in at most `chars` characters, newest kept.

    Every way of asking (the page, the /ask API, the CLI, the LangChain chain, `Assistant.stream`)
    passes the history through here first: the condensed query needs the previous turn only, and
    an unbounded history let one request hold the single answering worker (issue #19). A turn is a
    (question, answer) pair or a {"role", "content"} message; anything else is dropped. The turn
    that crosses the budget keeps its start; older ones are left out.
    """
    if not isinstance(history, list | tuple) or turns <= 0:
        return []
    recent = [t for t in history[-2 * turns :] if _turn_texts(t) is not None][-turns:]
    kept: list = []
    for turn in reversed(recent):
        if chars <= 0:
            break
        texts = []
        for text in _turn_texts(turn):
            texts.append(text[: max(chars, 0)])
            chars -= len(texts[-1])
        kept.append(dict(turn, content=texts[0]) if isinstance(turn, dict) else tuple(texts))
    return kept[::-1]


def _turn_texts(turn) -> list[str] | None:
    """The texts of one turn ([question, answer] or [content]); None when it is not a turn."""
    if isinstance(turn, dict):
        return [turn["content"]] if isinstance(turn.get("content"), str) else None
    if isinstance(turn, list | tuple) and turn and all(isinstance(t, str) for t in turn[:2]):
        return list(turn[:2])
    return None


def user_turns(history: Sequence) -> list[str]:
    """The user's earlier messages, from (user, assistant) pairs or {'role', 'content'} dicts."""
    out = []
    for turn in history or ():
        if isinstance(turn, dict):
            if turn.get("role") == "user" and isinstance(turn.get("content"), str):
                out.append(turn["content"])
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            out.append(turn[0])
    return out


def topics(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, words, start, end) of each topic named in the text, in reading order."""
    found = [(kind, m.group(0), m.start(), m.end()) for kind, rx in TOPICS for m in rx.finditer(text)]
    found.sort(key=lambda t: t[2])
    kept, end = [], -1
    for t in found:  # overlapping names: the first (longest-listed) wins
        if t[2] >= end:
            kept.append(t)
            end = t[3]
    return kept


def has_own_subject(message: str) -> bool:
    return any(kind in OWN_SUBJECT for kind, *_ in topics(message))


def names_trial(text: str) -> bool:
    return any(kind == "trial" for kind, *_ in topics(text))


def is_follow_up(question: str, previous: str = "", similarity: float | None = None) -> bool:
    """Does the message continue the previous turn? (See the module docstring for the rule.)"""
    if NEW_TOPIC.search(question):
        return False
    words = content_words(question)
    if POINTING.search(question) or (CONTINUING.search(question) and len(words) <= 5):
        return True
    # a drug named as one of the trial's arms does not make the message a new topic
    if TRIAL_ARMS.search(question) and not names_trial(question) and names_trial(previous):
        return True
    if has_own_subject(question):
        return False
    if JOINING.search(question) and names_trial(previous):
        return True
    short = len(words) <= 2 or (len(words) == 3 and not topics(question))
    if short or REFERRING.search(question) or CONTINUING.search(question):
        return True
    return similarity is not None and similarity >= SIMILAR and len(words) <= 6


# The words before a drug the person takes: "has me on", "I'm taking", "since then on"
ON_A_DRUG = re.compile(r"\b(?:on|taking|take|started)\s+(?:the\s+)?$", re.I)


def topic_words(previous: str, message: str) -> str:
    """The previous turn's treatment and subject, minus the kinds the message names itself."""
    own = {kind for kind, *_ in topics(message)}
    kept = [t for t in topics(previous) if t[0] not in own and t[0] != "claim"]
    # "how do they get the stem cells out for HSCT? does it hurt?": the treatment named, not its cells
    if any(t[0] == "therapy" and not GENERIC_CELLS.fullmatch(t[1]) for t in kept):
        kept = [t for t in kept if not (t[0] == "therapy" and GENERIC_CELLS.fullmatch(t[1]))]
    # "My neuro has me on Ocrevus but I've been reading about HSCT… Would it mess up my chances of
    # having kids?": "it" is the treatment asked about, not the drug the person is on
    if any(t[0] == "therapy" for t in kept):
        kept = [t for t in kept if not (t[0] == "drug" and ON_A_DRUG.search(previous[: t[2]]))]
    if not kept:
        return ""
    if any(t[0] == "trial" for t in kept) and PAYING.search(message):
        # "could she just pay for it privately in London?" after "Could she join StarMS?": a trial
        # is joined, not bought; what she would pay for is the treatment the trial tests
        return "MSC treatment" if any(MSC_TRIAL.fullmatch(t[1]) for t in kept) else "aHSCT"
    gaps = [previous[a[3] : b[2]] for a, b in zip(kept, kept[1:], strict=False)]
    if all(CONNECTOR.fullmatch(g) for g in gaps):  # "HSCT for MS in the UK" reads better
        words = " ".join(previous[kept[0][2] : kept[-1][3]].split())
    else:
        words = ", ".join(dict.fromkeys(t[1] for t in kept))
    # The topic is carried into every later reading: cut, so the query cannot grow turn by turn.
    return words if len(words) <= MAX_TOPIC_CHARS else words[:MAX_TOPIC_CHARS].rsplit(" ", 1)[0]


def condense_rule(question: str, history: Sequence) -> str:
    """The standalone reading without a model: each earlier turn is read in order, then the new
    message carries the previous reading's topic words."""
    return _reading([*user_turns(history), question])


def previous_reading(history: Sequence) -> str:
    """How the conversation's last earlier turn was read ("" with no history)."""
    return _reading(user_turns(history))


def _reading(turns: list[str]) -> str:
    """How the last of the turns was read, each earlier turn read in order before it."""
    previous = ""
    for turn in turns:
        previous = _rule(turn, previous) if previous else turn
    return previous


def _rule(question: str, previous: str, similarity: float | None = None) -> str:
    if not is_follow_up(question, previous, similarity):
        return question
    topic = topic_words(previous, question)
    if not topic:
        return question
    return put_in(question, topic) or f"{question.rstrip()} (about {topic})"


PLACE_FIRST = re.compile(r"(?:in|at|from|to|for|with)\s", re.I)


def put_in(question: str, topic: str) -> str:
    """The message with its first "it/they/them" or "that trial/that price" replaced by the
    topic ("did anyone die in it?" -> "did anyone die in the MIST trial?"); "" when there is no
    such slot."""
    if ", " in topic:  # a list of words: its first treatment or trial can still stand in
        topic = topic.split(", ")[0]
        if not has_own_subject(topic):
            return ""
    if PLACE_FIRST.match(topic):  # "in Russia for HSCT" cannot stand for "it": carried instead
        return ""
    phrase = topic if topic.lower().startswith("the ") or not COMMON.search(topic) else f"the {topic}"
    pointing = POINTING.search(question)
    if pointing:
        noun = pointing.group(2).lower()
        named = (
            phrase if noun in {"trial", "study", "one", "treatment", "therapy"} else f"the {noun} of {topic}"
        )
        return question[: pointing.start()] + named + question[pointing.end() :]
    slot = PRONOUN.search(question)
    if slot and not _plural_for_one(slot.group(1), topic):
        return question[: slot.start()] + phrase + question[slot.end() :]
    return ""


def _plural_for_one(pronoun: str, topic: str) -> bool:
    """A "them" or "they" cannot stand for one treatment: in "HSCT wipes out my childhood jabs?
    Will I need them all again?" it means the jabs, in "…had HSCT in Russia and now has shingles.
    She asks whether that is common and what they should do" the family, not HSCT. A trial's
    "they" are the people who ran it ("What did they find?" after a question on MIST)."""
    pronoun = pronoun.lower()
    if pronoun not in ("them", "they") or topic.rstrip().lower().endswith("s"):
        return False
    return pronoun == "them" or not RAN_BY_PEOPLE.search(topic)


RAN_BY_PEOPLE = re.compile(r"\b(trial|study|review|meta-analysis|cohort|guidelines?|recommendations)\b", re.I)


def condense(
    question: str, history: Sequence, model=None, embedder=None, vectors: Mapping | None = None
) -> str:
    """Stage 3: the standalone query for this turn. With a chat model, its condense prompt;
    without one (or when it fails or copies the earlier question), the rule. `vectors` (text ->
    unit vector) are the answer's batch (see `readings`): the similarity is read from them."""
    turns = user_turns(history)
    if not turns:
        return question
    previous = _reading(turns)
    similarity = None
    if _undecided(question, previous):
        similarity = _similarity(embedder, question, previous, vectors or {})
    if not is_follow_up(question, previous, similarity):
        return question
    if model is not None:
        rewritten = _ask_model(model, question, previous)
        if rewritten:
            return rewritten
    return _rule(question, previous, similarity)


def readings(question: str, history: Sequence) -> tuple[list[str], list[str]]:
    """(the message's possible rule readings, the texts whose similarity would choose between
    them): the caller embeds them all in its one batch and passes the vectors to `condense`."""
    turns = user_turns(history)
    if not turns:
        return [question], []
    previous = _reading(turns)
    if not _undecided(question, previous):
        return [_rule(question, previous)], []
    return [question, _rule(question, previous, 1.0)], [question, previous]


def _undecided(question: str, previous: str) -> bool:
    """Only the message's closeness in meaning to the previous turn decides (no embedding needed
    otherwise: a marked follow-up or a message with its own subject is settled by the rule)."""
    return not is_follow_up(question, previous) and is_follow_up(question, previous, 1.0)


def _similarity(embedder, question: str, previous: str, vectors: Mapping) -> float | None:
    if question in vectors and previous in vectors:
        return float(np.dot(vectors[question], vectors[previous]))
    if embedder is None:
        return None
    try:
        a, b = embedder.encode([question, previous])
        return float(np.dot(a, b))  # the embedder returns unit vectors
    except Exception:  # similarity only settles unmarked messages; the rule works without it
        return None


def _ask_model(model, question: str, previous: str) -> str:
    try:
        reply = model.invoke(CONDENSE_PROMPT.format(history=f"User: {previous}", question=question))
    except Exception:  # a down model must not stop the answer; the rule still works
        return ""
    text = " ".join(str(reply.content).split())
    earlier = previous.lower().rstrip("?.! ")[:40]
    glued = len(earlier) > 12 and earlier in text.lower()  # the earlier question copied back
    return "" if not text or len(text) > 2 * len(question) + 200 or glued else text
