"""Text helpers of the claim guard: what a sentence says on its surface, before any model.

Frames and claim cores (attribution, question and premise frames stripped, so the claim itself is
compared with the registry), quoted and pasted spans, negation and its scope (`denied`,
`conflicts`, `contradiction`), the surface cues the stance model reads (`cue_features`,
`cue_stance`) and the English check (`non_english`). The models are `assistant/guard_model.py`;
the guard that uses both is `assistant/claims.py`.
"""

from __future__ import annotations

import re

from .text import CITATION, content_words

QUESTION_START = re.compile(
    r"^\s*(am|is|are|was|were|do|does|did|can|could|will|would|should|has|have|may|might|"
    r"what|whats|wat|why|how|which|who|where|when)\b|\bis (it|this|that) (true|right|correct|real)\b",
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
    r"|\bfailed to\b|\bdid not (find|show|reduce|improve|work)\b|\bonly in (animals|mice|rats)\b"
    r"|\b(proves?|proved|shows?|showed|means?|meant|tells? us) nothing\b",
    re.I,
)
REPORTING = re.compile(
    r"\b(clinic|clinics|clinic's|provider|providers|company|companies|seller|sellers|marketing|"
    r"marketers?|advert\w*|ads?|websites?|sites?|blogs?|articles?|brochures?|leaflets?|flyers?|"
    r"videos?|posts?|pages?|salespeople|salesman|promoters?|testimonials?|some people|they|"
    r"the centre|the center|centres?|centers?|hospitals?|the doctor there|the founder|"
    r"the owner)\b[^.?!]{0,60}?"
    r"\b(say|says|said|claim\w*|promis\w*|advertis\w*|market\w*|tell|tells|told|state[sd]?|"
    r"suggest\w*|assert\w*|boast\w*|insist\w*|describe\w*|call|calls|called|explain\w*|"
    r"list|lists|listed|cite|cites|cited|point\w*|pitch\w*|promot\w*|stress\w*|predict\w*|"
    r"present\w*|portray\w*|frame\w*|tout\w*|sell|sells|sold|offer\w*|feature\w*|"
    r"highlight\w*|quote\w*|mention\w*|argue\w*|write|writes|wrote|report\w*|push\w*|"
    r"spin\w*|hype\w*|imply|implies|implied|credit\w*|attribut\w*|e-?mailed|messaged|texted|assured)\b"
    r"|\b(so-called|according to|is marketed as|are marketed as|is advertised as|are advertised as|"
    r"is promoted as|are promoted as|is pitched as|are pitched as|is sold as|are sold as|"
    r"it is claimed|are claimed|is claimed|claims? that|the claim|this claim|such claims|"
    r"marketing claims?|as if)\b",
    re.I,
)
NEGATION = re.compile(
    r"\b(no|not|never|none|nothing|nowhere|without|cannot|unable|neither|nor|free of|zero|"
    r"fails? to|failed to)\b|n['’]t\b"
    # typed without the apostrophe ("dont change the disease"), common in real messages
    r"|\b(dont|doesnt|didnt|isnt|arent|wasnt|werent|cant|wont|couldnt|shouldnt|wouldnt|hasnt|havent)\b",
    re.I,
)
# Frames around a claim that say who said it or ask about it; stripped before matching so the
# claim itself is compared with the registry ("The clinic says X, is that true?" -> "X").
# "And is it true that…", "and are they FDA approved?": a joining word before a frame or a question
_JOIN_WORDS = "and|but|so|also|ok|okay"
_JOIN = rf"(?:(?:{_JOIN_WORDS})\W+)?"
FRAME_START = re.compile(
    rf"^\s*{_JOIN}((the|my|a|one|some|their|our|this|that)\s+)?(\w+(?:'s)?\s+){{0,2}}?"
    r"(clinics?|doctors?|websites?|brochures?|ads?|adverts?|salesperson|centres?|centers?|they|"
    r"someone|people|friends?|groups?|providers?|company)\s+"
    r"(says?|said|claims?|claimed|told me|tells me|tell me|promises?|promised|advertises?|"
    r"advertised|states?|stated|insists?|swears?)\s+(that\s+)?"
    rf"|^\s*{_JOIN}i(?:\s+have|'ve|’ve)?\s+(read|heard|seen|saw|was told|keep hearing|learned)\s+"
    r"(online\s+|somewhere\s+)?(that\s+)?(?!about\b|of\b|up\b)"  # "I read about HSCT" names no claim
    rf"|^\s*{_JOIN}(is it (really )?true|is it right|is it correct)\s+(that\s+)?",
    re.I,
)
FRAME_END = re.compile(
    r"\s*([—–-]+|,|;|:)?\s*((is|was) (that|this|it) (really )?(true|right|correct|real|so)|"
    r"(true|right|correct|really)|can (that|this) be (true|right)|should i believe (it|this|that|them)|"
    r"[.?!]?\s*(real|true|fact|legit\w*) or (marketing|hype|fake|false|fiction|a scam|scam)|"
    # "X — what about this, is it good for MS?": the asker hands X over for an opinion
    r"what about (?:this|that|it)\b[^.!?]*(?:[?,]\s*[^.!?]*)?|"
    r"(?:(?:is|are|does|do|did|was|were|has|have|would|will|could|should)(?:n'?t)?|won'?t|can'?t|can)"
    r" (?:it|they|that|there|he|she|we|you)|right)"
    r"\s*[?.!]*\s*$",
    re.I,
)
# The same attribution in the middle of a sentence: "I'm nervous, but the clinic insists X."
FRAME_INSIDE = re.compile(
    r"\b(clinics?|doctors?|websites?|brochures?|adverts?|salesperson|salesm[ae]n|centres?|centers?|"
    r"hospitals?|provider|company|staff|coordinators?|nurses?|agents?|everyone|everybody|people|"
    r"groups?|forums?|friends?|they|he|she)\s+"
    # "a clinic in Cancun emailed me that X": where the sayer is may come between
    r"(?:(?:in|at|from)\s+(?:the\s+)?\w+(?:\s+\w+)?\s+)?(?:(?:there|here|online)\s+)?(?:keep\s+)?"
    r"(says?|said|claims?|claimed|told|tells|telling|promised|promises|insists?|insisted|swears?|"
    r"swore|(?:re)?assured|wrote|writes|e-?mailed|messaged|texted|informed|guaranteed)"
    r"(?:\s+(?:me|her|him|us|them|my \w+))?\s+(that\s+)?"
    # "a centre in Mexico has accepted him and says X" (a clinic's words, not a neurologist's)
    r"|\b(?:clinics?|centres?|centers?|hospitals?|provider|company)\b[^.?!]{0,60}?\b(?:and|but)\s+"
    r"(says|said|claims|claimed|promises|promised|insists|guarantees)\s+(that\s+)?"
    # the asker passing on what they read, heard or said: "I'm worried, because I read they only
    # mask symptoms", "so I liked hearing that X", "my nephew keeps posting that X", "my neurologist
    # laughed when I said X" (not "I read about", "I said so")
    r"|\b(?:i|we)(?:'ve|\s+have)?\s+(?:\w+\s+)?(?:read|heard|saw|seen|learned|learnt|was told|were told|"
    r"keep hearing|keep reading|kept hearing|said|told (?:him|her|them|my \w+|the \w+))\s+"
    r"(?:online\s+|somewhere\s+)?(?:that\s+|(?!about|of|up|so|no|yes|it|this|that\b)\b)"
    r"|\b(?:hearing|reading|knowing|learning|to (?:read|hear|learn))\s+that\s+"
    r"|\b(?:keeps?|kept)\s+(?:posting|saying|sharing|telling (?:me|us)|insisting)\s+(?:that\s+)?",
    re.I,
)
QUESTION_WORD = (
    r"(?:why|which|what|how|where|when|who|should|shall|can|could|do|does|did|is|are|will|would|"
    r"has|have|was|were|am|may|might|"
    r"isn't|aren't|don't|doesn't|shouldn't|wouldn't|can't|won't|wasn't|hasn't|haven't|"
    # typed fast: "cn u get hsct twice…?", "whats the risk", "isnt it…"
    r"cn|cud|wud|shud|whats|wat|isnt|arent|dont|doesnt|cant|wont)\b"
)
# A leading question states its claim as a premise: "Since cord cells can't be rejected, which ...?"
PREMISE = re.compile(
    r"^\s*(?:(?:since|because|given that|given|now that|as|if|seeing that|seeing as)\s+(.{12,}?),\s*"
    r"(?:so\s+)?|(.{12,}?),\s*so\s+)" + QUESTION_WORD,
    re.I,
)
# The longest premise: "Since the clinic runs a trial, which shows it's legitimate, how ...?" (the
# shortest one ends at "which", a relative pronoun here, not the question's first word).
LONG_PREMISE = re.compile(PREMISE.pattern.replace("{12,}?", "{12,}"), re.I)


