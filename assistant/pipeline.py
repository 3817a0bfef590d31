"""The flow of one question: guard the question, condense, retrieve, compose, verify, answer.

`Assistant.ask` returns the typed Answer; `Assistant.stream` yields the answer text piece by
piece (each piece already verified and guarded) and then the final Answer.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path

import numpy as np
from langchain_core.language_models.chat_models import BaseChatModel

from .claims import ClaimGuard, GuardResult
from .compose import ABSTAIN, ExtractiveComposer, LLMComposer
from .condense import CONDENSE_PROMPT, condense_rule, is_follow_up, user_turns
from .context import Context, sentence_rows
from .embeddings import Embedder, load_embedder
from .index import check_model, read_manifest
from .llm import chat_model
from .models import Answer, Citation, ClaimMatch, Passage
from .retrieve import HybridRetriever
from .scope import INSTRUCTIONS_IGNORED, MESSAGES, read_request
from .settings import Settings
from .sources import SourceError, load_claims
from .store import LexicalIndex, StoreError, chroma_client, lexical_from_collection, open_collections
from .text import CITATION, citation_numbers, looks_non_english, numbers, split_sentences
from .verify import check_sentence

REMINDER = (
    "This is general information, not medical advice: please talk to your MS team about your own situation."
)
URGENT = re.compile(
    r"\b(suicid\w*|kill myself|can'?t breathe|cannot breathe|chest pain|stroke|seizure|"
    r"emergency|sudden(ly)? (lost|loss|blind\w*|weak\w*|numb\w*|paraly\w*)|lost (my )?(sight|vision)|"
    r"high fever|fever after|bleeding|unconscious|collapsed?)\b",
    re.I,
)
URGENT_NOTICE = (
    "If you have sudden, severe or new symptoms, call your local emergency number or go to "
    "urgent care now; do not wait for an answer here."
)
VERDICT_WORDS = {
    "false": "false",
    "misleading": "misleading",
    "unsupported": "not supported by the evidence",
    "partly-supported": "only partly supported",
}
EXAMPLES = (
    "Who might benefit from aHSCT for MS?",
    "What are the risks of HSCT for MS?",
    "Do mesenchymal stem cells work for progressive MS?",
    "Is a clinic's stem-cell treatment approved by the FDA?",
)


NOT_ENGLISH = (
    "The question seems not to be in English: the library and its answers are in English only, "
    "so the answer may miss what you asked. Please ask in English if you can."
)


class QuestionError(ValueError):
    """The question cannot be answered as typed; the message says why."""


def clean_question(question: str, limit: int) -> tuple[str, list[str]]:
    if not isinstance(question, str):
        raise QuestionError("The question must be text.")
    text = "".join(ch for ch in question if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    text = " ".join(text.encode("utf-8", "replace").decode("utf-8").split())
    if not text:
        raise QuestionError("Please type a question.")
    warnings = []
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0]
        warnings.append(f"The question was cut to its first {limit} characters.")
    if looks_non_english(text):
        warnings.append(NOT_ENGLISH)
    return text, warnings


class Citer:
    """Numbers cited passages in order of first use and collects the quotes they support."""

    def __init__(self):
        self.numbers: dict[str, int] = {}
        self.passages: list[Passage] = []
        self.quotes: list[list[str]] = []

    def number(self, passage: Passage, quote: str) -> int:
        if passage.id not in self.numbers:
            self.numbers[passage.id] = len(self.passages) + 1
            self.passages.append(passage)
            self.quotes.append([])
        n = self.numbers[passage.id]
        if quote and quote not in self.quotes[n - 1]:
            self.quotes[n - 1].append(quote)
        return n

    def citations(self) -> list[Citation]:
        return [
            Citation(
                n=i,
                source_id=p.source_id,
                title=p.title,
                year=p.year,
                url=p.url,
                page=p.page,
                section=p.section,
                quote=" ".join(q) or p.text,
                type=p.type,
            )
            for i, (p, q) in enumerate(zip(self.passages, self.quotes, strict=True), start=1)
        ]


class Assistant:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        chat_model: BaseChatModel | None = None,
    ):
        self.settings = (settings or Settings()).resolve()
        self._embedder = embedder
        self._chat_model = chat_model  # a ready model (tests, the parrot) overrides the backend
        self._correction_vectors: dict[str, np.ndarray] = {}

    # -- opened once, on first use -------------------------------------------------------
    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or load_embedder(self.settings.embedding_model, self.settings.embed_batch_size)

    @cached_property
    def manifest(self) -> dict:
        manifest = read_manifest(self.settings.index_dir)
        if manifest is None and not self.settings.chroma_url:
            raise StoreError(f"no index in {self.settings.index_dir}; build it with `assistant index`")
        check_model(manifest, self.settings.embedding_model, self.settings.index_dir)
        return manifest or {}

    @cached_property
    def collections(self):
        self.manifest  # noqa: B018  (checks the model before Chroma is touched)
        client = chroma_client(self.settings)
        cols = open_collections(client, self.settings, self.embedder.name, self.embedder.dimension, False)
        built_with = (cols[0].metadata or {}).get("embedding_model")
        where = self.settings.chroma_url or self.settings.index_dir
        check_model({"model": built_with} if built_with else None, self.embedder.name, where)
        return cols

    @cached_property
    def retriever(self) -> HybridRetriever:
        folder = self.settings.index_dir / "bm25"
        if self.settings.chroma_url and not folder.exists():
            # A new replica of a shared Chroma server builds its word index from the server.
            lexical_from_collection(self.collections[0]).save(folder)
        lexical = LexicalIndex.load(folder)
        return HybridRetriever(
            settings=self.settings,
            embedder=self.embedder,
            passages=self.collections[0],
            lexical=lexical,
        )

    @cached_property
    def guard(self) -> ClaimGuard:
        """The claim guard, fitted once per registry, tuning set and library, then cached."""
        path = self.settings.sources_dir / "claims.yaml"
        claims, problems = load_claims(path)
        if problems and path.exists():
            raise SourceError(problems)
        examples_path = self.settings.guard_examples
        key = hashlib.sha256(
            b"".join(p.read_bytes() for p in (path, examples_path) if p and Path(p).exists())
            + f"{self.embedder.name}|{self.manifest.get('library_version')}|2".encode()
        ).hexdigest()[:16]
        cache = self.settings.index_dir / f"guard-{key}.npz"
        # Library sentences are evidence, never clinic claims: the model's negatives, and
        # known-safe when quoted verbatim (as the extractive composer does).
        got = self.collections[1].get(limit=5000, include=["documents", "embeddings"])
        fixed = [s for p in (*self.fixed_paragraphs(), INSTRUCTIONS_IGNORED) for s in split_sentences(p)]
        args = dict(
            threshold=self.settings.claim_threshold,
            assert_threshold=self.settings.assert_threshold,
            known_safe=(*fixed, *got["documents"]),
        )
        if cache.exists():
            with np.load(cache) as data:
                guard = ClaimGuard(claims, self.embedder, matrix=data["matrix"], **args)
            guard.load(cache)
            return guard
        guard = ClaimGuard(
            claims,
            self.embedder,
            negatives=got["documents"],
            negative_vectors=np.asarray(got["embeddings"], dtype=np.float32),
            examples=guard_examples(examples_path),
            **args,
        )
        if claims:
            self.settings.index_dir.mkdir(parents=True, exist_ok=True)
            for old in self.settings.index_dir.glob("guard-*.npz"):
                old.unlink(missing_ok=True)
            guard.save(cache)
        return guard

    # -- public API ---------------------------------------------------------------------
    def ask(
        self,
        question: str,
        history: Sequence = (),
        mode: str = "patient",
        backend: str | None = None,
    ) -> Answer:
        answer = None
        for piece in self.stream(question, history, mode, backend):
            if isinstance(piece, Answer):
                answer = piece
        return answer

    def stream(
        self,
        question: str,
        history: Sequence = (),
        mode: str = "patient",
        backend: str | None = None,
    ) -> Iterator[str | Answer]:
        if mode not in ("patient", "staff"):
            raise QuestionError(f"mode must be 'patient' or 'staff', not '{mode}'")
        started = time.perf_counter()
        urgent = isinstance(question, str) and bool(URGENT.search(question))  # also in a part cut off
        question, warnings = clean_question(question, self.settings.max_question_chars)
        request = read_request(question)
        if request.instructions_removed and not request.decline:
            warnings.append(INSTRUCTIONS_IGNORED)
        backend = backend or self.settings.backend
        composer, notice = self._composer(backend)
        warnings += [notice] if notice else []
        query = request.text if request.decline else self._condense(request.text, history, composer)
        asked = request.text  # hidden markup and instructions removed: not the asker's claim
        vectors = self.embedder.encode(list(dict.fromkeys([query, asked])))
        query_vector = vectors[0]
        question_claims = self.guard.in_question(
            asked, vectors[-1:] if len(split_sentences(asked)) <= 1 else None
        )
        focus = [src for r in question_claims for src in r.claim.sources]
        scored, rows = ([], []) if request.decline else self._retrieve(query, query_vector, focus)
        timings = {"retrieve": _ms(started)}
        ctx = Context(question, query, mode, query_vector, scored, rows)
        answer = Answer(
            question=question,
            answer="",
            abstained=False,
            mode=mode,
            backend=composer.name,
            warnings=warnings,
            query=query,
        )
        citer = Citer()
        pieces: list[str] = []
        if urgent or URGENT.search(question):
            pieces.append(URGENT_NOTICE)
            answer.warnings.append("urgent symptoms mentioned: urgent-care notice shown")
            yield URGENT_NOTICE
        for result in question_claims:
            card, text = self._card(result, "question", citer)
            answer.claims.append(card)
            pieces.append(text)
            yield pieces[-1]
        if request.decline:
            answer.abstained = True
            answer.warnings.append(f"declined: {request.decline}")
            pieces.append(decline_text(request.decline))
            yield pieces[-1]
        relevant = not request.decline and self._relevant(scored)
        t_compose = time.perf_counter()
        verify_ms = 0.0
        if relevant:
            kept, verify_ms = yield from self._compose_verified(ctx, composer, citer, answer, pieces)
            if not kept and composer.name != "extractive":
                answer.warnings.append(
                    f"No sentence from {composer.name} could be verified against its sources; "
                    "the answer below was composed from the sources directly."
                )
                answer.backend = "extractive"
                kept, more = yield from self._compose_verified(
                    ctx, ExtractiveComposer(self.settings), citer, answer, pieces
                )
                verify_ms += more
            relevant = kept > 0
        if not relevant and not answer.claims and not request.decline:
            answer.abstained = True
            pieces.append(self.abstain_text())
            yield pieces[-1]
        if mode == "patient":
            pieces.append(REMINDER)
            yield REMINDER
        answer.answer = "\n\n".join(pieces)
        answer.citations = citer.citations()
        compose_ms = (time.perf_counter() - t_compose) * 1000 - verify_ms
        answer.timings_ms.update(
            timings, compose=round(compose_ms), verify=round(verify_ms), total=_ms(started)
        )
        yield answer

    # -- stages ---------------------------------------------------------------------------
    def _retrieve(self, query: str, query_vector: np.ndarray, focus: Sequence[str] = ()):
        try:
            scored = self.retriever.search(query, query_vector, list(dict.fromkeys(focus)))
            return scored, sentence_rows(self.collections[1], scored)
        except StoreError:
            raise
        except Exception as exc:  # Chroma raises transport errors of many kinds
            where = self.settings.chroma_url or str(self.settings.index_dir)
            raise StoreError(
                f"the index at {where} could not be read ({exc.__class__.__name__}); "
                "if it is a Chroma server, check that it is running, then ask again"
            ) from exc

    def _relevant(self, scored) -> bool:
        """Close in meaning, or a rare word match (a trial's name) that is not far in meaning."""
        s = self.settings
        return any(
            c.dense >= s.relevance_floor
            or ((c.lexical_rank or 99) <= 2 and c.dense >= s.relevance_floor_lexical)
            for c in scored
        )

    def _composer(self, backend: str):
        if self._chat_model is not None:
            return LLMComposer(self._chat_model, getattr(self._chat_model, "_llm_type", "llm")), ""
        if backend == "extractive":
            return ExtractiveComposer(self.settings), ""
        return LLMComposer(chat_model(backend, self.settings), backend), ""

    def _condense(self, question: str, history: Sequence, composer) -> str:
        if not user_turns(history) or not is_follow_up(question):
            return question
        if isinstance(composer, LLMComposer):
            lines = "\n".join(f"User: {t}" for t in user_turns(history))
            try:
                reply = composer.model.invoke(CONDENSE_PROMPT.format(history=lines, question=question))
                text = " ".join(str(reply.content).split())
                if text and len(text) < 500:
                    return text
            except Exception:  # a down model must not stop the answer; the rule still works
                pass
        return condense_rule(question, history)

    def _compose_verified(self, ctx: Context, composer, citer: Citer, answer: Answer, pieces: list[str]):
        """Verify and guard each composed sentence; yield the ones that pass. Returns (kept, ms)."""
        kept, dropped, verify_s = 0, [], 0.0
        carded = {c.id for c in answer.claims}
        try:
            for sentence, vector in composer.compose(ctx):
                t = time.perf_counter()
                if ABSTAIN.lower() in sentence.lower():
                    verify_s += time.perf_counter() - t
                    continue
                if vector is None:
                    vector = self.embedder.encode([re.sub(CITATION, "", sentence)])[0]
                guard = self.guard.check(sentence, vector)
                # An answer does not ask questions: a claim put as one ("Why live with MS when a
                # cure is available?") is rhetoric, and is treated as asserting it.
                if guard.claim and guard.stance in ("asserts", "asks"):
                    dropped.append(f"{guard.stance} the clinic claim '{guard.claim.id}'")
                    if guard.claim.id not in carded:
                        card, text = self._card(guard, "answer", citer)
                        answer.claims.append(card)
                        carded.add(card.id)
                        pieces.append(text)
                        verify_s += time.perf_counter() - t
                        yield pieces[-1]
                    continue
                check = check_sentence(sentence, vector, ctx, self.settings)
                verify_s += time.perf_counter() - t
                if not check.ok:
                    dropped.append(check.reason)
                    continue
                pieces.append(self._renumber(sentence, check.support, ctx, citer))
                kept += 1
                yield pieces[-1]
        except Exception as exc:  # a down, slow or broken LLM endpoint: say so, fall back
            if isinstance(composer, ExtractiveComposer):
                raise
            answer.warnings.append(
                f"The language model ({composer.name}) failed ({exc.__class__.__name__}); "
                "the answer was composed from the sources directly."
            )
            return 0, verify_s * 1000
        if dropped:
            answer.warnings.append(
                f"Removed {len(dropped)} sentence(s) that could not be verified: " + "; ".join(dropped)
            )
        return kept, verify_s * 1000

    def _renumber(self, sentence: str, support: dict[int, str], ctx: Context, citer: Citer) -> str:
        numbers = [n for n in dict.fromkeys(citation_numbers(sentence)) if n in support]
        final = [citer.number(ctx.passages[n - 1].passage, support[n]) for n in numbers]
        body = CITATION.sub("", sentence).rstrip()
        end = body[-1] if body[-1:] in (".", "!", "?") else "."
        body = body.rstrip(".!?")
        return f"{body} [{', '.join(map(str, final))}]{end}"

    def _card(self, result: GuardResult, where: str, citer: Citer) -> tuple[ClaimMatch, str]:
        """The claim card: the claim as marketed, the verdict, then each correction sentence
        cited to the library sentence that best supports it (and holds its numbers)."""
        claim = result.claim
        sentences = split_sentences(claim.correction)
        parts = [
            f'Some clinics claim: "{claim.claim.rstrip(".!?")}." '
            f"The evidence says this is {VERDICT_WORDS[claim.verdict]}."
        ]
        numbers_used: list[int] = []
        for sentence, support in zip(sentences, self._support(claim, sentences), strict=True):
            marks = [citer.number(passage, quote) for passage, quote in support]
            numbers_used += marks
            label = f" [{', '.join(map(str, dict.fromkeys(marks)))}]" if marks else ""
            parts.append(f"{sentence.rstrip('.!?')}{label}.")
        card = ClaimMatch(
            id=claim.id,
            verdict=claim.verdict,
            matched_in=where,
            correction=claim.correction,
            source_ids=claim.sources,
            claim=claim.claim,
            text=result.sentence,
            stance=result.stance,
            score=result.score,
            citations=tuple(dict.fromkeys(numbers_used)),
        )
        return card, " ".join(parts)

    def _support(self, claim, sentences: list[str]) -> list[list[tuple[Passage, str]]]:
        """For each correction sentence, the passages of the claim's sources that back it: the
        closest one that holds its numbers, plus a second when the numbers come from two studies.
        The quote is the passage's two sentences closest to the correction sentence."""
        got = self.collections[1].get(
            where={"source_id": {"$in": list(claim.sources)}},
            include=["documents", "metadatas", "embeddings"],
        )
        if not got["ids"]:
            return [[] for _ in sentences]
        owner = [m["passage_id"] for m in got["metadatas"]]
        rows = self.collections[0].get(ids=list(dict.fromkeys(owner)), include=["documents", "metadatas"])
        passages = {
            pid: Passage.from_metadata(pid, doc, meta)
            for pid, doc, meta in zip(rows["ids"], rows["documents"], rows["metadatas"], strict=True)
        }
        if claim.id not in self._correction_vectors:  # the registry is fixed while serving
            self._correction_vectors[claim.id] = self.embedder.encode(sentences)
        sims = np.asarray(got["embeddings"], dtype=np.float32) @ self._correction_vectors[claim.id].T
        out = []
        for j, sentence in enumerate(sentences):
            missing, chosen = numbers(sentence), []
            for i in np.argsort(-sims[:, j]):
                pid = owner[i]
                covers = missing & numbers(passages[pid].text)
                if pid in chosen or (chosen and not covers) or (missing and not covers and not chosen):
                    continue
                chosen.append(pid)
                missing -= covers
                if not missing or len(chosen) == 2:
                    break
            if not chosen:  # no passage holds the numbers: cite the closest, verification notes it
                chosen = [owner[int(np.argmax(sims[:, j]))]]
            out.append([(passages[pid], self._quote(got, owner, sims[:, j], pid)) for pid in chosen])
        return out

    @staticmethod
    def _quote(got, owner: list[str], sims: np.ndarray, pid: str) -> str:
        mine = [i for i in np.argsort(-sims) if owner[i] == pid][:2]
        return " ".join(got["documents"][i] for i in sorted(mine))

    @staticmethod
    def abstain_text() -> str:
        return ABSTAIN_LEAD + coverage_text()

    @staticmethod
    def decline_texts() -> dict[str, str]:
        """Every fixed paragraph that declines, mapped to its reason ("not-covered" or a scope key)."""
        return {ABSTAIN_LEAD + coverage_text(): "not-covered"} | {decline_text(k): k for k in MESSAGES}

    def fixed_paragraphs(self) -> list[str]:
        """Paragraphs the pipeline writes itself: never claims, never cited statements."""
        return [REMINDER, URGENT_NOTICE, *self.decline_texts()]


ABSTAIN_LEAD = "I can't answer that from the sources in this library, so I won't guess. "


def coverage_text() -> str:
    examples = " ".join(f'"{q}"' for q in EXAMPLES[:3])
    return (
        "The library covers stem-cell treatments for multiple sclerosis: aHSCT (results, risks "
        "and who it may suit), mesenchymal and other stem-cell products, what clinics claim, "
        f"regulation, costs and reported harms. You could ask, for example: {examples}"
    )


def decline_text(key: str) -> str:
    return f"{MESSAGES[key]} {coverage_text()}"


def guard_examples(path) -> list[tuple[str, str]]:
    """Hand-labelled tuning sentences (evals/guard/tune.yaml); none when the file is absent."""
    import yaml

    if not path or not Path(path).exists():
        return []
    items = (yaml.safe_load(Path(path).read_text()) or {}).get("items") or []
    return [(i["text"], i["label"]) for i in items if i.get("text") and i.get("label")]


def _ms(since: float) -> int:
    return round((time.perf_counter() - since) * 1000)
