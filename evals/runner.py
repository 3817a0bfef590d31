"""Run the eval cases through one Assistant, score every answer, sum up, and check the gates.

One Assistant serves every case (the embedding model loads once). For each case the earlier turns
are asked first and passed as history; the expectations apply to the last turn's answer. The
claim guard reads every shown answer; the metrics themselves are pure functions in metrics.py.
"""

from __future__ import annotations

import glob
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.draft import draft_reply
from assistant.flow.notices import REMINDER, card_lead, fixed_paragraphs
from assistant.library import Library
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.text import split_sentences, strip_citations
from assistant.vocab import BlockKind

from . import answering as A
from . import metrics as M
from .parrot import ParrotChatModel

EVALS = Path(__file__).resolve().parent
REPO = EVALS.parent
CASES_GLOB = str(EVALS / "cases" / "*.yaml")
KINDS = ("question", "claim-probe", "multi-turn", "abstain", "injection", "staff")
MODES = ("patient", "staff")


class CaseError(ValueError):
    """A case file that cannot be run; the message names the file and the case."""


@dataclass
class Case:
    id: str
    topic: str
    kind: str
    mode: str
    suite: str
    turns: list[str]
    expect: dict
    file: str = ""
    extra: dict = field(default_factory=dict)


# -- cases --------------------------------------------------------------------------------------
def _case(raw: dict, file: str) -> Case:
    where = f"{file}: case {raw.get('id', '?')}"
    problems = [f"missing '{k}'" for k in ("id", "turns") if not raw.get(k)]
    if raw.get("kind", "question") not in KINDS:
        problems.append(f"kind '{raw.get('kind')}' is not one of {', '.join(KINDS)}")
    if raw.get("mode", "patient") not in MODES:
        problems.append(f"mode '{raw.get('mode')}' is not patient or staff")
    turns = raw.get("turns")
    if turns and (not isinstance(turns, list) or not all(isinstance(t, str) and t.strip() for t in turns)):
        problems.append("turns must be a list of non-empty strings")
    if problems:
        raise CaseError(f"{where}: " + "; ".join(problems))
    known = {"id", "topic", "kind", "mode", "suite", "turns", "expect"}
    return Case(
        id=str(raw["id"]),
        topic=str(raw.get("topic", "other")),
        kind=raw.get("kind", "question"),
        mode=raw.get("mode", "patient"),
        suite=raw.get("suite", "full"),
        turns=list(raw["turns"]),
        expect=dict(raw.get("expect") or {}),
        file=file,
        extra={k: v for k, v in raw.items() if k not in known},
    )


def load_dev_cases(shared: Path) -> tuple[list[Case] | None, list[str]]:
    """The development set (questions from ../shared, rubric from evals/dev_rubric.yaml)."""
    raw = A.load_dev_set(shared)
    if raw is None:
        return None, []
    return [Case(**{**r, "file": r.get("file", "dev_rubric.yaml")}) for r in raw], []


def load_cases(pattern: str = CASES_GLOB, suite: str = "quick") -> tuple[list[Case], list[str]]:
    """Cases of the suite ('full' runs every case), and notes on what was skipped."""
    cases, notes, seen = [], [], {}
    for path in sorted(glob.glob(pattern)):
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for raw in data.get("cases") or []:
            case = _case(raw, Path(path).name)
            if case.id in seen:
                raise CaseError(f"{path}: case id '{case.id}' is also used in {seen[case.id]}")
            seen[case.id] = path
            # Drafts made from feedback wait for a maintainer's review before they count.
            if raw.get("review"):
                notes.append(f"skipped draft awaiting review: {case.id}")
            elif suite == "full" or case.suite == suite:
                cases.append(case)
    if not cases:
        notes.append(f"no cases matched {pattern} for suite {suite}")
    return cases, notes


# -- the assistant --------------------------------------------------------------------------------
def settings_for(sources_dir: Path | None = None, index_dir: Path | None = None) -> Settings:
    overrides = {k: v for k, v in (("sources_dir", sources_dir), ("index_dir", index_dir)) if v}
    root = Path.cwd() if (Path.cwd() / "sources").is_dir() else REPO
    return Settings(**overrides).resolve(root)


