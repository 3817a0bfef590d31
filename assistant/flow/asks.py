"""Understanding a message: its distinct asks, each ask's aspect and treatment (the person's
stated context is read by `person.py`).

Rules, because the asks of a message are marked by its form (question marks, question words,
"and how much…"). The
embedding model enters later, when each ask is matched to a reviewed answer (`reviewed.py`), whose
aspect then overrides the rule's guess. Measured on evals/cases/understand.yaml (python -m
evals.understand_eval).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from ..text import content_words, split_sentences
from . import condense
from .person import COUNTRY, PersonContext, read_context
from .scope import MS as MS_NAMED
from .scope import OTHER_CONDITION
from .understand import Message

# ("wat": what, typed fast)
QUESTION_WORDS = (
    r"what|wat|which|who|whom|whose|when|where|why|how|is|are|am|was|were|do|does|did|can|could|will|"
    r"would|should|shall|may|might|has|have|had|any|anyone|tell me|explain|please explain|i want to know|"
    r"i'?d like to know|i'?d like to understand|i wonder|wondering|is there|are there|"
    # "Please tell me is it true…", "kindly advise which diet is correct"
    r"(?:please|kindly|pls|plz) (?:tell|explain|advise|let me know|suggest|inform)|"
    # "And flag anything I should be thinking about re her Mavenclad": a request put as an order
    r"flag (?:anything|what|any)|let me know|"
    # "I'd also like to give her a few questions for the clinic, and tell her whether…": for the reply
    r"i'?d (?:also )?like to (?:give|tell|send|offer) (?:her|him|them)"
)
# "and realistically how long…", "Also, can I…": a joining word or an adverb before the question
# word; the question often loses its mark at the end of a message
JOIN_LEAD = (
    r"(?:(?:and|but|so|also|plus|or|then|ok|okay|like)\W+)?"
    r"(?:(?:realistically|honestly|really|roughly|seriously|exactly|basically|also|then)\W+)?"
)
QUESTION_START = re.compile(rf"^\W*{JOIN_LEAD}({QUESTION_WORDS})\b", re.I)
# "When I asked about after-care, they said…": a clause with its subject, then the statement
WHEN_CLAUSE = re.compile(
    rf"^\W*{JOIN_LEAD}(?:when|if)\s+(?:i|we|he|she|they|my|our|his|her|the|it)\b[^?]*,\s*"
    r"(?:i|we|he|she|they|it|you|the \w+|my \w+)\s+\w+[^?]*$",
    re.I,
)
# "and if she goes will she be ok": a question after its condition, its mark left off
CONDITIONAL_ASK = re.compile(
    r"^\W*(?:(?:and|but|so) )?(?:if|when|once) [^,.?]{2,60}?,? "
    r"(?:(?:will|would|can|could|is|are|does|do|should) (?:she|he|i|we|they|it|you|people|my \w+)\b"
    # "And if I have a baby what is the chance he gets MS", "if it works why doesnt Canada offer it"
    r"|(?:what|why|how|who|where|which) (?:is|are|would|will|does|do|doesn'?t|don'?t|can|should)\b)",
    re.I,
)
# "What worries me most is what they told her.": a what-clause as the subject of a statement
WHAT_CLAUSE = re.compile(
    r"^\W*(?:what (?:\w+ ){0,2}(?:worries|worried|scares|scared|frightens|bothers|concerns|upsets|annoys|"
    r"confuses|surprised|shocked|struck|strikes|matters) (?:me|us|her|him|them|most)\b"
    # "What I've figured out so far is that…", "Which worries me because…": told, not asked
    r"|what (?:i|we)(?:'ve| have)? (?:figured|found|worked|learned|learnt|read|understood|gathered)\b"
    r"|which (?:worries|scares|frightens|bothers|means|makes|is why|explains)\b)[^?]*$",
    re.I,
)
# "Who wouldn't want a chance to stop this disease?", "What have I got to lose?": the writer's
# feeling put as a question; answering it ("aHSCT stops MS activity in most…") talks past them.
RHETORICAL = re.compile(
    r"^\W*(?:(?:but|and|so|honestly|really|i mean|seriously)\W+){0,3}(?:"
    r"who (?:wouldn'?t|would not|doesn'?t|does not|can blame|could blame|cares)\b"
    r"|what (?:other )?choice (?:do|did|have|has) (?:i|we|she|he)\b"
    r"|what else (?:am|are|is) (?:i|we|she|he) (?:supposed|meant|expected) to\b"
    r"|why me\b"
    r"|how (?:could|can) (?:i|we) not\b"
    r"|what (?:have|do) (?:i|we) (?:got )?to lose\b"
    r"|(?:isn'?t|wasn'?t) (?:that|it|this) what (?:everyone|anyone|we all|every)\b"
    r")",
    re.I,
)
STATEMENT_START = re.compile(
    rf"^\W*{JOIN_LEAD}(had|has|have|did|was|were)\b(?! (i|you|we|they|he|she|it|there|anyone|any)\b)", re.I
)
# "…is it safe and how much does it cost?" → two asks; split only before a new question word.
JOINED = re.compile(
    # ("an is it more…": "and" typed short)
    r"\s*(?:,|;|\band\b|\ban\b|\bn\b|&|\balso\b|\bplus\b)+\s+(?=(?:what|which|who|when|where|why|how|is|are|"
    r"do|does|can|could|will|would|should|whether|i'?d (?:also )?(?:love|like) to know)\b[^,;]{6,})"
    # not inside brackets: "(she's worried about that more than anything, which I understand)"
    r"(?![^()]*\))"
    # not "…go back on Tysabri, which I was on before?": a relative clause about the thing before
    r"(?!which (?:i|we|he|she|they|my \w+) (?:was|were|am|is|are|had|have|has|took|used|tried|started|"
    r"stopped|got|did)\b)"
    # nor "…than staying on Tecfidera, which costs far less here?": the thing before, described
    r"(?!which (?:is|are|was|were|has|have|costs?|seems?|means|sounds?|looks?)\b)"
    # nor "…to have a baby first and do transplant afterwards?": a second thing to do, no question
    r"(?!do (?:it|that|this|(?:the )?(?:a?hsct|transplant|treatment))\b)",
    re.I,
)
# '…"I threw away my cane" – Karen, Ohio" Is this the same thing as HSCT?': the question after a
# pasted passage is the asker's own, though the splitter keeps it with the passage
AFTER_QUOTE = re.compile(
    r"(?<=[\"”])\s+(?=(?:Is|Are|Does|Do|Can|Could|Would|Will|What|How|Why|Should|Where|When|Who)\b[^\"”]*\?)"
)
# "hello, i am from poland, my neurolog say maybe HSCT for me. how many days i stay?": a question
# begun in lower case after a full stop is a sentence of its own (the splitter keeps them together)
LOWER_QUESTION = re.compile(
    r"(?<=\w{2}[.!])\s+(?=(?:how|what|when|where|why|which|who|can|could|is|are|will|would|does|do|should)"
    r"\b[^.!?]*\?)"
)
# Health insurers and schemes people name ("my Blue Cross plan", "my medical aid")
INSURERS = r"blue cross|bcbs|aetna|cigna|united ?healthcare|kaiser|humana|medical aid|bupa"
# "I'm not sure he'd cope with chemo": whether the body can take it (an ask about risks, and the
# transplant's risks as a whole, by_ask.TOPIC_ROUTES)
COPE_WITH = re.compile(
    r"\b(?:cope|manage|handle|survive|take)\s+(?:with\s+)?(?:the\s+|all\s+the\s+)?(?:chemo\w*|transplant)\b",
    re.I,
)
ASPECT_RULES: list[tuple[str, re.Pattern]] = [
    (
        # "Should I wait for the trial or just pay and go private?": a choice between two things
        # to do, whatever the words of either (a price named in it does not make it a cost ask)
        "decision",
        re.compile(
            r"\bshould (?:i|we|she|he|my \w+) [^?]{1,60}?\bor (?:just |simply |rather |instead )?"
            r"(?:go|wait|pay|stay|try|do|join|have|get|take|keep|switch|start|stop|book)\b"
            # "whether she should skip straight to HSCT instead of going onto ocrelizumab"
            r"|\b(?:should (?:i|we|she|he|my \w+)|(?:i|we|she|he|they) should) [^?]{1,60}?\binstead of\b",
            re.I,
        ),
    ),
    (
        # "Is HSCT better than staying on Aubagio or rituximab, which is cheaper here?": which works
        # better, with the price as an aside (ASPECT_WORDS, a dict, keeps the full rule below)
        "comparison",
        # "…whether she'd be better off paying for HSCT instead": a choice, not a price
        # "Kindly tell which one is correct treatment for him?": of the two just named
        re.compile(
            r"\b(?:is|are|would be|will be) (?:\w+ ){0,3}(?:better|worse|safer) than\b|\bbetter off\b"
            r"|\bwhich (?:one|of (?:them|the two|these|those|both)) (?:is|would be) (?:the )?"
            r"(?:correct|right|proper)\b"
            # "How do those two actually compare on effectiveness versus risk?": of the two named
            r"|\b(?:those|these|the) two\b[^?]{0,20}\bcompare\b",
            re.I,
        ),
    ),
    # "the cancer risk later from the chemo, how much?": how big a risk, not a price
    ("risks", re.compile(r"\b(?:risks?|chances?|odds)\b[^.?!]{0,40}\bhow (?:much|high|big|likely)\b", re.I)),
    ("risks", COPE_WITH),
    # "is 45 really too old or is that just Canada being cheap": who qualifies, whatever the aside
    ("eligibility", re.compile(r"\b(?:too old|too disabled|age limit|am i too)\b", re.I)),
    (
        "cost",
        re.compile(
            r"\b(cost|costs|costly|price|prices|pricier|paid|charg(?:e|es|ed|ing)(?! of\b)|"
            # not "should she pay to bank the cord blood?": whether to store it, not what it costs
            # nor "what should I check before I pay anything?": a time, not a price
            r"(?<!before i )(?<!before we )(?<!before she )(?<!before he )(?<!before they )"
            r"pay(?:s|ing)?(?! (?:\w+ )?to (?:bank|store|keep|save|freeze)\b)|"
            # not "I can't afford a long time off": time away from work, not a price
            r"afford(?! (?:\w+ ){0,3}(?:time|weeks?|months?|days?) (?:off|away))|"
            r"expensive|cheap|cheaper|cheapest|"
            # "if I went private in the UK instead": paying for it outside the public system
            r"if (?:i|we|she|he|they) (?:go|went|were to go) private|"
            r"fund\w*|insurance|insurer|medicare|medicaid|private health|\$|€|£|euros?|dollars?|"
            # "Has anyone gotten Blue Cross to approve it?": an insurer named is a question of paying
            rf"{INSURERS}|"
            r"pounds|fee|fees|the total|"
            # "Does Aetna cover HSCT at all or is it always out of pocket?"
            r"cover(?:s|ed)? (?:any (?:part )?of )?(?:it|this|that|a?hsct|the (?:cost|treatment|transplant))|"
            r"coverage|"
            r"out[- ]of[- ]pocket|reimburs\w*|going rate|"
            # not "is the money likely to buy me real improvement?"
            # not "what should I ask a clinic before I hand over money": a time, not a price
            r"(?<!hand over )(?<!part with )"
            # nor "is it worth it or am I just throwing money away?": whether it works at all
            r"(?<!waste of )(?<!wasting )(?<!wasting my )(?<!wasting our )"
            r"money(?! (?:\w+ ){0,4}(?:buy|get|bring) (?:\w+ ){0,3}(?:improv\w*|better|results?|benefit))"
            r"(?! (?:down the drain|away|for nothing)\b)|"
            # not "how much does it help", "how much years does it last" or "how much time?"
            r"how much(?! (?:\w+ ){0,3}(?:help|improv\w*|work|benefit|better|risk\w*|last|years?|problem|"
            # "how much school would she miss?": time away, not a price
            # "With HSCT how much I must wait?" (before a pregnancy): a time
            r"difference|trouble|time|longer|months?|weeks?|days?|wait\w*|vitamin|vit|iu|mg|"
            r"school|work|college|uni|university|classes|exams?|"
            # "how much looking after will he need?": care at home
            r"looking after|care|support)\b"
            # "how much vitamin D should i take": a dose
            r"|(?: \w+){1,3} (?:should|do|can|must) (?:i|you|he|she|we) take\b))\b"
            r"|[$€£]\s?\d",  # "$54,500": a price, with no word boundary before its sign
            re.I,
        ),
    ),
    (
        "eligibility",
        re.compile(
            r"\b(eligib\w*|qualif\w*|candidate|too old|too late|criteria|suitable|"
            # not "can I get the live ones like MMR?": vaccines, not the treatment
            # not "will greek doctors accept to do it?" (the follow-up at home)
            r"accept\w*(?! to (?:do|see|follow|treat|help))|"
            r"(?<!where )(can|could) (i|she|he|my \w+|they) (have|get)"
            r"(?! (?:the |any |my |some |those |these )?(?:live |\w+ )?"
            r"(?:ones?|vaccin\w*|jabs?|shots?|boosters?|tattoos?|piercings?|drinks?|glass|pets?|dogs?|cats?)"
            r"\b)|"
            r"am i (a|an|too)|"
            # "what they actually look at when they decide this"
            r"what (?:they|the (?:team|panel|doctors?|centre|center)) (?:actually |really )?look at\b|"
            # "most centres won't take anyone over 55": who a centre takes
            r"(?:take|takes|accept|accepts|treat|treats) (?:anyone|anybody|people|patients|someone) "
            r"(?:over|older|above|past|beyond)\b|"
            r"age limit|old for|right for me|rule[sd]? (me |her |him )?out|definitely out|"
            # "My neurologist say HSCT is not for me. Why he say this?"
            r"(?:is|isn'?t|not) (?:\w+ )?for (?:me|her|him|us)|an option for (?:me|her|him|us|them)|"
            # "If HSCT works so well, why doesn't every person with MS get it?"
            r"why (?:doesn'?t|don'?t|isn'?t|aren'?t|can'?t|can ?not|do ?not|does ?not) "
            r"(?:every|everyone|everybody|all)\b|"
            r"consider(ed)? (me|her|him)|(?:be )?considered for|who (can|should|could) (have|get)|"
            # not "who is the best doctor for this?": a ranking of providers
            r"(meant|intended|made) for|for whom|"
            r"who (is|'s) (it|hsct|ahsct|this|the (?!best|top|right|most)\w+)( \w+)? for|"
            # non-native "Stem cell is possible for young person?"
            r"possible for (me|her|him|them|us|(a |an |my )?(young|old|older|younger|teen\w*|child|"
            r"person|people|someone|patient)))\b",
            re.I,
        ),
    ),
    (
        "recovery",
        re.compile(
            r"\b(recover\w*|back to work|(?:can ?not|can'?t|unable to|not able to) work|"
            # "how many months he cannot study?", "before she can go back to her studies"
            r"(?:can ?not|can'?t|unable to|not able to) (?:study|go to (?:school|uni|college|class))|"
            r"back to (?:(?:his|her|my|their|the) )?(?:studies|study|school|uni|university|college|classes)|"
            r"allowed to (?:drive|fly|travel|swim|exercise)|(?:drive|fly) again|"
            # not "should she stop it, and how long before?" (beforehand), "how long before the transplant"
            r"how long (until|till|before(?=\s+(?!(?:the|starting|treatment|a?hsct|it|that)\b)\w)|"
            r"does (it|that|this) take)|fatigue after|aftercare|(time )?off work|"
            r"hair (loss|grow|will fall|falls?|fell)|lose (my |her |his |their )?hair|bald\w*|"
            r"months after|weeks after|rehab\w*|"
            # what comes after: "how often will I need blood tests in the first year?"
            r"check-?ups?|blood tests?|bloods|look after (?:me|her|him|them|us) (?:after|when|once|if)|"
            # "after return to Argentina who make the controls of blood?": blood checks
            r"controls? of (?:the )?blood|"
            # "3 weeks after HSCT and so tired, is that normal?", "how long does the tiredness last"
            # (the symptom told, then asked about: "…still exhausted every afternoon. Is that normal?")
            r"(?:tired\w*|fatigue\w*|exhaust\w*|worn out|wiped out|no energy|weak(?:ness)?)\b[^?!]{0,60}"
            r"\b(?:last|normal|go away)|"
            r"(?:days?|weeks?|months?) (?:ago|post|since|after)\b[^.?!]{0,60}"
            r"\b(?:tired\w*|fatigue\w*|exhaust\w*|worn out|weak\w*))\b",
            re.I,
        ),
    ),
    (
        "risks",
        re.compile(
            r"\b(risks?|risky|riskier|safer|safest|safe|safety|side[- ]effects?|danger\w*|"
            r"die|dies|died|dying|deaths?|fatal\w*|"
            r"fevers?|"
            r"mortality|infections?|complications?|harm\w*|cancer|infertil\w*|known (side )?effects?|"
            r"go(?:es)? wrong|went wrong)\b",
            re.I,
        ),
    ),
    (
        "regulation",
        re.compile(
            r"\b(approved?|approval|legal|illegal|licen[cs]ed|regulat\w*|fda|ema|mhra|nice|"
            r"allowed(?! to (?:drive|fly|travel|work|swim|hug|go back|return|exercise))|"
            r"banned|authori[sz]ed)\b",
            re.I,
        ),
    ),
    (
        "access",
        re.compile(
            r"\b(where can|where (do|should|could) (i|we|he|she|they|my \w+)|where (i|we) (can|could)|"
            r"where to (get|go|have)|near me|"
            # "…said the wait for HSCT at Sheffield is over a year now": how long until a place
            r"nhs|referr\w*|waiting (?:lists?|times?)|the wait (?:for|at|in|there)|"
            r"which (hospital|centre|center|country)|get it (in|on)|available (in|on)|"
            # not cells said to "travel straight to the damaged nerves"
            r"offer(ed)? (in|on|by)|abroad|"
            r"travel(?!\w* (?:straight |directly |right )?(?:to|through|into) (?:the |your |my )?"
            r"(?:damage|brain|spinal|lesion|nerve|injur|inflam|blood|body))|"
            r"(hospitals?|centres?|centers?|doctors?|they) (here |there )?(\w+ )?offer)\b",
            re.I,
        ),
    ),
    (
        "comparison",
        re.compile(
            r"\b(compare\w*|comparison|versus|vs\.?|better than|instead of|rather than|"
            # "is it more then lemtrada": more or less of something than another treatment
            r"(?:more|less|higher|lower|riskier|worse) th[ae]n (?!\d)|"
            r"or (should i )?(stay|keep|switch)|difference between|stronger|more effective|"
            r"works? better|"
            # "Is that the same thing as the transplant hospitals do, or a different thing?"
            r"(?:the )?same (?:thing )?(?:as|like) (?:the |a |an )?"
            r"(?:transplant|a?hsct|chemo\w*|treatment|stem|mscs?)|"
            r"(?:different (?:thing|from|than|to)|differs? from) (?:the |a |an )?"
            r"(?:transplant|a?hsct|treatment|stem)|"
            r"which (?:one )?(?:is|would be|will be|'s) (?:the )?(?:better|best|safer|stronger))\b",
            re.I,
        ),
    ),
    (
        "procedure",
        re.compile(
            r"\b(what happens|how is it done|procedure|steps|chemo\w*|conditioning|"
            r"mobili[sz]ation|hospital stay|how long in hospital|injected|infusion|"
            # "could someone explain what it looks like day by day?"
            r"day[- ]by[- ]day|what (?:it|this|that) (?:looks like|involves)|"
            r"what (?:is|'s) (?:going to|gonna) happen (?:to )?(?:her|him|me|them|us)|"
            r"intrathecal|lumbar|collect\w*|harvest\w*|(?:get|take) (?:the |my |your |her |his )?"
            r"(?:stem )?cells (?:out|from))\b",
            re.I,
        ),
    ),
    (
        "effectiveness",
        re.compile(
            r"\b(work|works|worked|effective|effect|cure[sd]?|reverse|improve\w*|"
            r"success|results?|outcomes?|stop (my |the )?ms|halt|"
            r"(stop|slow|halt) (my |her |his |the |their )?(decline|progression|worsening|getting worse)|"
            r"(?<!get )(?<!seek )(?<!for )(?<!some )help|benefit|walk again|permanent\w*|"
            r"last(s|ing)?|for good|in its tracks|come back|(be |get )?treated with|"
            r"treat (my |the |her |his )?(\w+'?s? (and|or) )?(ms|multiple sclerosis)|"
            r"any use|of use|any good|do (me |him |her |them |us |you )?(any |some )?good|"
            # "What would it even do for him at this stage?"
            r"(would|will|can|could|does|do) (it|this|that|they|these|those) (\w+ )?do (for|to)|"
            # "does aHSCT do anything for bladder problems?"
            r"do (anything|something|much|a lot) (for|about|to)|"
            r"(make|get|feel) (me |her |him |them |you )?better|"
            # "he will walk better after?": a lost function back
            r"(walk|walking|see|talk|speak|move|stand|use (my|his|her) (legs?|hands?|arms?)) "
            r"(again|better|normally|properly))\b",
            re.I,
        ),
    ),
    (
        "evidence",
        re.compile(
            r"\b(evidence|studies|study|trials?|research|proven|proof|data|published|"
            r"(is|are) (it|this|that|they|these|those) (all )?real|"  # "is it real??" after a video
            r"bogus|scams?|legit\w*|genuine|fake|quack\w*|snake oil|the real (thing|deal))\b",
            re.I,
        ),
    ),
    (
        "decision",
        re.compile(
            # "what should she have in place before she flies?" asks what to arrange, not a choice
            r"\b((?<!\bwhat )should (?:i|she|he|we|my \w+)|"
            r"(?<=\bwhat )should (?:i|she|he|we|my \w+)(?! (?:have|bring|pack|take|prepare|arrange)\b)|"
            r"worth it|would you|(?:a )?good idea|"
            r"what would (?:you|i|we)|do i go|"
            r"decide|decision|"
            r"(?:is it )?(?:better|best) to|or (?:to )?wait|wait or)\b",
            re.I,
        ),
    ),
]
# A passage pasted in quotation marks (an advert, a brochure)
PASTED = re.compile(r"[\"“][^\"”]{60,}[\"”]")
# "Is any of this true??" after a pasted advert: a check of what it claims, whatever it costs
TRUTH_CHECK = re.compile(
    r"^\W*(?:(?:so|and|but|ok|okay)\W+)?(?:"
    r"(?:is|are)\s+(?:any|all|some|much|none|most)\s+of\s+(?:this|that|it|these|those)\s+(?:really\s+|even\s+)?true"
    r"|(?:is|are)\s+(?:this|that|these|those)\s+(?:all\s+|really\s+|even\s+)?(?:true|real|legit\w*|genuine)"
    r"|(?:true|real)\s+or\s+(?:not|false|fake))\W*$",
    re.I,
)
CLAIM_FRAME = re.compile(
    r"\b(clinic|they|doctor|website|ad|advert)\b[^.?!]{0,40}\b(says?|said|claims?|told|"
    r"promis\w*|guarantee\w*)\b"
    # pasted after a colon: "This is from a clinic brochure my dad got: \"Our stem cells…\""
    r"|\b(brochure|leaflet|flyer|website|web ?page|ad|advert|advertisement)\b[^.?!:]{0,30}:\s*\S",
    re.I,
)
# The drugs named, not the words for drugs in general (those come after stem cells, below)
NAMED_DMT = re.compile(
    r"\b(dmts?|ocrevus|ocrelizumab|tysabri|natalizumab|lemtrada|alemtuzumab|"
    r"kesimpta|ofatumumab|mavenclad|cladribine|tecfidera|gilenya|copaxone|"
    # "must I stop fingolimod before?": the other drugs people name by either name
    r"fingolimod|siponimod|mayzent|ozanimod|zeposia|ponesimod|teriflunomide|aubagio|dimethyl fumarate|"
    r"vumerity|glatiramer|ublituximab|briumvi|rebif|avonex|betaferon|plegridy|"
    r"interferon|rituximab|disease[- ]modifying)\b",
    re.I,
)
TREATMENT_RULES: list[tuple[str, re.Pattern]] = [
    (  # the transplant's own steps and team name it too: harvest, conditioning, a haematology ward
        "ahsct",
        re.compile(
            r"\b(a?hsct|transplant\w*|haematopoietic|hematopoietic|chemo\w*|bmt|haematolog\w*|"
            r"hematolog\w*|conditioning|neutropeni\w*|apheresis|mobili[sz]ation|stem cell harvest|"
            r"starms|beat-?ms|ram-?ms|mist|"  # the transplant's trials
            # its chemotherapy regimens: "BEAM with ATG or cyclophosphamide with ATG?"
            r"cyclophosphamide|busulfan|melphalan|myeloablative|non-myeloablative|atg|(?-i:BEAM))\b",
            re.I,
        ),
    ),
    # not "new lesions in the spinal cord"
    ("cord-cells", re.compile(r"\b(?<!spinal )(cord|umbilical|wharton)\b", re.I)),
    (
        "msc",
        re.compile(
            r"\b(mes[ae]n[cks]h?[iy]mal|mscs?|adipose|fat[- ]derived|bone marrow cells|"
            # "this fat cell therapy", "they will take fat from his stomach and inject the cells"
            r"fat (?:cells?|stem cells?)|"
            r"fat from (?:his|her|my|your|the|their) (?:stomach|belly|tummy|abdomen))\b",
            re.I,
        ),
    ),
    (
        "clinics",
        re.compile(
            r"\b(clinics?|clinica|mexico|panama|colombia|cayman|russia|india|china|germany|"
            r"abroad|costa rica|thailand|ukraine|serbia|cyprus|moscow|kyiv|kiev|cancun|tijuana)\b",
            re.I,
        ),
    ),
    ("dmt", NAMED_DMT),
    ("stem-cells-general", re.compile(r"\bstem[- ]?cells?\b", re.I)),
    # a drug not named: "there is no more medicine that can help him. I read about stem cells
    # in Moscow…" is about stem cells
    ("dmt", re.compile(r"\b(drugs?|medications?|medicines?)\b", re.I)),
]
WH_WORD = re.compile(r"\b(what|which|who|when|where|why|how)\b", re.I)
# not one after a preposition: "Going by what the guidance says, would I be considered?"
ASKING_WH = re.compile(r"(?<!\bby )(?<!\bfrom )(?<!\bof )(?<!\bon )(?<!\bwith )" + WH_WORD.pattern, re.I)
# "Does HSCT help with those at all?" after "My worst symptoms are fatigue and brain fog."
POINTER = re.compile(r"\b(it|this|that|these|those|the treatment|the procedure)\b", re.I)
# "Do MSCs work for MS, and are they safe?": in the same sentence "they" is the first part's too
# ("…BEAM-ATG or cyclophosphamide-ATG, and is one of them safer?": the regimens just named)
SAME_SUBJECT = re.compile(POINTER.pattern.replace("(it|", "(it|they|them|"), re.I)
CLINIC = re.compile(r"\bclinics?\b", re.I)
TRIALS = re.compile(r"\b(?:trials?|studies|study)\b", re.I)
CELLS_TAKEN = re.compile(
    r"\b(?:take|takes|taken|taking|collect\w*|harvest\w*|give|given|put back|return\w*|store\w*|freez\w*)\b",
    re.I,
)
THE_PRICE = re.compile(r"\bthe (?:cost|price|total|fee)\b", re.I)
POINTS = re.compile(r"\b(it|its|this|that|these|those|they|them|one|so|there)\b", re.I)
# "Is dangerous?" (the "it" left out, as in many languages) and "and then chemo?" (going on
# from the ask before) lean on it too
NO_SUBJECT = re.compile(
    r"^\W*(?:(?:is|are|was|will|would|can|could|does|do)\s+(?!(?:i|you|he|she|it|we|they|this|that|these|"
    r"those|there|my|your|his|her|our|their|the|a|an)\b)|(?:and|also|then|plus|or)\b)",
    re.I,
)
# "Can I ask a question - if I had…": asking leave to ask is not the question
PREAMBLE = re.compile(
    r"^\W*(?:hi|hello|hey|dear [\w. ]{1,30})?[\s,!.]*(?:(?:can|could|may) i (?:please )?ask (?:you )?"
    # "Can you help me with a few things:" before a numbered list
    r"|(?:can|could|would) you (?:please )?help (?:me|us) with )"
    r"(?:a |one |quick |a quick |a few |some |two |three )*(?:questions?|something|things?)"
    r"\s*(?:[-–—:,?.!]+\s*|$)",
    re.I,
)
# "also dumb question but when can I drive again": the writer's aside before the question
SIDE_NOTE = re.compile(
    r"^\W*(?:(?:also|and|ok|okay|oh|so)\W+)*(?:a\s+|one\s+|another\s+)?"
    r"(?:(?:dumb|silly|stupid|quick|random|weird|daft|small|practical|last|odd)\s+question"
    # "unrelated but can i get a tattoo now"
    r"|unrelated|off[- ]topic|different (?:thing|question)|separate (?:thing|question))"
    rf"(?:\s+(?:but|though|here))?\s*[,:\-–—]*\s+(?=(?:{QUESTION_WORDS})\b)",
    re.I,
)
# "Two practical things: will my hair fall out?": a heading before the question is not part of it
LEAD_IN = re.compile(rf"^[^:?!.]{{1,40}}:\s+(?=(?:{QUESTION_WORDS})\b)", re.I)
# "A member rang asking whether the clinic is legitimate.", "She also wants to know why prices
# vary so much.": a question reported for someone (how staff write) asks it; the past "asked
# whether" is left out ("I asked my neuro if I qualify and he said no" tells what happened)
_REPORTED_WORD = r"(?:whether|if|why|how|what|when|where|who|which)\b"
REPORTED = re.compile(
    r"^([^?]{0,160}?\b(?:asking|asks|asked(?: me| us)?(?: straight out| outright| directly| again)?|"
    r"wants? to know|(?:would|'d) (?:also )?like to know|"
    # "what I'm trying to figure out is whether…", "I keep thinking about whether…"
    r"trying to (?:figure|work) out(?: is)?|(?:thinking|wondering) about|wonders|wondering|"
    r"unsure|not sure|(?:main |real |first |other |big )?question is|"
    # "We also just want an honest idea of what it costs", "She's worried about whether…",
    # "Kindly tell me if any scheme pays": questions put without a question mark
    r"wants? (?:to (?:know|understand)|an? (?:\w+ )?(?:idea|sense|picture) of)|"
    r"(?:worried|concerned|confused|conflicting (?:things|advice)) about|"
    r"(?:please|kindly) (?:tell|clarify|explain)(?: me| us| to me)?)\s+)"
    # "I'd like to know realistically how many months…"
    r"(?:(?:realistically|honestly|roughly|exactly|really|actually|also)\s+)?"
    rf"(?={_REPORTED_WORD})([^?]*?)[.!]?$",
    re.I,
)


# "What can I say to her?", "What should we tell him?": how staff ask for the reply itself
# "…help me draft a reply?", "…help me with an answer?": asking for the reply asks nothing itself
_KIND = (
    r"(?:short|quick|brief|kind|gentle|good|honest|warm|clear|simple|friendly|careful|nice|polite|"
    r"non-preachy|non-judg(?:e)?mental|plain|calm)"
)
_REPLY_TEXT = (
    # "a kind but honest reply", "a short, warm message"
    rf"(?:a|an|my|the|our|this)\s+(?:{_KIND}(?:,?\s+(?:but|and)\s+|,\s+|\s+))*"
    r"(?:reply|answer|response|email|e-mail|message|letter)"
    r"(?:\s*\([^()]{1,30}\))?"  # "a short reply (under 250 words)"
)
_REPLY = (
    rf"(?:(?:say|tell|answer|reply|respond|write|draft|word)(?:\s+back)?(?:\s+{_REPLY_TEXT})?"
    rf"|with\s+{_REPLY_TEXT})"
)
_WHOM = (
    r"(?:her|him|them|this person|(?:the )?others|everyone|(?:the|a|an|one of our) (?:caller|member|client|"
    r"patient|reader|enquirer|person|man|woman|lady|gentleman|mum|mother|dad|father|group|rest)s?)"
)
_TO_WHOM = rf"(?:\s+(?:and\s+)?(?:to\s+)?{_WHOM}){{0,3}}"  # "…reply to her and to the others?"
REPLY_FRAME = re.compile(
    rf"^\W*(?:so\W+)?(?:(?:what|how)\s+(?:can|could|should|do|shall)\s+(?:i|we)\s+(?:actually\s+|best\s+)?{_REPLY}"
    rf"|(?:could|can|would)\s+you\s+(?:please\s+)?(?:help\s+(?:me|us)\s+(?:to\s+)?)?{_REPLY}){_TO_WHOM}"
    # "…a reply I can send her by email?", "…a message for me?"
    r"(?:\s+for\s+(?:me|us))?(?:\s+(?:that\s+)?(?:i|we)\s+(?:can|could)\s+"
    r"(?:send|give|post|forward|e-?mail|text|print|read out)\b[^?.!]{0,50})?"
    r"(?:\s+(?:in|from|at|on)\s+[^?.!]{1,40})?"  # "…write back to a member in Ohio?"
    r"(?:\s+about\s+(?:that|this|it|all (?:that|this)))?"  # "What should I say to her about that?"
    # "How do I answer her honestly without crushing her?", "what should I say we don't know?"
    r"(?:\s+(?:honestly|gently|kindly|simply|clearly|properly|well|carefully))?"
    r"(?:\s+without\s+[^?.!]{1,40}|\s+(?:we|i)\s+(?:don't|do not|can't|cannot)\s+(?:know|say|answer))?"
    # "…draft a short reply that covers those points and tells him who to see?"
    r"(?:\s+(?:that|which)\s+(?:covers?|answers?|explains?)\s+[^?.!]{1,90})?\W*$",
    re.I,
)


# "Can someone help me make sense of this?" before the questions it introduces
HELP_FRAME = re.compile(
    r"^\W*(?:can|could) (?:someone|anyone|you|somebody) (?:please )?help me (?:to )?"
    r"(?:make sense of|understand|with|sort through|think through) (?:this|it|these|all this)\W*$",
    re.I,
)
# "What practical points should I make sure I cover without sounding…?": the reply's points
REPLY_POINTS = re.compile(
    r"^\W*(?:and\s+)?(?:what|which)\s+(?:\w+\s+)?(?:points|things)\s+should\s+(?:i|we)\s+"
    r"(?:make sure (?:i|we)\s+)?(?:cover|mention|include|say|raise)\b"
    # "…and what should I make sure to refer back to her transplant team?": the reply's next step
    r"|^\W*(?:and\s+)?what\s+should\s+(?:i|we)\s+(?:make sure (?:to|i|we)\s+)?(?:refer|pass|send|direct)\s+"
    r"(?:\w+\s+)?(?:back\s+)?to\s+(?:her|his|their|the)\s+(?:own\s+)?(?:transplant\s+|ms\s+)?(?:team|doctors?|neurologist)\W*$",
    re.I,
)


# "I know we can't give legal advice, but what's the best way to word this?"
BEST_WAY = re.compile(
    r"^[^?]{0,80}?\bwhat(?:'s| is) the (?:best|right|kindest|gentlest) way to (?:word|put|phrase|say|explain|"
    r"answer|reply|respond|tell)\b[^?.!]{0,40}\W*$",
    re.I,
)
# "Has anyone heard of that?", "Any mums been through this with their kids please tell me": a call
# to other readers of a forum about what was just asked, not a question of its own
PEER_CALL = re.compile(
    r"^\W*(?:(?:has|have|did|does|is)\s+)?(?:any(?:one|body)|any\s+\w+|someone|somebody)\s+(?:here\s+|else\s+)?"
    r"(?:(?:been|gone|went)\s+through|heard\s+of|tried|had|experienced?|done)\s+(?:this|that|it|the same)\b"
    r"[^?.!]{0,50}\W*$",
    re.I,
)
# "One of my patients sent me a screenshot of an ad and asked what I think before she pays": why
# the writer asks; what they want to know follows
OPINION_ASKED = re.compile(
    r"^[^?]*\basked\s+(?:me\s+|us\s+)?what\s+(?:i|we)\s+(?:think|make of it|make of this)\b[^?!]{0,60}\W*$",
    re.I,
)
# "…which one is more strong and which more risky, can you compare for me?": the question before it
ASKS_TO_DO_IT = re.compile(
    r"^\W*(?:and\s+)?(?:can|could|would)\s+(?:you|someone|anyone)\s+(?:please\s+)?(?:compare|explain|clarify)"
    r"(?:\s+(?:it|them|this|that|the two|both|these))?(?:\s+(?:for|to)\s+(?:me|us))?(?:\s+please)?\W*$",
    re.I,
)
FRAMES = (
    OPINION_ASKED,
    ASKS_TO_DO_IT,
    REPLY_FRAME,
    REPLY_POINTS,
    HELP_FRAME,
    BEST_WAY,
    PEER_CALL,
)  # around the asks, asking nothing themselves
# "I also asked if they have publications…": what the writer asked someone else, told as a story
OWN_ASKING = re.compile(r"\b(?:i|we)\s+(?:also\s+|then\s+)?asked\s+(?:\w+\s+){0,2}$", re.I)


def _reported(sentence: str) -> list[str]:
    """A reported question as the questions it reports, the first with who asks it ("My boss
    asks when I'm back at work?" is about work): "…if she can have HSCT first, and whether it is
    on the NHS" reports two."""
    found = REPORTED.match(sentence)
    if not found or OWN_ASKING.search(found.group(1)):
        return [sentence]
    # not "…whether she should stop it and if so how long before": the same question, followed up
    # "…whether she'll go into early menopause, and she wants to know how long…": two, each reported
    first, *more = re.split(
        # "…if the EMA thing is true, what the warning signs are, and whether…": a list of them
        rf"(?:,\s+(?:and\s+)?|\s+and\s+)(?:(?:also|roughly|approximately|about|then)\s+)?"
        rf"(?:(?:she|he|they|we|i)\s+(?:also\s+)?(?:wants? to know|asks?|asked|wonders)\s+)?"
        rf"(?!if (?:so|yes|not|she does|he does|they do)\b)(?={_REPORTED_WORD})",
        found.group(2),
    )
    # "…at her age, and if not, whether the clinic is right": the "and if not" opens the next one
    first, *more = (IF_NOT_TAIL.sub("", q) for q in (first, *more))
    return [f"{found.group(1)}{first}?", *(f"{q}?" for q in more)]


IF_CLAUSE_TAIL = re.compile(r",?\s+(?:and\s+|or\s+)?if (?:it|she|he|they|that|this|so|not)\b[^,?]*$", re.I)
IF_NOT_TAIL = re.compile(r",?\s+(?:and\s+|or\s+)?if (?:not|so|yes|no)\W*$", re.I)
# "…whether she'd even qualify for HSCT": the question put directly, as the reviewed answers'
# wordings are ("would she even qualify for HSCT?" matches 0.38 where the report matched 0.10)
_SUBJECT = r"(i|you|he|she|we|they|it|this|that|a?hsct|stem cells?|mscs?|(?:the|my|his|her|our|their) \w+)"
# (and "how he'd get into StarMS" → "how would he get into StarMS")
_OPENING = r"(whether |if |how |when |where |why |what |which )"
REPORTED_WOULD = re.compile(rf"^{_OPENING}{_SUBJECT}(?:'d|\s+would)\s+", re.I)
REPORTED_HELPER = re.compile(
    rf"^{_OPENING}{_SUBJECT}\s+(can|could|should|will|is|are|has|have|needs?|must|may|might)\s+", re.I
)
YES_NO_OPENING = frozenset({"whether ", "if "})


def _direct(said: str) -> str:
    """A reported question as the question itself, for matching: the report's frame ("She's
    asking whether…") left out and its first words turned round ("whether she'd" → "would she");
    any other text as it is."""
    found = REPORTED.match(said.rstrip("?").rstrip())
    if found and OWN_ASKING.search(found.group(1)):
        return said
    if not found and not said.lower().startswith("whether "):  # "…, and whether it is on the NHS"
        return said
    asked = said[len(found.group(1)) :] if found else said
    asked = REPORTED_WOULD.sub(lambda m: f"{_wh(m.group(1))}would {m.group(2)} ", asked)
    return REPORTED_HELPER.sub(lambda m: f"{_wh(m.group(1))}{m.group(3)} {m.group(2)} ", asked)


def _wh(opening: str) -> str:
    """A question word is kept ("how would he…"); "whether" and "if" go ("would she…")."""
    return "" if opening.lower() in YES_NO_OPENING else opening.lower()


# "that risk", "those numbers", "these symptoms": a thing the statement before the ask named
_WISHES = r"(?:possibility|chances?|plans?|hopes?|dreams?|wish(?:es)?)"
_THINGS = (
    r"(?:risks?|numbers?|figures?|rates?|percentages?|symptoms?|problems?|side effects?|results?|claims?|"
    r"promises?|offers?|prices?|quotes?|things?|phrases?|sayings?|slogans?|statements?|headlines?|terms?|"
    rf"{_WISHES}|possibilities)"
)
# "those numbers", and "a number like that" / "such figures" (the thing named, then pointed at)
THAT_THING = re.compile(
    rf"\b(?:(?:that|this|these|those|such) {_THINGS}|(?:an?|the) {_THINGS} like (?:that|this|those|these))\b",
    re.I,
)
# "…about the shingles vaccine. Is that something she can have yet?": the thing just named
THAT_SOMETHING = re.compile(
    r"^\W*(?:and\s+)?(?:is|are)\s+(?:that|this|these|those)\s+"
    r"(?:something|a thing|things|ok|okay|safe|allowed)\b",
    re.I,
)
# "…want kids. Does the chemo end that possibility?": a wish the sentence just before stated
HOPE = re.compile(rf"\b(?:that|this|such a) {_WISHES}\b", re.I)
# "Would this actually stop her decline?": "this" as the ask's subject is the offer or treatment
# the statement before it described ("it" is left out: "is it safe to fly?" names no statement)
THIS_DOES = re.compile(
    r"^\W*(?:(?:and|but|so)\W+)?(?:would|will|does|do|did|can|could|is|was|might|may) "
    r"(?:this|that|these|those) (?:actually |really |still |even |ever )?"
    r"(?:help|work|stop|slow|cure|fix|reverse|hurt|harm|cause|improve|change|last|be|make|do|give)\b",
    re.I,
)
# A price in the statement an ask borrows: it would pull an ask about what the treatment does
# to the answers on prices
PRICE_PHRASE = re.compile(
    r"\s*\b(?:for|at|costing|priced at)?\s*(?:[$€£]\s?\d[\d,.]*\s*(?:k|thousand)?\b"
    r"|\b\d[\d,.]*\s*(?:k|thousand)?\s*(?:dollars?|euros?|pounds?|usd|eur|gbp|lakh|rupees?)\b)",
    re.I,
)
# "Is one of them more dangerous?": the things the statement before the ask listed
ONE_OF_THEM = re.compile(
    r"\b(?:one|either|neither|both|each|which|any) of (?:them|those|these|the two)\b"
    r"|\b(?:which|the first|the second|the other) ones?\b"  # "Which one is safer?"
    r"|\b(?:those|these|the) two\b"  # "How do those two compare?" after "…Lemtrada or aHSCT."
    r"|\bwhich (?:is|would be|will be|'s) (?:the )?(?:better|best|safer|riskier|stronger)\b",
    re.I,
)


def of_those_named_before(text: str) -> bool:
    """ "Which one works better?" picks from things named before it; "Comparing the two, would HSCT
    do anything that Ocrevus isn't already doing?" names its two itself."""
    if not ONE_OF_THEM.search(text):
        return False
    return sum(1 for _, rule in TREATMENT_RULES if rule.search(text)) < 2


# Between two treatments or drugs (condense.topics names them): a choice "which one" picks from
CHOICE_GAP = re.compile(r"\s+(?:or|vs\.?|versus)\s+(?:an?\s+|the\s+)?", re.I)
# Stems that name no topic: an ask made only of these points at what was said before it.
VAGUE_WORDS = frozenset(
    content_words(
        "right true correct really go ahead still worth think mean possible okay ok sure happen "
        "normal common usual known effect effects side"  # "Is that a known side effect?"
        " smoothly everything well fine alright plan"  # "Will everything go smoothly?"
        " good idea"  # "Is good idea?" after the offer it means
        " make"  # "my worst symptom is fatigue. would hsct make that better?"
        " bogus scam legit legitimate genuine fake real thing deal"  # "Is it bogus or the real thing?"
        " hard strict firm rule rules exception exceptions"  # "Is that a hard rule or are there exceptions?"
        " point pointless ignore"  # "Any point to those, or should I just ignore her?"
    )
)


# Words every sentence of the library is near: sharing one of them says nothing about the ask.
GENERIC = frozenset(
    content_words(
        "MS multiple sclerosis stem cell cells treatment treatments therapy therapies HSCT aHSCT "
        "transplant transplantation mesenchymal MSC MSCs cord clinic clinics people person patient "
        "patients get need know doctor neurologist every still year years now time go say want "
        "like think really much many also would could good right sure way ways"
    )
)


@dataclass(frozen=True)
class Ask:
    text: str  # the ask as written
    query: str  # the ask made standalone: its treatment named when the ask says only "it"
    aspect: str
    treatment: str
    answer_id: str | None = None  # the reviewed answer it matched (set by reviewed.py)
    confidence: float = 0.0
    # The aspect as the rules read it; `aspect` may take a reviewed answer's (reviewed.py).
    read_aspect: str = ""
    # The ask in its own words, an "it" replaced by the subject the question before it named, with
    # no statement borrowed and no treatment added: what its answer's sentences must speak of.
    own: str = ""
    # Another disease the ask also wanted treated ("…treat both, my lupus and my MS?"), declined
    # on its own line (by_ask.answer_asks): no "missing topic" line names it again.
    declined: str = ""
    # The statement just before the ask's sentence, when the ask borrowed none: what "the
    # shrinking" in "…shows brain atrophy. Could HSCT slow the shrinking down?" is
    # (by_ask.context_match reads the two together when the ask alone matched no answer).
    before: str = ""
    # An ask that leaned on the ask before it but names its own kind of answer, in its own words
    # with the treatment named: "If it does, will that last for good?" after "Will it halt my
    # MS?" is matched as "…will that last for good? (aHSCT for MS)" when the two read together
    # match no answer (by_ask.alone_match).
    alone: str = ""
    # …and whether those words win over a match of the two read together (after an ask), or only
    # stand in when that reading matched nothing (after a statement, which may name what the ask
    # is about: "My sister has NMOSD. Would HSCT work for her?")
    alone_wins: bool = False
    # Routed by a topic whose core the answer says it lacks ("can I finish my degree?" to the
    # answer on work, which holds no return dates): that line comes first (by_ask.topic_route)
    asks_what_is_lacking: bool = False

    @property
    def in_context(self) -> str:
        return f"{self.before} {self.query}" if self.before else ""

    def composed(self) -> Ask:
        """The ask as the composer answers it when no reviewed answer matched: with the aspect
        its own words show, not one borrowed from an answer too unlike it to be given (a guess
        that made "Does smoking make MS worse?" a question about recovery time)."""
        return replace(self, aspect=self.read_aspect) if self.read_aspect else self

    def record(self) -> dict:
        """As `Answer.asks` shows it."""
        return {
            "text": self.text,
            "aspect": self.aspect if self.answer_id else self.composed().aspect,
            "treatment": self.treatment,
            "answer_id": self.answer_id,
        }


def with_answer(ask: Ask, match) -> Ask:
    """The ask with a reviewed answer's match (flow/reviewed.py): its id, confidence and aspect."""
    return replace(ask, answer_id=match.answer.id, confidence=match.confidence, aspect=match.answer.aspect)


@dataclass
class Plan:
    """What the first stages found: the message, its query and asks, their vectors, its claims."""

    message: Message
    query: str
    vectors: dict[str, np.ndarray]
    claims: list
    asks: list[Ask]
    person: PersonContext
    # Another disease the conversation's earlier turn was about, when this turn follows it
    # ("where could he get it?" after "my dad has Parkinson's"): said first (scope.follow_up_condition)
    earlier_condition: str = ""
    # How the conversation's previous turn was read (condense.previous_reading): a follow-up of a
    # conversation about the field ("Is there a diet I should follow now?") is in the field too
    earlier: str = ""


def read_asks(message: str, earlier: str = "") -> list[Ask]:
    """The distinct asks of a message, in the order asked; the whole message when it has none.
    `earlier`: how the conversation's previous turn was read (condense.previous_reading); its
    treatment is the message's when the message names none ("Thanks. Will my hair fall out?"
    after a question on aHSCT asks about aHSCT)."""
    read, listed, starts = _sentences(message)
    sentences = _with_topic(_choices_joined(read))
    sentences = sentences or [message]
    requested = [_requested_item(sentences, i, starts) for i in range(len(sentences))]
    found = [
        (part, i)
        for i, s in enumerate(sentences)
        if requested[i] or _is_ask(s)
        for part in _split_joined(_item_text(s) if requested[i] else s)
    ]
    found = found or [(message, -1)]
    topic = _message_topic(message, earlier)
    asks: list[Ask] = []
    borrowed: list[str] = []  # per ask, the statement a vague ask took its topic from
    ats: list[int] = []  # per ask, the sentence it was read from
    for raw, at in dict.fromkeys((" ".join(r.split()), at) for r, at in found):
        if any(frame.match(raw) for frame in FRAMES) and len(found) > 1:
            # "…wants to know why prices vary. What can I say to her?", "Could you help me answer
            # a member? She is on…": asking for the reply asks nothing the other asks do not
            continue
        # "Is that right?" means the statement before it: read aspect and treatment from both
        own_words = CARRIED_TAIL.sub("", raw)  # a follow-up's carried topic names nothing it asks
        own = aspect_of(PASTE_AFTER.sub("", raw))  # the kind of answer the ask's own words want
        own = "claim" if TRUTH_CHECK.match(own_words) and PASTED.search(message) else own
        raw, own, instead = _same_question_of(raw, own_words, own, earlier, message)
        # "how risky is it, and how much does it help?": the second "it" is the first one's (when
        # the first part named its subject itself)
        # "is this normal? or should i call the unit": a choice joined from two sentences
        # (`_choices_joined`) points back as its first half does
        lead = CHOICE_JOIN.split(own_words, 1)[0]
        pointing = vague(lead) or points_back(lead) or names_no_topic(lead) or bool(BARE_WAIT.search(lead))
        pointing = pointing or bool(THAT_JUDGED.search(lead))
        same_sentence = (
            bool(ats) and ats[-1] == at >= 0 and not borrowed[-1] and bool(SAME_SUBJECT.search(own_words))
        )
        statement = _around(sentences, at, raw) if pointing and not same_sentence else ""
        if own not in ("cost", "other"):  # "…for 25,000 dollars. Would this stop her decline?"
            statement = _without_price(statement)
        # "Can I still join StarMS? When will it report?": the question before says what about
        # …and when that question names a treatment or trial, it stands in for "it": "When will
        # StarMS report?" is matched as such, not as a second "Can I still join StarMS?"
        # …but not a name of another treatment than the question was about ("does she even need
        # it if Ocrevus is working? also does it hurt": both about the transplant, not Ocrevus)
        named = _named(raw, asks[-1].query, own) if asks and not statement else ""
        named = "" if named and treatment_of(named) not in (None, asks[-1].treatment) else named
        # a vague ask that names its own kind of answer leans on the ask before only through a
        # word that points ("is it fair?"): "what would the risks be for him?" asks for risks, and
        # "him" is the person; "How do I protect myself?" names none, and leans
        points = bool(POINTS.search(own_words) or NO_SUBJECT.match(own_words))
        leans = vague(own_words) and (own in ("other", "decision", "claim") or points)
        back = (
            leans
            or (pointing and same_sentence)
            or _earlier_things(own_words)
            or bool(THE_THING.match(own_words))
        )
        after_ask = (bool(named) or back) and not statement and bool(asks)
        if after_ask and not named:
            # "…'the closest thing to a cure'. Where does that phrase come from, and is it fair?":
            # "it" is what the ask before it was about, with the statement that ask borrowed
            statement = f"{borrowed[-1]} {asks[-1].text}".strip()
            statement = _without_price(statement) if own not in ("cost", "other") else statement
        said = instead or named or f"{statement} {raw}".strip()
        # an ask that names no treatment asks about the one the ask just before it named ("Is there
        # any proof MSCs help? And what would the risks be for him?"), else the message's
        # …but a clinic is where a treatment is given: after "what should I ask a clinic?" in a
        # message about aHSCT abroad, "is 45 too old?" asks about aHSCT
        nearest = asks[-1].treatment if asks and treatment_of(said) is None else topic
        # …but after "Is a cord cell drip the same as HSCT?", "What's the catch?" is about the drip
        beside = bool(asks) and topic in CELLS_SOLD and bool(SET_BESIDE.search(asks[-1].text))
        nearest = topic if beside else nearest
        nearest = topic if nearest == "clinics" and topic == "ahsct" else nearest
        # …and after comparing aHSCT with a drug, "am I near the upper age limit?" is the transplant's
        nearest = topic if nearest == "dmt" and topic == "ahsct" and own == "eligibility" else nearest
        treatment = _treatment(said, nearest)
        # …and "Is it safe to put in spine, must I stop fingolimod before?" after "Is this the same
        # thing like HSCT?": "it" borrowed the transplant's name from the ask before, not its subject
        treatment = topic if beside and treatment_of(own_words) in (None, "dmt") else treatment
        aspect = own if own != "other" else aspect_of(said)
        kind = _topic_kind(statement) if statement and PRONOUN_FIRST.match(own_words) else "other"
        aspect = kind if kind != "other" else aspect  # "…hair will fall. It come back after?": hair
        if aspect == "decision" and treatment in CELLS_SOLD and WORTH_IT.search(own_words):
            aspect = "effectiveness"  # "exosomes worth it y/n?": whether they do anything at all
        text, first_part, own_first = raw, "", False
        # "Is that right, and should I still go ahead?" both about one statement: one ask; not
        # "Is that realistic, and what would it cost?", whose second ask names what it wants
        same_statement = bool(statement) and borrowed[-1:] == [statement] and own in ("other", "decision")
        # after a question, only the ask's own words can make it the same ask ("how would I pay,
        # is any of it funded?"), not the question it borrowed ("Where is StarMS? Can I join?")
        # "How long is recovery, and when can I work?": "and" before a new question asks again
        and_again = bool(ats) and (
            bool(WISH_TO_HEAR.search(raw))  # "…I'd love to hear about them": a request of its own
            or (ats[-1] == at >= 0 and _joined_by_and(sentences[at], raw))
            or bool(AND_OPENING.match(raw))
            or (at >= 0 and _opens_with_and(sentences[at], raw))
        )
        # the items of a numbered list are the writer's own separate questions (one item may
        # still put one question two ways)
        if not (at >= 0 and sentences[at] in listed and ats[-1:] != [at]) and (
            same_statement
            or _checks_the_last(raw, own, asks)
            or (bool(ats) and ats[-1] == at >= 0 and bool(WAIT_ON_IT.match(raw)))
            or (
                not and_again
                and _same_ask(
                    asks, own if after_ask else aspect, treatment, bool(statement) and not after_ask
                )
            )
        ):
            # "What's recovery like? How long off work?": one ask put two ways
            previous = asks.pop()
            # "Is it safe, could it make her worse?" after "Is there proof it works?": the first
            # part's own words (read alone, not with the ask it leaned on), and the second's
            own_first = previous.alone_wins and bool(previous.alone)
            first_part = f"{previous.alone} {raw}" if own_first else previous.query
            borrowed.pop()
            ats.pop()
            text = f"{previous.text.rstrip('?.!')}, {raw[:1].lower()}{raw[1:]}"
            said = f"{previous.query} {raw}"
            if same_statement:  # the asks' own words say what kind of answer is wanted
                aspect = aspect_of(text) if aspect_of(text) != "other" else previous.aspect
                treatment = previous.treatment
        query = _standalone(spelled_out(LIST_MARK.sub("", _direct(said))), treatment, topic)
        query = _both(_their_type(query, message), message)
        query = _set_beside(query, raw, treatment, message)
        query = _of_their_type(query, message) if aspect in ("effectiveness", "evidence") else query
        reading = (named or raw) if text == raw else text  # a merged ask is read whole
        # only a short ask, which may lean on it (each adds its text to the answer's one batch)
        short = len(own_words.split()) <= SHORT_ASK
        before = _statement_before(sentences, at) if short and not statement and text == raw else ""
        # …and one that borrowed a statement, when that reading matches nothing ("Will it stop my
        # MS?" after a sentence on the death rate); never one that picks from what was named before
        # ("Which one works better?" after "…offering Lemtrada or HSCT")
        from_statement = bool(statement) and not after_ask
        picks = of_those_named_before(raw)  # "…and which one works better?": of the two named
        # nor one after words that named a place: "is it allowed?" after "which clinics in India do
        # it" asks about India, which its own words do not say
        placed = bool(COUNTRY.search(statement))
        leaned = (
            (after_ask or from_statement)
            and not (named or picks or placed)
            and own != "other"
            and text == raw
        )
        alone = _standalone(spelled_out(LIST_MARK.sub("", raw)), treatment, topic) if leaned else ""
        # one ask put two ways that matches nothing read whole is matched by its first way ("how
        # long does it last, is it a cure or does MS come back?" splits between three answers)
        alone = alone or first_part or _after_dash(raw, treatment, topic)
        asks.append(
            Ask(
                text,
                query,
                aspect,
                treatment,
                read_aspect=aspect,
                own=reading,
                before=before,
                alone=alone,
                alone_wins=(after_ask or own_first) and bool(alone),
            )
        )
        borrowed.append(statement)
        ats.append(at)
    return asks[:8]  # a longer list is one request written at length; eight keeps answers readable


DASH = re.compile(r"\s+[-–—]\s+")
# 'asked if we could "confirm it's safe" before she books: "…$9,900…"': the words pasted after the
# colon are the clinic's, not what the asker wants to know (a safety check, not a price)
PASTE_AFTER = re.compile(r":\s*[\"“].*$", re.S)
# "Is pregnancy safe after aHSCT, and how long would I have to wait?": the wait is for what the
# ask before it names (a pregnancy), not a waiting list; one ask
WAIT_ON_IT = re.compile(
    r"^\W*(?:and\s+)?how long (?:would|will|do|should|must|does) (?:i|we|you|she|he|they) "
    r"(?:have to |need to )?wait\b[^?]{0,20}\??\s*$",
    re.I,
)


def _a_list(sentence: str) -> bool:
    """Numbered items one after another ("1) … 2) …"), not "(52, SPMS, EDSS 6) is furious"."""
    found = [int(n) for n in LIST_NUMBER.findall(sentence)]
    return any(b == a + 1 for a, b in zip(found, found[1:], strict=False))


# "temp 37.9. normal?? or do i ring the ward", "is this normal? or should i call the unit": the
# second half of one choice (what to do), put as its own sentence; not a second question ("Does HSCT
# help with those? Or does it stop relapses?")
OR_OPENS = re.compile(r"^\W*or\s+(?:do|should|shall|must|can|could)\s+(?:i|we|you)\b", re.I)
CHOICE_JOIN = re.compile(r"(?<=\?)\s+(?=or\b)", re.I)


def _choices_joined(sentences: list[str]) -> list[str]:
    out: list[str] = []
    for s in sentences:
        if out and OR_OPENS.match(s) and out[-1].rstrip().endswith("?"):
            out[-1] = f"{out[-1]} {s}"
        else:
            out.append(s)
    return out


# "I need: 1) a kind reply…, 2) a short list of the red flags…, 3) questions she could put to the
# clinic.", "Please specifically address (a) what 'FDA-registered' means, (b) the risk of stopping
# their DMT…": items of a list that a request opens, each an ask without a question's form; not
# the reply itself ("a kind reply she can read"), which the whole message asks for
REQUEST_LEAD = re.compile(
    r"(?:\b(?:i|we)(?:'d| would) (?:also |really )?(?:like|love|want)"
    r"|\b(?:i|we) (?:also |really )?(?:need|want)"
    # "My worries, in order:", "Our questions:"
    r"|\b(?:my|our|her|his|their) (?:main |biggest )?(?:worries|concerns|questions|fears)\b"
    r"|\bplease (?:\w+ )?"
    r"(?:address|cover|explain|include|answer|tell (?:me|us) about)|\b(?:can|could) you (?:\w+ )?"
    r"(?:address|cover|explain|include))\b[^.?!]{0,30}$",
    re.I,
)
ITEM_MARK = re.compile(r"^\W{0,2}(?:\(?\d{1,2}\)|\(?[a-hA-H]\))\s+")
THE_REPLY_ITSELF = re.compile(
    r"^\W{0,2}(?:\(?\w{1,2}\)\s+)?(?:an?\s+|the\s+|one\s+)?(?:[\w-]+\s+){0,3}"
    r"(?:reply|response|answer|email|letter|message|text|handout|draft|summary)\b",
    re.I,
)


def _item_text(item: str) -> str:
    """ "2) a short list of the red flags and why, and" -> "a short list of the red flags and why"."""
    return re.sub(r"[\s,;]+(?:and|or)?\W*$", "", ITEM_MARK.sub("", item)) or item


def _requested_item(sentences: list[str], at: int, starts: set[str]) -> bool:
    """Does the sentence open an item of a list (its mark kept, or a lettered, numbered or bulleted
    line: `starts`) that a request opens? ("It's an office job." after an item's question is
    no ask of its own.)"""

    def item(s: str) -> bool:
        return bool(ITEM_MARK.match(s)) or s in starts

    if not item(sentences[at]) or THE_REPLY_ITSELF.match(sentences[at]):
        return False
    # the sentence before the list's first item opens it (an item may run on over sentences:
    # "1) Fertility. She's engaged… 2) Long-term cancer risk…")
    first = next(j for j in range(at + 1) if item(sentences[j]))
    return first > 0 and bool(REQUEST_LEAD.search(sentences[first - 1].rstrip(" :")))


def _sentences(message: str) -> tuple[list[str], set[str], set[str]]:
    """The message's sentences as asks are read from them, which were items of a numbered
    list ("1) what should I ask a clinic 2) does insurance cover it": one sentence, two asks), and
    which of those open their item."""
    read: list[str] = []
    listed: set[str] = set()
    starts: set[str] = set()  # the first sentence of each item
    items = BULLET.split(_numbered_lines(_elisions_end(message)))
    chunks = [(n, line) for n, item in enumerate(items) for line in NEW_LINE.split(item)]
    for n, chunk in chunks:
        sentences = (p for sentence in split_sentences(chunk) for p in AFTER_QUOTE.split(sentence))
        opening = n > 0  # a bulleted or numbered line's first sentence opens its item
        for s in (q for sentence in sentences for q in LOWER_QUESTION.split(sentence)):
            for item in LIST_ITEM.split(s) if _a_list(s) else [s]:
                said = [
                    q
                    for q in _reported(LEAD_IN.sub("", SIDE_NOTE.sub("", PREAMBLE.sub("", item))))
                    if q.strip()
                ]
                read += said
                marked = LIST_MARK.match(item.strip())
                numbered = marked or (n > 0 and len(items) > 2)
                listed |= set(said) if numbered else set()
                starts |= set(said[:1]) if said and numbered and (marked or opening) else set()
                opening = opening and not said
    return read, listed, starts


def _after_dash(raw: str, treatment: str, topic: str | None) -> str:
    """One ask put two ways across a dash ("how long will it keep the MS quiet - is 'cure' even a
    word anyone uses, or do people relapse later?"): the second way, read alone when the whole
    matches nothing; "" when there is no such dash."""
    parts = DASH.split(raw)
    if len(parts) < 2 or min(len(parts[0].split()), len(parts[-1].split())) < 4:
        return ""
    return _standalone(spelled_out(parts[-1]), treatment, topic)


# "[...]" where words were left out of a quoted message: what came before it ends there ("…stay
# on his drug until trials report [...] What is your opinion of stem cells?" is two sentences)
ELISION = re.compile(r"\s*\[(?:\.{3}|…)\]\s*")
AFTER_WORDS = re.compile(r"(?<=[\w)\"'”])\s*\[(?:\.{3}|…)\]\s*(?=[A-Z])")


def _elisions_end(message: str) -> str:
    return ELISION.sub(" ", AFTER_WORDS.sub(". ", message))


SHORT_ASK = 8  # words: "Could HSCT slow the shrinking down?" leans on the sentence before it


def _statement_before(sentences: list[str], at: int) -> str:
    """The sentence before the ask's, when it is a statement (no greeting, no question)."""
    if at < 1 or _is_ask(sentences[at - 1]) or len(sentences[at - 1].split()) < 4:
        return ""
    return sentences[at - 1].strip()


# "Is there anything in trials for her type?" after "My sister has PPMS": the type, named
THEIR_TYPE = re.compile(
    r"\b(?:my|her|his|their|your) (?:type|kind|form)(?: of (?:ms|multiple sclerosis))?\b"
    # "What does the evidence say for somebody like him?" after "62 with secondary progressive MS"
    r"|\b(?:some(?:body|one)|people|a person|patients|anyone) like (?:me|him|her|us|them)\b"
    # "Is there any real evidence for someone in my situation?"
    r"|\b(?:some(?:body|one)|people|a person|anyone) in (?:my|his|her|their|our) "
    r"(?:situation|position|case)\b",
    re.I,
)
# Only the progressive types: the evidence the library holds is mostly on relapsing MS, which an
# ask without a type is read as already ("Is HSCT good for her type?" after "relapsing MS" is an
# eligibility question, and naming the type turned it into one about results).
MS_TYPES = [
    (re.compile(r"\bppms\b|\bprimary[- ]progres+ive\b", re.I), "primary progressive MS"),
    (re.compile(r"\bspms\b|\bsecondary[- ]progres+ive\b", re.I), "secondary progressive MS"),
    (re.compile(r"\bprogres+ive ms\b", re.I), "progressive MS"),
]


def _their_type(query: str, message: str) -> str:
    """ "her type" in an ask, when the message names the type of MS, is read with that type
    beside it ("…trials for her type (primary progressive MS)?")."""
    if not THEIR_TYPE.search(query):
        return query
    named = _type_named(message)
    return THEIR_TYPE.sub(lambda m: f"{m.group()} ({named})", query, count=1) if named else query


def _type_named(message: str) -> str | None:
    """The progressive type of MS the message names, spelled out; None when it names none."""
    return next((name for rule, name in MS_TYPES if rule.search(message)), None)


def _of_their_type(query: str, message: str) -> str:
    """An ask about results, in a message that names a progressive type, is read with the type
    ("…SPMS, he uses a cane. Will he walk better after?"): the results differ by type."""
    if _type_named(query):
        return query
    named = _type_named(message)
    return f"{query} ({named})" if named else query


# "I have lupus and MS. Could a transplant treat both?": both conditions, named
BOTH = re.compile(
    r"\bboth\b(?! of (?:us|them|you|my|our)\b)(?: (?:conditions|diseases|illnesses|of them))?", re.I
)
# Uses outside the library that are not diseases a person has beside MS
NOT_A_DISEASE = re.compile(r"cartilage|knee|hip|erectile|hair|ag(?:e|)ing", re.I)


def _both(query: str, message: str) -> str:
    found = OTHER_CONDITION.search(message)
    if not BOTH.search(query) or not found or not found.group(1) or not MS_NAMED.search(message):
        return query
    if NOT_A_DISEASE.match(found.group(1)):
        return query
    return BOTH.sub(f"{found.group(1)} and MS", query, count=1)


# "What is the success rate of HSCT? / what about my brother, he has PPMS": the same question
# asked of another person or case; its own words name no kind of answer
WHAT_ABOUT = re.compile(r"^\W*(?:(?:ok|okay|and|but|so)\W+){0,2}(?:what|how) about\b", re.I)
# "…approved in Europe? / and in america?": a place, person or case put in its stead
AND_IN = re.compile(r"^\W*(?:(?:ok|okay|and|but|so)\W+){1,2}(?:in|for|with|at|on)\b[^?]{0,40}\??\s*$", re.I)
# "…and is it the same for my mum?": the earlier question asked of another person
SAME_FOR = re.compile(
    r"\bthe same (?:for|with)\b|\b(?:does|would|do) (?:any of )?(?:that|this|it|those) (?:also )?apply to\b",
    re.I,
)
# Answers the same for anyone: asked again of a person whose age, MS type or disability the
# message gives ("What about for my mum? She's 63, PPMS, in a wheelchair"), the question is
# whether it is for her at all
SAME_FOR_ANYONE = frozenset({"procedure", "recovery", "access", "regulation", "evidence", "other"})
ASKED_FOR = {
    "effectiveness": "the results of",
    "risks": "the risks of",
    "cost": "the cost of",
    "eligibility": "who qualifies for",
    "recovery": "recovery after",
    "procedure": "what happens in",
    "access": "where to get",
    "regulation": "the approval of",
    "evidence": "the evidence on",
}


def _same_question_of(
    raw: str, own_words: str, own: str, earlier: str, message: str = ""
) -> tuple[str, str, str]:
    """A "what about…" follow-up takes the kind of answer the previous turn asked for
    (`own_words`: the ask without the topic a follow-up carries); the third item, when not "",
    is what to match instead of the ask's words ("is it the same for my mum?" is matched as "the
    risks of it for my mum": its own words say nothing of risks)."""
    same_for = SAME_FOR.search(own_words)
    follow_on = WHAT_ABOUT.match(own_words) or AND_IN.match(own_words) or same_for
    wanted = aspect_of(earlier) if earlier and own == "other" and follow_on else "other"
    if own == "other" and follow_on and wanted in SAME_FOR_ANYONE and _describes_a_person(message):
        wanted = "eligibility"
    if wanted not in ASKED_FOR:
        return raw, own, ""
    if same_for:
        whom = own_words[same_for.end() :].strip(" ?.!")
        return raw, wanted, f"{ASKED_FOR[wanted]} it for {whom}"
    carried = CARRIED_TAIL.search(raw)
    if carried:
        return CARRIED_TAIL.sub(f" (about {ASKED_FOR[wanted]} {carried.group(1)})", raw), wanted, ""
    return f"{raw.rstrip()} ({ASKED_FOR[wanted]} it)", wanted, ""


def _describes_a_person(message: str) -> bool:
    ctx = read_context(CARRIED_ANYWHERE.sub(" ", message))  # the person's words, not the topic carried
    return ctx.age is not None or ctx.ms_type is not None or ctx.edss is not None


# The topic a follow-up's reading carries after its question (condense: "…take part? (about X)")
CARRIED = re.compile(r"^\(about [^()]+\)$")
CARRIED_TAIL = re.compile(r"\s*\(about ([^()]+)\)$")
# …and any reading a follow-up adds to its words ("(about HSCT)", "(who qualifies for it)")
_ADDED = rf"\((?:about|{'|'.join(ASKED_FOR.values())}) [^()]+\)"
CARRIED_ANYWHERE = re.compile(_ADDED)
CARRIED_LEAD = re.compile(rf"\s*{_ADDED}(?=\W*$)")  # at the end of the ask: its lead drops it


def _with_topic(sentences: list[str]) -> list[str]:
    """The carried topic kept with the question before it, which it completes."""
    out: list[str] = []
    for s in sentences:
        if out and CARRIED.match(s.strip()):
            out[-1] = f"{out[-1].rstrip()} {s.strip()}"
        else:
            out.append(s)
    return out


# "1) Should she stop…", "(2) Is that price normal?": a list's numbers are not what is asked
LIST_MARK = re.compile(r"(?:^|(?<=\s))\(?\d{1,2}\)\s+(?=[A-Za-z])|^\s*\d{1,2}\.\s+(?=[A-Za-z])")
# "Few questions: 1) what should I ask a clinic 2) does insurance cover any of it 3) …": each
# numbered item is its own question, though the list is one sentence without question marks
LIST_ITEM = re.compile(r"\s+(?=\(?\d{1,2}\)\s+[A-Za-z])")
# "- would she qualify? is there an age limit\n- does HSCT do anything for progressive MS": bullet
# lines, each its own question
BULLET = re.compile(r"\n\s*[-*•]\s+")
# "couple things\n1 my insurance denied it, how do i appeal\n2 is the trial still recruiting": a
# number alone at the start of a line, typed on a phone, numbers the asks like a bullet does
BARE_NUMBER = re.compile(r"\n[ \t]*(\d{1,2})[ \t]+(?=[A-Za-z])")
# "a) is that something a real provider would say?\nb) what are the risks?": lettered lines
LETTER_ITEM = re.compile(r"\n[ \t]*\(?([a-hA-H])\)[ \t]+(?=\S)")
# "…no immunity for a while\nalso does anyone know…": after a list, a lower-case line that opens
# with "also" or "and" is one more ask, not the end of the item above
LIST_AFTERWORD = re.compile(r"[ \t]*\n(?=[ \t]*(?:also|and also|oh and|btw|ps)\b)", re.I)


def _numbered_lines(message: str) -> str:
    """Lines numbered 1, 2, 3 without a mark, or lettered a), b), c), written as bullets; the
    message as it is otherwise."""
    for items, number in ((BARE_NUMBER, int), (LETTER_ITEM, lambda c: ord(c.lower()))):
        found = [number(n) for n in items.findall(message)]
        if any(b == a + 1 for a, b in zip(found, found[1:], strict=False)):
            return LIST_AFTERWORD.sub("\n- ", items.sub("\n- ", message))
    return message


# A line that starts anew after one ending without a mark ("…any of it\nI dont want to…"): a new
# sentence, not a list item
NEW_LINE = re.compile(r"(?<=[a-z0-9])[ \t]*\n(?=[ \t]*[A-Z])")
LIST_NUMBER = re.compile(r"(?:^|\s)\(?(\d{1,2})\)\s+(?=[A-Za-z])")
# Forum shorthand, written out for matching and search ("my neuro", "dx'd in 2019")
SHORTHAND = {
    "neuro": "neurologist",
    "neuros": "neurologists",
    "dx": "diagnosis",
    "dx'd": "diagnosed",
    "doc": "doctor",
    "docs": "doctors",
    "meds": "medication",
    "pwms": "people with MS",
    "ambulatory": "outpatient",  # "make the HSCT ambulatory": Spanish and Italian speakers' word
    # typed on a phone: "cn u get hsct twice?"
    "u": "you",
    "ur": "your",
    "cn": "can",
    "pls": "please",
    "plz": "please",
    "smth": "something",
    "sth": "something",
    "idk": "I don't know",
    "def": "definitely",
    "yr": "year",
    "yrs": "years",
    "insta": "Instagram",
    "lng": "long",
    "b4": "before",
    "vit d": "vitamin D",
}
SHORT_WORD = re.compile(r"(?<![\w'.])(" + "|".join(map(re.escape, SHORTHAND)) + r")(?![\w']|\.\w)", re.I)


def spelled_out(text: str) -> str:
    # a capital "U" is a letter or a name ("vitamin U"), not "you"
    return SHORT_WORD.sub(lambda m: m.group() if m.group() == "U" else SHORTHAND[m.group(1).lower()], text)


# "Is it free on the NHS? And if I went private, how much?": a question opening with "And" is
# another ask, even of the same kind
# "Will it stop my MS? If it does, will that last?": a question on what follows from the answer
# to the one before is another ask, not the same one put again
AND_OPENING = re.compile(
    r"^\W*(?:(?:and|also|plus|if so|in that case)\b"
    # "I'd also like to know how long before she can go back to her studies": a new question
    r"|(?:i|we)(?:'d| would)? also (?:like|love|want|need) to know\b"
    r"|if (?:it|that|this|yes|not|they)(?: (?:does|do|did|works?|is|are))?(?: so)?,)",
    re.I,
)


def _joined_by_and(sentence: str, part: str) -> bool:
    """Did the writer put "and" (also, plus) before this question of the sentence?"""
    first = part.split()[0] if part.split() else ""
    return bool(first) and bool(re.search(rf"\b(?:and|also|plus),?\s+{re.escape(first)}\b", sentence, re.I))


def _opens_with_and(sentence: str, raw: str) -> bool:
    """Is the ask its sentence after an opening "And"? "How long does recovery take? And will I
    lose my hair?" asks again (the split that found the ask took the "And" off)."""
    opening = AND_OPENING.match(sentence)
    return bool(opening) and sentence[opening.end() :].strip(" ,;").startswith(raw[:20])


def _same_ask(asks: list[Ask], aspect: str, treatment: str, borrowed: bool) -> bool:
    """The same aspect and treatment as the ask before: one ask put two ways. Not for asks the
    rules could not place, nor for a vague ask that took its topic from the statement before it
    ("Is that right?" asks about the statement, not again about the previous question)."""
    if not asks or aspect == "other" or borrowed:
        return False
    return (asks[-1].aspect, asks[-1].treatment) == (aspect, treatment)


def _without_price(statement: str) -> str:
    return re.sub(r"\s+(?=[.,;?!])", "", " ".join(PRICE_PHRASE.sub(" ", statement).split()))


def _checks_the_last(raw: str, own: str, asks: list[Ask]) -> bool:
    """A few words with a question mark and no question word, right after an ask ("What is HSCT?
    They take my blood? And then chemo?"): the person checking what they understood of the ask
    before, not a new ask; unless they name a new kind of answer ("Costs?")."""
    short = len(raw.split()) <= 5 and not QUESTION_START.match(raw)
    return bool(asks) and short and own in ("other", asks[-1].aspect)


def vague(text: str) -> bool:
    """An ask that names nothing ("Is that true?", "Should I still go ahead?")."""
    return len(set(content_words(text)) - VAGUE_WORDS) < 2


# "Doctor said her hair will fall out. It come back after?": a short ask whose subject is "it"
# or "they" and that names at most two things of its own is about the statement before it
# the pronoun as subject and its verb ("it come", "they grow"), after an optional joining word
_LEAD = r"^\W*(?:(?:and|but|so)\W+)?"
_PRONOUN_VERB = r"(?:it|they)\s+(?!(?:is|are|was|were)\b)\w+"
PRONOUN_SUBJECT = re.compile(
    _LEAD + r"(?:(?:will|would|does|do|did|can|could|is|are|was|might|may|should)\s+)?" + _PRONOUN_VERB, re.I
)


# Words of how a question is put, not of what it is about: "How careful will I have to be, and
# for how long?" names no topic of its own
FRAME_WORDS = frozenset(
    content_words(
        "long careful soon often quickly fast much many big bad badly worse better likely chance chances"
    )
)


def names_no_topic(text: str) -> bool:
    """An ask made only of the field's words and words of how it is put: its topic is the
    statement before it."""
    return not set(content_words(text)) - VAGUE_WORDS - GENERIC - FRAME_WORDS


# "It come back after?": the pronoun first, its verb's helper dropped (how many write in a second
# language); the ask's own verb says little of what kind of answer it wants
PRONOUN_FIRST = re.compile(_LEAD + _PRONOUN_VERB, re.I)


def points_back(text: str) -> bool:
    """An ask that points at the statement before it: it names nothing but the field's own words
    ("Is that a known effect of HSCT?", "can it happen years later?"), or it names a thing of
    that statement ("How can that risk not have been raised by HSCT?", "those numbers")."""
    if THAT_THING.search(text) or of_those_named_before(text):
        return True
    if THIS_DOES.match(text) or THE_THING.match(text):
        return True
    if THAT_SOMETHING.match(text):
        return True
    named = len(set(content_words(text)) - VAGUE_WORDS - GENERIC)
    if PRONOUN_SUBJECT.match(text) and len(text.split()) <= 6:
        return named <= 2
    return bool(POINTER.search(text)) and named < 2


THEM = re.compile(r"\bthem\b", re.I)
# "If there are any trials that take older people, I'd like to hear about them": its own things
OWN_THEM = re.compile(
    r"\b(?:trials|studies|centres|centers|clinics|hospitals|options|doctors|programmes|programs)\b"
    r"[^.?!]*\bthem\b",
    re.I,
)
# "Is early menopause a real risk? Does the chance depend on your age?": the chance just asked about
THE_THING = re.compile(
    r"^\W*(?:and\s+)?(?:does|do|is|are|would|will|can|could)\s+the\s+(?:chances?|risks?|odds|likelihood)\b",
    re.I,
)


def _earlier_things(ask: str) -> bool:
    """The things the ask before named: "…myeloablative vs non-myeloablative? And which one is
    used for MS?", "…my childhood jabs? Will I need them all again?" (a "them" that no treatment
    of the ask before stood in for, condense.put_in)."""
    them = bool(THEM.search(ask)) and not OWN_THEM.search(ask)
    return of_those_named_before(ask) or (them and not condense.has_own_subject(ask))


# Asks whose answer does not change with the place the ask before named: "…qualify for aHSCT on
# the NHS? For the people it works for, how long does it last?" asks how long aHSCT lasts
PLACE_FREE = frozenset({"effectiveness", "risks", "evidence", "comparison", "recovery", "procedure"})


def _named(ask: str, question: str, aspect: str = "other") -> str:
    """The ask with its "it" (or "that trial") replaced by the treatment, trial or drug the
    question before it names, as a follow-up is read (condense); "" when that question names none."""
    if condense.has_own_subject(ask):
        return ""
    if aspect in PLACE_FREE:
        for kind, words, *_ in condense.topics(question):
            question = question.replace(words, " ") if kind == "place" else question
    topic = condense.topic_words(question, ask)
    if not topic or not condense.has_own_subject(topic):
        return ""
    if not condense.PRONOUN.search(ask) and condense.JOINING.search(ask) and condense.names_trial(question):
        # "Is BEAT-MS still taking people, and could someone from Canada sign up?": join that trial
        return f"{ask.rstrip()} (about {topic})"
    return condense.put_in(ask, topic)


def _around(sentences: list[str], at: int, raw: str = "") -> str:
    """The statement a vague ask is about. "Is that price normal?": the nearest statement before
    it of the same kind (a price). Else the nearest statement before it that names something,
    up to three back and not past another ask ("I'm devastated." says nothing of what "this" is in
    "Does this mean it failed?"); else the one just before it; else, for a message's first
    sentence, the one after it."""
    # the kind the thing pointed at names ("that price"), not the rest of the ask: "Does the chemo
    # end that possibility?" points at the plan for a baby, not at a statement on the chemo
    thing = THAT_THING.search(raw)
    kind = aspect_of(thing.group(0)) if thing else "other"
    before = [j for j in range(at - 1, -1, -1) if not _is_ask(sentences[j])]
    if ONE_OF_THEM.search(raw):  # "…is offering Lemtrada or HSCT. Which one works better?"
        found = next((sentences[j] for j in before[:3] if _offers_a_choice(sentences[j])), "")
        if found:
            return found
    if kind != "other":
        found = next((sentences[j] for j in before if aspect_of(sentences[j]) == kind), "")
        if found:
            return found
    if HOPE.search(raw) and at >= 1 and not _is_ask(sentences[at - 1]):
        return sentences[at - 1]  # "We want more children. Does the chemo end that plan?"
    for j in range(at - 1, max(at - 4, -1), -1):
        if _is_ask(sentences[j]):
            break
        named = len(set(content_words(sentences[j])) - VAGUE_WORDS - GENERIC)
        if named >= 3 or _says_of_a_treatment(sentences[j]):
            return sentences[j]
    if at >= 1 and not _is_ask(sentences[at - 1]):
        return sentences[at - 1]
    if at == 0 and len(sentences) > 1 and not _is_ask(sentences[1]):
        return sentences[1]
    return ""


def _says_of_a_treatment(sentence: str) -> bool:
    """A short statement that says something of a treatment in the field's own words ("My
    neurologist say HSCT is not for me."): something a "Why?" after it can be about. What a
    clinic says ("The clinic says it's a detox reaction.") is not, on that ground alone: "Is this
    normal?" after "My legs have got weaker…" asks about the legs."""
    return treatment_of(sentence) not in (None, "clinics") and aspect_of(sentence) != "other"


def _offers_a_choice(sentence: str) -> bool:
    """Two treatments named side by side as alternatives ("…is offering Lemtrada or HSCT.")."""
    named = [t for t in condense.topics(sentence) if t[0] in ("therapy", "drug")]
    pairs = zip(named, named[1:], strict=False)
    return any(CHOICE_GAP.fullmatch(sentence[a[3] : b[2]]) for a, b in pairs)


# "Should she stop her Ocrevus now, like they say?": whether to follow what was said is a choice,
# not a question about a claim (read without a list's "1)", LIST_MARK)
FOLLOW_ADVICE = re.compile(r"^\W*(?:so\s+)?should (?:i|she|he|we|they|my \w+)\b", re.I)


def _topic_kind(statement: str) -> str:
    """The aspect of what a statement is about, whoever said it ("The doctor said her hair will
    fall out" is about hair loss, not a claim)."""
    return next((aspect for aspect, rule in ASPECT_RULES if rule.search(statement)), "other")


def aspect_of(text: str) -> str:
    if CLAIM_FRAME.search(text) and not FOLLOW_ADVICE.search(LIST_MARK.sub("", text, count=1)):
        return "claim"
    for aspect, rule in ASPECT_RULES:
        if rule.search(text):
            return aspect
    return "other"


# A drug someone is on, told as their story: "on copaxone, had one relapse", "new activity on Ocrevus"
ON_DRUG = re.compile(
    rf"\b(?:on|taking|while on|despite)\s+(?:the\s+|my\s+|her\s+|his\s+)?{NAMED_DMT.pattern}", re.I
)
COMPARING = re.compile(
    r"\b(?:better|worse|safer|compar\w*|versus|vs|instead|rather|switch\w*|or stay)\b", re.I
)


def _message_topic(message: str, earlier: str) -> str | None:
    """The treatment a message is about: its own, else the conversation's; not a drug named only
    as what someone is on ("what about my sister? she's on copaxone. would she qualify" after a
    question on aHSCT is about aHSCT)."""
    own = _first_named(message) or _sold_beside_transplant(message) or treatment_of(message)
    before = treatment_of(earlier) if earlier else None
    if own == "dmt" and before not in (None, "dmt") and treatment_of(ON_DRUG.sub(" ", message)) is None:
        return before
    return own or before


CELLS_OR_TRANSPLANT = ("ahsct", "cord-cells", "msc")
# "SAFER THAN HSCT", "no chemo like old-fashioned HSCT": the transplant named to be set against
COMPARED_TO = re.compile(
    r"\b(?:than|like|unlike|versus|vs\.?|compared (?:to|with)|differs? from|different (?:from|to)|same as)\s+"
    r"(?:the\s+|an?\s+)?"
    r"(?:old[- ]fashioned\s+|traditional\s+|regular\s+|real\s+)?(?:a?hsct|transplant\w*|chemo\w*)\b",
    re.I,
)


def _sold_beside_transplant(message: str) -> str | None:
    """ "…an Istanbul clinic's exosomes… how does this differ from HSCT?": what the clinic sells, with
    the transplant named only to set beside it."""
    return "clinics" if treatment_of(COMPARED_TO.sub(" ", message)) == "clinics" else None


def _first_named(message: str) -> str | None:
    """Of the transplant and the cells clinics sell, the one the message names first: "a clinic
    in Panama does infusions from umbilical cord… is regular HSCT an option instead?" is about the
    cord cells, with the transplant set beside them."""
    text = COMPARED_TO.sub(" ", NEGATED.sub(" ", message))
    found = [
        (m.start(), name)
        for name, rule in TREATMENT_RULES
        if name in CELLS_OR_TRANSPLANT
        for m in [rule.search(text)]
        if m
    ]
    return min(found)[1] if found else None


def _treatment(ask: str, topic: str | None) -> str:
    """The ask's own treatment, else the message's; "how much is it in Mexico?" after "…HSCT…"
    asks about HSCT there, not about clinics in general."""
    own = treatment_of(ask)
    # …and "How much is the cost in Moscow?" in a message about a hospital there doing HSCT
    pointed = POINTER.search(ask) or THE_PRICE.search(ask)
    if own == "clinics" and topic not in (None, "clinics") and pointed and not CLINIC.search(ask):
        return topic
    # "The stem cells they take from blood or from bone?" in a message about the transplant: its cells
    if own == "stem-cells-general" and topic == "ahsct" and CELLS_TAKEN.search(ask):
        return topic
    # "…any trials abroad that accept older people?" in a message about the transplant: its trials
    if own == "clinics" and topic == "ahsct" and TRIALS.search(ask) and not CLINIC.search(ask):
        return topic
    # "how risky is it compared with staying on drugs?" after "...the chemo...", and "Should she
    # stop the Ocrevus now?" in a message about a transplant: both about the transplant; and
    # "would I qualify, or do you have to fail more drugs first?" names no drug at all
    if (
        own == "dmt"
        and topic not in (None, "dmt")
        and (
            POINTER.search(ask)
            or STOPPING.search(ask)
            or HAD_DRUG.search(ask)
            or not NAMED_DMT.search(ask)
            or (ON_DRUG.search(ask) and not COMPARING.search(ask))
            or (topic in CELLS_SOLD and GOES_ANYWAY.search(ask))
            # "Does new activity while on ocrelizumab make me a candidate, or would they switch me
            # to another drug first?": a candidate for the transplant
            or (topic == "ahsct" and CANDIDATE.search(ask))
        )
    ):
        return topic
    return own or topic or "stem-cells-general"


# "With cladribine I must wait some months before a pregnancy. With HSCT how much I must wait?": a
# wait that names no reason for it waits for what the sentence before names
BARE_WAIT = re.compile(
    r"\bhow (?:long|much(?: time)?)\b[^.?!]{0,25}\bwait(?:ing)?\W*$|\bwait(?:ing)? how long\W*$", re.I
)
# "I wanted a small tattoo a year after the transplant. Is that a bad idea with my immune system?":
# a judgement of what the sentence before says, whatever else the ask names
THAT_JUDGED = re.compile(
    r"(?:^\W*(?:and\s+|but\s+|so\s+)?(?:is|would|will|could)\s+(?:that|this)\s+(?:be\s+)?"
    # "…now he has shingles. She asks whether that is common after HSCT"
    r"|\b(?:whether|if)\s+(?:that|this)\s+(?:is|was|would be|will be)\s+)(?:a\s+)?"
    r"(?:bad|good|safe|ok|okay|risky|dangerous|wise|sensible|problem|allowed|stupid|silly|"
    r"common|normal|usual|typical|expected|rare|true|right|correct)\b",
    re.I,
)
CANDIDATE = re.compile(r"\b(?:candidate|qualif\w*|eligib\w*)\b", re.I)
# "would having had alemtuzumab rule me out?" in a message about a transplant: about the transplant
HAD_DRUG = re.compile(
    r"\b(?:having had|having been on|after|since|previous\w*|prior|"
    rf"(?:he|she|i|they)(?:'s| has| have|'ve) had)\s+"
    # "…wait since his last Lemtrada?"
    rf"(?:\w+\s+){{0,2}}{NAMED_DMT.pattern}",
    re.I,
)
# "…anything to think about re her Mavenclad if she goes anyway": her drug beside what is sold
GOES_ANYWAY = re.compile(r"\bif (?:she|he|i|they|we) (?:goes?|went) (?:ahead|anyway|through with it)\b", re.I)
# Stopping a drug: "stop the Ocrevus", "come off Tysabri", "a washout"
STOPPING = re.compile(r"\b(?:stop\w*|come off|coming off|quit\w*|pause\w*|wash-?out)\b", re.I)
# "calm the immune attack without chemotherapy": a treatment named only to say it is not used
# not "the doctors say no HSCT for him": a refusal of the treatment the message is about
NEGATED = re.compile(
    r"\b(?:without|(?<!say )(?<!says )(?<!said )no(?: need for)?|zero|not|never|instead of|rather than|"
    r"avoid(?:ing)?)\s+"
    # "…reverse MS symptoms without surgery or chemo": the second thing not used either
    r"(?:any\s+|the\s+|a\s+)?(?:\w+\s+(?:or|and|nor)\s+)?"
    r"(?:chemo\w*|transplant\w*|a?hsct)\b",
    re.I,
)


# The composer asks it of each candidate sentence for each ask (by_ask.other_treatment, prices)
@lru_cache(maxsize=8192)
def treatment_of(text: str) -> str | None:
    text = NEGATED.sub(" ", text)
    for name, rule in TREATMENT_RULES:
        if rule.search(text):
            return name
    return None


# "I'd love to hear about them": a wish to be told, which asks
WISH_TO_HEAR = re.compile(
    r"\b(?:i|we)(?:'d| would) (?:really )?(?:like|love|want) to (?:hear|learn|read) (?:about|of|more)\b"
    # "I'd also love a realistic description of what a typical day on the ward looks like"
    r"|\b(?:i|we)(?:'d| would) (?:also |really )?(?:like|love|appreciate|welcome) (?:an?|some) (?:[\w-]+ )?"
    r"(?:description|idea|picture|explanation|overview|sense|account|breakdown) of\b",
    re.I,
)
# "…started the high-dose vitamin D thing a few months back, could that have messed it up or does
# it help at all.": a question after a comma, written without its mark
TRAILING_ASK = re.compile(
    r",\s+(?:(?:could|can|would|will|does|do|did|is|are|should|might|may)\s+(?:that|this|it|i|he|she|they|you|we)\b"
    # "…being out for months is a big deal, how much risk am I taking on vs just doing infusions."
    r"|how (?:much|many|long|likely|risky|soon)\s+\w+\s+(?:am|is|are|do|does|would|will|can)\b)"
    r"[^,.?!]{3,}[.!]?$"
    # "…a small tattoo on my wrist, it is ok now after 2 years or no": a yes or no put last
    r"|,\s+(?:it|that|this)\s+(?:is|'s)\s+(?:ok|okay|safe|fine|allowed|possible|normal)\b[^,.?!]{0,40}"
    r"\bor (?:no|not)\W*$"
    # "…my brother wants to go, trustworthy or no": the judgement asked for, put last
    r"|,\s+(?:(?:is|are)\s+(?:it|he|she|they|that|this)\s+)?(?:trustworthy|legit\w*|reliable|reputable|"
    r"safe|real|true|worth it|any good)\s+or\s+(?:no|not)\W*$"
    # "…chemo can make woman not fertile, so I wonder if I must freeze eggs before or it is not needed."
    # "…and I don't know how real that risk is", "i dont even know if im eligible at 45"
    r"|(?:^|,\s+|\bso\s+|\band\s+|\bbut\s+)(?:and\s+|so\s+)?i(?:'m| am| was)?\s+"
    r"(?:(?:also|honestly|really|just)\s+)?"
    r"(?:wonder(?:ing)?|(?:do ?n[o']?t|dont) (?:even |really )?know|(?:would|'d) (?:love|like) to know)\s+"
    r"(?:if|whether|how|what|which|why)\b[^.?!]{3,}[.!]?$"
    # "I am alone, my husband passed away, and who will take care for me when I return.": a
    # question put last after "and", without its mark
    r"|,\s+and\s+(?:who|what|how|where)\s+(?:will|would|can|could|should|is|are|does|do)\s+[^,.?!]{3,}[.!]?$"
    # "No idea if she'd be allowed at 58 with PPMS."
    r"|(?:^|,\s+)(?:i have |i've |i'?ve got |i'?m )?(?:no idea|not sure|unsure)\s+"
    r"(?:if|whether|(?:he|she|i|they|we)(?:'d| would| could| can| will))\b[^.?!]{3,}[.!]?$"
    # "If there are any trials that take older people I'd like to hear about them.": a wish to be told
    rf"|{WISH_TO_HEAR.pattern}[^.?!]*[.!]?$"
    # "…avoid gluten and milk instead of this risky treatment, kindly advise which diet is correct"
    r"|,\s+(?:so\s+)?(?:kindly|please|pls|plz)\s+(?:advise|tell|explain|let me know|suggest)\b"
    r"[^.?!]{3,}[.!]?$"
    # "my oldest keeps asking if shes gonna get ms too"
    r"|\b(?:keeps?|kept)\s+asking\s+(?:me\s+|us\s+)?(?:if|whether)\b[^.?!]{3,}[.!]?$"
    # "my insurance denied hsct as experimental, has anyone won an appeal and how"
    r"|,\s+(?:has|have|did|does|do|is|was)\s+(?:anyone|anybody|someone|somebody|any of you)\b"
    r"[^,.?!]{3,}[.!]?$"
    # "I work as taxi driver, own car, so also how long I cannot work."
    r"|,\s+(?:so\s+)?(?:also\s+)?how (?:long|soon)\s+(?:i|we|he|she|they)\b[^,.?!]{3,}[.!]?$"
    # "…a seizure during my transplant (the drugs, they said) - does that affect me driving still"
    r"|\s[-–—]\s+(?:does|do|is|are|can|could|will|would|should)\s+(?:that|this|it|i|he|she|they)\b[^.?!]{3,}[.!]?$"
    # "Price is 12000 euro is that normal price": the check run on from the statement it checks
    r"|\s(?:is|are) (?:that|this|it) (?:a |an |the )?(?:normal|fair|reasonable|usual|typical)\b"
    r"[^,.?!]{0,30}[.!]?$",
    re.I,
)


def _is_ask(sentence: str) -> bool:
    """A question mark, or a question word first; not "Had HSCT in 2022." or "Was diagnosed in
    May.", where a dropped subject makes a statement start like a question. "and if she goes will
    she be ok." asks too, without its mark; "Who wouldn't want that?" does not (RHETORICAL)."""
    sentence = LIST_MARK.sub("", sentence, count=1)  # "2) does insurance cover it": the item asks
    if RHETORICAL.match(sentence):
        return False
    return (
        sentence.rstrip().endswith("?")
        or bool(CONDITIONAL_ASK.match(sentence))
        or bool(TRAILING_ASK.search(sentence))
        or bool(WORRIED.match(sentence))
        or (
            bool(QUESTION_START.match(sentence))
            and not STATEMENT_START.match(sentence)
            and not WHEN_CLAUSE.match(sentence)
            and not WHAT_CLAUSE.match(sentence)
        )
    )


def _split_joined(sentence: str) -> list[str]:
    if WORRIED.match(sentence):  # "…about thyroid problems, and about losing my hair": two worries
        first, *more = WORRY_AND.split(sentence.strip())
        return [first, *(f"I'm worried {m}" for m in more)]
    parts = [p.strip(" ,;") for p in JOINED.split(sentence) if p and p.strip(" ,;")]
    # "…the chance her MS comes back, and if it did come back, what would happen then?": the
    # if-clause opens the next question
    parts = [IF_CLAUSE_TAIL.sub("", p) or p for p in parts[:-1]] + parts[-1:]
    parts = _with_choices(parts)
    # "Two things: will my hair fall out, and how long off work?": the question starts after the
    # colon; "Honestly how risky is it, and how much does it help?" asks twice
    # …and "1. Would I qualify, and how long is the wait?" after its list number
    lead = LIST_MARK.sub("", parts[0].rsplit(":", 1)[-1].strip(), count=1)
    # …and "had hsct 2 yrs ago, when am i meant to get my vaccines redone?": a statement first
    statement = not QUESTION_START.match(lead) or bool(STATEMENT_START.match(lead))
    lead_in = statement and not ASKING_WH.search(lead)
    if len(parts) > 1 and (lead_in or TIME_LEAD.match(lead)):
        # "Four months after HSCT, do I still need…?": the lead-in belongs to the question
        parts[:2] = [f"{parts[0]}, {parts[1]}"]
    # "…sent to an English centre, and who pays?": two words can ask when a question word leads
    return [p for p in parts if len(p.split()) >= 3 or WH_PAIR.match(p)] or [sentence]


# "When he flies home, who in Lagos can look after him?": a time said, then the question
TIME_LEAD = re.compile(
    r"^\W*when\s+(?:he|she|i|we|they|you|my\s+\w+|our\s+\w+)\s+"
    r"(?!(?:will|would|can|could|should|do|does|did|is|are|was|were|have|has)\b)\w+"
    # the clause alone, a few words with no question of its own ("when I come back who will…" asks)
    r"(?:\s+(?!(?:who|what|how|where|which|will|would|can|could|should|is|are|do|does)\b)[\w']+){0,6}\W*$",
    re.I,
)
# …but "…after HSCT, and how soon?" goes on with the question before it
WH_PAIR = re.compile(r"^\W*who\s+\w+s\W*\?\s*$", re.I)
# "I'm worried about thyroid problems with both, and about losing my hair.": a side effect the
# person fears, told as a statement, is what they want to hear about
WORRIED = re.compile(
    r"^\W*(?:and\s+|also\s+|but\s+)?i(?:'m| am)\s+(?:\w+\s+)?(?:worried|scared|concerned|nervous|terrified|"
    r"anxious)\s+about\s+(?:the\s+)?(?:thyroid|hair|fertility|infertility|infections?|cancer|dying|death|"
    r"menopause|losing|going bald)\b[^?]*$",
    re.I,
)
WORRY_AND = re.compile(r",?\s+and\s+(?=about\b)", re.I)
# "what makes someone qualify, is it about the relapses or the lesions or the age?", "what is the
# real risk, is it like 1 in 100 or less?": choices that spell out the question before them
CHOICES = re.compile(r"^(?:or\s+)?(?:is it|is that|are we talking)\b[^?]*\bor\b", re.I)
WH_FIRST = re.compile(rf"^\W*{JOIN_LEAD}(?:what|which|how|why|who)\b", re.I)
THAN = re.compile(r"\bthan\b", re.I)


def _with_choices(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        # not "…is it more than with Ocrevus or similar?": a comparison with another treatment
        compares = treatment_of(part) is not None or THAN.search(part)
        if out and CHOICES.match(part) and WH_FIRST.match(out[-1]) and not compares:
            out[-1] = f"{out[-1]}, {part}"
        else:
            out.append(part)
    return out


def _standalone(text: str, treatment: str, topic: str | None) -> str:
    """Name the treatment when the ask only points at it ("is it safe?" after "…HSCT…")."""
    if treatment_of(text) == treatment or not topic:
        return text
    return f"{text} ({NAMES[treatment]} for MS)"


# Treatments sold without proof (the cells clinics sell): whether one is "worth it" is first
# whether it does anything
CELLS_SOLD = frozenset({"msc", "cord-cells", "clinics", "stem-cells-general"})
WORTH_IT = re.compile(r"\bworth (?:it|the money|trying|a try)\b", re.I)
NAMES = {
    "ahsct": "aHSCT",
    "msc": "mesenchymal stem cells",
    "cord-cells": "umbilical cord stem cells",
    "clinics": "stem cell clinics",
    "dmt": "MS drugs",
    "stem-cells-general": "stem cell treatment",
}
# "Is the same as the transplant the hospitals do, or is different thing?": the clinic's cells set
# beside the transplant; the ask names only the second
SET_BESIDE = re.compile(
    r"\bsame (?:thing )?(?:as|like)\b|\bdifferent (?:from|than|to)\b|\bdifferent thing\b|\bdiffers? from\b"
    r"|\bdifference between (?:this|that|it|these|them)\b"
    # "…better off paying for HSCT instead?" after a clinic's cord cells
    r"|\bbetter off\b[^?.!]*\binstead\b"
    # "Kindly tell which one is correct treatment for him?" after a clinic's fat cells and aHSCT
    r"|\bwhich (?:one|of (?:them|the two|these|those|both)) (?:is|would be) (?:the )?"
    r"(?:correct|right|proper|better|best)\b",
    re.I,
)


def _set_beside(query: str, raw: str, treatment: str, message: str) -> str:
    if treatment != "ahsct" or not SET_BESIDE.search(raw):
        return query
    sold = next((n for n, rule in TREATMENT_RULES if n in CELLS_SOLD and rule.search(message)), None)
    return f"{query} ({NAMES[sold]} for MS)" if sold else query