def premises(sentence: str) -> list[str]:
    """The premise of a leading question, shortest and longest reading; [] when there is none."""
    found = [p.match(sentence) for p in (PREMISE, LONG_PREMISE)]
    return list(dict.fromkeys(next(g for g in m.groups() if g) for m in found if m))


# A claim followed by what the asker means to do about it: "X, so she's booking next month".
CONSEQUENCE = re.compile(r",?\s+(so|and so|which is why|that's why)\s+(i|i'm|she|he|we|they|my)\b.*$", re.I)


def claim_cores(sentence: str) -> list[tuple[str, bool]]:
    """Readings of the sentence without attribution, question or premise frames, each with
    whether it was a premise; empty when nothing was stripped."""
    premise = PREMISE.match(sentence)
    readings: list[str] = []
    for text in premises(sentence) or [sentence]:
        inside = FRAME_INSIDE.search(text)
        readings += [text[inside.end() :]] if inside and not FRAME_START.match(text) else []
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


def plain(sentence: str) -> str:
    """The sentence without citation markers, case, extra spaces or a final full stop: how the
    guard recognises its own corrections and known-safe sentences."""
    return " ".join(CITATION.sub("", sentence).lower().split()).rstrip(".")


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
# A denial that governs the whole sentence ("There is no evidence that X", "No study has shown
# X"): its scope is the claim, whatever the claim's wording.
DENIAL_FIRST = re.compile(
    r"^\W*(there is|there's|there are|we have|we found)? ?no (good |reliable |convincing |solid |"
    r"strong |published |scientific |clinical |real |human |controlled )?(evidence|proof|data|"
    r"study|studies|trial|trials)\b|^\W*(nobody|no one|no study|no trial|none of the \w+) (has|have)\b",
    re.I,
)
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


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Frequent function words of the languages clinic pages come in; a text whose letters are mostly
# outside the Latin alphabet, or whose function words are mostly not English, is not English.
ENGLISH_WORDS = _word_set(
    "the and of to is are in that with for it this be was were by on as or can from have has not your "
    "you our we they their these those which will may been into after more most all any"
)
FOREIGN_WORDS = _word_set(
    "el la los las del que y en con por para es una un se al lo como más pero muy su sus esta este "
    "der die das und ist nicht mit den dem ein eine sich alle wieder zu von auf für auch wird sind le "
    "les des est et une du il pas sur dans ce qui sont au aux pour avec di che e per nel della delle "
    "sono più casi anche degli gli dei o os da não em uma um neste ainda tem ao na gegen bei als nach "
    "noch nur oder aber wie bis sehr"
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


# Openings of a yes/no question and of a request: both ask about a claim rather than state it.
# What a clinic sells or certifies: a statement without one of these ("My sister has MS.", "My
# drug stopped working.") tells the asker's situation, not a clinic's claim.
TREATMENT = re.compile(
    r"\b(stem|cells?|msc|mscs|hsct|ahsct|transplant\w*|infusions?|injections?|therap\w+|treatments?|"
    r"exosomes?|clinics?|labs?|laborator\w+|protocols?|procedures?|cord|fat|marrow|fda|irb|gmp|trials?|"
    r"drugs?|medicines?|medications?|dmts?)\b",
    re.I,
)
# The names of what is given (a subset of TREATMENT): they name a claim's topic, not what the claim
# says about it. "Someone in a Facebook group told me about HSCT." uses the risk claim's
# distinctive word "HSCT" and none of what it says ("risk-free"); see `ClaimGuard.states_content`.
TREATMENT_NAME = re.compile(
    r"\b(stem|cells?|msc|mscs|hsct|ahsct|transplant\w*|infusions?|injections?|therap\w+|treatments?|"
    r"exosomes?|procedures?|mesenchymal|ha?ematopoietic|drugs?|medicines?|medications?|dmts?)\b",
    re.I,
)
# The disease every claim is about: like a treatment's name, the topic of a claim, not what it says
# ("They both do HSCT for MS." shares only "MS" with "aHSCT is a suitable first treatment for
# anyone with MS").
DISEASE_NAME = re.compile(r"\b(ms|multiple sclerosis|rrms|spms|ppms)\b", re.I)
YES_NO = re.compile(
    r"^\s*(is|are|was|were|do|does|did|can|could|will|would|has|have|may|might|isn't|aren't|don't|"
    r"doesn't|won't|can't)\b",
    re.I,
)
# A statement turned into a question by a tag ("X, no?", "X – really?", "X, right?"); not a
# question that merely opens with context ("For someone like me, don't the risks…?").
TAG_QUESTION = re.compile(
    r"[,;:–—-]\s*(no|right|really|true|correct|isn't it|is that (so|true|right)|yes)\s*\?+\s*$", re.I
)
REQUEST = re.compile(
    r"^\s*(tell me|explain|describe|help me understand|i (want|would like|'d like) to know)\b", re.I
)
# A yes/no question asks about a claim only when the asker says they heard it or doubts it ("Do
# stem cells really cure MS?"); without such a word it asks for facts ("Does it work for
# progressive MS?", "Can cord cells treat MS?") and the answer, not a card, replies.
HEARD = re.compile(
    r"\b(really|actually|truly|true|truth|a fact|myth|supposed(ly)?|claim\w*|promis\w*|advertis\w*|"
    r"heard|told|legit\w*|for real|right that|correct that"
    # marketing absolutes echo a claim's own wording ("Is aHSCT completely risk-free now?")
    r"|completely|totally|100 ?%|guarantee\w*|risk-free|no risk|without (any )?risk|for every(one|body))\b",
    re.I,
)
# Where one question of a sentence ends and the next begins ("Will X help, and is Y really Z?").
NEXT_QUESTION = re.compile(
    r"\s*(?:[,;?]|\s[-–—]+)\s*(?:(?:and|or|but|also|plus)\s+)?(?=" + QUESTION_WORD + ")", re.I
)
# The asker's own story ("She is considering treatment abroad.", "I m one year after HSCT."): the
# first person singular or he / she. Clinic copy speaks as "we" and "our".
OWN_STORY = re.compile(r"\b(i|i'm|i’m|im|i've|i’ve|i'd|i'll|me|my|mine|myself|she|he|her|his|him)\b", re.I)
STORY_SUBJECT = re.compile(r"^\W*(i|i'm|i’m|im|i've|i’ve|i'd|i'll|she|he|she's|he's)\b", re.I)


# A question about "it" or "they" takes its content from the rest of the sentence.
PRONOUN_SUBJECT = re.compile(r"^\W*\w+\s+(it|they|that|this|these|those|them)\b", re.I)


def heard_questions(sentence: str) -> list[str]:
    """The yes/no questions of a sentence that say the claim was heard or is doubted; the whole
    sentence where such a question is about "it" or "they" ("X, or are they completely safe?")."""
    parts = NEXT_QUESTION.split(sentence.strip())
    heard = [q for q in parts if YES_NO.search(q) and HEARD.search(q)]
    return [sentence.strip() if PRONOUN_SUBJECT.match(q) else q for q in heard]


def follow_ups(sentences: list[str]) -> list[str]:
    """A doubting question about "it" or "they" joined to the sentence before it, which holds
    its content ("How long do the cells survive? Is it really ten years?")."""
    return [
        f"{before} {after}"
        for before, after in zip(sentences, sentences[1:], strict=False)
        if YES_NO.search(after) and HEARD.search(after) and PRONOUN_SUBJECT.match(after)
    ]


# "The clinic told me the cells go to the damaged spots, and that 80% of patients improve": two
# claims reported in one sentence; the one read from the whole sentence hides the other
REPORTED_PAIR = re.compile(
    r"^(?P<frame>.{0,80}?\b(?:told|tells|tell|says|said|say|claims?|claimed|promised?|promises|"
    r"assured?|assures|wrote|writes)\b(?: (?:me|us|him|her|them))?)(?: that)?\s+(?P<first>.+?),?\s+"
    r"and (?:also )?that\s+(?P<second>.+)$",
    re.I,
)


def reported_parts(sentences: list[str]) -> list[str]:
    """The later claim of a sentence that reports two ("…told me A, and that B" → "…told me that
    B"), so each claim can be read on its own."""
    found = (REPORTED_PAIR.match(s.strip()) for s in sentences)
    return [f"{m['frame']} that {m['second']}" for m in found if m and len(m["first"].split()) >= 3]


# A question word after a preposition still opens a question: "At what point does HSCT become an
# option?", "For how long do the cells stay?"
PREPOSED_QUESTION = re.compile(
    r"\W*(?:at|in|for|from|with|to|by|on|of|after|before|since|until|under|during|within)\s+"
    r"(?:what|which|whom|whose|how)\b",
    re.I,
)


# a joining word before the question word still opens a question
LEADING_JOIN = (
    rf"\W*(?:(?:{_JOIN_WORDS}|or|then|plus)\W+)?"
    # and a word of how it is asked: "honestly where do you stand on…?", "seriously, is it…?"
    r"(?:(?:honestly|seriously|really|realistically|basically|genuinely|frankly|ok|okay|well|roughly|"
    r"approximately|exactly)\W+)?"
)


# "It is approved treatment?", "this is safe?": a short yes/no question about "it" without the
# verb moved first, as many write in a second language; it repeats no one's claim
UNINVERTED = re.compile(r"^\W*(?:it|this|that|they|these|those)\s+(?:is|are|was|were|will|can)\s+\w+", re.I)


# Two places or ways offered at the end ("…from blood or from bone?"): a question put without
# inverting its verb, as many write in a second language
_PLACE = r"(?:from|in|at|by|with|on)"
CHOICE_ASKED = re.compile(
    rf"\b{_PLACE}\s+[\w-]+(?:\s+[\w-]+)?\s+or\s+(?:{_PLACE}\s+)?[\w-]+(?:\s+[\w-]+)?\s*\?\s*$", re.I
)


def declarative(question: str) -> bool:
    """A statement with a question mark ("Approved by the ethics board = proven safe?"): no part
    of it opens like a question ("For someone like me, wouldn't the risks ...?" and "At what
    point does HSCT become an option?" do)."""
    parts = re.split(r"[,;:]|\s[-–—=]+\s", question)
    return not (
        (UNINVERTED.match(question) and len(question.split()) <= 6)
        # "They take the stem cells from blood or from bone?": a choice offered is asked, not stated
        or bool(CHOICE_ASKED.search(question))
        or REQUEST.search(question)
        or any(re.match(LEADING_JOIN + QUESTION_WORD, p, re.I) or PREPOSED_QUESTION.match(p) for p in parts)
    )


# Verbs of trade: a clinic that offers or sells something ("A clinic offers me stem cell shots in
# Panama.") names a product, it says nothing about it.
TRADE = re.compile(r"(offer\w*|sell|sells|selling|sold|feature\w*)$", re.I)
SAYING = re.compile(
    r"\b(says?|said|claim\w*|promis\w*|told|tells|insist\w*|guarantee\w*|assur\w*|writes|wrote|"
    r"advertis\w*|state[sd]?|boast\w*)\b",
    re.I,
)


def only_offered(sentence: str) -> bool:
    """Is the sentence's only attribution a clinic offering or selling something ("A clinic in
    Medellin offers stem cells in the spine.")? "... and says X", "according to", "promises" and
    "the clinic claims" are attributions of what was said."""
    if FRAME_START.match(sentence) or FRAME_INSIDE.search(sentence) or SAYING.search(sentence):
        return False
    found = list(REPORTING.finditer(sentence))
    return bool(found) and all(m.group(2) and TRADE.match(m.group(2)) for m in found)


# The asker's own clinician speaking ("My neurologist will refer me for HSCT, but says ...", "my
# doctor said maybe HSCT in 2 years"): medical advice about the asker, not a clinic's claim. The
# clinician must be the one who speaks: "My neurologist laughed when I said X" passes X on.
CLINICIAN_SAYS = re.compile(
    r"^\W*(?:(?:and|but|so|also)\s+)?(?:my|our|her|his)\s+(?:own\s+)?(?:ms\s+)?"
    r"(?:neurologist|neuro|doctor|dr|gp|nurse|consultant|specialist|physician|team|care team)s?\b"
    r"(?:(?!\b(?:i|we|you|they|it)\b)[^.?!]){0,90}?"
    r"\b(?:says?|said|told|tells|warn\w*|mention\w*|suggest\w*|recommend\w*|explain\w*|thinks?|"
    r"thought|believes?|advis\w*)\b",
    re.I,
)


# "I was diagnosed in May and the doctor told me '…'": the clinician who diagnosed the asker,
# told to them; not "the doctor at the clinic told me", whose words may be the clinic's claim.
DIAGNOSING_CLINICIAN = re.compile(
    r"\bdiagnos\w*\b[^.?!]{0,80}?\b(?:the|a)\s+(?:neurologist|neuro|doctor|dr|consultant|specialist)\s+"
    r"(?:told|said to|warned)\s+(?:me|us|her|him)\b",
    re.I,
)


def clinician_says(sentence: str) -> bool:
    """Is the sentence what the asker's own clinician said (advice, not a claim to card)?"""
    return bool(CLINICIAN_SAYS.match(sentence) or DIAGNOSING_CLINICIAN.search(sentence))


def attributed(sentence: str) -> bool:
    """Does the sentence say who made its claim ("the clinic says", "I was told", "they claim")?"""
    return bool(FRAME_START.match(sentence) or FRAME_INSIDE.search(sentence) or REPORTING.search(sentence))


def tells_own_story(sentence: str) -> bool:
    """Is the statement the asker's situation rather than a claim? Unattributed, an I / my / she
    / he in its opening clause marks it; attributed, the claim itself must be about the asker's
    case ("the doctor emailed me that I have ..."), not their cells ("they say my own cells can't
    harm me")."""
    if attributed(sentence):
        # only what was said counts: "I'm terrified of chemo, so I was relieved when a clinic
        # said X" passes on X, about cells, whatever the asker says of themselves around it
        said = reported(sentence) or [core for core, _ in claim_cores(sentence)]
        return any(about_the_asker(core) for core in said)
    # the opening clause tells whose story it is: "X - I see this on every clinic site" is X
    return bool(OWN_STORY.search(re.split(r"[,;:]|\s[-–—]+\s", sentence)[0]))


def reported(sentence: str) -> list[str]:
    """What an attribution frame says was said ("..., but I read that X. Is that right?" -> X),
    without a consequence or a closing question; [] when no frame names a sayer."""
    frame = FRAME_START.match(sentence) or FRAME_INSIDE.search(sentence)
    said = FRAME_END.sub("", CONSEQUENCE.sub("", sentence[frame.end() :])) if frame else ""
    return [said.strip(" ?.!—–-,")] if said.strip(" ?.!—–-,") else []


# Where the asker's story hands over to what they fear or hope is true: "I'm worried I'm missing
# out, because clinics in America get amazing results", "..., when stem cells would tackle the cause".
CLAUSE_BREAK = re.compile(
    r"(?:[,;:]|\s+[-–—]+)?\s+(?:(?:and|but|so)\s+)?(?:because|since|when|while|whereas|although|though)\s+"
    r"|[,;:]\s+(?:(?:and|but|so)\s+)?|\s+[-–—]+\s+",
    re.I,
)


def later_clauses(sentence: str) -> list[str]:
    """What follows the opening clause of a statement that tells the asker's own story, from each
    clause break to the end ("I'm worried, because X" -> X); [] for any other sentence."""
    if not tells_own_story(sentence) or sentence.rstrip().endswith("?"):
        return []
    sentence = re.sub(r"\s*\([^()]*\)", "", sentence)  # an aside, "My dad (61, SPMS) had ...", is no clause
    breaks = [m.end() for m in CLAUSE_BREAK.finditer(sentence)]
    clauses = [sentence[end:].strip(" ?.!—–-,") for end in breaks]
    return [c for c in clauses if len(c.split()) >= 4 and not about_the_asker(c)]


# The reason a sentence gives for its claim. Overlapping claims often differ in the reason only:
# "no rejection because they are immune privileged" and "never rejected, so no matching is
# needed" share a conclusion with a neighbouring claim; the reason names the claim made.
REASON_AFTER = re.compile(r"(?:,\s*|\s+)(?:because|since)\s+(?=\w)", re.I)
REASON_FIRST = re.compile(r"^\W*(?:because|since|given that|now that)\s+([^,]{12,}?),\s*\w", re.I)
CONSEQUENT = re.compile(
    r"(?:,\s*|\s+[-–—]+\s*|\s+)(?:and\s+)?(?:so|therefore|thus|hence|which means|which is why|"
    r"that's why|that means|(?:and\s+)?(?:this|that|it) (?:proves|shows|means))\s+(?=\w)",
    re.I,
)

# "..., so it must work": the claim is the inference itself (a story or a figure offered as proof
# that the treatment works), not the premise
IT_WORKS = re.compile(
    r"(?:i|we|you) (?:know|see|can see) (?:that )?|(?:it|they|this|that|the (?:treatment|therapy|cells))\s+"
    r"(?:\w+\s+)?(?:works?|worked|helps?|helped|is effective)\b",
    re.I,
)

# A person's own outcome told as a story ("his stem cells cured his MS", "my MS went away after
# the infusions"): a testimonial, whatever claim its words are near
PERSONAL_OUTCOME = re.compile(
    r"\b(?:his|her|my|our)\s+(?:ms|multiple sclerosis)\b(?!\s+(?:patients?|clinic|doctor|nurse|group))"
    r"|\b(?:cured|healed|fixed)\s+(?:him|her|me|us)\b",
    re.I,
)
# ... that already happened: "Stem cells can cure my MS" is a promise, not a story
HAPPENED = re.compile(
    r"\b(?:cured|healed|fixed|reversed|went away|disappeared|improved|recovered|got better|stopped)\b", re.I
)
PROMISED = re.compile(r"\b(?:will|would|can|could|may|might|going to)\b", re.I)


def tells_outcome(sentence: str) -> bool:
    """Does the sentence tell a person's own outcome as a story ("his stem cells cured his MS")?"""
    return bool(PERSONAL_OUTCOME.search(sentence) and HAPPENED.search(sentence)) and not PROMISED.search(
        sentence
    )


DEBUNK_AFTER = re.compile(r",?\s+(?:but|however|yet|although|though)\s+", re.I)
# what the debunk says is missing: studies, evidence, proof ("nothing could go wrong" is no debunk)
NO_STUDY = re.compile(
    r"\bno (?:\w+ )?(?:evidence|proof|data|trials?|stud(?:y|ies)|research)\b"
    r"|\b(?:not|never)\s+(?:been\s+|yet\s+|ever\s+)?(?:shown|proven|proved|demonstrated|confirmed|tested)\b"
    r"|\bunproven\b",
    re.I,
)


def without_debunk(sentence: str) -> str:
    """The sentence without a closing debunk ("Clinics say X, but no study in people has shown
    this." -> "Clinics say X"): the debunk's words ("study", "shown") are those of the claims about
    studies, and name no claim of their own. The sentence itself when it has none."""
    for match in DEBUNK_AFTER.finditer(sentence):
        if NO_STUDY.search(sentence[match.end() :]) and len(sentence[: match.start()].split()) >= 4:
            return sentence[: match.start()]
    return sentence


def reason_clause(sentence: str) -> str:
    """The reason a sentence gives for what it claims ("A because B" / "Since B, A" -> B, "A, so
    B" -> A); '' when it gives none or the reason is too short to name anything (under three
    words: "because they're mine")."""
    text = sentence.strip()
    first = REASON_FIRST.match(text)
    if first:
        reason = first.group(1)
    elif after := REASON_AFTER.search(text):
        reason = re.split(r"[,;]\s+|\s+(?:so|and so)\s+", text[after.end() :], maxsplit=1)[0]
    elif (before := CONSEQUENT.search(text)) and not IT_WORKS.match(text[before.end() :]):
        reason = text[: before.start()]
    else:
        return ""
    reason = reason.strip(" ?.!—–-,;:")
    reason = claim_core(reason) or reason  # "a man in the group wrote that X because ..." -> X
    return reason if len(reason.split()) >= 3 else ""


def about_the_asker(core: str) -> bool:
    """A claim core or premise whose subject is the asker or their relative ("If I skip the
    injections, ...?"), not a treatment ("my own cells cannot be rejected" is a claim)."""
    return bool(STORY_SUBJECT.match(core))


# A conditional states nothing: "If a treatment costs a lot, is it better?" supposes, it does not
# take a claim for granted the way "Since X, ...?" does.
CONDITIONAL = re.compile(
    r"^\W*(?:(?:and|but|so)\s+)?(?:if|unless|even if|what if|suppose|supposing|assuming)\b", re.I
)


def opens_conditional(sentence: str) -> bool:
    """Does the sentence open with a condition ("If X, ...?")?"""
    return bool(CONDITIONAL.match(sentence))


def premise_of(sentence: str) -> str:
    """The premise of a leading question ("Since X, why ...?" -> X); '' when there is none."""
    found = PREMISE.match(sentence)
    return next((g for g in found.groups() if g), "") if found else ""


# A span in quotation marks: the asker quotes a clinic's wording.
QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]{12,}?)[\"“”«»]|(?<!\w)'([^']{12,}?)'(?!\w)")