def make_assistant(backend: str, settings: Settings) -> tuple[Assistant, ParrotChatModel | None]:
    parrot = ParrotChatModel() if backend == "parrot" else None
    settings = settings.model_copy(update={"backend": "extractive" if parrot else backend})
    assistant = Assistant(settings, chat_model=parrot)
    assistant.library = Library.load(assistant.settings)  # for staff drafts' references
    return assistant, parrot


def boilerplate(assistant: Assistant) -> list[str]:
    """Fixed paragraphs the flow adds to answers: not claims, not cited statements."""
    return fixed_paragraphs()


# Blocks that state a cited fact; the rest are fixed texts, headings, and what the library does not
# cover or what to ask next (statements about the library and the person's next step, never cited).
CITED = (BlockKind.CARD, BlockKind.ANSWER, BlockKind.CONTEXT)
SAID = (*CITED, BlockKind.NOT_COVERED, BlockKind.NEXT_STEP)


def stated_text(answer, kinds=CITED) -> str:
    """The answer's statements, each claim card without its lead (the lead quotes the claim on
    purpose, so it is neither a repeat of the claim nor a cited statement)."""
    claims = {c.id: c for c in answer.claims}
    parts = []
    for block in answer.blocks:
        if block.kind not in kinds:
            continue
        claim = claims.get(block.claim) if block.kind == BlockKind.CARD else None
        parts.append(block.text.removeprefix(card_lead(claim.claim, claim.verdict)) if claim else block.text)
    return "\n\n".join(p.strip() for p in parts)


# -- one case -------------------------------------------------------------------------------------
def ask_case(assistant: Assistant, case: Case, parrot: ParrotChatModel | None) -> dict:
    history: list[tuple[str, str]] = []
    for turn in case.turns[:-1]:
        history.append((turn, assistant.ask(turn, history, case.mode).answer))
    if parrot is not None:
        parrot.emitted.clear()  # only the claims said in the scored (last) turn
    started = time.perf_counter()
    answer = assistant.ask(case.turns[-1], history, case.mode)
    wall_ms = (time.perf_counter() - started) * 1000
    focus = [src for c in answer.claims if c.matched_in == "question" for src in c.source_ids]
    retrieved = [s.passage.source_id for s in assistant.retrieve(answer.query, focus)] if answer.query else []
    return {
        "answer": answer,
        "draft": draft_reply(answer, assistant.library) if case.mode == "staff" else "",
        "wall_ms": round(wall_ms, 1),
        "retrieved": retrieved,
        "parrot_emitted": list(parrot.emitted) if parrot is not None else None,
    }


def guard_answer(assistant: Assistant, text: str) -> list[dict]:
    """Guard results for each sentence of the text that matched a registry claim."""
    guard = assistant.guard
    sentences = split_sentences(text)
    if not sentences:
        return []
    # The pipeline guards sentences without their [n] markers; so does the eval.
    vectors = guard.embedder.encode([strip_citations(s) for s in sentences])
    out = []
    for sentence, vector in zip(sentences, vectors, strict=True):
        found = guard.check(sentence, vector)
        if found.claim:
            out.append(
                {
                    "sentence": sentence,
                    "claim": found.claim.id,
                    "stance": found.stance,
                    "score": round(found.score, 3),
                }
            )
    return out


def card_sentences(answer) -> set[str]:
    """The correction sentences of the answer's claim cards (citations and end marks dropped)."""
    return {plain_sentence(s) for c in answer.claims for s in split_sentences(c.correction)}


def plain_sentence(sentence: str) -> str:
    return strip_citations(sentence).rstrip(".!? ").lower()


def score_case(case: Case, got: dict, assistant: Assistant) -> dict:
    """Every per-case metric and the list of failed expectations."""
    answer, bp = got["answer"], boilerplate(assistant)
    guard, m = claim_metrics(assistant, answer, bp, case.expect.get("claims_not_asserted", "all"))
    quotes = {c.n: c.quote for c in answer.citations}
    checks = [M.check_sentence(s, quotes) for s in M.answer_sentences(stated_text(answer), bp)]
    m |= {
        "citation_validity": M.citation_validity(checks),
        "citation_recall": M.citation_recall(checks),
        "citation_precision": M.citation_precision(checks),
    }
    m |= expectation_metrics(case, answer, got["retrieved"])
    m |= answering_metrics(case, got, bp)
    m["latency_ms"], m["wall_ms"] = answer.timings_ms.get("total"), got["wall_ms"]
    if got["parrot_emitted"] is not None:
        shown = {plain_sentence(s) for s in split_sentences(answer.answer)}
        m["parrot_emitted"] = len(got["parrot_emitted"])
        m["parrot_shown"] = [c for c in got["parrot_emitted"] if plain_sentence(c) in shown]
        m["parrot_asserted"] = sum(1 for g in guard if g["stance"] == "asserts")
    cards = card_sentences(answer)
    sentences = [
        {"sentence": c.sentence, "cited": list(c.cited), "supported": c.supported,
         "precise": list(c.precise), "card": plain_sentence(c.sentence) in cards}
        for c in checks
    ]  # fmt: skip
    return case_record(case, answer, got["retrieved"], guard, sentences, m)


