"""Reopening the index after a rebuild: the mixin by which a ChatPage compares the index's
manifest with the one its Assistant opened and opens a fresh Assistant when it changed, so an
answer comes wholly from the old index or wholly from the new one, never from a mix."""

from __future__ import annotations

import logging

from filelock import FileLock, Timeout

from ..library import Library
from ..pipeline import Assistant
from ..settings import Settings
from ..store import read_manifest

log = logging.getLogger(__name__)


class IndexRebuilding(RuntimeError):
    """`assistant index` is writing the index now: answering would mix old and new passages."""


class IndexReload:
    """The index side of a ChatPage: needs `settings`, `assistant`, `library`, `opened_version`."""

    settings: Settings
    assistant: Assistant
    library: Library
    opened_version: str

    def _manifest_version(self) -> str:
        return str((read_manifest(self.settings.index_dir) or {}).get("library_version", ""))

    def _building(self) -> bool:
        """True while `assistant index` holds the build lock (a build writes in place)."""
        path = self.settings.index_dir / ".build.lock"
        if not path.exists():
            return False
        lock = FileLock(str(path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return True
        lock.release()
        return False

    def current(self) -> Assistant:
        """The Assistant for the index as it is now; reopened when the manifest changed."""
        if self.settings.chroma_url:
            return self.assistant  # a shared server is rebuilt by its operator, replicas restart
        if self._building():
            raise IndexRebuilding()
        version = self._manifest_version()
        if version != self.opened_version:
            log.info("index changed (%s -> %s): reopening", self.opened_version, version)
            old = self.assistant
            old.close()  # the old index's client goes, so the new Assistant reads the rebuilt files
            self.assistant = Assistant(self.settings, embedder=old.embedder, chat_model=old._chat_model)
            self.library = Library.load(self.settings)
            self.opened_version = version
        return self.assistant

    def library_version(self) -> str:
        return self._manifest_version() or self.library.version
