"""Exact dense search over an in-memory copy of the passage vectors.

Chroma stays the store of record, but at ask time a filtered Chroma query is slow when the
filter matches broadly (about 140 ms per query on a 50,000-vector collection here) and HNSW
is approximate. Up to a few hundred thousand passages a plain matrix product is both exact
and faster (50,000 x 384 floats: ~75 MB, a few ms per query), and a filter is just a boolean
mask. Larger indexes use Chroma's HNSW (``SearchSettings.exact_dense_max``).
"""

from __future__ import annotations

import numpy as np

from onrecord.index.vectors import VectorStore

LOAD_BATCH = 5000


class DenseMatrix:
    """Normalised vectors, one row per passage, aligned with ``ids`` (the lexical order)."""

    def __init__(self, ids: list[str], vectors: np.ndarray) -> None:
        if vectors.shape[0] != len(ids):
            raise ValueError(f"{vectors.shape[0]} vectors for {len(ids)} passages")
        self.ids = ids
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    @classmethod
    def load(cls, store: VectorStore, ids: list[str]) -> DenseMatrix:
        """Every vector of ``ids`` from the Chroma store, in that order."""
        dimension = 0
        rows: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), LOAD_BATCH):
            batch = ids[start : start + LOAD_BATCH]
            got = store.collection.get(ids=batch, include=["embeddings"])
            for pid, vector in zip(got["ids"], got["embeddings"], strict=True):
                rows[pid] = np.asarray(vector, dtype=np.float32)
                dimension = rows[pid].shape[0]
        missing = [pid for pid in ids if pid not in rows]
        if missing:
            raise ValueError(f"{len(missing)} passages have no vector in the index")
        matrix = np.zeros((len(ids), dimension), dtype=np.float32)
        for i, pid in enumerate(ids):
            matrix[i] = rows[pid]
        return cls(ids, matrix)

    def search(
        self, vector: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Top ``k`` (id, cosine similarity) among rows where ``mask`` is true."""
        if not self.ids or k <= 0:
            return []
        scores = self.vectors @ np.asarray(vector, dtype=np.float32)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
            k = min(k, int(np.count_nonzero(mask)))
        k = min(k, len(self.ids))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top]