# Where a claim wording takes a negation when it is flipped into its contradiction.
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


# A claim of equality or superiority ("works just as well", "comparable to HSCT", "the more cells,
# the better") is contradicted by a sentence that ranks it lower ("helps far less", "weaker than");
# a claim of restriction ("only manage symptoms") by one that goes beyond it ("do more than").
AT_LEAST = re.compile(
    r"\b(as well|just as|as good|as much|same|equal\w*|comparable|better|more|higher|superior|"
    r"outperform\w*|sooner|faster)\b",
    re.I,
)
LOWER = re.compile(
    r"\b(less|fewer|lower|worse|weaker|smaller|inferior|poorer|slower|not as|nowhere near|far from|"
    r"falls? short|short of|behind)\b",
    re.I,
)
ONLY = re.compile(r"\b(only|just|merely|nothing but)\b", re.I)
BEYOND = re.compile(r"\b(more than|beyond|not only|not just|not merely|as well as|also)\b", re.I)
# "can still", "even so": a concession that what the claim rules out does happen
STILL = re.compile(r"\b(still|even so|nonetheless|nevertheless|all the same)\b", re.I)


def opposes(text: str, wording: str) -> float:
    """How far the sentence ranks or bounds the claim the other way, without any negation word:
    a lower ranking of an equality or superiority claim, or going beyond a restriction (0..1)."""
    ranks = bool(AT_LEAST.search(wording)) and bool(LOWER.search(text)) and not LOWER.search(wording)
    bounds = bool(ONLY.search(wording)) and bool(BEYOND.search(text)) and not BEYOND.search(wording)
    return float(ranks or bounds)


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
        if (
            not negation
            or negation.start() > early
            or re.match(r"\s*(longer|matter)", wording[negation.end() :])
        ):
            return ""
        word = negation.group(0).lower()
        head = wording[: negation.start()]
        if word == "n't":  # "can't" -> "can", "won't" -> "will", "doesn't" -> "does"
            head = re.sub(r"\b(ca|wo|sha)$", lambda m: FULL_AUXILIARY[m[1].lower()], head)
        return " ".join((head + ("can" if word == "cannot" else "") + wording[negation.end() :]).split())
    aux = AUXILIARY.search(wording)
    if not aux or aux.start() > early:
        return _denied_verb(wording)
    verb = aux.group(1)
    return (
        wording[: aux.start()] + ("cannot" if verb.lower() == "can" else f"{verb} not") + wording[aux.end() :]
    )


