"""Scale: retrieval and extractive answer p95 at 1k, 10k and 100k passages, and index size on disk.

The library for each size is the shipped library's passages (copied with their real vectors
from the built index) plus synthetic passages up to the size. Synthetic passages are generated
here: topic-mixed, sentence-like text from a vocabulary of MS and stem-cell terms in varied
templates (aHSCT, mesenchymal cells, clinics, regulators, societies, drugs, risks, limits).

Vectors. Embedding 100k passages and their ~400k sentences with the real model would take hours
on 2 cores, so the benchmark embeds a pool of a few thousand synthetic sentences with the real
model and derives the rest: a passage sentence is a pool sentence with its numbers redrawn, and
its vector is that pool sentence's vector plus a little noise (cosine about 0.97), normalised;
a passage vector is a normalised random mixture of its sentence vectors. The same method is used
at every size, so the sizes differ only in how many passages there are.

Everything is written the way assistant/index.py lays it out (two Chroma collections with the
same names, metadata and HNSW settings, BM25 over the same text, a manifest), into
bench/out/scale/<size>/. A folder built with the same generator settings is reused; --rebuild
builds it again. The questions are bench/answer.py's, asked round-robin across the sizes in one
process so that a change in machine load hits every size alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.flow.context import sentence_rows  # noqa: E402
from assistant.embeddings import load_embedder  # noqa: E402
from assistant.index import MANIFEST, read_manifest  # noqa: E402
from assistant.ingest import embedding_text  # noqa: E402
from assistant.models import Passage  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store import LexicalIndex, chroma_client, open_collections  # noqa: E402
from assistant.text import split_sentences  # noqa: E402
from bench.answer import questions  # noqa: E402
from bench.common import percentile, save, table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "scale"
SIZES = (1_000, 10_000, 100_000)
GENERATOR = 1  # bump when the text or vector generation changes: cached folders are rebuilt
SEED = 7
POOL = 3000
NOISE = 0.0128  # per-dimension sd of the noise added to a pool vector: cosine ~0.97 in 384-d
WRITE_BATCH = 5000  # below Chroma's max batch (5461)
GOAL_RATIO = 3.0

# -- vocabulary ---------------------------------------------------------------------------------
WORDS = {
    "cell": [
        "mesenchymal stem cells",
        "bone-marrow mesenchymal stromal cells",
        "adipose-derived stem cells",
        "umbilical-cord mesenchymal cells",
        "neural progenitor cells",
        "cord-blood cells",
        "stromal vascular fraction cells",
        "placental cells",
        "mesenchymal stem cell-derived neural progenitors",
        "donor stem cells grown in the laboratory",
    ],
    "route": [
        "intravenous infusion",
        "intrathecal injection",
        "injection into the spinal fluid",
        "repeated intravenous infusions",
        "a single infusion",
        "injection into a muscle",
    ],
    "pop": [
        "people with relapsing-remitting MS",
        "people with secondary progressive MS",
        "people with primary progressive MS",
        "adults with highly active MS",
        "people with aggressive MS",
        "people with MS who kept relapsing on treatment",
        "people with long-standing progressive MS",
        "young adults with early MS",
        "people with MS and high disability",
    ],
    "pop2": [
        "older people with progressive MS",
        "people with advanced disability",
        "people whose MS has not been active for years",
        "people with primary progressive MS",
        "people over 55",
    ],
    "event": [
        "disability progression",
        "relapses",
        "new MRI lesions",
        "any sign of disease activity",
        "confirmed disability worsening",
    ],
    "outcome": [
        "new or enlarging brain lesions",
        "gadolinium-enhancing lesions",
        "the yearly relapse rate",
        "walking speed",
        "the EDSS disability score",
        "quality of life",
        "brain atrophy",
        "fatigue",
        "visual function",
        "hand function",
    ],
    "dmt": [
        "alemtuzumab",
        "ocrelizumab",
        "natalizumab",
        "fingolimod",
        "interferon beta",
        "glatiramer acetate",
        "cladribine",
        "ofatumumab",
        "dimethyl fumarate",
        "rituximab",
    ],
    "regimen": [
        "cyclophosphamide with anti-thymocyte globulin",
        "the BEAM regimen with anti-thymocyte globulin",
        "busulfan-based conditioning",
        "a low-intensity conditioning regimen",
        "high-dose cyclophosphamide",
    ],
    "risk": [
        "febrile neutropenia",
        "sepsis",
        "Epstein-Barr virus reactivation",
        "cytomegalovirus reactivation",
        "thyroid disease",
        "immune thrombocytopenia",
        "early menopause",
        "infertility",
        "hair loss",
        "a serious infection",
        "a spinal cord tumour",
        "meningitis",
        "vision loss",
        "a stroke",
    ],
    "country": [
        "Mexico",
        "Panama",
        "Cyprus",
        "Russia",
        "Ukraine",
        "Thailand",
        "India",
        "Germany",
        "Colombia",
        "the Bahamas",
        "Costa Rica",
        "China",
        "Turkey",
        "Argentina",
    ],
    "home": [
        "Sweden",
        "Norway",
        "Italy",
        "the UK",
        "Canada",
        "Brazil",
        "Australia",
        "Spain",
        "France",
        "the Netherlands",
        "Israel",
        "the USA",
    ],
    "regulator": [
        "The FDA",
        "The EMA",
        "The MHRA",
        "The TGA",
        "Health Canada",
        "The Irish medicines regulator",
    ],
    "society": [
        "The MS Society",
        "The National MS Society",
        "MS Australia",
        "The MS International Federation",
        "MS Ireland",
        "MS Canada",
    ],
    "claim": [
        "reverses MS",
        "repairs myelin",
        "cures progressive MS",
        "carries no risk of rejection",
        "works for every type of MS",
        "has no side effects",
        "regrows damaged nerves",
        "stops MS for good",
        "is approved in Europe",
        "restores walking",
    ],
    "design": [
        "randomised placebo-controlled trial",
        "open-label phase 1 trial",
        "phase 2 crossover trial",
        "prospective cohort study",
        "retrospective registry study",
        "single-arm pilot study",
        "meta-analysis of observational studies",
        "systematic review",
        "case series",
        "long-term follow-up study",
    ],
    "animal": [
        "mice with experimental autoimmune encephalomyelitis",
        "rats with toxin-induced demyelination",
        "macaques",
        "marmosets with an MS-like disease",
    ],
    "mechanism": [
        "an immune reset",
        "a new immune repertoire",
        "suppression of inflammatory T cells",
        "release of growth factors",
        "homing of cells to lesions",
        "paracrine signalling",
        "removal of autoreactive immune cells",
    ],
    "study": [
        f"the {a} {b}"
        for a in (
            "NORD-MS",
            "STAR-MS",
            "ASTRA",
            "HALO",
            "MERIT",
            "CLEAR",
            "PHOENIX",
            "TRACE",
            "VISTA",
            "ORBIT",
            "Uppsala",
            "Genoa",
            "Sheffield",
            "Ottawa",
            "Florence",
            "Bergen",
            "Barcelona",
            "Melbourne",
            "Rotterdam",
            "Hamburg",
        )
        for b in ("trial", "cohort", "study")
    ],
}
NUMBERS = {
    "n": lambda r: str(r.randint(12, 900)),
    "k": lambda r: str(r.randint(1, 11)),
    "pct": lambda r: str(r.randint(3, 94)),
    "pctlow": lambda r: f"{r.randint(1, 40) / 10:.1f}",
    "years": lambda r: str(r.randint(2, 15)),
    "months": lambda r: str(r.choice((3, 6, 12, 18, 24, 36, 48, 60))),
    "year": lambda r: str(r.randint(1998, 2025)),
    "cost": lambda r: f"{r.randint(5, 120) * 1000:,}",
    "hr": lambda r: f"0.{r.randint(5, 95):02d}",
    "edss": lambda r: f"{r.randint(4, 13) / 2:.1f}",
    "edss2": lambda r: f"{r.randint(2, 13) / 2:.1f}",
    "centres": lambda r: str(r.randint(1, 40)),
}

# (topic, section, template). Sections are the ones the shipped notes use.
STUDIED, FOUND, SAFETY, LIMITS, MEANS, SAYS = (
    "What was studied",
    "What was found",
    "Safety",
    "Limits",
    "What it means",
    "What it says",
)
TEMPLATES = [
    ("ahsct", STUDIED, "{study} followed {n} {pop} treated with aHSCT at {centres} centres in {home}."),
    (
        "ahsct",
        STUDIED,
        "Participants received autologous haematopoietic stem cell transplantation after {regimen}.",
    ),
    ("ahsct", STUDIED, "The {design} compared aHSCT with {dmt} in {pop}."),
    ("ahsct", FOUND, "After {years} years, {pct}% of people treated with aHSCT were free of {event}."),
    ("ahsct", FOUND, "The hazard ratio for {event} with aHSCT compared with {dmt} was {hr}."),
    ("ahsct", FOUND, "Mean EDSS fell from {edss} to {edss2} over {months} months after aHSCT."),
    ("ahsct", FOUND, "In {study}, {pct}% of participants had no {event} at {years} years."),
    ("ahsct", SAFETY, "Transplant-related mortality was {pctlow}% in {study}."),
    ("ahsct", SAFETY, "The most common early complication of aHSCT was {risk}, seen in {k} of {n} people."),
    ("ahsct", SAFETY, "Late effects of aHSCT included {risk} and {risk2}."),
    (
        "ahsct",
        MEANS,
        "Guidelines suggest aHSCT mainly for {pop} with high inflammatory activity despite {dmt}.",
    ),
    (
        "ahsct",
        MEANS,
        "aHSCT is a one-off treatment, but recovery takes months and needs a specialist centre.",
    ),
    ("ahsct", MEANS, "Benefit from aHSCT was smaller in {pop2} than in people with active inflammation."),
    ("msc", STUDIED, "{study} gave {cell} by {route} to {n} {pop}."),
    ("msc", STUDIED, "The {design} tested {cell} given by {route} in {pop}."),
    ("msc", FOUND, "The {design} found no reduction in {outcome} with {cell} compared with placebo."),
    ("msc", FOUND, "After {months} months, {outcome} did not differ between the cell and placebo groups."),
    ("msc", FOUND, "The authors suggest that {mechanism} may explain small changes in {outcome}."),
    ("msc", SAFETY, "{cell} were safe in the short term, with {risk} reported in {k} people."),
    ("msc", SAFETY, "Donor {cell} can provoke antibodies and are cleared by the immune system within days."),
    ("msc", MEANS, "Most infused {cell} are trapped in the lungs and do not reach the brain."),
    ("msc", MEANS, "The benefit seen in {animal} has not been reproduced in people with MS."),
    ("clinics", SAYS, "A clinic in {country} charged US${cost} for {cell} by {route}."),
    ("clinics", SAYS, "Clinic websites claimed that the treatment {claim}, without citing any trial."),
    ("clinics", FOUND, "Of {n} clinic websites reviewed, {pct}% made claims about MS."),
    ("clinics", SAFETY, "A patient treated in {country} developed {risk} after {route} of {cell}."),
    ("clinics", MEANS, "Travel, follow-up care and repeat treatments often added US${cost} to the cost."),
    ("clinics", MEANS, "Testimonials and before-and-after videos are not evidence that a treatment works."),
    ("clinics", SAYS, "Some clinics ask patients to pay to take part in studies that have no control group."),
    ("regulation", SAYS, "{regulator} has not approved any stem-cell product for MS."),
    ("regulation", SAYS, "{regulator} issued warning letters to {k} firms selling {cell} in {year}."),
    (
        "regulation",
        SAYS,
        "Products that are more than minimally manipulated must be approved before they are sold.",
    ),
    (
        "regulation",
        MEANS,
        "A registered trial number does not mean that a regulator has endorsed a treatment.",
    ),
    (
        "regulation",
        SAYS,
        "In {year}, {regulator} warned patients about unapproved treatments sold as {cell}.",
    ),
    (
        "society",
        SAYS,
        "{society} advises people to discuss any stem-cell treatment with their neurologist first.",
    ),
    ("society", SAYS, "{society} lists questions to ask a clinic, such as who pays for complications."),
    ("society", MEANS, "{society} says aHSCT may suit some {pop} when other treatments have failed."),
    ("society", MEANS, "People considering treatment abroad should ask for the clinic's published results."),
    ("biology", STUDIED, "The study gave {cell} to {animal} before symptoms began."),
    ("biology", FOUND, "In {animal}, {cell} reduced inflammation when given early."),
    ("biology", FOUND, "{cell} did not turn into neurons or myelin-forming cells in the brain."),
    ("biology", MEANS, "Remyelination in people has not been shown after {cell}."),
    ("biology", MEANS, "In {pop2}, nerve loss rather than inflammation drives most disability."),
    ("dmt", FOUND, "Compared with {dmt}, aHSCT led to fewer relapses over {years} years in {study}."),
    ("dmt", STUDIED, "The registry in {home} matched {n} people on {dmt} with people treated with aHSCT."),
    ("dmt", SAYS, "{dmt} costs about US${cost} per year in some countries."),
    ("dmt", MEANS, "Trials now compare aHSCT with {dmt} and {dmt2} head to head."),
    ("risks", SAFETY, "In all, {pct}% of people had {risk} within the first {months} months."),
    (
        "risks",
        SAFETY,
        "Deaths after aHSCT were more common in older studies and in people with advanced disability.",
    ),
    ("risks", SAFETY, "{risk} was reported {months} months after treatment in {k} people."),
    (
        "limits",
        LIMITS,
        "{study} had no control group, so the effect of treatment cannot be separated from chance.",
    ),
    ("limits", LIMITS, "Follow-up was only {months} months, which is too short to judge lasting benefit."),
    ("limits", LIMITS, "Only {n} people were treated, so rare harms could have been missed."),
    (
        "limits",
        LIMITS,
        "Participants were chosen by the treating centre, which may favour people likely to do well.",
    ),
    ("limits", LIMITS, "The results may not apply to {pop2}."),
]
TOPICS = sorted({t for t, _, _ in TEMPLATES} - {"limits"})
TYPES = {  # evidence type -> sections of its notes
    "rct": (STUDIED, FOUND, SAFETY, LIMITS, MEANS),
    "cohort": (STUDIED, FOUND, SAFETY, LIMITS, MEANS),
    "trial": (STUDIED, FOUND, SAFETY, LIMITS),
    "meta-analysis": (STUDIED, FOUND, LIMITS, MEANS),
    "review": (FOUND, LIMITS, MEANS),
    "case-report": (STUDIED, SAFETY, MEANS),
    "lab-animal": (STUDIED, FOUND, LIMITS),
    "regulator": (SAYS, MEANS),
    "society": (SAYS, MEANS),
    "guideline": (SAYS, MEANS, LIMITS),
}
TOPIC_TYPES = {
    "ahsct": ("rct", "cohort", "trial", "meta-analysis", "review", "guideline"),
    "msc": ("rct", "trial", "meta-analysis", "review", "case-report"),
    "clinics": ("review", "case-report", "cohort"),
    "regulation": ("regulator",),
    "society": ("society", "guideline"),
    "biology": ("lab-animal", "review"),
    "dmt": ("cohort", "rct", "meta-analysis", "review"),
    "risks": ("cohort", "case-report", "review", "meta-analysis"),
}
TITLES = {
    "ahsct": "Autologous haematopoietic stem cell transplantation in {pop}",
    "msc": "{cell} for {pop}",
    "clinics": "Stem-cell clinics in {country} and what they sell",
    "regulation": "Regulator statement on unapproved {cell}",
    "society": "What to know before stem-cell treatment for MS",
    "biology": "{cell} in {animal}",
    "dmt": "aHSCT compared with {dmt}",
    "risks": "Complications after stem-cell treatment for MS",
}
WORDS["risk2"] = WORDS["risk"]
WORDS["dmt2"] = WORDS["dmt"]


def _fill(template: str, words: dict, numbers: dict) -> str:
    text = template.format(**{**words, **numbers})
    return text[0].upper() + text[1:]


def _words(rng: random.Random, template: str) -> dict:
    return {k: rng.choice(v) for k, v in WORDS.items() if "{" + k + "}" in template}


def _numbers(rng: random.Random, template: str) -> dict:
    return {k: f(rng) for k, f in NUMBERS.items() if "{" + k + "}" in template}


def make_pool(size: int, seed: int) -> list[tuple[int, dict, str]]:
    """(template index, word slots, text): distinct synthetic sentences, each one sentence long."""
    rng = random.Random(seed)
    pool, seen = [], set()
    while len(pool) < size:
        i = rng.randrange(len(TEMPLATES))
        template = TEMPLATES[i][2]
        words = _words(rng, template)
        text = _fill(template, words, _numbers(rng, template))
        if text not in seen and len(split_sentences(text)) == 1:
            seen.add(text)
            pool.append((i, words, text))
    return pool


def pool_vectors(pool: list[tuple[int, dict, str]], embedder) -> tuple[np.ndarray, float]:
    """The pool's real embeddings, cached in bench/out/scale/pool-*.npy."""
    path = OUT / f"pool-g{GENERATOR}-s{SEED}-{len(pool)}.npy"
    if path.exists():
        return np.load(path), 0.0
    start = time.perf_counter()
    vectors = embedder.encode([text for _, _, text in pool])
    took = time.perf_counter() - start
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors, took


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


