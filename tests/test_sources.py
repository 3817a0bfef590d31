"""The library checker: every malformed note is named with its file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli import main
from assistant.sources import check_library, load_claims, parse_note

GOOD = """---
id: good-note
title: "A good note"
authors: [Doe J, et al.]
year: 2020
publisher: Journal
type: rct
doi: 10.1000/xyz123
pmid: "12345"
nct: NCT01234567
url: https://doi.org/10.1000/xyz123
topics: [ahsct, safety]
reviewed: 2026-11-21
---
## What was found
The good trial found something.
"""


def note(tmp_path: Path, text: str, name: str = "good-note.md") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_parse_good_note(tmp_path):
    doc, problems = parse_note(note(tmp_path, GOOD))
    assert problems == []
    assert doc.id == "good-note" and doc.year == 2020 and doc.type == "rct"
    assert doc.authors == ("Doe J", "et al.") and doc.pmid == "12345"
    assert "The good trial found something." in doc.body


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (('title: "A good note"\n', ""), "title", "required"),
        (("type: rct", "type: blog"), "type", "not one of"),
        (("doi: 10.1000/xyz123", "doi: xyz"), "doi", "not a valid doi"),
        (('pmid: "12345"', "pmid: PM12"), "pmid", "not a valid pmid"),
        (("nct: NCT01234567", "nct: NCT123"), "nct", "not a valid nct"),
        (("url: https://doi.org/10.1000/xyz123", "url: doi.org/x"), "url", "not a valid url"),
        (("year: 2020", "year: 1850"), "year", "between 1950"),
        (("topics: [ahsct, safety]", "topics: [ahsct, magic]"), "topics", "unknown topic"),
        (("reviewed: 2026-11-21", "reviewed: yesterday"), "reviewed", "YYYY-MM-DD"),
        (("id: good-note", "id: Good_Note"), "id", "kebab-case"),
        (("id: good-note", "id: other-note"), "id", "differs from the file name"),
    ],
)
def test_malformed_field_is_named(tmp_path, change, field, words):
    path = note(tmp_path, GOOD.replace(*change))
    doc, problems = parse_note(path)
    assert doc is None
    assert any(p.file == "good-note.md" and p.field == field and words in p.problem for p in problems), (
        problems
    )


def test_empty_body_and_bad_yaml_are_named(tmp_path):
    _, problems = parse_note(note(tmp_path, GOOD.split("## What")[0]))
    assert [(p.field, "no text" in p.problem) for p in problems] == [("body", True)]
    _, problems = parse_note(note(tmp_path, GOOD.replace('title: "A good note"', "title: [unclosed")))
    assert problems[0].field == "front matter" and "YAML" in problems[0].problem
    _, problems = parse_note(note(tmp_path, "no front matter here"))
    assert problems[0].field == "front matter"


def test_duplicate_ids_and_claim_references(tmp_path):
    note(tmp_path, GOOD)
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "copy.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "pdf" / "copy.yaml").write_text(GOOD.split("---")[1] + "status: reviewed\n")
    (tmp_path / "claims.yaml").write_text(
        "claims:\n  - id: x-claim\n    claim: c\n    paraphrases: [a, b, c, d, e]\n"
        '    verdict: "false"\n    correction: fix\n    sources: [good-note, missing-note]\n'
    )
    docs, claims, problems = check_library(tmp_path)
    lines = [str(p) for p in problems]
    assert any("copy.pdf: id: 'good-note' is also used by good-note.md" in line for line in lines), lines
    assert any("sources: unknown source id(s): missing-note" in line for line in lines), lines
    assert [d.id for d in docs] == ["good-note"] and claims == []


def test_claim_needs_five_paraphrases_and_a_known_verdict(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n  - id: thin\n    claim: c\n    paraphrases: [a]\n    verdict: maybe\n"
        "    correction: fix\n    sources: [s]\n"
    )
    claims, problems = load_claims(path, {"s"})
    fields = {p.field.split(".")[-1] for p in problems}
    assert claims == [] and {"paraphrases", "verdict"} <= fields


RECORD = 'reviewed: 2026-11-21\nverified: true\nchecked: "title, authors, year, journal and ids"\n'


def test_sources_check_command_exit_codes(tmp_path, capsys):
    note(tmp_path, GOOD.replace("reviewed: 2026-11-21\n", RECORD))  # `sources check` wants the review record
    assert main(["--sources-dir", str(tmp_path), "sources", "check"]) == 0
    note(tmp_path, GOOD.replace("type: rct", "type: blog"), "bad-note.md")
    assert main(["--sources-dir", str(tmp_path), "sources", "check"]) == 1
    assert "bad-note.md: type: 'blog' is not one of" in capsys.readouterr().err


def test_shipped_library_passes_and_is_large_enough():
    root = Path(__file__).resolve().parents[1] / "sources"
    docs, claims, problems = check_library(root)
    assert problems == []
    assert len(docs) >= 50 and len(claims) >= 40
    assert all(len(c.paraphrases) >= 5 for c in claims)


def test_review_record_fields_are_read_and_checked(tmp_path):
    record = 'verified: false\nverification: "title checked; DOI not found"\nchecked: "figures"\n'
    doc, problems = parse_note(
        note(tmp_path, GOOD.replace("reviewed: 2026-11-21\n", f"reviewed: 2026-11-21\n{record}"))
    )
    assert problems == [] and doc is not None
    _, problems = parse_note(note(tmp_path, GOOD.replace("type: rct", "type: rct\nverified: perhaps")))
    assert [(p.field, p.problem) for p in problems] == [("verified", "must be true or false")]
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n  - id: x-claim\n    claim: c\n    paraphrases: [a, b, c, d, e]\n"
        '    verdict: "false"\n    correction: fix\n    sources: [s]\n    reviewed: 2026-12-02\n'
        "    checked: the verdict rule\n  - id: y-claim\n    claim: c\n    paraphrases: [a, b, c, d, e]\n"
        '    verdict: "false"\n    correction: fix\n    sources: [s]\n    reviewed: someday\n'
    )
    claims, problems = load_claims(path, {"s"})
    assert [c.id for c in claims] == ["x-claim"] and claims[0].checked == "the verdict rule"
    assert [p.field for p in problems] == ["claims[1] (y-claim).reviewed"]


def test_every_faulty_field_of_a_claim_is_named_at_once(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n  - id: Bad_Id\n    claim: 5\n    paraphrases: [a]\n    verdict: maybe\n")
    _, problems = load_claims(path)
    assert [str(p) for p in problems] == [
        "claims.yaml: claims[0] (Bad_Id).id: is not kebab-case",
        "claims.yaml: claims[0] (Bad_Id).claim: must be text",
        "claims.yaml: claims[0] (Bad_Id).paraphrases: needs at least 5 paraphrases",
        "claims.yaml: claims[0] (Bad_Id).verdict: must be one of false, misleading, unsupported, "
        "partly-supported",
        "claims.yaml: claims[0] (Bad_Id).correction: required field is missing",
        "claims.yaml: claims[0] (Bad_Id).sources: required field is missing",
    ]
