"""Test helper: check an index is whole (every passage findable, no duplicates)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from onrecord.index.reader import IndexReader
from onrecord.settings import Settings


def assert_index_whole(index_dir: Path, settings: Settings | None = None) -> int:
    """Every catalog passage has exactly one vector, and a query with the passage's own
    vector finds it first; the lexical index covers the same ids. Returns the passage count.
    ``settings`` (e.g. with a Chroma server URL) default to the embedded index."""
    reader = IndexReader.open(index_dir, settings or Settings(index_dir=index_dir))
    ids = reader.catalog.passage_ids()
    assert len(ids) == len(set(ids))
    assert reader.vectors.count() == len(ids)
    assert sorted(reader.lexical.ids) == sorted(ids)
    stored = reader.vectors.collection.get(ids=ids, include=["embeddings"])
    vectors = np.asarray(stored["embeddings"], dtype=np.float32)
    for offset in range(0, len(ids), 256):
        result = reader.vectors.collection.query(
            query_embeddings=vectors[offset : offset + 256], n_results=3, include=["distances"]
        )
        for own, found, distances in zip(
            stored["ids"][offset : offset + 256], result["ids"], result["distances"], strict=True
        ):
            # Identical texts share a vector, so "first" means at distance ~0.
            assert own in [f for f, d in zip(found, distances, strict=True) if d < 1e-4], own
    return len(ids)
