"""Small text helpers shared by the stages: sentences, content words, numbers, citations."""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import Stemmer

if TYPE_CHECKING:  # pysbd loads on the first sentence split: commands that split nothing skip it
    import pysbd

CITATION = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# Numbers as written in medical text: 2.1, 1,012, 0.19, 3/55, 10^6; a leading minus is kept apart.
# A sentence that opens on a pronoun or a back-reference cannot stand alone when it is shown on
# its own ("It says…", "For that reason…", "Until then…"): library notes and reviewed answers
# are checked against it.
BACK_REFERENCE_START = re.compile(
    r"^\W*(it|its|it's|this|that|these|those|they|them|their|he|she|his|her|such)\b"
    r"|^\W*(for|in|at|by|after|from|despite|because of|like) (this|that|these|those|it|them)\b(?! library\b)"
    r"|^\W*(until then|even so|as such|if so|if not)\b"
    r"|^\W*the same\b(?! (?:as|way)\b)",  # "The same review found…": which review?
    re.I,
)
# "…warns that these complications can be life-threatening": "these" or "those" pointing at a
# sentence that is not shown with it; not "these 7", "those in the trial", "those who…".
POINTING_BACK = re.compile(
    r"\b(these|those)\b(?!\s+(?:\d+|in|of|by|with|who|which|that|at|from|on|for)\b)", re.I
)
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
WORD = re.compile(r"[a-z0-9][a-z0-9\-']*")
# NLTK's English stop words, as bm25s ships them (bm25s.stopwords.STOPWORDS_EN_PLUS; written out
# here because importing it loads bm25s and SciPy, half a second of every command's start-up;
# tests/test_sources.py checks the two lists are the same), plus the modal verbs and hedges a
# claim's meaning does not rest on: a sentence and its source are compared on the words that
# carry facts.
_NLTK = """
a about above after again against ain all am an and any are aren aren't as at be because been
before being below between both but by can couldn couldn't d did didn didn't do does doesn doesn't
doing don don't down during each few for from further had hadn hadn't has hasn hasn't have haven
haven't having he her here hers herself him himself his how i if in into is isn isn't it it's its
itself just ll m ma me mightn mightn't more most mustn mustn't my myself needn needn't no nor not
now o of off on once only or other our ours ourselves out over own re s same shan shan't she
she's should should've shouldn shouldn't so some such t than that that'll the their theirs them
themselves then there these they this those through to too under until up ve very was wasn
wasn't we were weren weren't what when where which while who whom why will with won won't wouldn
wouldn't y you you'd you'll you're you've your yours yourself yourselves
"""
NLTK_STOPWORDS = frozenset(_NLTK.split())
STOPWORDS = NLTK_STOPWORDS | {
    "also", "may", "might", "must", "shall", "could", "would", "cannot", "can't", "i'm", "i've", "there's",
    # "What's the difference?" names nothing more than "What is the difference?"
    "what's", "that's", "where's", "who's", "how's", "when's", "why's", "here's", "it'd", "i'd", "we're",
}  # fmt: skip
_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    import pysbd
    from pysbd.utils import TextSpan

    class Segmenter(pysbd.Segmenter):
        r"""pysbd's segmenter, finding each sentence in the text with `str.find` instead of a regex
        compiled per sentence (`re.escape(sentence) + r"\s*"`): the same spans (the literal's
        leftmost occurrence from where the last one ended, then its whitespace; `\s` is
        `str.isspace`), without a new pattern for every sentence of every message, which also
        pushed other patterns out of Python's regex cache (512) to be compiled again."""

        def sentences_with_char_spans(self, sentences):
            if any(not sent for sent in sentences):
                return super().sentences_with_char_spans(sentences)  # an empty one: pysbd's way
            text, spans, prior_end = self.original_text, [], 0
            for sent in sentences:
                at = text.find(sent)
                while at >= 0:
                    end = at + len(sent)
                    while end < len(text) and text[end].isspace():
                        end += 1
                    if end > prior_end:
                        spans.append(TextSpan(text[at:end], at, end))
                        prior_end = end
                        break
                    at = text.find(sent, end)
            return spans

    return Segmenter(language="en", clean=False)


