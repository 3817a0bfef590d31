"""The answer flow, one module per stage, in the order a question meets them.

1. `understand`  — clean the message, urgent symptoms, scope (`scope` holds the rules).
2. `guard`       — claims the asker states get their card (the guard itself: `assistant/claims.py`).
3. `condense`    — a follow-up becomes a standalone query.
4. `retrieve`    — hybrid search, the passages' sentences, and the abstain test (`relevant`).
5. `compose`     — the extractive or LLM composer proposes cited sentences (`context` is its input).
6. `verify`      — each sentence is guarded and checked against its passage; cards replace claims.
7. `cards`       — claim cards and the answer's citation numbering.
   `notices`     — every fixed text the flow writes itself.

`assistant/pipeline.py` opens the resources once and runs these stages in this order.
"""
