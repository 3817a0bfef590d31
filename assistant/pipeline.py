"""The assistant: opens its resources once and runs the stages of `assistant/flow/` in order.

    understand → guard the question → condense → retrieve (abstain?) → compose → verify → answer

`Assistant.stream` yields typed `Block`s as they pass their checks, then the final `Answer`
(which carries the same blocks); `Assistant.ask` returns the Answer alone.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from functools import cache, cached_property

import numpy as np
from langchain_core.language_models.chat_models import BaseChatModel

from .claims import ClaimGuard
from .embeddings import Embedder, load_embedder
from .flow import by_ask, notices
from .flow.asks import Ask, Plan, read_asks
from .flow.cards import CardSupport, Citer, claim_card
from .flow.compose import ExtractiveComposer, LLMComposer
from .flow.condense import bounded_history, condense, previous_reading, readings
from .flow.guard import load_guard
from .flow.person import read_context
from .flow.retrieve import HybridRetriever
from .flow.reviewed import ReviewedAnswers
from .flow.scope import follow_up_condition
from .flow.understand import QuestionError, read_message
from .flow.verify import Checker
from .index import check_model, read_manifest  # moving to .store (helper in progress)
from .llm import chat_model
from .models import Answer, Block, Notice, ScoredPassage
from .settings import Settings
from .store import LexicalIndex, StoreError, chroma_client, lexical_from_collection, open_collections
from .vocab import BlockKind, Mode, NoticeCode

__all__ = ["Answer", "Assistant", "Block", "QuestionError"]


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

    # -- resources, opened once on first use ------------------------------------------------
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
    def source_topics(self) -> dict[str, tuple[str, ...]]:
        """Each indexed note's topics, by source id (empty for an index built before topics)."""
        return {f["id"]: tuple(f.get("topics") or ()) for f in self.manifest.get("files", {}).values()}

    @cached_property
    def collections(self):
        """(passages, sentences): the two Chroma collections, checked against the model."""
        self.manifest  # noqa: B018  (checks the model before Chroma is touched)
        client = self._client = chroma_client(self.settings)
        cols = open_collections(client, self.settings, self.embedder.name, self.embedder.dimension, False)
        built_with = (cols[0].metadata or {}).get("embedding_model")
        where = self.settings.chroma_url or self.settings.index_dir
        check_model({"model": built_with} if built_with else None, self.embedder.name, where)
        return cols

    @cached_property
    def lexical(self) -> LexicalIndex:
        """BM25 over the passages; its ids also give a source's passages without a Chroma filter."""
        folder = self.settings.index_dir / "bm25"
        if self.settings.chroma_url and not folder.exists():
            # A new replica of a shared Chroma server builds its word index from the server.
            lexical_from_collection(self.collections[0]).save(folder)
        return LexicalIndex.load(folder)

    @cached_property
    def retriever(self) -> HybridRetriever:
        """The hybrid retriever, also usable alone as a LangChain retriever (Runnable)."""
        return HybridRetriever(
            settings=self.settings, embedder=self.embedder, passages=self.collections[0], lexical=self.lexical
        )

    @cached_property
    def guard(self) -> ClaimGuard:
        version = str(self.manifest.get("library_version"))
        reviewed = [s for a in self.reviewed.answers for s in a.reviewed_sentences()]
        return load_guard(self.settings, self.embedder, self.collections[1], version, reviewed)

    @cached_property
    def reviewed(self) -> ReviewedAnswers:
        return ReviewedAnswers.load(self.settings, self.embedder)

    @cached_property
    def card_support(self) -> CardSupport:
        where = self.settings.chroma_url or str(self.settings.index_dir)
        return CardSupport(*self.collections, where=where, lexical=self.lexical)

    def warm_up(self) -> None:
        """Open and read now what the first questions would otherwise read mid-answer (a server's
        start-up, `ui.serving.warm_up`): the model, the index, the claim guard and the reviewed
        answers; the library sentences that back every reviewed answer sentence and every claim
        correction (`CardSupport.by_words`: a fixed text's backing depends only on the index);
        and, on a library whose passages fit the retriever's caches, every passage's row and
        sentences, and each sentence's reading grade (`text.reading_grade`, which a patient
        answer's composer reads); the word lists `by_ask.missing_topic` reads. Each is what an
        answer computes on first use and keeps, so answers are the same either way; only the
        first questions after start-up are faster."""
        from .answers import YES_NO_LEAD, without_yes_no
        from .text import reading_grade, split_sentences

        support = self.card_support
        for answer in self.reviewed.answers:
            for sentence in (*answer.answer, *answer.variants):
                support.by_words(sentence.sources, sentence.text)
                if YES_NO_LEAD.match(sentence.text):
                    support.by_words(sentence.sources, without_yes_no(sentence.text))
        for claim in self.guard.claims:
            support.support(claim, split_sentences(claim.correction))
        for sentence in self.retriever.preload(self.collections[1], self.lexical.ids):
            reading_grade(sentence)
        # the word lists that tell an ask's own topic from everyday English (0.4 s on first use)
        by_ask.easy_stems()
        by_ask.common(self)

    def close(self) -> None:
        """Release the Chroma client (Chroma's public close), so a rebuilt index opens afresh."""
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
            self._client = None

    # -- public API -------------------------------------------------------------------------
    def retrieve(self, query: str, focus_sources: Sequence[str] = ()) -> list[ScoredPassage]:
        """The passages the flow hands the composer for this query, best first; `focus_sources`
        are the sources of a claim stated in the question (searched as a third ranking)."""
        return self.retriever.search(query, None, list(dict.fromkeys(focus_sources)))

    def ask(
        self, question: str, history: Sequence = (), mode: str = "patient", backend: str | None = None
    ) -> Answer:
        answer = None
        for piece in self.stream(question, history, mode, backend):
            if isinstance(piece, Answer):
                answer = piece
        return answer

    def stream(
        self, question: str, history: Sequence = (), mode: str = "patient", backend: str | None = None
    ) -> Iterator[Block | Answer]:
        started = time.perf_counter()
        _one_blas_thread()
        history = bounded_history(history, self.settings.max_history_turns, self.settings.max_history_chars)
        mode = _mode(mode)
        limit = self.settings.max_staff_chars if mode == Mode.STAFF else self.settings.max_question_chars
        message = read_message(question, limit)  # 1 understand
        composer = self._composer(backend or self.settings.backend)
        model = composer.model if isinstance(composer, LLMComposer) else None
        vectors = self._encode(self._batch(message, history))  # the answer's one embedding
        query = message.asked
        if not message.decline:  # 3 condense
            query = condense(message.asked, history, model, self.embedder, vectors)
        earlier = previous_reading(history)  # how the last turn was read
        # a follow-up's asks carry its topic; a message naming no treatment takes the last one's
        asks = [] if message.decline else read_asks(query, earlier)
        # A chat model's own rewrite is the only text the batch could not foresee.
        vectors.update(self._encode([t for t in _searched(query, asks) if t not in vectors]))
        person = read_context(message.asked)
        claims = self.guard.in_question(message.asked, known=vectors)  # 2 guard
        # "where can he get it?" after "my dad has Parkinson's": the disease of the turn it follows
        other = follow_up_condition(message.asked, query, earlier)
        matched = [self._matched(a, vectors) for a in asks]
        plan = Plan(message, query, vectors, claims, matched, person, other, earlier)
        answer = Answer(
            message.question, "", False, mode, composer.name, warnings=list(message.notices), query=query
        )
        answer.asks = [a.record() for a in plan.asks]
        answer.context = person.to_dict()
        checker = Checker(self.guard, self.embedder, self.settings, self.card_support, Citer(), answer)
        for block in self._blocks(plan, composer, checker):
            answer.blocks.append(block)
            yield block
        answer.answer = "\n\n".join(b.text for b in answer.blocks)
        answer.citations = checker.citer.citations()
        verify_ms = round(checker.seconds * 1000)
        answer.timings_ms.update(verify=verify_ms, total=_ms(started))
        answer.timings_ms["compose"] = max(
            0, answer.timings_ms["total"] - verify_ms - answer.timings_ms.get("retrieve", 0)
        )
        yield answer

    # -- the order of the blocks ------------------------------------------------------------
    def _blocks(self, plan: Plan, composer, checker: Checker) -> Iterator[Block]:
        answer, message = checker.answer, plan.message
        if message.urgent:  # read from the whole message, before any cut (understand.read_message)
            answer.warnings.append(
                Notice(NoticeCode.URGENT, "urgent symptoms mentioned: urgent-care notice shown")
            )
            yield Block(BlockKind.URGENT, notices.URGENT_NOTICE)
        for result in plan.claims:  # a claim the asker stated: its card first
            card, block = claim_card(result, "question", checker.citer, self.card_support)
            answer.claims.append(card)
            yield block
        if message.decline:
            answer.abstained = True
            answer.warnings.append(Notice(NoticeCode.DECLINED, f"declined: {message.decline}"))
            yield Block(BlockKind.DECLINE, notices.decline_text(message.decline), reason=message.decline)
        kept = 0
        if not message.decline:
            kept = yield from by_ask.answer_asks(self, plan, composer, checker)
        if not kept and not answer.claims and not message.decline:
            answer.abstained = True
            yield Block(BlockKind.ABSTAIN, notices.abstain_text())
        if answer.mode == Mode.PATIENT:
            yield Block(BlockKind.REMINDER, notices.REMINDER)

    def _batch(self, message, history: Sequence) -> list[str]:
        """Every text an extractive answer embeds, known before any model runs: what the
        question-side guard reads (sentences, quotes, stripped claim cores; not the spans that can
        give no card, `ClaimGuard.question_texts`), the message's possible standalone readings
        (and what settles between them): what each searches (`_searched`)."""
        texts = self.guard.question_texts(message.asked)
        if not message.decline:
            options, settle = readings(message.asked, history)
            earlier = previous_reading(history)
            texts += [*settle, *(t for q in options for t in _searched(q, read_asks(q, earlier)))]
        return texts

    def _encode(self, texts: list[str]) -> dict[str, np.ndarray]:
        unique = list(dict.fromkeys(texts))
        if not unique:
            return {}
        return dict(zip(unique, self.embedder.encode(unique), strict=True))

    def _matched(self, ask: Ask, vectors: dict[str, np.ndarray]) -> Ask:
        """The ask with its reviewed answer: by its query, or by its own words when it leaned on
        the ask before it (by_ask.alone_match)."""
        return by_ask.alone_match(self.reviewed, self.reviewed.apply(ask, vectors[ask.query]), vectors)

    def _composer(self, backend: str):
        if self._chat_model is not None:
            return LLMComposer(self._chat_model, getattr(self._chat_model, "_llm_type", "llm"))
        if backend == "extractive":
            return ExtractiveComposer(self.settings)
        return LLMComposer(chat_model(backend, self.settings), backend)


