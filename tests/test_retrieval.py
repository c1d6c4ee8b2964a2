"""Hybrid retrieval: exact dense search, filters applied in every retriever, ranking rules."""

from __future__ import annotations

import numpy as np
import pytest

from onrecord.embeddings import Embedder
from onrecord.index.dense import DenseMatrix
from onrecord.index.reader import IndexReader
from onrecord.retrieval import search
from onrecord.settings import SearchSettings
from onrecord.types import SearchFilters
from tests.conftest import make_settings


def unit(rows: list[list[float]]) -> np.ndarray:
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_dense_matrix_ranks_by_cosine_and_honours_the_mask():
    matrix = DenseMatrix(["a", "b", "c"], unit([[1, 0], [0.6, 0.8], [0, 1]]))
    query = np.asarray([1.0, 0.0], dtype=np.float32)
    assert [pid for pid, _ in matrix.search(query, 3)] == ["a", "b", "c"]
    assert matrix.search(query, 1)[0] == ("a", pytest.approx(1.0))
    mask = np.array([False, True, True])
    assert [pid for pid, _ in matrix.search(query, 5, mask)] == ["b", "c"]
    assert matrix.search(query, 5, np.zeros(3, dtype=bool)) == []


def test_dense_matrix_edge_cases():
    assert DenseMatrix([], np.zeros((0, 4), dtype=np.float32)).search(np.ones(4), 3) == []
    with pytest.raises(ValueError, match="2 vectors for 3 passages"):
        DenseMatrix(["a", "b", "c"], np.zeros((2, 4), dtype=np.float32))


@pytest.fixture(scope="module")
def reader(built_index) -> IndexReader:
    return IndexReader.open(built_index, make_settings(built_index))


def test_exact_dense_agrees_with_chroma(reader: IndexReader, embedder: Embedder):
    """The in-memory copy holds the very vectors Chroma stores: same top passages."""
    vector = embedder.embed(["biological weapons convention"])[0]
    exact = reader.dense().search(vector, 5)
    chroma = reader.vectors.query(vector, 5, None)
    assert [pid for pid, _ in exact] == [pid for pid, _ in chroma]
    for (_, a), (_, b) in zip(exact, chroma, strict=True):
        assert a == pytest.approx(b, abs=1e-4)


@pytest.mark.parametrize("exact_dense_max", [300_000, 0])
def test_filters_hold_in_both_dense_paths(reader, embedder, exact_dense_max):
    """Exact (mask) and Chroma (where clause) dense search give only passages that pass."""
    settings = SearchSettings(exact_dense_max=exact_dense_max)
    filters = SearchFilters(speaker="Lavrov", since="2020-01-01", until="2020-12-31")
    hits = search(reader, embedder, "cooperation with partners", filters, settings, k=10)
    assert hits
    for hit in hits:
        assert "Lavrov" in hit.speaker
        assert hit.date is not None and "2020-01-01" <= hit.date <= "2020-12-31"