def answering_metrics(case: Case, got: dict, bp: list[str]) -> dict:
    """Asks answered, honesty about what is not covered, staff behaviours, follow-up reading."""
    expect, data = case.expect, got["answer"].to_dict() | {"draft": got.get("draft", "")}
    m: dict = {"asks_met": A.ask_results(data, expect["asks"], bp) if expect.get("asks") else None}
    m["not_covered_pair"] = (bool(expect.get("not_covered")), A.not_covered_ok(data, expect, bp))
    staff_keys = ("ack", "safety", "forbidden", "max_words", "unique_references")
    m["staff"] = A.staff_behaviours_met(data, expect) if any(k in expect for k in staff_keys) else None
    if expect.get("standalone") is not None and len(case.turns) > 1:
        query = got["answer"].query.lower()
        glued = any(t.lower()[:40] in query for t in case.turns[:-1])
        m["followup_ok"] = not glued if expect["standalone"] else True
        m["glued"] = glued
    return m


def claim_metrics(assistant: Assistant, answer, bp: list[str], not_asserted) -> tuple[list, dict]:
    """The guard's reading of the shown answer (card leads and boilerplate left out)."""
    cards = card_sentences(answer)
    guard = guard_answer(assistant, " ".join(M.answer_sentences(stated_text(answer, SAID), bp)))
    for g in guard:
        g["card"] = plain_sentence(g["sentence"]) in cards  # registry text, not composed
    asserted = M.asserted_ids((g["claim"], g["stance"]) for g in guard)
    composed = M.asserted_ids((g["claim"], g["stance"]) for g in guard if not g["card"])
    return guard, {
        "repeat": M.repeats_claim(asserted, not_asserted),
        "asserted": asserted,
        "repeat_outside_cards": M.repeats_claim(composed, not_asserted),
    }


def expectation_metrics(case: Case, answer, retrieved: list[str]) -> dict:
    """Sources, facts, claim cards, abstention and readability against the case's expectations."""
    expect = case.expect
    cited = [c.source_id for c in answer.citations]
    expected = list(expect.get("sources_any") or [])
    facts, missed = M.fact_recall(answer.answer, list(expect.get("facts") or []))
    claims_q = list(expect.get("claims_in_question") or [])
    cards = [(c.id, c.matched_in) for c in answer.claims]
    patient = case.mode == "patient" and not answer.abstained
    m = {
        "source_hit_cited": M.source_hit(cited, expected) if expected else None,
        "source_hit_retrieved": M.source_hit(retrieved, expected) if expected else None,
        "reciprocal_rank": M.reciprocal_rank(cited, expected) if expected else None,
        "fact_recall": facts,
        "missed_facts": missed,
        "card_hit": M.card_hit(claims_q, cards) if claims_q else None,
        "question_cards": [cid for cid, where in cards if where == "question"],
        "fk_grade": M.fk_grade(answer.answer, [REMINDER]) if patient else None,
    }
    if "abstain" in expect:
        m["abstain_ok"] = bool(expect["abstain"]) == answer.abstained
    return m


def case_fields(case: Case) -> dict:
    """What every result row says about its case, answered or failed."""
    return {
        "id": case.id,
        "topic": case.topic,
        "kind": case.kind,
        "mode": case.mode,
        "suite": case.suite,
        "file": case.file,
        "turns": case.turns,
        "expect": case.expect,
    }


