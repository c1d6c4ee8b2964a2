"""Citation and answer metrics (pure functions). Retrieval metrics live in ``metrics.py``.

A citation *supports* a gold evidence item when the two spans share text (same transcript,
overlapping offsets). Every metric is ``None`` when it has nothing to measure (no citations,
no unanswerable questions...), never a division by zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from onrecord.metrics import Span, overlap
from onrecord.names import speaker_matches


@dataclass(frozen=True)
class CitedSpan:
    doc_id: str
    start: int
    end: int
    speaker: str
    quote: str
    exact: bool  # transcript[start:end] == quote
    journalist: bool  # the span overlaps a journalist's turn


@dataclass(frozen=True)
class GoldSpan:
    doc_id: str
    start: int
    end: int
    speaker: str


def _span(item: CitedSpan | GoldSpan) -> Span:
    return (item.doc_id, item.start, item.end)


def supports(citation: CitedSpan, gold: GoldSpan) -> bool:
    return overlap(_span(citation), _span(gold)) > 0


def citation_counts(citations: Sequence[CitedSpan], gold: Sequence[GoldSpan]) -> dict[str, int]:
    """Counts for one question, summed over questions by ``summarise``."""
    on_gold = [c for c in citations if any(supports(c, g) for g in gold)]
    attributed = [
        c
        for c in on_gold
        if any(supports(c, g) and speaker_matches(g.speaker, c.speaker) for g in gold)
    ]
    return {
        "citations": len(citations),
        "exact": sum(c.exact for c in citations),
        "on_gold": len(on_gold),
        "attributed": len(attributed),
        "gold": len(gold),
        "gold_cited": sum(1 for g in gold if any(supports(c, g) for c in citations)),
        "journalist_quotes": sum(c.journalist for c in citations),
    }


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (``share`` in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def cosine(a: Sequence[float], b: Sequence[float]) -> float | None:
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return sum(x * y for x, y in zip(a, b, strict=True)) / norm if norm else None


def summarise_citations(
    per_question: Sequence[dict[str, int]], answerable: Sequence[bool]
) -> dict[str, float | int | None]:
    """Citation metrics over a run. Precision, recall and attribution count only answerable
    questions (the others have no gold); verbatim rate and journalist quotes count all."""
    total = {
        key: 0
        for key in (
            "citations",
            "exact",
            "on_gold",
            "attributed",
            "gold",
            "gold_cited",
            "journalist_quotes",
        )
    }
    gold_citations = 0
    for counts, has_gold in zip(per_question, answerable, strict=True):
        total["citations"] += counts["citations"]
        total["exact"] += counts["exact"]
        total["journalist_quotes"] += counts["journalist_quotes"]
        if has_gold:
            gold_citations += counts["citations"]
            for key in ("on_gold", "attributed", "gold", "gold_cited"):
                total[key] += counts[key]
    return {
        "verbatim_rate": ratio(total["exact"], total["citations"]),
        "citation_precision": ratio(total["on_gold"], gold_citations),
        "citation_recall": ratio(total["gold_cited"], total["gold"]),
        "attribution_accuracy": ratio(total["attributed"], total["on_gold"]),
        "journalist_quotes": total["journalist_quotes"],
        "citations": total["citations"],
    }


def summarise_refusals(
    refused: Sequence[bool], answerable: Sequence[bool], unshown: Sequence[bool] | None = None
) -> dict[str, float | None]:
    """``refusal_accuracy``: unanswerable questions answered with "not found", or, for one
    saying someone said something, with "the transcripts do not show this in those words"
    (``unshown``) and what they did say; ``false_refusal_rate``: answerable questions
    answered with "not found" (a lead that declines a claim still gives the quotes)."""
    unshown = unshown or [False] * len(refused)
    rows = list(zip(refused, answerable, unshown, strict=True))
    declined = [r or u for r, a, u in rows if not a]
    answerable_refused = [r for r, a, _ in rows if a]
    return {
        "refusal_accuracy": ratio(sum(declined), len(declined)),
        "false_refusal_rate": ratio(sum(answerable_refused), len(answerable_refused)),
    }
