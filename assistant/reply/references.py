"""References: the body's [n] (answer citations) and [@note-id] (staff facts) renumbered to one
number per document, and each document's reference in the Vancouver style."""

from __future__ import annotations

import re

from ..library import Library
from ..models import Citation, SourceDoc

MARKER = re.compile(r"\[([^\[\]\s,]+(?:,\s*[^\[\]\s,]+)*)\]")


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