def case_record(case: Case, answer, retrieved, guard, sentences, m) -> dict:
    return {
        **case_fields(case),
        "answer": answer.answer,
        "abstained": answer.abstained,
        "backend": answer.backend,
        "query": answer.query,
        "citations": [{"n": c.n, "source_id": c.source_id, "quote": c.quote} for c in answer.citations],
        "claims": [
            {"id": c.id, "matched_in": c.matched_in, "score": round(c.score, 3)} for c in answer.claims
        ],
        "warnings": answer.warnings,
        "timings_ms": answer.timings_ms,
        "retrieved": retrieved,
        "guard": guard,
        "sentences": sentences,
        "metrics": m,
        "failures": _failures(case, answer, m, sentences),
        "score": case_score(m),
    }


def _failures(case: Case, answer, m: dict, sentences: list[dict]) -> list[str]:
    out = []
    if m["repeat"]:
        out.append(f"asserts clinic claim(s): {', '.join(m['asserted'])}")
    if m.get("abstain_ok") is False:
        wrong = "abstained but should answer" if answer.abstained else "answered but should abstain"
        out.append(wrong)
    if m["source_hit_cited"] is False:
        out.append(f"cites none of: {', '.join(case.expect.get('sources_any') or [])}")
    if m["missed_facts"]:
        out.append("missing facts: " + ", ".join(m["missed_facts"]))
    if m["card_hit"] is False:
        missing = set(case.expect.get("claims_in_question") or []) - set(m["question_cards"])
        out.append("no claim card for: " + ", ".join(sorted(missing)))
    bad = [s for s in sentences if s["cited"] and not s["supported"]]
    if bad:
        out.append(f"{len(bad)} cited sentence(s) not supported by their quote")
    if m.get("parrot_shown"):
        out.append(f"shows {len(m['parrot_shown'])} parrot claim sentence(s)")
    if m.get("asks_met") and not all(m["asks_met"]):
        out.append(
            "asks not answered: " + ", ".join(str(i + 1) for i, ok in enumerate(m["asks_met"]) if not ok)
        )
    if m.get("not_covered_pair", (None, None))[1] is False:
        out.append("not honest about what the library does not cover")
    if m.get("staff") and m["staff"]["failed"]:
        out.append("staff draft: " + "; ".join(m["staff"]["failed"]))
    if m.get("glued"):
        out.append("the searched query joins earlier questions")
    return out


def case_score(m: dict) -> float:
    """0..1: the mean of the case's applicable checks (the worst cases are listed first)."""
    parts = [0.0 if m["repeat"] else 1.0]
    for key in ("citation_validity", "fact_recall", "reciprocal_rank"):
        if m.get(key) is not None:
            parts.append(m[key])
    for key in ("abstain_ok", "source_hit_cited", "card_hit"):
        if m.get(key) is not None:
            parts.append(1.0 if m[key] else 0.0)
    if m.get("asks_met"):
        parts.append(sum(m["asks_met"]) / len(m["asks_met"]))
    if m.get("not_covered_pair", (None, None))[1] is not None:
        parts.append(1.0 if m["not_covered_pair"][1] else 0.0)
    return round(sum(parts) / len(parts), 4)


def error_record(case: Case, exc: Exception) -> dict:
    return {
        **case_fields(case),
        "answer": "",
        "error": f"{exc.__class__.__name__}: {exc}",
        "metrics": {},
        "score": 0.0,
        "failures": [f"error: {exc.__class__.__name__}: {exc}"],
    }


# -- the run ------------------------------------------------------------------------------------
def run(cases: list[Case], backend: str, settings: Settings, progress: bool = True) -> dict:
    started = time.perf_counter()
    assistant, parrot = make_assistant(backend, settings)
    t = time.perf_counter()
    assistant.ask("What are the risks of HSCT for MS?")  # warm-up: loading is not answer latency
    load_s = time.perf_counter() - t
    records = []
    for i, case in enumerate(cases, start=1):
        try:
            records.append(score_case(case, ask_case(assistant, case, parrot), assistant))
        except Exception as exc:  # one broken case is reported, it must not hide the others
            records.append(error_record(case, exc))
        if progress:
            r = records[-1]
            print(f"[{i}/{len(cases)}] {r['score']:.2f} {case.id}", flush=True)
    summary = summarize(records)
    summary["run_wall_s"] = round(time.perf_counter() - started, 1)
    summary["load_s"] = round(load_s, 1)
    used = sorted({r["backend"] for r in records if r.get("backend")})
    return {"backend": backend, "answer_backends": used, "metrics": summary, "cases": records}