# Main verbs of clinic claims in the present or past simple ("Stem cells cure MS", "The trial
# proved ..."), which take "do / does / did not" when a wording is flipped: without them most
# registry wordings had no contradiction, and "Stem cells do not cure MS" was learnt from nothing.
CLAIM_VERBS = (  # noqa: SIM905  (a word list reads better as text)
    "act address adapt become boost bring calm carry change come conclude cross cure deliver "
    "differentiate dissolve drive eliminate find fix get give go halt heal help improve keep know "
    "last leave lower make mend migrate modulate offer persist prevent produce protect prove pull "
    "pump reach rebalance rebuild reduce regenerate regrow release remove repair replace require "
    "reset restore reverse secrete send sense settle shield show slow soothe stay stop survive "
    "switch tackle tame target track transform travel treat turn work"
).split()
PAST = {"found": "find", "made": "make", "got": "get", "brought": "bring", "kept": "keep", "became": "become"}
# a verb form right after one of these is a noun or an infinitive ("a cure", "to repair")
FUNCTION_WORDS = {
    "to",
    "the",
    "a",
    "an",
    "our",
    "their",
    "my",
    "your",
    "his",
    "her",
    "its",
    "of",
    "for",
    "will",
}
FULL_AUXILIARY = {"ca": "can", "wo": "will", "sha": "shall"}  # of "can't", "won't", "shan't"


