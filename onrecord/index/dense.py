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

LOAD_BATCH = 1000


class DenseMatrix:
    """Normalised vectors, one row per passage, aligned with ``ids`` (the lexical order)."""

    def __init__(self, ids: list[str], vectors: np.ndarray) -> None:
        if vectors.shape[0] != len(ids):
            raise ValueError(f"{vectors.shape[0]} vectors for {len(ids)} passages")
        self.ids = ids
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._row_of: dict[str, int] | None = None

    @classmethod
    def load(cls, store: VectorStore, ids: list[str]) -> DenseMatrix:
        """Every vector of ``ids`` from the Chroma store, in that order.

        Written batch by batch into one preallocated matrix: from a server every batch
        arrives as JSON lists of Python floats (~25 bytes a number), so holding more than one
        batch at a time, or a second copy of the rows, is what set the peak memory.
        """
        row_of = {pid: row for row, pid in enumerate(ids)}
        matrix: np.ndarray | None = None
        filled = np.zeros(len(ids), dtype=bool)
        for start in range(0, len(ids), LOAD_BATCH):
            got = store.collection.get(ids=ids[start : start + LOAD_BATCH], include=["embeddings"])
            for pid, vector in zip(got["ids"], got["embeddings"], strict=True):
                row = np.asarray(vector, dtype=np.float32)
                if matrix is None:
                    matrix = np.zeros((len(ids), row.shape[0]), dtype=np.float32)
                matrix[row_of[pid]] = row
                filled[row_of[pid]] = True
            del got
        missing = int(np.count_nonzero(~filled))
        if missing:
            raise ValueError(f"{missing} passages have no vector in the index")
        return cls(ids, matrix if matrix is not None else np.zeros((0, 0), dtype=np.float32))

    def rows(self, ids: list[str]) -> np.ndarray:
        """The vectors of ``ids``, in that order."""
        if self._row_of is None:
            self._row_of = {pid: row for row, pid in enumerate(self.ids)}
        return self.vectors[[self._row_of[pid] for pid in ids]]

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