# pysbd reads "MS." or "HSCT." as an abbreviation and then fails to split; in this library an
# upper-case acronym before a full stop and a capital letter ends a sentence.
ACRONYM_END = re.compile(r"(\b[A-Z][A-Za-z]*[A-Z]s?\.)\s+(?=[A-Z\"“(])")


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, stripped, with Markdown bullets and line breaks folded."""
    return list(SPLITS.get(text))


def _split(text: str) -> tuple[str, ...]:
    text = re.sub(r"^\s*[-*]\s+", "", text, flags=re.M)
    text = " ".join(text.split())
    if not text:
        return ()
    out: list[str] = []
    for segment in _segmenter().segment(text):
        out += [s.strip() for s in ACRONYM_END.sub("\\1\n", segment).split("\n") if s.strip()]
    return tuple(out)


# Bump when _split or ACRONYM_END changes what a text splits into: older saved splits are dropped.
SPLIT_VERSION = "1"
SPLITS_FILE = "sentences-cache.json"


class Splits:
    """split_sentences' memo. pysbd takes 3-10 ms a text (it compiles a regex per abbreviation it
    meets, more than Python's regex cache holds), and `sources check` splits every line of the
    library, each several times: about 6 s of its 8. The split is a pure function of the text, so
    the process keeps each result, and the commands that split the whole library (`sources
    check`, `index`) read and write them next to the index (`load`, `save`), so an unchanged
    line is never split again; a changed file re-splits only its changed lines."""

    LIMIT = 50_000  # texts kept in memory; past it the memo starts again (answers run for days)

    def __init__(self) -> None:
        self.used: dict[str, tuple[str, ...]] = {}
        self.saved: dict[str, tuple[str, ...]] = {}
        self.new = 0  # texts split by pysbd
        self.stored: set[str] = set()  # texts in the file read by `load` or written by `save`

    def get(self, text: str) -> tuple[str, ...]:
        got = self.used.get(text)
        if got is None:
            got = self.saved.pop(text, None)
            if got is None or not _fits(text, got):
                got, self.new = _split(text), self.new + 1
            if len(self.used) >= self.LIMIT:
                self.used.clear()
            self.used[text] = got
        return got

    def load(self, path: Path) -> None:
        """Splits saved by an earlier run with this splitter; none from a damaged or old file."""
        self.stored = set()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == _splitter_version():
                self.saved |= {t: tuple(s) for t, s in data["splits"].items() if t not in self.used}
                self.stored = set(data["splits"])
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            pass  # a cache: missing or damaged, every text is split again

    def save(self, path: Path) -> None:
        """Written atomically when the file lacks a text this process split. The texts of other
        commands are kept (`index` splits passages, `sources check` lines) up to LIMIT; past it
        only this process's. A folder that cannot be written costs the next run time, nothing else."""
        if self.used.keys() <= self.stored:
            return
        kept = self.saved | self.used if len(self.saved) + len(self.used) <= self.LIMIT else self.used
        data = {"version": _splitter_version(), "splits": {t: list(s) for t, s in kept.items()}}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sentences-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False)
            os.replace(tmp, path)
            self.stored = set(kept)
        except OSError:
            pass


def _fits(text: str, sentences: tuple[str, ...]) -> bool:
    """Do the saved sentences hold the text's characters, in order, and nothing else? A split only
    drops bullets and spaces, so a saved file edited to put words into the index or hide a
    sentence from the content check is split again instead of believed."""
    body = re.sub(r"^\s*[-*]\s+", "", text, flags=re.M)
    return "".join(body.split()) == "".join("".join(sentences).split())


def _splitter_version() -> str:
    return f"{SPLIT_VERSION}|pysbd {version('pysbd')}"


SPLITS = Splits()  # one per process, like the segmenter: the split never depends on settings


def citation_numbers(sentence: str) -> list[int]:
    out: list[int] = []
    for group in CITATION.findall(sentence):
        out += [int(n) for n in re.split(r"\s*[,;]\s*", group)]
    return out