def _verb_forms() -> dict[str, tuple[str, str]]:
    """Every form of CLAIM_VERBS -> (auxiliary of its negation, base form)."""
    forms: dict[str, tuple[str, str]] = {}
    for base in CLAIM_VERBS:
        if base.endswith(("s", "sh", "ch", "x", "z", "o")):
            third = base + "es"
        elif base.endswith("y") and base[-2] not in "aeiou":
            third = base[:-1] + "ies"
        else:
            third = base + "s"
        past = third[:-3] + "ied" if third.endswith("ies") else base + ("d" if base.endswith("e") else "ed")
        forms |= {past: ("did", base), third: ("does", base), base: ("do", base)}
    forms |= {past: ("did", base) for past, base in PAST.items()}
    return forms


VERB_FORMS = _verb_forms()


def _denied_verb(wording: str) -> str:
    """ "Stem cells cure MS" -> "Stem cells do not cure MS" (an adverb before the verb stays
    after the negation: "reliably lower" -> "do not reliably lower"); '' without such a verb in
    the first eight words."""
    words = wording.split()
    for i in range(1, min(len(words), 8)):
        key = re.sub(r"\W", "", words[i].lower())
        if key not in VERB_FORMS or words[i - 1].lower() in FUNCTION_WORDS:
            continue
        aux, base = VERB_FORMS[key]
        at = i - 1 if words[i - 1].lower().endswith("ly") and i > 1 else i
        tail = words[i][len(key) :] if words[i].lower().startswith(key) else ""
        return " ".join([*words[:at], f"{aux} not", *words[at:i], base + tail, *words[i + 1 :]])
    return ""


