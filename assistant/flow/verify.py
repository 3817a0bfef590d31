"""Stage 6, verify: every composed sentence is guarded, then checked against its cited passage.

A sentence that asserts (or rhetorically asks) a clinic claim is dropped and the claim's card is
shown instead; a sentence its passage does not support is dropped; the rest are renumbered into
the answer's citation order and yielded as `answer` blocks, one at a time, as they pass.
"""

from __future__ import annotations

import re
import time
from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np

from ..claims import ClaimGuard
from ..embeddings import Embedder
from ..models import Answer, Block
from ..settings import Settings
from ..text import CITATION, citation_numbers
from ..verify import check_sentence
from ..vocab import BlockKind, Stance
from . import notices
from .by_ask import off_topic_price
from .cards import CardSupport, Citer, claim_card
from .compose import ABSTAIN, ExtractiveComposer
from .context import Context


@dataclass
class Checker:
    """What verification needs for one answer; `answer` collects cards and warnings."""

    guard: ClaimGuard
    embedder: Embedder
    settings: Settings
    support: CardSupport
    citer: Citer
    answer: Answer
    seconds: float = 0.0
    dropped: list[str] = field(default_factory=list)

    def verified(self, composer, ctx: Context) -> Generator[Block, None, int]:
        """The composer's sentences that pass; an LLM with none that pass (or that fails) is
        replaced by the extractive composer, with a notice. Returns the answer sentences kept."""
        kept = yield from self._guarded(composer, ctx)
        if not kept and not isinstance(composer, ExtractiveComposer):
            self.answer.warnings.append(notices.llm_unverified(composer.name))
            self.answer.backend = "extractive"
            kept = yield from self._guarded(ExtractiveComposer(self.settings), ctx)
        return kept

    def _guarded(self, composer, ctx: Context) -> Generator[Block, None, int]:
        shown = 0
        try:
            for block in self.blocks(composer, ctx):
                shown += block.kind == BlockKind.ANSWER
                yield block
            return shown
        except Exception as exc:  # a down, slow or broken LLM endpoint: say so, fall back
            if isinstance(composer, ExtractiveComposer):
                raise
            # Sentences already shown stay (each was checked); with none, the extractive answer follows.
            notice = notices.llm_stopped if shown else notices.llm_failed
            self.answer.warnings.append(notice(composer.name, exc))
            return shown

    def blocks(self, composer, ctx: Context) -> Generator[Block, None, int]:
        """Yield the blocks that pass; return how many answer sentences were kept."""
        kept = 0
        for sentence, vector in composer.compose(ctx):
            started = time.perf_counter()
            block = self._check(sentence, vector, ctx)
            self.seconds += time.perf_counter() - started
            if block is not None:
                kept += block.kind == BlockKind.ANSWER
                yield block
        if self.dropped:
            self.answer.warnings.append(notices.dropped(self.dropped))
            self.dropped = []
        return kept

    def _check(self, sentence: str, vector: np.ndarray | None, ctx: Context) -> Block | None:
        if ABSTAIN.lower() in sentence.lower():
            return None
        if vector is None:
            vector = self.embedder.encode([re.sub(CITATION, "", sentence)])[0]
        guard = self.guard.check(sentence, vector)
        # An answer does not ask questions: a claim put as one ("Why live with MS when a cure is
        # available?") is rhetoric, and is treated as asserting it.
        if guard.claim and guard.stance in (Stance.ASSERTS, Stance.ASKS):
            self.dropped.append(f"{guard.stance} the clinic claim '{guard.claim.id}'")
            if guard.claim.id in {c.id for c in self.answer.claims}:
                return None
            card, block = claim_card(guard, "answer", self.citer, self.support)
            self.answer.claims.append(card)
            return block
        if off_topic_price(sentence, ctx.ask):
            self.dropped.append("a price about another treatment")
            return None
        check = check_sentence(sentence, vector, ctx, self.settings)
        if not check.ok:
            self.dropped.append(check.reason)
            return None
        return self._renumber(sentence, check.support, ctx)

    def _renumber(self, sentence: str, support: dict[int, str], ctx: Context) -> Block:
        marks = [n for n in dict.fromkeys(citation_numbers(sentence)) if n in support]
        final = tuple(self.citer.number(ctx.passages[n - 1].passage, support[n]) for n in marks)
        body = CITATION.sub("", sentence).rstrip()
        end = body[-1] if body[-1:] in (".", "!", "?") else "."
        body = body.rstrip(".!?")
        return Block(BlockKind.ANSWER, f"{body} [{', '.join(map(str, final))}]{end}", final)