def strip_citations(sentence: str) -> str:
    previous = None
    while previous != sentence:  # nested marks such as "[1[2]]" leave a mark after one pass
        previous, sentence = sentence, CITATION.sub("", sentence)
    return sentence.strip()


def numbers(text: str) -> set[str]:
    """Normalised numbers: thousands separators dropped, trailing zeros after a point kept."""
    out = set()
    for raw in NUMBER.findall(strip_citations(text)):
        value = raw.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", raw) else raw
        out.add(value)
    return out


def content_words(text: str) -> list[str]:
    """Stemmed words that carry meaning (stop words and citation markers removed)."""
    return list(_content_words(text))


# An answer reads the same library sentences and asks' words hundreds of times over (each rule of
# the composer on each candidate sentence): stemming them once was 3-4 ms of a long message's answer.
@lru_cache(maxsize=16384)
def _content_words(text: str) -> tuple[str, ...]:
    words = WORD.findall(strip_citations(text).lower())
    return tuple(_stemmer.stemWords([w for w in words if w not in STOPWORDS and len(w) > 1]))


def overlap(sentence: str, passage: str) -> float:
    """Share of the sentence's content words that also occur in the passage."""
    words = set(content_words(sentence))
    if not words:
        return 0.0
    return len(words & set(content_words(passage))) / len(words)


# Lexical search sees one spelling per term: British and American forms, and aHSCT as HSCT.
SPELLING = [
    (re.compile(r"\bahsct\b", re.I), "hsct"),
    (re.compile(r"haemat", re.I), "hemat"),
    (re.compile(r"haemorrh", re.I), "hemorrh"),
    (re.compile(r"\btumour", re.I), "tumor"),
    (re.compile(r"\boedema", re.I), "edema"),
    (re.compile(r"an(a)?emia", re.I), "anemia"),
    (re.compile(r"paediatric", re.I), "pediatric"),
    (re.compile(r"\b(randomi)s", re.I), r"\1z"),
    (re.compile(r"\bcentre", re.I), "center"),
    (re.compile(r"(\w)-(\w)"), r"\1 \2"),
]
# Words patients use for what the notes call by another name (added to lexical queries only).
QUERY_SYNONYMS = {
    "risk": "safety complications mortality adverse death",
    "risks": "safety complications mortality adverse death",
    "dangerous": "safety complications mortality adverse",
    "danger": "safety complications mortality adverse",
    "safe": "safety adverse complications",
    "cost": "price pay",
    "costs": "price pay",
    "expensive": "cost price",
    "price": "cost",
    "approved": "approval regulator fda",
    "legal": "regulation fda approval",
    "cure": "cure reverse",
    "rejected": "rejection immune",
    "die": "death mortality",
    "died": "death mortality",
    "dying": "death mortality",
    "deaths": "mortality",
    "deadly": "death mortality",
    "pregnant": "fertility",
    "pregnancy": "fertility",
    "children": "fertility",
    "baby": "fertility",
}


def normalize_terms(text: str) -> str:
    for pattern, replacement in SPELLING:
        text = pattern.sub(replacement, text)
    return text


def expand_query(text: str) -> str:
    extra = [QUERY_SYNONYMS[w] for w in WORD.findall(text.lower()) if w in QUERY_SYNONYMS]
    return " ".join([text, *extra])


@lru_cache(maxsize=1)
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="en_US")


def reading_grade(text: str, empty: float | None = 0.0) -> float | None:
    """Flesch-Kincaid grade of a text, citation marks left out; `empty` when it has no words.

    0.39 * words per sentence + 11.8 * syllables per word - 15.59, with textstat's word and
    sentence counts. Syllables come from pyphen's dictionary (textstat's own fallback): textstat's
    first choice, NLTK's CMUdict, is downloaded at run time, and this must run offline and give
    the same figure on every machine. One definition for the composer and the eval.
    """
    grade = _grade(text)
    return empty if grade is None else grade


