"""The reviewed staff content (sources/staff.yaml) for a library: found next to its documents,
else in the configured sources folder; loaded once per folder."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..library import Library
from ..settings import Settings
from ..staff import StaffContent, load_staff


def _default_sources() -> Path:
    return Settings().resolve().sources_dir


def sources_dir_of(library: Library) -> Path:
    for doc in library.docs.values():
        for folder in (doc.path.parent, doc.path.parent.parent):
            if (folder / "staff.yaml").is_file():
                return folder
    return _default_sources()


@cache
def staff_content(sources_dir: Path) -> StaffContent | None:
    """The reviewed staff content; None when the file is missing or invalid (`sources check`
    reports why), and the draft then goes without safety lines, flags and questions."""
    content, _ = load_staff(sources_dir)
    return content
