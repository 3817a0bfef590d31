"""BM25 scored from the query terms' postings (issue 18) ranks as bm25s does, and the commands
that need no model or store start without importing them."""

from __future__ import annotations

import subprocess
import sys

from assistant.store import LexicalIndex, expand_query, tokenize

TEXTS = [
    "aHSCT stopped relapses in most people with relapsing MS in the MIST trial.",
    "Mesenchymal stem cells did not reduce new lesions in the MESEMS trial.",
    "Clinics abroad sell stem cell infusions for MS without evidence.",
    "The MIST trial compared aHSCT with drugs; aHSCT slowed disability.",
    "Infections are the main early risk of aHSCT.",
    "Cord blood products are approved only for blood disorders.",
]
IDS = [f"p{i}" for i in range(len(TEXTS))]


def reference(index: LexicalIndex, query: str, k: int) -> list[tuple[str, float]]:
    docs, scores = index.retriever.retrieve(tokenize([expand_query(query)]), k=k, show_progress=False)
    found = [(IDS[int(d)], round(float(s), 4)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
    return sorted(found, key=lambda r: (-r[1], IDS.index(r[0])))


def test_search_matches_bm25s_scores_and_order():
    index = LexicalIndex.build(IDS, TEXTS)
    for query in ("MIST trial aHSCT", "stem cell clinics abroad", "risk of infection", "lesions"):
        got = [(pid, round(score, 4)) for pid, score in index.search(query, 3)]
        assert got == reference(index, query, 3)[:3], query


def test_search_keeps_only_matches_and_k():
    index = LexicalIndex.build(IDS, TEXTS)
    assert index.search("cord blood", 10) == index.search("cord blood", 10)[:10]
    assert {pid for pid, _ in index.search("cord blood", 10)} == {"p5"}
    assert index.search("zebra quantum", 5) == []
    assert len(index.search("MS trial stem aHSCT", 2)) == 2


def test_passages_of_reads_a_documents_passages_from_their_ids():
    # A claim's sources are searched as a third ranking; their passages are found by id, in index
    # order, never by a metadata filter (which scans the whole store).
    ids = ["mist-2019#results", "mesems-2021#design", "mist-2019#safety", "mist-2019-extra#results"]
    index = LexicalIndex.build(ids, TEXTS[:4])
    assert index.passages_of(["mist-2019"]) == ["mist-2019#results", "mist-2019#safety"]
    assert index.passages_of(["mesems-2021", "mist-2019", "mesems-2021"]) == [
        "mesems-2021#design",
        "mist-2019#results",
        "mist-2019#safety",
    ]
    assert index.passages_of(["unknown-source"]) == []


def test_index_and_sources_check_do_not_load_the_store_or_model_libraries():
    code = (
        "import sys; import assistant.cli, assistant.index, assistant.sources, assistant.store; "
        "print(sorted(m for m in ('chromadb', 'torch', 'sentence_transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