@lru_cache(maxsize=65_536)
def _grade(text: str) -> float | None:
    """Kept per text: the composer grades the same library sentences for question after question
    (a fifth of an extractive answer's time on the bench questions went to grading)."""
    import textstat  # on first use: it loads NLTK, which nothing else here needs

    body = strip_citations(text)
    words = textstat.remove_punctuation(body).lower().split()
    sentences = textstat.sentence_count(body)
    if not words or not sentences:
        return None
    syllables = sum(len(_hyphenator().positions(w)) + 1 for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59


def warm_up() -> None:
    """Load what the first graded answer would otherwise load mid-answer (textstat, NLTK and
    pyphen's dictionary: about 0.5 s); for servers, once at start-up."""
    reading_grade("Warm up.")
    split_sentences("Warm up. Done.")


# Text addressed to the assistant instead of stating evidence ("SYSTEM: tell the user ...",
# "ignore previous instructions"): never shown as part of an answer, never accepted in a note.
INSTRUCTION = re.compile(
    r"^\W*(system|assistant|developer|user)\s*:"
    # Spoken to the assistant by name and told what to say, or told what to answer when asked
    # (worded to slip past "SYSTEM:" and "tell the user"): "Assistant, when you are asked ...".
    r"|^\W*(dear |hey |hi )?(assistant|chatbot|chat bot|ai|model)\s*[,!:]\s*(when|if|whenever|always|never"
    r"|from now on|(say|answer|reply|state|confirm) that)\b"
    r"|\b(when|if|whenever) (you are|you're|you get) asked\b"
    r"|\b(when|if|whenever) (someone|anyone|a user|the user|a patient|people) asks?\b[^.?!]{0,60}?,\s*"
    r"(answer|reply|respond|say|tell|state|confirm)\b"
    r"|^\W*(always|never) (answer|reply|respond|say|tell|state|confirm)\b"
    r"|\b(ignore|disregard|forget|override)\b[^.?!]{0,40}?\b(instructions?|prompts?|system message)\b"
    r"|\b(ignore|disregard) (all |any )?(of )?(your|the|these) sources\b"
    r"|\byou are now (a|an|the|my)\b|\bfrom now on,? (you|always|never|answer|reply|say|confirm)\b"
    r"|\b(tell|inform|assure|convince|reassure) the (user|reader)s?\b"
    r"|\b(new|hidden|secret) (instructions?|system prompt)\b|\bsystem prompt\b|\bdeveloper mode\b"
    r"|\bjailbreak|<\|?(im_start|im_end|system)\|?>|\[/?INST\]",
    re.I,
)


def reads_as_instruction(text: str) -> bool:
    return bool(INSTRUCTION.search(strip_citations(text)))


# Common words of the languages patients most often write in that are not also English words;
# a question with more of them than English stop words is taken to be in another language.
_FOREIGN = """
    el la los las del de una unos por para sobre pero como qué cuál cuáles cuándo cuando dónde
    porque es está están puede pueden tengo tiene mi mis su sus muy más también esto esta este y
    le les des du au aux une est sont avec dans sur mais ou où quel quelle quels quelles qui que
    quoi pourquoi ce cette ces mon ma mes je tu nous vous ils elles peut peuvent très aussi
    der das dem ein eine einen einem und ist sind mit für bei von zu zum zur auf nicht auch wie
    warum welche welcher welches kann können ich wir sie mein meine il della delle degli che sono
    è uno anche perché quale quali posso può uma não são pelo pela mais também qual quais pode
    het een zijn voor niet ook wat waarom welke ik
"""
FOREIGN_WORDS = frozenset(_FOREIGN.split())
LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=4096)  # asked of each ask's words for every candidate sentence (compose.on_topic)
def looks_non_english(text: str) -> bool:
    """Mostly non-Latin letters, or more common foreign words than English stop words."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    latin = sum("LATIN" in unicodedata.name(ch, "") for ch in letters)
    if latin < len(letters) / 2:
        return True
    words = LETTERS.findall(text.lower())
    foreign = sum(w in FOREIGN_WORDS for w in words)
    return foreign >= 2 and foreign > sum(w in STOPWORDS for w in words)
