"""How well asks are matched to reviewed answers (assistant/flow/reviewed.py).

    python -m evals.matching_eval [--thresholds 0.3,0.4,0.5,0.6,0.7]

Two measurements:
- leave-one-out on the reviewed answers' own questions (what the confidence model is fitted on);
- the held-out paraphrases of evals/cases/answer_paraphrases.yaml (new wordings written apart from
  the answers, and questions no reviewed answer covers), never used to fit.
Precision: of the asks given a reviewed answer, the share given the right one (a question no
answer covers counts as wrong when it gets one). Recall: of the paraphrases that have an answer,
the share given it. Each writer's block of the file (`# answers-a`, ...) is also reported alone:
a block written before any result on it is the cleanest measure. The matcher's own uncovered asks
(sources/answers/not-covered.yaml) share no topic with the file's `answer: null` lines.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PARAPHRASES = ROOT / "evals" / "cases" / "answer_paraphrases.yaml"


def blocks(path: Path = PARAPHRASES) -> list[str]:
    """The writer's block (`# answers-a`, ...) of each item, in file order."""
    out, block = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# answers-"):
            block = line[2:].split()[0]
        elif line.lstrip().startswith("- {"):
            out.append(block)
    return out


def as_read(text: str) -> str:
    """What the pipeline matches for a message of one ask: the ask as read (its question, with
    the statement before it when it only points back), not the whole message; a message read as
    several asks is matched whole."""
    from assistant.flow.asks import read_asks

    asks = read_asks(text)
    return asks[0].query if len(asks) == 1 else text


def held_out(assistant, items: list[dict]) -> list[tuple[str | None, str, float]]:
    """(expected answer id or None, matched id, confidence) per paraphrase."""
    texts = [as_read(i["text"]) for i in items]
    vectors = assistant.embedder.encode(texts)
    out = []
    for item, text, vector in zip(items, texts, vectors, strict=True):
        best = assistant.reviewed.best(text, vector)
        out.append((item.get("answer"), best.answer.id if best else "", best.confidence if best else 0.0))
    return out


def rates(rows: list[tuple[str | None, str, float]], threshold: float) -> dict:
    shown = [(want, got) for want, got, p in rows if p >= threshold]
    answerable = [r for r in rows if r[0]]
    right = sum(1 for want, got in shown if want == got)
    return {
        "threshold": threshold,
        "precision": round(right / len(shown), 3) if shown else None,
        "recall": round(sum(1 for w, g, p in answerable if p >= threshold and w == g) / len(answerable), 3),
        "uncovered_matched": f"{sum(1 for w, _, p in rows if w is None and p >= threshold)}/"
        f"{sum(1 for w, _, _ in rows if w is None)}",
    }


def main(argv: list[str] | None = None) -> int:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7")
    args = parser.parse_args(argv)
    assistant = Assistant(Settings().resolve(ROOT))
    reviewed = assistant.reviewed
    X, y = reviewed._loo()
    p = reviewed.model.predict_proba(X)[:, 1]
    items = yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))["items"]
    rows = held_out(assistant, items)
    print(f"{len(reviewed.answers)} reviewed answers, {len(y)} questions; setting: {reviewed.threshold}")
    answerable = [(want, got) for want, got, _ in rows if want]
    # The best answer is right this often at any threshold: the ceiling on held-out recall.
    print(
        f"best answer right: leave-one-out {y.mean():.3f}, held-out "
        f"{sum(w == g for w, g in answerable) / len(answerable):.3f}"
    )
    names = blocks()
    if len(names) != len(rows):
        names = [""] * len(rows)
    for t in (float(x) for x in args.thresholds.split(",")):
        loo = p >= t
        print(
            f"t={t:.2f}  leave-one-out precision {y[loo].mean() if loo.any() else float('nan'):.3f} "
            f"coverage {loo.mean():.3f}  |  held-out {rates(rows, t)}"
        )
        for name in sorted(set(names) - {""}):
            part = [r for r, b in zip(rows, names, strict=True) if b == name]
            print(f"          {name}: {rates(part, t)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
