"""Small libraries made in the tests, indexed with the real packaged embedding model."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from assistant.settings import Settings, offline_env

offline_env()  # before any test module loads Gradio, Chroma or the model

from assistant.index import build_index  # noqa: E402
from assistant.store import read_manifest  # noqa: E402
from bench.common import free_port  # noqa: E402, F401  (one definition, shared with bench/ and scripts/)

NOTES = {
    "mist-trial": (
        "rct",
        2019,
        "HSCT versus drug therapy in relapsing MS",
        """
        ## What was studied
        The MIST trial compared aHSCT with disease-modifying drugs in 110 people with relapsing MS.

        ## What was found
        In the MIST trial, disability got worse in 3 people after aHSCT and in 34 people on drugs.
        The MIST trial reported a hazard ratio of 0.07 for progression with aHSCT.

        ## Safety
        The MIST trial reported no deaths after aHSCT.
        """,
    ),
    "ahsct-meta": (
        "meta-analysis",
        2017,
        "Meta-analysis of aHSCT outcomes",
        """
        ## What was found
        The aHSCT meta-analysis found a pooled transplant-related mortality of 2.1% across 15 studies.
        Transplant-related deaths were more common in older studies and in progressive MS.
        Infections during low blood counts are the main early risk of aHSCT.
        """,
    ),
    "msc-mesems": (
        "rct",
        2021,
        "MESEMS trial of mesenchymal stem cells",
        """
        ## What was studied
        The MESEMS trial gave intravenous mesenchymal stem cells or placebo to 144 people with active MS.

        ## What was found
        The MESEMS trial found no reduction in new inflammatory brain lesions with mesenchymal stem cells.
        """,
    ),
    "cord-rejection": (
        "review",
        2014,
        "Donor MSCs are immune evasive, not immune privileged",
        """
        ## What was found
        The Ankrum review reports antibodies against donor mesenchymal cells and immune rejection of them.
        Donor umbilical-cord cells can therefore be rejected by the recipient's immune system.
        """,
    ),
    "fda-alert": (
        "regulator",
        2020,
        "FDA consumer alert on stem cell products",
        """
        ## What it says
        The FDA alert says no stem-cell product is approved to treat multiple sclerosis.
        The only FDA-approved stem-cell products are cord-blood cells for blood disorders.
        """,
    ),
    "ebv-study": (
        "cohort",
        2022,
        "Epstein-Barr virus and the risk of MS",
        """
        ## What was found
        In a study of US military personnel, the risk of MS rose 32-fold after Epstein-Barr virus infection.
        """,
    ),
}

CLAIMS = """
version: 1
claims:
  - id: cord-no-rejection
    claim: "Umbilical cord stem cells carry no risk of rejection."
    paraphrases:
      - "Cord-derived cells are never rejected by the body."
      - "You do not need a donor match because cord cells cannot be rejected."
      - "Our umbilical cells are accepted by every patient's immune system."
      - "Cord stem cells are immune privileged, so rejection is impossible."
      - "My cord cells won't get rejected because they come from a baby's cord."
      - "Umbilical cord cells cannot be rejected."
    verdict: "false"
    correction: "Donor cord cells can be rejected: studies report antibodies against donor mesenchymal cells."
    sources: [cord-rejection]
  - id: msc-repair-myelin
    claim: "Stem-cell therapy repairs the damaged myelin in MS."
    paraphrases:
      - "Our cells regrow the protective coating on your nerves."
      - "The stem cells will rebuild my myelin so my nerves work again."
      - "Mesenchymal cells restore damaged myelin sheaths."
      - "After the infusion, new myelin forms over the damaged nerves."
      - "Stem cells mend the nerve insulation that MS destroyed."
    verdict: "unsupported"
    correction: >-
      No trial in people has shown that stem cells repair myelin;
      the MESEMS trial found no reduction in new lesions.
    sources: [msc-mesems]
"""


def write_note(folder: Path, sid: str, kind: str, year: int, title: str, body: str) -> Path:
    path = folder / f"{sid}.md"
    path.write_text(
        "---\n"
        f"id: {sid}\n"
        f'title: "{title}"\n'
        f"year: {year}\n"
        "publisher: Test Journal\n"
        f"type: {kind}\n"
        f"url: https://example.org/{sid}\n"
        "topics: [ahsct]\n"
        "reviewed: 2026-11-21\n"
        "---\n" + textwrap.dedent(body)
    )
    return path


def make_library(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sid, (kind, year, title, body) in NOTES.items():
        write_note(folder, sid, kind, year, title, body)
    (folder / "claims.yaml").write_text(CLAIMS)
    return folder


@pytest.fixture(scope="session")
def tiny_settings(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("tiny")
    settings = Settings(
        sources_dir=make_library(root / "sources"),
        index_dir=root / "index",
        feedback_db=root / "feedback.sqlite3",  # a rating in a test never lands in the checkout
        llm_timeout_s=2.0,
    ).resolve()
    build_index(settings, progress=False)
    return settings


@pytest.fixture(scope="session")
def tiny_assistant(tiny_settings):
    from assistant.pipeline import Assistant

    return Assistant(tiny_settings)


def shipped_settings(tmp: Path) -> Settings:
    """The shipped library and index, with a private feedback database; a fresh clone without an
    index gets one built into tmp."""
    root = Path(__file__).resolve().parents[1]
    settings = Settings(
        sources_dir=root / "sources", index_dir=root / "index", feedback_db=tmp / "feedback.sqlite3"
    ).resolve()
    if read_manifest(settings.index_dir) is None:
        settings = settings.model_copy(update={"index_dir": tmp / "index"})
        build_index(settings, progress=False)
    return settings
