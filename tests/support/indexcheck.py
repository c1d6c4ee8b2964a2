"""Test helper: check an index is whole (every passage findable, no duplicates)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ingest.sentence_vectors import passage_sentences
from onrecord.embeddings import Embedder
from onrecord.index.reader import IndexReader
from onrecord.settings import Settings
from onrecord.types import Role


def assert_index_whole(
    index_dir: Path, settings: Settings | None = None, embedder: Embedder | None = None
) -> int:
    """Every catalog passage has exactly one vector, and a query with the passage's own
    vector finds it first; the lexical index covers the same ids. With ``embedder``, a query
    for each passage's own text finds it first too (so no vector belongs to another text).
    ``settings`` (e.g. with a Chroma server URL) default to the embedded index. Returns the
    passage count.

    Sentence vectors too: every passage but journalists' has one per sentence, at that
    sentence's offsets, and none is left for a passage that is gone."""
    reader = IndexReader.open(index_dir, settings or Settings(index_dir=index_dir))
    ids = reader.catalog.passage_ids()
    assert len(ids) == len(set(ids))
    assert reader.vectors.count() == len(ids)
    assert sorted(reader.lexical.ids) == sorted(ids)
    stored = reader.vectors.collection.get(ids=ids, include=["embeddings"])
    vectors = np.asarray(stored["embeddings"], dtype=np.float32)
    _assert_each_finds_itself(reader, stored["ids"], vectors)
    if embedder is not None:
        texts = {p.id: p.embed_text for p in reader.catalog.all_passages()}
        own = [texts[pid] for pid in stored["ids"]]
        _assert_each_finds_itself(reader, stored["ids"], embedder.embed(own), texts)
    _assert_sentence_vectors(reader, embedder)
    return len(ids)


def _assert_sentence_vectors(reader: IndexReader, embedder: Embedder | None) -> None:
    catalog = reader.catalog
    quotable = [p for p in catalog.all_passages() if p.role is not Role.JOURNALIST]
    stored = catalog.sentence_vectors(catalog.passage_ids())
    assert set(stored) == {p.id for p in quotable}
    rows = catalog.db.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0]
    assert rows == len(quotable), "sentence vectors left for passages that are gone"
    for passage in quotable:
        spans, texts = passage_sentences(passage)
        found = stored[passage.id]
        assert found.spans == spans and found.vectors.shape[0] == len(spans), passage.id
        if embedder is not None and spans:  # the stored vectors are those of these sentences
            cosines = np.sum(embedder.embed(texts[:2]) * found.vectors[:2], axis=1)
            assert cosines.min() > 0.99, passage.id


def _assert_each_finds_itself(
    reader: IndexReader, ids: list[str], vectors: np.ndarray, texts: dict | None = None
) -> None:
    for offset in range(0, len(ids), 256):
        result = reader.vectors.collection.query(
            query_embeddings=vectors[offset : offset + 256], n_results=3, include=["distances"]
        )
        for own, found, distances in zip(
            ids[offset : offset + 256], result["ids"], result["distances"], strict=True
        ):
            # Identical texts share a vector, so "first" means at distance ~0, and with more
            # copies than results, a full list of exact ties stands for it.
            close = [f for f, d in zip(found, distances, strict=True) if d < 1e-3]
            if texts is None:
                assert own in close or len(close) == len(found), own
            else:  # the nearest passage is this one, or one with exactly the same text
                assert close and texts[close[0]] == texts[own], own
