"""How the sentence verifier's thresholds behave on sentences it has never seen.

`evidence` items of the guard set are true statements written fresh from the fact sheet: a
grounded answer sentence should pass verification against the library. `asserts` items are
clinic claims in new wording: they should not. Each item is cited to the retrieved passage whose
sentences are closest to it (what a careful LLM would cite), then checked as an answer sentence.

    python -m evals.verify_eval [--split tune|test]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import yaml

from assistant.flow.context import Context, sentence_rows
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.verify import check_sentence

ROOT = Path(__file__).resolve().parents[1]


def supported_share(assistant: Assistant, texts: list[str], settings: Settings) -> float:
    passed = 0
    for text, vector in zip(texts, assistant.embedder.encode(texts), strict=True):
        scored = assistant.retriever.search(text, vector)
        ctx = Context(text, text, "patient", vector, scored, sentence_rows(assistant.collections[1], scored))
        if not ctx.sentences:
            continue
        best = max(ctx.sentences, key=lambda r: float(np.dot(r.vector, vector)))
        passed += check_sentence(f"{text.rstrip('.')} [{best.passage}].", vector, ctx, settings).ok
    return passed / len(texts) if texts else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="tune", choices=("tune", "test"))
    args = parser.parse_args(argv)
    settings = Settings().resolve(ROOT)
    assistant = Assistant(settings)
    items = yaml.safe_load((ROOT / f"evals/guard/{args.split}.yaml").read_text())["items"]
    result = {"split": args.split}
    for label in ("evidence", "asserts"):
        texts = [i["text"] for i in items if i["label"] == label]
        result[f"{label}_supported"] = round(supported_share(assistant, texts, settings), 3)
        result[f"{label}_n"] = len(texts)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
