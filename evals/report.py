"""Write a run's results: results.json, report.md and report.html (plots embedded as PNG)."""

from __future__ import annotations

import base64
import html
import io
import json
from collections import defaultdict
from pathlib import Path

from . import metrics as M

WORST = 10  # worst cases listed with their answers


def fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def threshold(gate: dict) -> str:
    return f"≥ {fmt(gate['min'])}" if gate.get("min") is not None else f"≤ {fmt(gate.get('max'))}"


def worst_cases(cases: list[dict], n: int = WORST) -> list[dict]:
    """Claim repeats first (the one failure that must never ship), then by lowest score."""
    failing = [c for c in cases if c["failures"]]
    return sorted(failing, key=lambda c: (not c["metrics"].get("repeat"), c["score"], c["id"]))[:n]


def per_topic(cases: list[dict]) -> list[dict]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for c in cases:
        groups[c["topic"]].append(c)
    return [
        {
            "topic": t,
            "cases": len(cs),
            "score": sum(c["score"] for c in cs) / len(cs),
            "passed": sum(not c["failures"] for c in cs),
            "repeats": sum(bool(c["metrics"].get("repeat")) for c in cs),
        }
        for t, cs in sorted(groups.items())
    ]


def halves_table(halves: dict | None) -> list[str]:
    """The development set's fit and held-out halves side by side (evals.answering.dev_half)."""
    if not halves:
        return []
    keys = list(next(iter(halves.values())))
    lines = ["", "## Development-set halves (fit: odd ids; held out: even ids)", ""]
    lines += ["| half | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    return lines + [f"| {h} | " + " | ".join(fmt(f[k]) for k in keys) + " |" for h, f in halves.items()]


def card_flags(cases: list[dict]) -> list[tuple[str, str]]:
    """Registry correction sentences (claim-card bodies) that the guard reads as ASSERTING a
    claim: either the guard misreads them or the correction is worded too close to the claim."""
    found = {
        (g["claim"], g["sentence"])
        for c in cases
        for g in c.get("guard", [])
        if g.get("card") and g["stance"] == "asserts"
    }
    return sorted(found)


def model_counts(result: dict) -> dict[str, int]:
    """For an LLM backend (ollama:<m>, openai:<m>): its sentences shown and dropped, fallbacks."""
    if ":" not in result["backend"]:
        return {}
    cases = [
        M.ModelCase(
            retrieved="retrieve" in c.get("timings_ms", {}),
            backend=c.get("backend", ""),
            warnings=tuple(c.get("warnings", ())),
            shown=sum(not s["card"] for s in c.get("sentences", ())),
        )
        for c in result["cases"]
    ]
    return M.model_sentences(cases, result["backend"])


def write_all(result: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    result["metrics"].update(model_counts(result))  # in results.json and both reports
    (out / "results.json").write_text(
        json.dumps(result, indent=1, ensure_ascii=False, default=str), encoding="utf-8"
    )
    (out / "report.md").write_text(markdown(result), encoding="utf-8")
    (out / "report.html").write_text(html_report(result), encoding="utf-8")


# -- Markdown -------------------------------------------------------------------------------------
def markdown(result: dict) -> str:
    m = result["metrics"]
    lines = [
        f"# Eval report: {result['backend']} backend, {result['suite']} suite",
        "",
        f"{m['cases']} cases, run {result['started']}, {m['run_wall_s']} s wall "
        f"(model load {m['load_s']} s). Verdict: **{'PASS' if result['passed'] else 'FAIL'}**.",
        "",
        "## Gates",
        "",
        "| metric | value | gate | goal | status | failing cases |",
        "|---|---|---|---|---|---|",
    ]
    for g in result["gates"]:
        names = ", ".join(g["failing_cases"][:8]) + (" …" if len(g["failing_cases"]) > 8 else "")
        lines.append(
            f"| {g['metric']} | {fmt(g['value'])} | {threshold(g)} | {fmt(g['goal'])} | "
            f"{g['status']} | {names} |"
        )
    lines += ["", "## All metrics", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {fmt(v)} |" for k, v in m.items()]
    lines += halves_table(result.get("halves"))
    lines += [
        "",
        "## Per topic",
        "",
        "| topic | cases | mean score | passed | claim repeats |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {t['topic']} | {t['cases']} | {t['score']:.2f} | {t['passed']} | {t['repeats']} |"
        for t in per_topic(result["cases"])
    ]
    lines += ["", f"## Worst cases (up to {WORST})", ""]
    for c in worst_cases(result["cases"]):
        lines += [
            f"### {c['id']} (score {c['score']:.2f}; {c['topic']}, {c['kind']}, {c['mode']})",
            "",
        ]
        lines += [f"- turn: {t}" for t in c["turns"]]
        lines += [f"- **failed**: {f}" for f in c["failures"]]
        lines += ["", *[f"> {line}" if line else ">" for line in c["answer"].splitlines()], ""]
        if c.get("warnings"):
            lines += [f"- note: {w}" for w in c["warnings"]] + [""]
    flags = card_flags(result["cases"])
    if flags:
        lines += ["## Claim-card corrections the guard reads as assertions", ""]
        lines += [f"- `{cid}`: {sentence}" for cid, sentence in flags] + [""]
    if result.get("notes"):
        lines += ["## Notes", "", *[f"- {n}" for n in result["notes"]], ""]
    return "\n".join(lines) + "\n"


# -- plots ---------------------------------------------------------------------------------------
def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plots(result: dict) -> dict[str, str]:
    """Per-topic scores and the latency distribution, as base64 PNGs."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and in CI
    import matplotlib.pyplot as plt

    out = {}
    topics = per_topic(result["cases"])
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(topics) + 1.2))
    ax.barh([t["topic"] for t in topics], [t["score"] for t in topics], color="#4a7ab5")
    ax.set_xlim(0, 1)
    ax.set_xlabel("mean case score (0-1)")
    ax.invert_yaxis()
    ax.set_title("Per-topic scores")
    out["topics"] = _png(fig)
    plt.close(fig)

    latency = [
        c["metrics"]["latency_ms"] for c in result["cases"] if c["metrics"].get("latency_ms") is not None
    ]
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.hist(latency or [0], bins=30, color="#6a9a5b")
    for key, style in (("latency_p50_ms", "--"), ("latency_p95_ms", ":")):
        if result["metrics"].get(key) is not None:
            ax.axvline(result["metrics"][key], color="k", linestyle=style, label=key)
    ax.set_xlabel("answer latency, timings_ms.total (ms)")
    ax.set_ylabel("cases")
    ax.legend()
    ax.set_title("Latency distribution")
    out["latency"] = _png(fig)
    plt.close(fig)
    return out


# -- HTML ----------------------------------------------------------------------------------------
CSS = """body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}
table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
.FAIL{background:#fbe3e3;font-weight:bold}.pass{background:#e6f4e4}blockquote{white-space:pre-wrap;
border-left:4px solid #ccc;margin:.5em 0;padding:.3em 1em;color:#333}.case{margin-bottom:2em}"""


def case_html(c: dict) -> str:
    e = html.escape
    parts = [
        f"<div class='case'><h3>{e(c['id'])} (score {c['score']:.2f}; {e(c['topic'])}, "
        f"{e(c['kind'])}, {e(c['mode'])})</h3><ul>"
    ]
    parts += [f"<li>turn: {e(t)}</li>" for t in c["turns"]]
    parts += [f"<li class='FAIL'>failed: {e(f)}</li>" for f in c["failures"]]
    parts += [f"<li>note: {e(w)}</li>" for w in c.get("warnings") or []]
    parts.append(f"</ul><blockquote>{e(c['answer'])}</blockquote></div>")
    return "\n".join(parts)


def html_report(result: dict) -> str:
    e = html.escape
    m = result["metrics"]
    verdict = "PASS" if result["passed"] else "FAIL"
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Eval report</title>"
        f"<style>{CSS}</style>"
        "</head><body>",
        f"<h1>Eval report: {e(result['backend'])} backend, {e(result['suite'])} suite</h1>",
        f"<p>{m['cases']} cases, run {e(result['started'])}, {m['run_wall_s']} s wall "
        f"(model load {m['load_s']} s). Verdict: <span class='{verdict.replace('PASS', 'pass')}'>"
        f"{verdict}</span></p>",
        "<h2>Gates</h2><table><tr><th>metric</th><th>value</th><th>gate</th><th>goal</th><th>status</th>"
        "<th>failing cases</th></tr>",
    ]
    for g in result["gates"]:
        parts.append(
            f"<tr class='{e(g['status'])}'><td>{e(g['metric'])}</td><td>{fmt(g['value'])}</td>"
            f"<td>{e(threshold(g))}</td><td>{fmt(g['goal'])}</td><td>{e(g['status'])}</td>"
            f"<td>{e(', '.join(g['failing_cases']))}</td></tr>"
        )
    parts.append("</table>")
    images = plots(result)
    parts += [
        "<h2>Per-topic scores</h2>"
        f"<img alt='per-topic scores' src='data:image/png;base64,{images['topics']}'>",
        f"<h2>Latency</h2><img alt='latency' src='data:image/png;base64,{images['latency']}'>",
    ]
    parts.append("<h2>All metrics</h2><table>")
    parts += [f"<tr><td>{e(k)}</td><td>{fmt(v)}</td></tr>" for k, v in m.items()]
    parts.append(f"</table><h2>Worst cases (up to {WORST})</h2>")
    parts += [case_html(c) for c in worst_cases(result["cases"])]
    flags = card_flags(result["cases"])
    if flags:
        parts += [
            "<h2>Claim-card corrections the guard reads as assertions</h2><ul>",
            *[f"<li><code>{e(cid)}</code>: {e(sentence)}</li>" for cid, sentence in flags],
            "</ul>",
        ]
    if result.get("notes"):
        parts += ["<h2>Notes</h2><ul>", *[f"<li>{e(n)}</li>" for n in result["notes"]], "</ul>"]
    parts.append("</body></html>")
    return "\n".join(parts)
