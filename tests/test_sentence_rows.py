"""The sentences of retrieved passages: read by id (fast at scale), complete, and never stale."""

from __future__ import annotations

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from conftest import make_library, write_note

from assistant.flow.context import sentence_rows
from assistant.index import build_index
from assistant.models import Passage, ScoredPassage
from assistant.settings import Settings
from assistant.store import chroma_client, open_collections


def scored(pid: str, text: str) -> ScoredPassage:
    passage = Passage(
        id=pid, source_id=pid.split("#")[0], title="t", section="s", text=text, year=2020, type="rct", url=""
    )
    return ScoredPassage(passage=passage, score=1.0, dense=0.5)


def test_rows_by_id_and_a_passage_with_more_sentences_than_its_bound():
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    col = client.create_collection("sentences-test", embedding_function=None)
    # "a#x" has one full stop (bound 3) and 2 sentences; "b#y" has no full stop (bound 2) but
    # 5 stored sentences, as a splitter that cuts at other marks could produce.
    rows = [("a#x", 0, "First one."), ("a#x", 1, "Second one"), *(("b#y", i, f"part {i}") for i in range(5))]
    col.add(
        ids=[f"{pid}::s{pos}" for pid, pos, _ in rows],
        embeddings=np.eye(len(rows), 8, dtype=np.float32),
        documents=[t for *_, t in rows],
        metadatas=[{"passage_id": pid, "source_id": pid.split("#")[0], "pos": pos} for pid, pos, _ in rows],
    )
    got = sentence_rows(col, [scored("b#y", "part 0 part 1 part 2"), scored("a#x", "First one. Second one")])
    assert [(r.passage, r.text) for r in got] == [
        (1, "part 0"),
        (1, "part 1"),
        (1, "part 2"),
        (1, "part 3"),
        (1, "part 4"),
        (2, "First one."),
        (2, "Second one"),
    ]


def test_a_shortened_section_leaves_no_old_sentences(tmp_path):
    settings = Settings(
        sources_dir=make_library(tmp_path / "sources"), index_dir=tmp_path / "index"
    ).resolve()
    build_index(settings, progress=False)
    write_note(
        settings.sources_dir,
        "mist-trial",
        "rct",
        2019,
        "HSCT versus drug therapy in relapsing MS",
        "## What was studied\nThe MIST trial compared aHSCT with drugs in 110 people.\n\n"
        "## What was found\nThe MIST trial was stopped early.\n",
    )
    assert build_index(settings, progress=False).updated == 1
    _, sentences = open_collections(chroma_client(settings), settings, settings.embedding_model, 384, False)
    got = sentences.get(where={"passage_id": "mist-trial#what-was-found"}, include=["documents"])
    assert got["documents"] == ["The MIST trial was stopped early."]
    assert not sentences.get(where={"passage_id": "mist-trial#safety"})["ids"]
