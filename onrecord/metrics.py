"""Retrieval metrics judged by gold-quote offsets (pure functions, no I/O).

A *span* is ``(doc_id, start, end)``: character offsets into a transcript's text, end
exclusive. A retrieved span *hits* a gold span when it is in the same document and covers at
least half of the gold quote's characters, so scores do not depend on how a system chunks
the documents (see ``shared/questions/README.md``).

Per-question metrics take the ranked retrieved spans and the question's gold spans; they are
defined only for answerable questions (at least one gold span) and raise ``ValueError``
otherwise. ``aggregate`` averages them over the answerable questions and skips the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

Span = tuple[str, int, int]
Run = tuple[Sequence[Span], Sequence[Span]]  # (ranked retrieved spans, gold spans)

MIN_COVER = 0.5  # share of the gold quote's characters a retrieved span must cover
AGGREGATE_KEYS = ("hit@1", "hit@5", "hit@10", "recall@5", "mrr@10")


def exact_span(text: str, quote: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first exact occurrence of ``quote`` in ``text``, or None.

    Byte-for-byte: no normalisation of whitespace, quotes or dashes. An empty quote is
    never found.
    """
    if not quote:
        return None
    start = text.find(quote)
    return None if start < 0 else (start, start + len(quote))


def overlap(a: Span, b: Span) -> int:
    """Characters two spans share (0 when they are in different documents)."""
    if a[0] != b[0]:
        return 0
    return max(0, min(a[2], b[2]) - max(a[1], b[1]))


def span_hits(retrieved: Span, gold: Span, min_cover: float = MIN_COVER) -> bool:
    """True when ``retrieved`` covers at least ``min_cover`` of ``gold``'s characters.

    An empty gold span (``end <= start``) is never hit.
    """
    length = gold[2] - gold[1]
    if length <= 0:
        return False
    return overlap(retrieved, gold) >= min_cover * length


def first_hit_ranks(retrieved: Sequence[Span], gold: Sequence[Span]) -> list[int | None]:
    """For each gold span, the 1-based rank of the first retrieved span hitting it, or None."""
    ranks: list[int | None] = []
    for target in gold:
        rank = next((i for i, span in enumerate(retrieved, 1) if span_hits(span, target)), None)
        ranks.append(rank)
    return ranks


def _ranks(retrieved: Sequence[Span], gold: Sequence[Span]) -> list[int | None]:
    if not gold:
        raise ValueError("retrieval metrics need at least one gold span (answerable question)")
    return first_hit_ranks(retrieved, gold)


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")


def hit_at(retrieved: Sequence[Span], gold: Sequence[Span], k: int) -> bool:
    """True when any of the top ``k`` retrieved spans hits any gold span."""
    _check_k(k)
    return any(rank is not None and rank <= k for rank in _ranks(retrieved, gold))


def recall_at(retrieved: Sequence[Span], gold: Sequence[Span], k: int) -> float:
    """Share of the gold spans hit by the top ``k`` (each evidence item counts on its own)."""
    _check_k(k)
    ranks = _ranks(retrieved, gold)
    return sum(1 for rank in ranks if rank is not None and rank <= k) / len(ranks)


def reciprocal_rank(retrieved: Sequence[Span], gold: Sequence[Span], k: int = 10) -> float:
    """1 / the first rank (within the top ``k``) that hits any gold span; 0 when none does."""
    _check_k(k)
    found = [rank for rank in _ranks(retrieved, gold) if rank is not None and rank <= k]
    return 1.0 / min(found) if found else 0.0


def question_scores(retrieved: Sequence[Span], gold: Sequence[Span]) -> dict[str, float]:
    """The aggregate's metrics for one answerable question (hits as 0.0 / 1.0)."""
    return {
        "hit@1": float(hit_at(retrieved, gold, 1)),
        "hit@5": float(hit_at(retrieved, gold, 5)),
        "hit@10": float(hit_at(retrieved, gold, 10)),
        "recall@5": recall_at(retrieved, gold, 5),
        "mrr@10": reciprocal_rank(retrieved, gold, 10),
    }


def aggregate(runs: Sequence[Run]) -> dict[str, float | int | None]:
    """Mean ``hit@1``, ``hit@5``, ``hit@10``, ``recall@5``, ``mrr@10`` over the answerable
    questions, and ``n``, their number.

    Questions without gold spans (unanswerable) are skipped; with no answerable question
    every metric is None and ``n`` is 0.
    """
    scored = [question_scores(retrieved, gold) for retrieved, gold in runs if gold]
    result: dict[str, float | int | None] = {
        key: (sum(s[key] for s in scored) / len(scored) if scored else None)
        for key in AGGREGATE_KEYS
    }
    result["n"] = len(scored)
    return result
