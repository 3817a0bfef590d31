"""The answer flow, one module per stage, in the order a question meets them.

1. `understand`  — clean the message, urgent symptoms, scope (`scope` holds the rules).
2. `asks`        — the distinct asks of the message (aspect, treatment); `person` — the person's
                   stated context (age, MS type, EDSS, drugs, ...).
3. `guard`       — claims the asker states get their card (the guard: `assistant/claims.py`, its
                   models `guard_model.py`, its text rules `guard_text.py`).
4. `condense`    — a follow-up becomes a standalone query.
5. `reviewed`    — each ask matched to a reviewed answer (sources/answers/) with a confidence.
6. `retrieve`    — hybrid search, the passages' sentences, and the abstain test (`relevant`).
7. `by_ask`      — each ask answered in order: reviewed answer or composer (`compose`, fed by
                   `context`), what is not covered, context variants, next step.
8. `verify`      — each composed sentence is guarded and checked against its passage; cards
                   replace claims.
   `cards`       — claim cards, citation numbering and the note sentences behind reviewed text.
   `notices`     — every fixed text the flow writes itself.

`assistant/pipeline.py` opens the resources once and runs these stages in this order.
"""