class Generator:
    """Synthetic documents, passage by passage; deterministic for a seed."""

    def __init__(self, pool, vectors: np.ndarray, seed: int):
        self.pool = pool
        self.vectors = vectors
        self.rng = random.Random(seed + 1)
        self.np_rng = np.random.default_rng(seed + 2)
        self.by_key: dict[tuple[str, str], list[int]] = {}
        self.by_topic: dict[str, list[int]] = {}
        for j, (i, _, _) in enumerate(pool):
            topic, section, _ = TEMPLATES[i]
            self.by_key.setdefault((topic, section), []).append(j)
            self.by_topic.setdefault(topic, []).append(j)
        self.doc = 0

    def document(self) -> list[tuple[Passage, list[str], np.ndarray, np.ndarray]]:
        """One synthetic note: (passage, its sentences, sentence vectors, passage vector)."""
        rng = self.rng
        self.doc += 1
        topic = rng.choice(TOPICS)
        kind = rng.choice(TOPIC_TYPES[topic])
        sid = f"syn-{topic}-{self.doc:06d}"
        title_words = _words(rng, TITLES[topic])
        title = _fill(TITLES[topic], title_words, {})
        out = []
        for section in TYPES[kind]:
            idx: list[int] = []
            used: set[int] = set()
            for _ in range(rng.randint(3, 6) * 3):  # 3 to 6 sentences, each template at most once
                mixed = rng.random() < 0.25  # topic-mixed: a sentence from another topic
                t = rng.choice(TOPICS) if mixed else topic
                key = ("limits", LIMITS) if section == LIMITS else (t, section)
                j = rng.choice(self.by_key.get(key) or self.by_topic[t])
                if self.pool[j][0] not in used:
                    used.add(self.pool[j][0])
                    idx.append(j)
                if len(idx) >= 6 or (len(idx) >= 3 and rng.random() < 0.25):
                    break
            sentences = []
            for j in idx:
                i, words, _ = self.pool[j]
                template = TEMPLATES[i][2]
                sentences.append(_fill(template, words, _numbers(rng, template)))
            noise = self.np_rng.normal(0.0, NOISE, size=(len(idx), self.vectors.shape[1]))
            s_vecs = _unit(self.vectors[idx] + noise)
            weights = self.np_rng.dirichlet(np.ones(len(idx)))
            p_vec = _unit(weights @ s_vecs + self.np_rng.normal(0.0, NOISE, size=self.vectors.shape[1]))
            passage = Passage(
                id=f"{sid}#{section.lower().replace(' ', '-')}",
                source_id=sid,
                title=title,
                section=section,
                text=" ".join(sentences),
                year=rng.randint(1998, 2025),
                type=kind,
                url=f"https://example.org/synthetic/{sid}",
            )
            out.append((passage, sentences, s_vecs, p_vec))
        return out


