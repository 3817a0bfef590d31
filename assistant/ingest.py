"""From documents to passages: Markdown notes by section, PDFs page by page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .models import Passage, SourceDoc
from .sources import unquoted

if TYPE_CHECKING:  # imported when a document is split: a no-change `assistant index` needs neither
    from langchain_text_splitters import RecursiveCharacterTextSplitter

HEADING = re.compile(r"^##\s+(.+?)\s*$", re.M)


class PdfError(ValueError):
    """A PDF that cannot be indexed; the message names the file."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "text"


def note_sections(body: str) -> list[tuple[str, str]]:
    """(heading, text) pairs; text before the first heading is the 'Summary'. Quoted lines
    ("> ...", a claim as marketed) are left out: the library never speaks them."""
    parts = HEADING.split(unquoted(body))
    sections = [("Summary", parts[0])] + list(zip(parts[1::2], parts[2::2], strict=True))
    return [(h.strip(), t.strip()) for h, t in sections if t.strip()]


def _splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        separators=["\n\n", "\n", ". ", "; ", " "],
        keep_separator="end",
    )


def _passage(doc: SourceDoc, pid: str, section: str, text: str, page: int | None = None):
    return Passage(
        id=pid,
        source_id=doc.id,
        title=doc.title,
        section=section,
        text=text,
        year=doc.year,
        type=doc.type,
        url=doc.url,
        page=page,
    )


def note_passages(doc: SourceDoc, chunk_size: int = 1200, chunk_overlap: int = 150) -> list[Passage]:
    splitter = _splitter(chunk_size, chunk_overlap)
    out = []
    for heading, text in note_sections(doc.body):
        chunks = splitter.split_text(text) if len(text) > chunk_size else [text]
        for i, chunk in enumerate(chunks):
            suffix = f"-{i + 1}" if len(chunks) > 1 else ""
            out.append(_passage(doc, f"{doc.id}#{_slug(heading)}{suffix}", heading, chunk.strip()))
    return out


def pdf_passages(doc: SourceDoc, chunk_size: int = 1200, chunk_overlap: int = 150) -> list[Passage]:
    """One passage per page (split further when long); page numbers are 1-based."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    name = doc.path.name
    try:
        reader = PdfReader(doc.path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfError(f"{name}: file: the PDF is encrypted; save an unencrypted copy")
        pages = [(i + 1, (page.extract_text() or "").strip()) for i, page in enumerate(reader.pages)]
    except PdfError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise PdfError(f"{name}: file: the PDF cannot be read ({exc.__class__.__name__})") from exc
    pages = [(n, text) for n, text in pages if text]
    if not pages:
        raise PdfError(f"{name}: text: no extractable text (scanned images?); skipped")
    splitter = _splitter(chunk_size, chunk_overlap)
    out = []
    for n, text in pages:
        chunks = splitter.split_text(text) if len(text) > chunk_size else [text]
        for i, chunk in enumerate(chunks):
            suffix = f"-{i + 1}" if len(chunks) > 1 else ""
            out.append(_passage(doc, f"{doc.id}#p{n}{suffix}", f"Page {n}", chunk.strip(), page=n))
    return out


def passages_for(doc: SourceDoc, chunk_size: int = 1200, chunk_overlap: int = 150) -> list[Passage]:
    if Path(doc.path).suffix.lower() == ".pdf":
        return pdf_passages(doc, chunk_size, chunk_overlap)
    return note_passages(doc, chunk_size, chunk_overlap)