def quoted_spans(text: str) -> list[str]:
    """Spans the asker put in quotation marks or after a colon ("What about this: X"): pasted
    clinic wording, checked as statements on their own."""
    quoted = [a or b for a, b in QUOTED.findall(text)]
    pasted = [_before_own_question(part.split("?")[0]) for part in re.split(r":\s+", text)[1:]]
    # "Different question: I have RRMS, am I eligible?" is the asker's own question, not a paste
    pasted = [p for p in pasted if not (QUESTION_START.match(p) or INVERTED_CLAUSE.search(p))]
    # "Quick backstory: I'm 41, …" runs on for a paragraph: that is the asker's story, whose
    # sentences are read one by one, not one pasted claim (and its every later clause would be
    # embedded: 2.7 s for one long message)
    pasted = [p for p in pasted if len(p) <= MAX_PASTED]
    return [s.strip() for s in [*quoted, *pasted] if len(s.split()) >= 3]


MAX_PASTED = 400  # characters: a pasted claim is a sentence or two
PASTED_SENTENCE_BREAK = re.compile(r"(?<=[.!])\s+(?=[A-Z])")


def _before_own_question(span: str) -> str:
    """A span after a colon up to the asker's own question: "her MS is moving fast: four relapses
    in a year. We are in Canada. Who decides whether she can have it?" pasted nothing after
    "Canada."; the question sentence is read as the asker's (and was embedded twice)."""
    sentences = PASTED_SENTENCE_BREAK.split(span)
    for n, sentence in enumerate(sentences[1:], 1):
        if QUESTION_START.match(sentence):
            return " ".join(sentences[:n])
    return span


# A question put after a comma: "I have RRMS, am I eligible for HSCT"
INVERTED_CLAUSE = re.compile(
    r",\s*(?:am|is|are|can|could|do|does|should|will|would)\s+(?:i|it|we|he|she|they|my|this|that)\b", re.I
)