# -- building one size ----------------------------------------------------------------------------
def shipped_rows(settings: Settings, model: str, dimension: int):
    """The shipped library's passages and sentences with their stored vectors."""
    client = chroma_client(settings)
    passages, sentences = open_collections(client, settings, model, dimension, create=False)
    p = passages.get(include=["documents", "metadatas", "embeddings"])
    s = sentences.get(include=["documents", "metadatas", "embeddings"])
    return p, s


def _spec(size: int) -> dict:
    return {"generator": GENERATOR, "seed": SEED, "pool": POOL, "size": size}


def build(size: int, shipped, generator_args, model: str, dimension: int) -> dict:
    """Write one size's index folder; returns the build figures (also kept in its manifest)."""
    folder = OUT / str(size)
    manifest = read_manifest(folder) if (folder / MANIFEST).exists() else None
    if manifest and (manifest.get("synthetic") or {}).get("spec") == _spec(size):
        return manifest["synthetic"] | {"reused": True}
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    settings = Settings(index_dir=folder).resolve(ROOT)
    started = time.perf_counter()
    client = chroma_client(settings)
    passages_col, sentences_col = open_collections(client, settings, model, dimension, create=True)
    p, s = shipped
    lexical_ids, lexical_texts = [], []
    vectors_written = 0

    def put(col, ids, vectors, documents, metadatas):
        nonlocal vectors_written
        for a in range(0, len(ids), WRITE_BATCH):
            col.add(
                ids=ids[a : a + WRITE_BATCH],
                embeddings=np.asarray(vectors[a : a + WRITE_BATCH], dtype=np.float32),
                documents=documents[a : a + WRITE_BATCH],
                metadatas=metadatas[a : a + WRITE_BATCH],
            )
        vectors_written += len(ids)

    real = len(p["ids"])
    put(passages_col, p["ids"], p["embeddings"], p["documents"], p["metadatas"])
    put(sentences_col, s["ids"], s["embeddings"], s["documents"], s["metadatas"])
    for pid, doc, meta in zip(p["ids"], p["documents"], p["metadatas"], strict=True):
        lexical_ids.append(pid)
        lexical_texts.append(embedding_text(Passage.from_metadata(pid, doc, meta)))

    gen = Generator(*generator_args)
    count, documents, sentences_total = real, 0, len(s["ids"])
    pending: list = []

    def flush():
        nonlocal sentences_total
        if not pending:
            return
        put(
            passages_col,
            [x[0].id for x in pending],
            np.stack([x[3] for x in pending]),
            [x[0].text for x in pending],
            [x[0].metadata() for x in pending],
        )
        s_ids, s_vecs, s_docs, s_meta = [], [], [], []
        for passage, sentences, vecs, _ in pending:
            for pos, (text, vec) in enumerate(zip(sentences, vecs, strict=True)):
                s_ids.append(f"{passage.id}::s{pos}")
                s_vecs.append(vec)
                s_docs.append(text)
                s_meta.append({"passage_id": passage.id, "source_id": passage.source_id, "pos": pos})
        put(sentences_col, s_ids, np.stack(s_vecs), s_docs, s_meta)
        sentences_total += len(s_ids)
        pending.clear()

    while count < size:
        documents += 1
        for row in gen.document():
            if count >= size:
                break
            pending.append(row)
            lexical_ids.append(row[0].id)
            lexical_texts.append(embedding_text(row[0]))
            count += 1
        if len(pending) >= WRITE_BATCH:
            flush()
    flush()
    chroma_s = time.perf_counter() - started
    t = time.perf_counter()
    LexicalIndex.build(lexical_ids, lexical_texts).save(folder / "bm25")
    bm25_s = time.perf_counter() - t
    figures = {
        "spec": _spec(size),
        "passages": count,
        "shipped_passages": real,
        "synthetic_passages": count - real,
        "synthetic_documents": documents,
        "sentences": sentences_total,
        "vectors_written": vectors_written,
        "chroma_write_s": round(chroma_s, 1),
        "bm25_build_s": round(bm25_s, 1),
        "build_s": round(time.perf_counter() - started, 1),
    }
    (folder / MANIFEST).write_text(
        json.dumps(
            {
                "model": model,
                "dimension": dimension,
                "passages": count,
                "documents": documents,
                "library_version": f"synthetic-{size}-g{GENERATOR}-s{SEED}",
                "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "chroma_url": "",
                "files": {},
                "synthetic": figures,
                "note": "written by bench/scale.py; not a library: do not run `assistant index` here",
            },
            indent=2,
        )
    )
    return figures | {"reused": False}


