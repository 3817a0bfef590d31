"""What the page and the staff draft say about the library: its documents, counts and version."""

from __future__ import annotations

from dataclasses import dataclass

from .models import SourceDoc
from .settings import Settings
from .sources import load_claims, load_library
from .store import read_manifest


@dataclass(frozen=True)
class Library:
    """Read when the app is built, and again when the page picks up a rebuilt index."""

    docs: dict[str, SourceDoc]
    counts: tuple[tuple[str, int], ...]
    reviewed: str
    claims: int
    version: str

    @classmethod
    def load(cls, settings: Settings) -> Library:
        docs, _ = load_library(settings.sources_dir) if settings.sources_dir.exists() else ([], [])
        claims, _ = load_claims(settings.sources_dir / "claims.yaml")
        counts: dict[str, int] = {}
        for doc in docs:
            counts[doc.type] = counts.get(doc.type, 0) + 1
        manifest = read_manifest(settings.index_dir) or {}
        return cls(
            docs={d.id: d for d in docs},
            counts=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
            reviewed=max((d.reviewed for d in docs), default=""),
            claims=len(claims),
            version=str(manifest.get("library_version", "")),
        )

    @property
    def unverified(self) -> int:
        """Documents whose bibliographic data (authors, title, journal, year) was not all checked."""
        return sum(not d.verified for d in self.docs.values())

    @property
    def verified(self) -> int:
        return len(self.docs) - self.unverified