def _searched(query: str, asks: list[Ask]) -> list[str]:
    """The texts retrieval and answer matching embed for a reading: each ask's query, and the
    reading itself only when it is the one ask searched (by_ask.answer_asks); a message of several
    asks is never searched whole, and embedding it was a quarter of a long message's tokens. Of
    several asks, the statement before a short one, once (by_ask.context_match), and an ask that
    leaned on the one before in its own words (by_ask.alone_match)."""
    several = len(asks) > 1  # a single ask is matched with its whole message instead
    return [
        *(a.query for a in asks),
        *([query] if len(asks) == 1 else []),
        *(a.before for a in asks if several and a.before),
        *(a.alone for a in asks if a.alone),
    ]


@cache
def _one_blas_thread() -> None:
    """NumPy's and SciPy's BLAS on one thread in an answering process, once. An answer's
    products are small (a vector against 1,179 reviewed questions, the registry, 30 passages);
    a second OpenBLAS thread on 2 shared cores spun and waited: bench/answer.py with
    OPENBLAS_NUM_THREADS=1 against the default, alternating twice at load 1.9-2.4, answer CPU
    p95 / one embedding 6.1x and 5.7x -> 4.8x and 4.2x. Torch has its own threads
    (embeddings.py)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def _mode(mode: str) -> Mode:
    try:
        return Mode(mode)
    except ValueError:
        raise QuestionError(f"mode must be 'patient' or 'staff', not '{mode}'") from None


def _ms(since: float) -> int:
    return round((time.perf_counter() - since) * 1000)