def summarize(records: list[dict]) -> dict:
    ok = [r for r in records if "error" not in r]
    ms = [r["metrics"] for r in ok]
    out = {
        "cases": len(records),
        "errors": len(records) - len(ok),
        "claim_repeat_rate": M.rate([m["repeat"] for m in ms]),
        "claim_repeat_rate_outside_cards": M.rate([m["repeat_outside_cards"] for m in ms]),
        **citation_summary(ok),
        **retrieval_summary(ok, ms),
        **timing_summary(ms),
        "case_pass_rate": M.rate([not r["failures"] for r in records]),
        **answering_summary(ms),
    }
    if any("parrot_emitted" in m for m in ms):
        out["parrot_claims_emitted"] = sum(m.get("parrot_emitted", 0) for m in ms)
        out["parrot_claims_shown"] = sum(len(m.get("parrot_shown", [])) for m in ms)
        out["parrot_asserted_claims"] = sum(m.get("parrot_asserted", 0) for m in ms)
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}


def citation_summary(ok: list[dict]) -> dict:
    rows = [s for r in ok for s in r["sentences"]]
    checks = [
        M.SentenceCheck(s["sentence"], tuple(s["cited"]), s["supported"], tuple(s["precise"])) for s in rows
    ]
    cards = [c for c, s in zip(checks, rows, strict=True) if s["card"]]
    composed = [c for c, s in zip(checks, rows, strict=True) if not s["card"]]
    return {
        "citation_validity": M.citation_validity(checks),
        "citation_validity_cards": M.citation_validity(cards),
        "citation_validity_composed": M.citation_validity(composed),
        "citation_recall": M.citation_recall(checks),
        "citation_precision": M.citation_precision(checks),
    }


def retrieval_summary(ok: list[dict], ms: list[dict]) -> dict:
    plain = [r["kind"] == "question" and not r["expect"].get("claims_in_question") for r in ok]
    return {
        "source_recall_cited": M.rate(
            [m["source_hit_cited"] for m in ms if m["source_hit_cited"] is not None]
        ),
        "source_recall_at_k": M.rate(
            [m["source_hit_retrieved"] for m in ms if m["source_hit_retrieved"] is not None]
        ),
        "mrr": M.mean(m["reciprocal_rank"] for m in ms),
        "key_fact_recall": M.mean(m["fact_recall"] for m in ms),
        **M.abstention_scores(
            [(r["expect"]["abstain"], r["abstained"]) for r in ok if "abstain" in r["expect"]]
        ),
        "claim_card_recall": M.rate([m["card_hit"] for m in ms if m["card_hit"] is not None]),
        "spurious_card_rate": M.rate(
            [bool(m["question_cards"]) for m, p in zip(ms, plain, strict=True) if p]
        ),
    }


def timing_summary(ms: list[dict]) -> dict:
    patient = [m["fk_grade"] for m in ms if m["fk_grade"] is not None]
    latency = [m["latency_ms"] for m in ms if m["latency_ms"] is not None]
    wall = [m["wall_ms"] for m in ms]
    return {
        "readability_fk_grade": M.mean(patient),
        "readability_fk_p90": M.percentile(patient, 90),
        "readability_share_le_9": M.rate([g <= 9 for g in patient]),
        "latency_p50_ms": M.percentile(latency, 50),
        "latency_p95_ms": M.percentile(latency, 95),
        "wall_p50_ms": M.percentile(wall, 50),
        "wall_p95_ms": M.percentile(wall, 95),
    }


def answering_summary(ms: list[dict]) -> dict:
    asks = [m["asks_met"] for m in ms if m.get("asks_met")]
    staff = [m["staff"] for m in ms if m.get("staff")]
    follow = [m["followup_ok"] for m in ms if "followup_ok" in m]
    return {
        "asks_answered": A.asks_answered(asks),
        "ask_recall": A.ask_recall(asks),
        **A.not_covered_rates([m["not_covered_pair"] for m in ms if "not_covered_pair" in m]),
        "staff_behaviours_met": M.mean(s["share"] for s in staff if s["share"] is not None),
        "staff_forbidden_hits": sum(s["forbidden_hits"] for s in staff) if staff else None,
        "staff_duplicate_references": sum(s["duplicate_references"] for s in staff) if staff else None,
        "followups_read_right": M.rate(follow),
        "queries_glued": sum(1 for m in ms if m.get("glued")),
    }


