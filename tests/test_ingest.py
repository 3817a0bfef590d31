"""Notes split by section; PDFs read page by page with 1-based pages; bad PDFs named and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from assistant.ingest import PdfError, note_passages, passages_for
from assistant.sources import parse_note, parse_sidecar

SIDECAR = """id: test-pdf
title: "A PDF source"
year: 2021
publisher: Test Press
type: review
url: https://example.org/test-pdf
topics: [msc]
reviewed: 2026-11-21
"""


def make_pdf(path: Path, pages: list[str], password: str | None = None, reviewed: bool = True) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 10, text)
    if password:
        pdf.set_encryption(owner_password=password, user_password=password)
    pdf.output(str(path))
    path.with_suffix(".yaml").write_text(SIDECAR + ("status: reviewed\n" if reviewed else ""))
    return path


def test_note_split_by_section_with_metadata(tmp_path):
    path = tmp_path / "n1.md"
    path.write_text(
        "---\nid: n1\ntitle: T\nyear: 2020\npublisher: P\ntype: rct\nurl: https://x.org\n"
        "topics: [msc]\nreviewed: 2026-11-21\n---\nIntro line.\n\n## What was found\nA result.\n\n"
        "## Safety\nNo deaths.\n"
    )
    doc, _ = parse_note(path)
    passages = note_passages(doc)
    assert [(p.section, p.text) for p in passages] == [
        ("Summary", "Intro line."),
        ("What was found", "A result."),
        ("Safety", "No deaths."),
    ]
    assert passages[1].id == "n1#what-was-found"
    assert passages[1].metadata() == {
        "source_id": "n1",
        "title": "T",
        "section": "What was found",
        "year": 2020,
        "type": "rct",
        "url": "https://x.org",
    }


def test_long_section_is_split_into_passages(tmp_path):
    path = tmp_path / "n2.md"
    body = " ".join(f"Sentence number {i} is about stem cells." for i in range(80))
    path.write_text(
        "---\nid: n2\ntitle: T\nyear: 2020\npublisher: P\ntype: rct\nurl: https://x.org\n"
        f"topics: [msc]\nreviewed: 2026-11-21\n---\n## What was found\n{body}\n"
    )
    doc, _ = parse_note(path)
    passages = note_passages(doc, chunk_size=500, chunk_overlap=50)
    assert len(passages) > 3 and all(len(p.text) <= 500 for p in passages)
    assert len({p.id for p in passages}) == len(passages)


def test_pdf_pages_are_one_based(tmp_path):
    pdf = make_pdf(tmp_path / "test-pdf.pdf", ["First page about HSCT.", "", "Third page about MSCs."])
    doc, problems = parse_sidecar(pdf)
    assert problems == []
    passages = passages_for(doc)
    assert [(p.page, p.section) for p in passages] == [(1, "Page 1"), (3, "Page 3")]
    assert "Third page about MSCs." in passages[1].text
    assert passages[1].metadata()["page"] == 3


@pytest.mark.parametrize(
    ("pages", "password", "words"),
    [([""], None, "no extractable text"), (["Secret"], "pw", "encrypted")],
)
def test_unusable_pdf_is_named(tmp_path, pages, password, words):
    pdf = make_pdf(tmp_path / "test-pdf.pdf", pages, password)
    doc, _ = parse_sidecar(pdf)
    with pytest.raises(PdfError, match=words) as info:
        passages_for(doc)
    assert str(info.value).startswith("test-pdf.pdf:")


def test_broken_pdf_is_named(tmp_path):
    pdf = tmp_path / "test-pdf.pdf"
    pdf.write_bytes(b"%PDF-1.4 this is not really a pdf")
    pdf.with_suffix(".yaml").write_text(SIDECAR + "status: reviewed\n")
    doc, _ = parse_sidecar(pdf)
    with pytest.raises(PdfError, match="test-pdf.pdf"):
        passages_for(doc)
