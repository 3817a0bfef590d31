"""Issue 18, start-up: `assistant sources check` and a no-change `assistant index` read what an
earlier run kept (content-check results per document hash, sentence splits per text) and load
no model, store, PDF, splitter, pysbd or NumPy library; the kept splits are the splitter's own."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import make_library
from test_sources_trust import NO_REJECTION

from assistant.cli import main
from assistant.index import build_index
from assistant.settings import Settings
from assistant.text import NLTK_STOPWORDS, SPLITS_FILE, Splits, _splitter_version, split_sentences

HEAVY = (
    "torch",
    "transformers",
    "sentence_transformers",
    "chromadb",
    "scipy",
    "sklearn",
    "pysbd",
    "pypdf",
    "langchain_text_splitters",
    "bm25s",
    "numpy",
)


def where(settings: Settings) -> list[str]:
    return ["--sources-dir", str(settings.sources_dir), "--index-dir", str(settings.index_dir)]


def run_cli(args: list[str]) -> tuple[int, list[str]]:
    """`assistant <args>` in a new process: its exit code and the heavy libraries it imported."""
    code = (
        "import json, sys; from assistant.cli import main; code = main(sys.argv[1:]); "
        f"print(json.dumps([code, sorted(m for m in {HEAVY!r} if m in sys.modules)]))"
    )
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    exit_code, heavy = json.loads(out.stdout.strip().splitlines()[-1])
    return exit_code, heavy


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, tiny_assistant):
    root = tmp_path_factory.mktemp("startup")
    settings = Settings(sources_dir=make_library(root / "sources"), index_dir=root / "index").resolve()
    report = build_index(settings, progress=False, embedder=tiny_assistant.embedder)
    assert not report.problems, report.problems
    # The first run reads everything (the tiny library lacks review records: exit code 1).
    first = main([*where(settings), "sources", "check"])
    return settings, first


def test_sources_check_again_loads_no_heavy_library(indexed):
    settings, first = indexed
    assert run_cli([*where(settings), "sources", "check"]) == (first, [])


def test_index_with_nothing_to_do_loads_no_heavy_library(indexed):
    settings, _ = indexed
    assert run_cli([*where(settings), "index", "--quiet"]) == (0, [])


def test_a_changed_note_is_read_again(indexed, tmp_path, capsys):
    """Kept results are named by content: a clinic claim added to a checked note still fails."""
    settings, _ = indexed
    settings = settings.model_copy(update={"sources_dir": tmp_path / "sources"})
    make_library(settings.sources_dir)
    main([*where(settings), "sources", "check"])
    assert "clinic claim 'cord-no-rejection'" not in capsys.readouterr().err
    note = next(settings.sources_dir.glob("*.md"))
    note.write_text(note.read_text() + f"\n{NO_REJECTION}\n")
    main([*where(settings), "sources", "check"])
    assert "clinic claim 'cord-no-rejection'" in capsys.readouterr().err


def test_kept_splits_are_used_and_a_damaged_file_is_not(tmp_path):
    text = "Relapses stopped in most people after aHSCT. Infections were the main early risk."
    first = Splits()
    assert first.get(text) == tuple(split_sentences(text)) and first.new == 1
    first.save(tmp_path / SPLITS_FILE)
    second = Splits()
    second.load(tmp_path / SPLITS_FILE)
    assert second.get(text) == tuple(split_sentences(text)) and second.new == 0  # read, not split
    for damaged in ("{not json", json.dumps({"version": "0|old", "splits": {text: ["old"]}})):
        (tmp_path / SPLITS_FILE).write_text(damaged)
        third = Splits()
        third.load(tmp_path / SPLITS_FILE)
        assert third.get(text) == tuple(split_sentences(text)) and third.new == 1


def test_stop_words_are_bm25s_own():
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    assert frozenset(STOPWORDS_EN_PLUS) == NLTK_STOPWORDS


def test_a_saved_split_that_does_not_hold_its_text_is_split_again(tmp_path):
    """The file sits next to the index: words written into it never reach the index or hide a
    sentence from the content check."""
    text = "Relapses stopped in most people after aHSCT. Infections were the main early risk."
    saved = {"version": _splitter_version(), "splits": {text: ["Relapses stopped.", "Stem cells cure MS."]}}
    (tmp_path / SPLITS_FILE).write_text(json.dumps(saved))
    splits = Splits()
    splits.load(tmp_path / SPLITS_FILE)
    assert splits.get(text) == tuple(split_sentences(text)) and splits.new == 1
