"""Stage 1b, the person: what a message says about the person with MS it is about (the writer or
a relative): age, MS type, EDSS, years since diagnosis, drugs taken, country, treatment had or
booked. Fixed patterns ("I'm 41", "EDSS 3.5", "on Ocrevus"); measured per field on
evals/cases/understand.yaml (python -m evals.understand_eval). The composer reads it to pick a
reviewed answer's variants; staff drafts read the drug named.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

DRUGS = {
    "ocrelizumab": r"ocrevus|ocrelizumab",
    "natalizumab": r"tysabri|natalizumab",
    "alemtuzumab": r"lemtrada|alemtuzumab",
    "ofatumumab": r"kesimpta|ofatumumab",
    "cladribine": r"mavenclad|cladribine",
    "dimethyl fumarate": r"tecfidera|dimethyl fumarate",
    "fingolimod": r"gilenya|fingolimod",
    "glatiramer": r"copaxone|glatiramer",
    "interferon beta": r"interferon|avonex|rebif|betaferon|plegridy",
    "rituximab": r"rituximab|rituxan",
    "teriflunomide": r"aubagio|teriflunomide",
    "siponimod": r"mayzent|siponimod",
    "ozanimod": r"zeposia|ozanimod",
    "ublituximab": r"briumvi|ublituximab",
}
COUNTRIES = (
    "UK|United Kingdom|England|Scotland|Wales|Ireland|USA|US|United States|America|Canada|Australia|"
    "New Zealand|Mexico|Panama|Colombia|Russia|India|Germany|Italy|Spain|France|Sweden|Norway|"
    "Poland|Netherlands|Israel|Brazil|Argentina|South Africa|Nigeria|Greece|Portugal|Cyprus|Serbia"
)
# A country named anywhere in a text
COUNTRY = re.compile(rf"\b(?:{COUNTRIES})\b")
# How people say where they live; "I'm in" only before a country or city named below ("I'm in
# Year 11" is no place)
_LIVE_WORDS = r"i live in|living in|here in|i'm from|i am from|based in"
_LIVES_IN = rf"\b(?:{_LIVE_WORDS}|i'm in|i am in)\s+(?:the\s+)?"
MY_COUNTRY = re.compile(rf"{_LIVES_IN}({COUNTRIES})\b", re.I)
# The larger cities of countries the library speaks of: "I live in Brisbane" says the country
CITIES = {
    **dict.fromkeys(
        ("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Canberra", "Hobart", "Darwin"), "Australia"
    ),
    **dict.fromkeys(("Auckland", "Wellington", "Christchurch"), "New Zealand"),
    **dict.fromkeys(
        (
            "London",
            "Manchester",
            "Birmingham",
            "Glasgow",
            "Edinburgh",
            "Cardiff",
            "Belfast",
            "Leeds",
            "Liverpool",
        ),
        "UK",
    ),
    **dict.fromkeys(("Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa"), "Canada"),
}
# "I live in Columbus, Ohio", "I am from Curitiba, Brazil": the country (or US state) after the city
AFTER_CITY = re.compile(r"^,\s*([A-Z][a-z]+(?: [A-Z][a-z]+)?)")
US_STATES = frozenset(
    {
        *("Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware"),
        *("Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky"),
        *("Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi"),
        *("Missouri", "Montana", "Nebraska", "Nevada", "Ohio", "Oklahoma", "Oregon", "Pennsylvania"),
        *("Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington", "Wisconsin", "Wyoming"),
        *("New York", "New Jersey", "New Mexico", "New Hampshire", "North Carolina", "South Carolina"),
        *("North Dakota", "South Dakota", "Rhode Island", "West Virginia"),
    }
)


def _country_after(rest: str) -> str | None:
    found = AFTER_CITY.match(rest)
    if not found:
        return None
    place = found.group(1)
    if COUNTRY.fullmatch(place):
        return place
    return "US" if place in US_STATES or place.split()[0] in US_STATES else None


# "Im in Texas", "we live in Ohio": a US state says the country
MY_STATE = re.compile(
    rf"\b(?i:{_LIVE_WORDS}|i'?m in|im in|i am in|we live in|we(?:'re| are) in)\s+"
    rf"({'|'.join(sorted(US_STATES))})\b"
)
MY_CITY = re.compile(rf"{_LIVES_IN}({'|'.join(CITIES)})\b", re.I)
# Any other place a person says they live in, by its capital letter: "I live in Cairo" is where
# an ask about getting it "near to me" is about, and the library has nothing on it (by_ask).
# Not "I'm in": "I'm in Year 12", "I am in Remission".
PLACE_LIVED = re.compile(
    rf"\b(?i:{_LIVE_WORDS}|we live in|im from|we(?:'re| are) from)\s+(?:the\s+)?"
    r"(?!MS\b|Stage\b|Year\b)([A-Z][a-zà-ÿ]+(?:[ -][A-Z][a-zà-ÿ]+)?)\b"
)
# A message that opens with the writer's age, sex and country as a fragment ("29M, Australia.",
# "34, F, UK -"): forum shorthand that names no verb
INTRO = re.compile(
    rf"^\W*(\d{{2}})\s*(?:[MF]|yo|y/o)?\s*,\s*(?:(?:male|female|[MF])\s*,\s*)?(?:({COUNTRIES})\b)?",
    re.I,
)
AGE = re.compile(
    # "And at 47 with 12 years of MS, is it too late?": "at" an age, then the person's MS
    r"\b(?:i'?m|i am|(?:she|he)(?:'s| is)|aged?|age:?|too old at|old at|"
    r"at(?=\s*\d{2},?\s+(?:with|and|is|am|i)\b))"
    r"\s*(\d{2})\b"
    r"(?!\s*(?:%|years? (?:ago|since)|months?|weeks?|days?))"
    r"|\b(\d{2})\s*(?:years?[- ]old|y/?o|yrs? old|years?,)(?!\s*(?:ago|since))"
    # "my sister (41, RRMS)": an age in brackets beside the MS type
    r"|\((\d{2}),\s*(?:rrms|spms|ppms|ms|relapsing|progressive)\b"
    # "My son is 16 and…", "my mum's 60": the age of the family member the message is about
    r"|\b(?:my|our) (?:son|daughter|child|kid|boy|girl|husband|wife|partner|mum|mom|mother|dad|father|"
    r"brother|sister)"
    r"(?:'s| is) (\d{2})\b(?!\s*(?:%|years? (?:ago|since)|months?|weeks?|days?))",
    re.I,
)
DECADE = re.compile(r"\b(?:in my|i'?m in my)\s+(twenties|thirties|forties|fifties|sixties)\b", re.I)
DECADES = {"twenties": 25, "thirties": 35, "forties": 45, "fifties": 55, "sixties": 65}
EDSS = re.compile(r"\bedss\D{0,12}(\d(?:[.,]\d)?|10)\b", re.I)
# "the maximum EDSS allowed is 6.0", "EDSS below 6": a limit the person quotes, not their own score.
EDSS_LIMIT = re.compile(r"\b(?:max\w*|limit|cut-?off|below|under|less than|up to|allowed|criteri\w*)\b", re.I)
PROGRESSIVE = re.compile(
    r"\b(sp|pp)ms\b|\b(secondary|primary)[- ]progres+ive\b|\bprogres+ive ms\b|"
    r"\bprogres+ive (form|type)\b|\bms is progres+ive\b|\b(?:i'?m|i am|she'?s|he'?s|is now) progres+ive\b",
    re.I,
)
RELAPSING = re.compile(r"\brrms\b|\brelapsing[- ]remitting\b|\brelapsing ms\b|\brelapsing form\b", re.I)
DIAGNOSED_YEAR = re.compile(
    r"\bdiagnos\w*\s+(?:back\s+)?(?:in\s+)?((?:19|20)\d\d)\b|\b(?:ms|rrms|spms|ppms) since ((?:19|20)\d\d)\b",
    re.I,
)
DIAGNOSED_AGO = re.compile(
    r"\bdiagnos\w*\s+(\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"\s+years?\s+ago\b|\b(?:had|have had|living with|have) ms (?:for\s+|since\s+)?(\d{1,2})\s+years?\b"
    r"|\bwith (\d{1,2}) years? of (?:ms|multiple sclerosis)\b",
    re.I,
)
WORD_NUMBERS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
BOOKED = re.compile(
    r"\b(booked|paid (a |the )?deposit|scheduled|going (to (have|get|do)|for) (my |the |an? )?"
    r"(hsct|ahsct|transplant|stem|treatment|cells)|accepted (for|at)|"
    r"already (had|went|did)|had (my |the )?(hsct|ahsct|transplant|stem cell\w*)|"
    r"(after|since) my (hsct|ahsct|transplant))\b[^.?!]{0,60}",
    re.I,
)
NHS = re.compile(r"\bNHS\b", re.I)
THIS_YEAR = 2026


@dataclass
class PersonContext:
    age: float | None = None
    ms_type: str | None = None  # relapsing | progressive
    edss: float | None = None
    years_since_diagnosis: float | None = None
    drugs: list[str] = field(default_factory=list)
    # drugs offered or suggested, not taken ("the MS nurse proposed Aubagio")
    offered: list[str] = field(default_factory=list)
    country: str | None = None
    treatment: str | None = None  # had or booked, in the person's words
    sex: str | None = None  # male | female: of the writer when they say so, else of the relative

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, [])}

    def __bool__(self) -> bool:
        return bool(self.to_dict())


def read_context(message: str) -> PersonContext:
    ctx = PersonContext()
    if m := AGE.search(message):
        age = int(next(g for g in m.groups() if g))
        ctx.age = float(age) if 10 <= age <= 90 else None  # a teenager's parent writes too
    elif m := DECADE.search(message):
        ctx.age = float(DECADES[m.group(1).lower()])
    intro = INTRO.match(message)
    if ctx.age is None and intro and 10 <= int(intro.group(1)) <= 90:
        ctx.age = float(intro.group(1))
    if PROGRESSIVE.search(message):
        ctx.ms_type = "progressive"
    elif RELAPSING.search(message):
        ctx.ms_type = "relapsing"
    own = [
        m for m in EDSS.finditer(message) if not EDSS_LIMIT.search(message[max(0, m.start() - 20) : m.end()])
    ]
    if own:
        ctx.edss = float(own[0].group(1).replace(",", "."))
    ctx.years_since_diagnosis = _years(message)
    named = _named_drugs(message)
    ctx.drugs = [name for name, offered in named if not offered]
    ctx.offered = [name for name, offered in named if offered]
    if m := MY_COUNTRY.search(message):
        ctx.country = m.group(1)
    elif m := MY_CITY.search(message):
        ctx.country = CITIES[m.group(1).title()]
    elif MY_STATE.search(message):
        ctx.country = "US"
    elif intro and intro.group(2):
        ctx.country = intro.group(2)
    elif NHS.search(message):  # the NHS is the UK's health service: the person is treated there
        ctx.country = "UK"
    elif m := PLACE_LIVED.search(message):
        ctx.country = _country_after(message[m.end() :]) or m.group(1)
    ctx.sex = _sex(message)
    if m := BOOKED.search(message):
        ctx.treatment = " ".join(m.group(0).split())
    return ctx


# "29, male", "38M", "I'm a man"; "41F", "I am female"
SELF_MALE = re.compile(r"\b\d{2}\s*,?\s*(?:m|male)\b|\b(?:i'?m|i am|im)\s+(?:a\s+)?(?:male|man|guy)\b", re.I)
SELF_FEMALE = re.compile(
    r"\b\d{2}\s*,?\s*(?:f|female)\b|\b(?:i'?m|i am|im)\s+(?:a\s+)?(?:female|woman|lady)\b", re.I
)
# "My husband (51) has SPMS", "my daughter is 22": whose MS the message is about
RELATIVE = re.compile(
    r"\bmy\s+(?:(husband|son|dad|father|brother|boyfriend|partner)|(wife|daughter|mum|mom|mother|sister|girlfriend))\b"
    # …as the one it is about ("my husband (51) has", "my daughter is 22"), not "my husband says I…"
    r"(?=\s*(?:\(|,|\d|(?:is|has|had|was|'s|with|just|got|(?:he|she)'?s)\b))",
    re.I,
)


def _sex(message: str) -> str | None:
    """The sex of the person whose MS it is, when the message says it: the writer's own word
    ("29, male") first, else the relative it is about ("my husband"); a "partner" says nothing."""
    male, female = bool(SELF_MALE.search(message)), bool(SELF_FEMALE.search(message))
    if male != female:
        return "male" if male else "female"
    found = RELATIVE.search(message)
    if found is None or found.group(1) == "partner":
        return None
    return "male" if found.group(1) else "female"


def _years(message: str) -> float | None:
    if m := DIAGNOSED_YEAR.search(message):
        return float(max(0, THIS_YEAR - int(m.group(1) or m.group(2))))
    if m := DIAGNOSED_AGO.search(message):
        raw = (m.group(1) or m.group(2) or m.group(3) or "").lower()
        return float(WORD_NUMBERS.get(raw) or int(raw))
    return None


# A drug offered, weighed or compared with ("…offering Lemtrada", "is it more than Lemtrada"),
# not one the person takes
OFFERED = re.compile(
    r"\b(?:offer\w*|suggest\w*|recommend\w*|propos\w*|consider\w*)\s+(?:\w+\s+){0,3}$"
    # "My neurologist gave me two options: Lemtrada or HSCT."
    r"|\b(?:options?|choices?|choose between|choosing between|deciding between)\W+(?:\w+\W+){0,2}$"
    r"|\b(?:th[ae]n|vs\.?|versus|compared (?:with|to)|or)\s+$"
    # "My neuro is now talking about either Lemtrada or referring me for aHSCT"
    r"|\b(?:talking|talks|talked|mentioned|mentions|raised) (?:about )?(?:either\s+)?$|\beither\s+$",
    re.I,
)
# "now on Ocrevus", "currently taking Kesimpta": the drug the person takes today
NOW_ON = re.compile(r"\b(?:now|currently|still|i'?m|i am|she'?s|he'?s)\s+(?:on|taking|using)\s+$", re.I)


DRUG_RULES = {name: re.compile(rf"\b({rx})\b", re.I) for name, rx in DRUGS.items()}


def drugs_in(text: str) -> list[str]:
    """The drugs a text names, in DRUGS order."""
    return [name for name, rule in DRUG_RULES.items() if rule.search(text)]


def _named_drugs(message: str) -> list[tuple[str, bool]]:
    """(drug, offered) for the drugs the message names, in the order named, the one taken now last
    ("Tecfidera didn't hold it, now on Ocrevus": ocrelizumab is the drug an aHSCT decision is
    weighed against); offered: named as an option, not taken ("his neurologist is offering
    Lemtrada")."""
    found = []
    for name, rule in DRUG_RULES.items():
        if m := rule.search(message):
            offered = bool(OFFERED.search(message[max(0, m.start() - 40) : m.start()]))
            now = bool(NOW_ON.search(message[max(0, m.start() - 20) : m.start()]))
            found.append((now, m.start(), name, offered))
    return [(name, offered) for *_, name, offered in sorted(found)]