def dev_halves(records: list[dict]) -> dict[str, dict]:
    """Answering figures of the development set's fit and held-out halves (`A.dev_half`)."""
    halves: dict[str, list[dict]] = {"fit": [], "held-out": []}
    for r in records:
        if "error" not in r:
            halves[A.dev_half(r["id"])].append(r["metrics"])
    keep = ("asks_answered", "ask_recall", "not_covered_honesty")
    return {
        half: {"cases": len(ms), **{k: v for k, v in answering_summary(ms).items() if k in keep}}
        for half, ms in halves.items()
    }


# -- gates ----------------------------------------------------------------------------------------
# Which cases to name when a gate on a metric fails.
CASE_FAILS = {
    "errors": lambda r, g: "error" in r,
    "claim_repeat_rate": lambda r, g: r["metrics"].get("repeat"),
    "claim_repeat_rate_outside_cards": lambda r, g: r["metrics"].get("repeat_outside_cards"),
    "citation_validity": lambda r, g: any(s["cited"] and not s["supported"] for s in r.get("sentences", [])),
    "citation_recall": lambda r, g: any(not s["supported"] for s in r.get("sentences", [])),
    "citation_precision": lambda r, g: any(not p for s in r.get("sentences", []) for p in s["precise"]),
    "source_recall_cited": lambda r, g: r["metrics"].get("source_hit_cited") is False,
    "source_recall_at_k": lambda r, g: r["metrics"].get("source_hit_retrieved") is False,
    "mrr": lambda r, g: r["metrics"].get("reciprocal_rank") == 0.0,
    "key_fact_recall": lambda r, g: bool(r["metrics"].get("missed_facts")),
    "abstention_precision": lambda r, g: r.get("abstained") and not r["expect"].get("abstain", True),
    "abstention_recall": lambda r, g: r["expect"].get("abstain") and r.get("abstained") is False,
    "false_refusal_rate": lambda r, g: r.get("abstained") and r["expect"].get("abstain") is False,
    "claim_card_recall": lambda r, g: r["metrics"].get("card_hit") is False,
    "spurious_card_rate": lambda r, g: (
        r["kind"] == "question"
        and not r["expect"].get("claims_in_question")
        and bool(r["metrics"].get("question_cards"))
    ),
    "readability_fk_grade": lambda r, g: (
        (r["metrics"].get("fk_grade") or 0) > g.get("goal", g.get("max", 99))
    ),
    "latency_p95_ms": lambda r, g: (r["metrics"].get("latency_ms") or 0) > g.get("max", float("inf")),
    "parrot_claims_shown": lambda r, g: bool(r["metrics"].get("parrot_shown")),
    "parrot_asserted_claims": lambda r, g: bool(r["metrics"].get("parrot_asserted")),
}


def load_gates(path: Path, backend: str, suite: str) -> dict[str, dict]:
    """Thresholds for this run: common, then the backend kind's, then the suite's, then both."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    kind = backend_kind(backend)
    gates: dict[str, dict] = {}
    for section in (
        data.get("common"),
        (data.get("backends") or {}).get(kind),
        (data.get("suites") or {}).get(suite),
        (data.get("runs") or {}).get(f"{kind}-{suite}"),
    ):
        for name, spec in (section or {}).items():
            gates[name] = {**gates.get(name, {}), **(spec or {})}
    return {k: v for k, v in gates.items() if not v.get("off")}


def backend_kind(backend: str) -> str:
    """extractive | parrot | llm (any ollama:/openai: model shares the LLM thresholds)."""
    return backend if backend in ("extractive", "parrot") else "llm"


def check_gates(result: dict, gates: dict[str, dict]) -> list[dict]:
    out = []
    for name, spec in gates.items():
        value = result["metrics"].get(name)
        status = "n/a" if value is None else "pass"
        if value is not None and (
            ("min" in spec and value < spec["min"]) or ("max" in spec and value > spec["max"])
        ):
            status = "FAIL"
        failing = []
        if status == "FAIL" and name in CASE_FAILS:
            failing = [r["id"] for r in result["cases"] if CASE_FAILS[name](r, spec)]
        out.append(
            {
                "metric": name,
                "value": value,
                "min": spec.get("min"),
                "max": spec.get("max"),
                "goal": spec.get("goal"),
                "why": spec.get("why", ""),
                "status": status,
                "failing_cases": failing,
            }
        )
    return out
