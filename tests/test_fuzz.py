"""Property-based tests (hypothesis) of the parts that read text nobody controls: the note parser,
the sentence splitter, the citation parser and the claim guard. No crash, and the invariants hold.
"""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.models import SourceDoc
from assistant.sources import REQUIRED, TYPES, load_claims, parse_note
from assistant.text import CITATION, citation_numbers, split_sentences, strip_citations

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- the note parser ------------------------------------------------------------------------------
FIELDS = [*REQUIRED, "year", "authors", "doi", "pmid", "pmcid", "nct", "extra"]
DATES = st.from_regex(r"\A[12][0-9]{3}-[0-9]{1,2}-[0-9]{1,2}( [0-9]{1,2}:[0-9]{2}:[0-9]{2})?\Z")
SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(-10_000, 10_000),
    DATES,
    st.sampled_from(TYPES),
    st.sampled_from(
        ["[ahsct, safety]", "[magic]", "~", "true", "'quoted'", '"a: b"', "{x: 1}", "[", "&a", "*a"]
    ),
    st.just("https://example.org/x"),
)


@st.composite
def front_matter(draw) -> str:
    """YAML-looking front matter: real field names with odd values, plus raw junk lines."""
    lines = [f"{draw(st.sampled_from(FIELDS))}: {draw(SCALARS)}" for _ in range(draw(st.integers(0, 10)))]
    lines += draw(st.lists(st.text(max_size=40), max_size=3))
    return "\n".join(draw(st.permutations(lines)))


NOTE_TEXT = st.one_of(
    st.builds(lambda fm, body: f"---\n{fm}\n---\n{body}", front_matter(), st.text(max_size=200)),
    st.text(max_size=300),
)


@pytest.fixture(scope="module")
def note_path(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-notes") / "fuzz-note.md"


def _check_parse(path) -> None:
    doc, problems = parse_note(path)
    if doc is not None:
        assert isinstance(doc, SourceDoc) and problems == [] and doc.id == "fuzz-note"
    else:
        assert problems, "a rejected note always says why"
    for p in problems:
        assert p.file == path.name and str(p).startswith(f"{path.name}: ") and p.field and p.problem


@FAST
@given(text=NOTE_TEXT)
@example(text="---\nid: fuzz-note\nreviewed: 2026-02-30\n---\nBody.")  # a date YAML cannot build
@example(text="---\nid: fuzz-note\ntitle: " + "[" * 3000 + "\n---\nBody.")  # nesting too deep
def test_note_parser_never_crashes_and_names_the_file(note_path, text):
    note_path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _check_parse(note_path)


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=200))
def test_note_parser_survives_any_bytes(note_path, data):
    note_path.write_bytes(data)
    _check_parse(note_path)


def test_a_valid_note_still_parses(note_path):
    note_path.write_text(
        "---\nid: fuzz-note\ntitle: T\npublisher: P\ntype: rct\nurl: https://x.org\n"
        "topics: [ahsct]\nreviewed: 2026-01-31\n---\n## What was found\nA result.\n"
    )
    doc, problems = parse_note(note_path)
    assert problems == [] and doc.id == "fuzz-note"


ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.sampled_from(["false", "rct"]),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
CLAIM_ITEM = st.fixed_dictionaries(
    {},
    optional={
        key: ANY_VALUE | good
        for key, good in {
            "id": st.just("a-claim"),
            "claim": st.just("Cord cells are never rejected."),
            "paraphrases": st.just(["a", "b", "c", "d", "e"]),
            "verdict": st.sampled_from(["false", "misleading", "unsupported", "partly-supported"]),
            "correction": st.just("They can be rejected."),
            "sources": st.just(["cord-rejection"]),
            "topics": st.just(["cord-cells"]),
        }.items()
    },
)


@FAST
@given(items=st.lists(CLAIM_ITEM | ANY_VALUE, max_size=4), known=st.booleans())
def test_claim_registry_parser_never_crashes(tmp_path_factory, items, known):
    path = tmp_path_factory.getbasetemp() / "claims.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "claims": items}))
    claims, problems = load_claims(path, {"cord-rejection"} if known else None)
    for c in claims:
        assert isinstance(c.claim, str) and isinstance(c.correction, str)
        assert all(isinstance(x, str) for x in (*c.paraphrases, *c.sources, *c.topics))
    assert all(p.file == "claims.yaml" for p in problems)


# -- the sentence splitter ------------------------------------------------------------------------
PROSE = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aAbBcMSHT019 .!?;:,-*'\"()[]\n\t…“”")),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=300,
)
BULLET = re.compile(r"^\s*[-*]\s+", re.M)


def _squash(text: str) -> str:
    return "".join(text.split())


@FAST
@given(text=PROSE)
@example(text="The MIST trial. HSCT. MS. It worked [1].")
@example(text="- first point\n* second point\n\n   ")
def test_sentence_splitter_keeps_everything_and_makes_no_empty_sentences(text):
    sentences = split_sentences(text)
    assert all(s and s == s.strip() for s in sentences)
    assert _squash("".join(sentences)) == _squash(BULLET.sub("", text)), "content kept, up to whitespace"


# -- the citation parser --------------------------------------------------------------------------
NUMBERS = st.lists(st.integers(0, 10**6), min_size=1, max_size=5)
PLAIN = st.text(alphabet=st.characters(exclude_characters="[]", exclude_categories=("Cs",)), max_size=80)


@FAST
@given(body=PLAIN, numbers=NUMBERS, sep=st.sampled_from([", ", ",", "; ", " , "]))
def test_citation_marks_round_trip(body, numbers, sep):
    sentence = f"{body} [{sep.join(map(str, numbers))}]."
    assert citation_numbers(sentence) == numbers
    assert strip_citations(sentence) == f"{body.rstrip()}.".strip()


@FAST
@given(text=st.text(alphabet=st.sampled_from(list("[]0123456789,; ab.")), max_size=60) | st.text(max_size=60))
@example(text="Cord cells are safe [1[2]].")
@example(text="[[1]]")
def test_citation_parser_on_any_text(text):
    numbers = citation_numbers(text)
    assert all(isinstance(n, int) and n >= 0 for n in numbers)
    stripped = strip_citations(text)
    assert not CITATION.search(stripped), "no citation mark survives stripping"
    assert citation_numbers(stripped) == [] and strip_citations(stripped) == stripped


# -- the claim guard ------------------------------------------------------------------------------
STANCES = {"asserts", "refutes", "reports", "asks", "none"}
GUARD_TEXT = st.one_of(
    st.text(max_size=120),
    st.lists(
        st.sampled_from(
            [
                "Umbilical cord stem cells carry no risk of rejection.",
                "The clinic says cord cells are never rejected.",
                "Is it true that stem cells repair myelin?",
                "There is no evidence that stem cells repair myelin.",
                "Stem cells",
                "!!!",
                "[1]",
                "MS.",
                "\u202e\u0000",
                "日本語の文。",
            ]
        ),
        max_size=4,
    ).map(" ".join),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=GUARD_TEXT)
def test_claim_guard_on_any_text(tiny_assistant, text):
    guard = tiny_assistant.guard
    results = guard.check_text(text)
    assert len(results) == len(split_sentences(text))
    for r in results:
        assert r.stance in STANCES and r.sentence
        assert 0.0 <= r.score <= 1.0
        if r.claim is None:
            assert r.stance == "none"
        else:
            assert r.claim in guard.claims
