"""`python app.py` → the chat page on http://127.0.0.1:7860.

Builds the index first (with a progress bar) if it is missing, loads the models once and serves
on localhost only. Settings come from ASSISTANT_* environment variables; relative paths are read
from this folder, so the command works from anywhere.
"""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.settings import offline_env

offline_env()  # offline and private by default: no analytics, telemetry or model downloads

ROOT = Path(__file__).resolve().parent


def main() -> int:
    from assistant.embeddings import EmbeddingError
    from assistant.settings import Settings
    from assistant.sources import SourceError
    from assistant.store import StoreError
    from assistant.ui import serve

    try:
        serve(Settings().resolve(ROOT))
    except (StoreError, SourceError, EmbeddingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