def disk_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


# -- measuring ----------------------------------------------------------------------------------
def measure(sizes: list[int], qs: list[str], budget_s: float) -> tuple[dict, int]:
    """Retrieval and full-answer latencies per size, question by question, sizes interleaved."""
    assistants = {n: Assistant(Settings(index_dir=OUT / str(n)).resolve(ROOT)) for n in sizes}
    warm = {}
    for n, a in assistants.items():
        t = time.perf_counter()
        a.ask("warm up: what is aHSCT?")  # opens Chroma, maps BM25, fits or loads the guard
        warm[n] = round(time.perf_counter() - t, 1)
    embedder = assistants[sizes[0]].embedder
    times = {n: {"retrieval": [], "answer": [], "dense": [], "bm25": []} for n in sizes}
    started, asked = time.perf_counter(), 0
    for i, q in enumerate(qs):
        if time.perf_counter() - started > budget_s and asked >= 20:
            break
        vector = embedder.encode([q])[0]
        order = sizes[i % len(sizes) :] + sizes[: i % len(sizes)]  # rotate: no size always first
        for n in order:
            a = assistants[n]
            t = time.perf_counter()
            a.ask(q)
            times[n]["answer"].append((time.perf_counter() - t) * 1000)
        for n in order:
            a = assistants[n]
            t = time.perf_counter()
            scored = a.retriever.search(q, vector)
            sentence_rows(a.collections[1], scored)
            times[n]["retrieval"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            a.collections[0].query(query_embeddings=[vector], n_results=a.settings.candidates)
            times[n]["dense"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            a.retriever.lexical.search(q, a.settings.candidates)
            times[n]["bm25"].append((time.perf_counter() - t) * 1000)
        asked += 1
    return {"times": times, "warm_up_s": warm}, asked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated")
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true", help="rebuild cached folders")
    parser.add_argument("--query-budget-s", type=float, default=300.0, help="stop asking after this")
    args = parser.parse_args()
    sizes = sorted(int(x) for x in args.sizes.split(","))
    if args.rebuild:
        shutil.rmtree(OUT, ignore_errors=True)
    wall = time.perf_counter()
    load_before = os.getloadavg()
    base = Settings().resolve(ROOT)
    if read_manifest(base.index_dir) is None:
        raise SystemExit(f"no index in {base.index_dir}: run `assistant index` (make index) first")
    embedder = load_embedder(base.embedding_model, base.embed_batch_size)
    model, dimension = embedder.name, embedder.dimension
    shipped = shipped_rows(base, model, dimension)
    pool = make_pool(POOL, SEED)
    vectors, pool_s = pool_vectors(pool, embedder)
    print(
        f"vectors: {len(pool)} synthetic sentences embedded with the real model"
        f"{f' in {pool_s:.0f} s' if pool_s else ' (cached)'}; passage sentences reuse them with "
        "noise, passage vectors are normalised mixtures of their sentence vectors",
        flush=True,
    )
    builds = {}
    for n in sizes:
        builds[n] = build(n, shipped, (pool, vectors, SEED), model, dimension)
        b = builds[n]
        how = "reused" if b["reused"] else f"built in {b['build_s']} s"
        print(
            f"{n:>7} passages ({b['shipped_passages']} shipped + {b['synthetic_passages']} synthetic), "
            f"{b['sentences']} sentences: {how}",
            flush=True,
        )
    qs = questions(args.questions)
    measured, asked = measure(sizes, qs, args.query_budget_s)
    times = measured["times"]
    load_after = os.getloadavg()
    small, large = sizes[0], sizes[-1]
    per_size = {}
    for n in sizes:
        t = times[n]
        per_size[str(n)] = {
            **{k: v for k, v in builds[n].items() if k not in ("spec",)},
            "disk_mb": round(disk_mb(OUT / str(n)), 1),
            "chroma_mb": round(disk_mb(OUT / str(n) / "chroma"), 1),
            "bm25_mb": round(disk_mb(OUT / str(n) / "bm25"), 1),
            "warm_up_s": measured["warm_up_s"][n],
            **{f"{k}_ms_p{q}": round(percentile(v, q), 1) for k, v in t.items() for q in (50, 95) if v},
        }
    ratio = {
        k: percentile(times[large][k], 95) / percentile(times[small][k], 95) for k in ("retrieval", "answer")
    }
    figures = {
        "sizes": per_size,
        "questions": asked,
        "vectors": (
            f"pool of {len(pool)} real embeddings of synthetic sentences; sentence vectors are pool "
            "vectors plus noise, passage vectors normalised mixtures of their sentence vectors"
        ),
        f"retrieval_p95_ratio_{large}_over_{small}": round(ratio["retrieval"], 2),
        f"answer_p95_ratio_{large}_over_{small}": round(ratio["answer"], 2),
        "goal_ratio_max": GOAL_RATIO,
        "load_avg_1min_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "wall_s": round(time.perf_counter() - wall, 1),
    }
    save("scale", figures)
    rows: list[tuple[str, str, str, bool | None]] = [("questions per size", str(asked), "", None)]
    for n in sizes:
        s = per_size[str(n)]
        rows += [
            (f"{n}: passages / sentences", f"{s['passages']} / {s['sentences']}", "", None),
            (f"{n}: index on disk (MB)", f"{s['disk_mb']:.0f}", f"chroma {s['chroma_mb']:.0f}", None),
            (
                f"{n}: retrieval p50 / p95 (ms)",
                f"{s['retrieval_ms_p50']} / {s['retrieval_ms_p95']}",
                "",
                None,
            ),
            (f"{n}:   dense / BM25 p95 (ms)", f"{s['dense_ms_p95']} / {s['bm25_ms_p95']}", "", None),
            (f"{n}: answer p50 / p95 (ms)", f"{s['answer_ms_p50']} / {s['answer_ms_p95']}", "", None),
        ]
    rows += [
        (f"retrieval p95 {large} / {small}", f"{ratio['retrieval']:.2f}x", "<= 3x", ratio["retrieval"] <= 3),
        (f"answer p95 {large} / {small}", f"{ratio['answer']:.2f}x", "<= 3x", ratio["answer"] <= 3),
        ("load average (1 min) before / after", f"{load_before[0]:.2f} / {load_after[0]:.2f}", "", None),
        ("wall time (s)", f"{figures['wall_s']:.0f}", "", None),
    ]
    table(rows)


if __name__ == "__main__":
    main()
