"""Rank fusion: pure functions over ranked id lists."""

from __future__ import annotations


def reciprocal_rank_fusion(
    rankings: dict[str, list[str]], k: int, weights: dict[str, float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked lists: score(id) = sum over lists of weight / (k + rank), rank from 1
    (``k``: ``search.rrf_k``).

    Returns (id, score) sorted by score, ties broken by first appearance.
    """
    scores: dict[str, float] = {}
    for name, ranking in rankings.items():
        weight = (weights or {}).get(name, 1.0)
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])
