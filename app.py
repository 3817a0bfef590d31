"""`python app.py` → the chat page on http://127.0.0.1:7860.

Builds the index first (with a progress bar) if it is missing, loads the models once and serves
on localhost only. Settings come from ASSISTANT_* environment variables; relative paths are read
from this folder, so the command works from anywhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Offline and private by default: no analytics, no telemetry, no model downloads.
for _name, _value in {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}.items():
    os.environ.setdefault(_name, _value)

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
