"""Build, query and incrementally update an index with the real packaged model."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import make_library, write_note
from filelock import FileLock
from test_ingest import make_pdf

from assistant.cli import main
from assistant.index import IndexMismatch, build_index, read_manifest
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.store import StoreError, chroma_client, open_collections


@pytest.fixture
def fresh(tmp_path):
    settings = Settings(sources_dir=make_library(tmp_path / "sources"), index_dir=tmp_path / "index")
    return settings.resolve()


def stored_ids(settings) -> set[str]:
    client = chroma_client(settings)
    passages, _ = open_collections(client, settings, settings.embedding_model, 384, create=False)
    return set(passages.get()["ids"])


def test_build_query_and_incremental_update(fresh):
    first = build_index(fresh, progress=False)
    manifest = read_manifest(fresh.index_dir)
    assert first.added == 6 and first.embedded == manifest["passages"] > 6
    assert manifest["model"] == fresh.embedding_model and manifest["dimension"] == 384
    assert set(manifest["files"]) == {
        f"{sid}.md"
        for sid in (
            "mist-trial",
            "ahsct-meta",
            "msc-mesems",
            "cord-rejection",
            "fda-alert",
            "ebv-study",
        )
    }

    hits = Assistant(fresh).retriever.search("Can umbilical cord cells be rejected?")
    assert hits[0].passage.source_id == "cord-rejection"

    again = build_index(fresh, progress=False)
    assert (again.embedded, again.unchanged) == (0, 6)
    # each file keeps its note's topics (which treatment a sentence naming none is about),
    # added without re-embedding to an index built before they were kept
    assert all(f["topics"] for f in read_manifest(fresh.index_dir)["files"].values())
    old = read_manifest(fresh.index_dir)
    for f in old["files"].values():
        del f["topics"]
    (fresh.index_dir / "manifest.json").write_text(json.dumps(old))
    assert build_index(fresh, progress=False).embedded == 0
    assert Assistant(fresh).source_topics["cord-rejection"]

    # A changed note re-embeds only its passages; a removed one disappears from the index.
    write_note(
        fresh.sources_dir,
        "ebv-study",
        "cohort",
        2022,
        "EBV and MS",
        "## What was found\nEBV infection raised MS risk in soldiers.\n",
    )
    (fresh.sources_dir / "fda-alert.md").unlink()
    update = build_index(fresh, progress=False)
    assert (update.updated, update.removed, update.unchanged) == (1, 1, 4)
    assert update.embedded == 1
    ids = stored_ids(fresh)
    assert "ebv-study#what-was-found" in ids and not any(i.startswith("fda-alert") for i in ids)
    assert read_manifest(fresh.index_dir)["passages"] == len(ids)


def test_pdf_in_library_is_indexed_with_pages_and_an_empty_pdf_stops_the_build(fresh):
    (fresh.sources_dir / "pdf").mkdir()
    make_pdf(fresh.sources_dir / "pdf" / "test-pdf.pdf", ["Page one about aHSCT.", "Page two text."])
    empty = make_pdf(fresh.sources_dir / "pdf" / "scan.pdf", [""])
    empty.with_suffix(".yaml").write_text(
        empty.with_suffix(".yaml").read_text().replace("test-pdf", "scan-pdf")
    )
    report = build_index(fresh, progress=False)
    # A PDF with no text is named and nothing is indexed: no document is dropped silently.
    assert any(p.startswith("scan.pdf:") and "no extractable text" in p for p in report.problems)
    assert not (fresh.index_dir / "manifest.json").exists()
    empty.unlink()
    empty.with_suffix(".yaml").unlink()
    assert not build_index(fresh, progress=False).problems
    ids = stored_ids(fresh)
    assert {"test-pdf#p1", "test-pdf#p2"} <= ids and not any(i.startswith("scan-pdf") for i in ids)


def test_model_mismatch_stops_with_rebuild_advice(fresh, capsys):
    build_index(fresh, progress=False)
    path = fresh.index_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["model"] = "some-other-model"
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatch, match="assistant index --rebuild"):
        build_index(fresh, progress=False)
    with pytest.raises(IndexMismatch):
        Assistant(fresh).retriever  # noqa: B018
    code = main(["--sources-dir", str(fresh.sources_dir), "--index-dir", str(fresh.index_dir), "index"])
    assert code == 2 and "some-other-model" in capsys.readouterr().err
    assert build_index(fresh, rebuild=True, progress=False).added == 6


def test_missing_or_damaged_index_says_how_to_rebuild(fresh):
    with pytest.raises(StoreError, match="assistant index"):
        Assistant(fresh).retriever  # noqa: B018
    build_index(fresh, progress=False)
    shutil.rmtree(fresh.index_dir / "bm25")
    (fresh.index_dir / "bm25").mkdir()
    with pytest.raises(StoreError, match="--rebuild"):
        Assistant(fresh).retriever  # noqa: B018
    (fresh.index_dir / "manifest.json").write_text("{not json")
    with pytest.raises(StoreError, match="--rebuild"):
        build_index(fresh, progress=False)


def test_second_writer_is_refused(fresh):
    fresh.index_dir.mkdir(parents=True)
    with FileLock(str(fresh.index_dir / ".build.lock")), pytest.raises(StoreError, match="another"):
        build_index(fresh, progress=False)


def test_manifest_without_a_model_is_damaged_not_guessed(fresh):
    build_index(fresh, progress=False)
    path = fresh.index_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["model"]
    path.write_text(json.dumps(manifest))
    with pytest.raises(StoreError, match="damaged; run `assistant index --rebuild`"):
        read_manifest(fresh.index_dir)


def test_damaged_store_is_caught_before_chroma_opens_it(fresh):
    build_index(fresh, progress=False)
    db = fresh.index_dir / "chroma" / "chroma.sqlite3"
    db.write_bytes(db.read_bytes()[: len(db.read_bytes()) // 2])
    with pytest.raises(StoreError, match=r"damaged \(database disk image is malformed\)"):
        chroma_client(fresh)
    assert build_index(fresh, rebuild=True, progress=False).added == 6, "a rebuild in the same process works"
    assert len(stored_ids(fresh)) == read_manifest(fresh.index_dir)["passages"]


def test_switching_sentence_vectors_remakes_the_whole_index(fresh):
    first = build_index(fresh, progress=False)
    assert read_manifest(fresh.index_dir)["sentence_vectors"] == "alone"
    pooled = fresh.model_copy(update={"pooled_sentence_vectors": True})
    again = build_index(pooled, progress=False)
    # every document re-embedded the new way: an index never mixes the two kinds of vector
    assert again.added == first.added and again.embedded == first.embedded
    assert read_manifest(fresh.index_dir)["sentence_vectors"] == "pooled"
    assert build_index(pooled, progress=False).embedded == 0  # and then nothing changed
