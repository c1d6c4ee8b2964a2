"""Hybrid retrieval: exact dense search, filters applied in every retriever, ranking rules."""

from __future__ import annotations

import numpy as np
import pytest

from onrecord.embeddings import Embedder
from onrecord.index.dense import DenseMatrix
from onrecord.index.lexical import LexicalIndex
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


def test_answer_matches_outrank_question_only_matches_in_keyword_search():
    """Same words, once in the official's answer and once only in the question put to him."""
    index = LexicalIndex.build(
        ["in-answer", "in-question"],
        ["Lavrov the open skies treaty is a pillar of security", "Lavrov we discussed trade"],
        ["what about trade?", "what about the open skies treaty?"],
    )
    ranked = index.search("open skies treaty", 2)
    assert [pid for pid, _ in ranked] == ["in-answer", "in-question"]
    assert ranked[0][1] > ranked[1][1] > 0
    assert [pid for pid, _ in index.search("open skies treaty", 2, question_weight=0)] == [
        "in-answer"
    ]


HONG_KONG = "The Hong Kong-related problems they are trying to exploit are the PRC’s internal"
OPEN_SKIES_QUESTION = "My first question is about the US announcement"


@pytest.mark.parametrize("question_weight", [0.5, 0.0])
def test_official_answer_outranks_a_passage_that_only_has_the_question(
    reader, embedder, question_weight
):
    """In the real MFA transcript one question asks about the Open Skies Treaty and then
    about Hong Kong; Lavrov answers on Hong Kong first, then at length on the treaty. Every
    piece of his answer carries that question as context, so every piece matches "Hong Kong"
    through the journalist's words: the piece whose own words are about Hong Kong must come
    first, above the pieces that match only through the question."""
    settings = SearchSettings(question_weight=question_weight)
    query = "Does Russia think US sanctions against China over Hong Kong are justified?"
    hits = search(reader, embedder, query, SearchFilters(), settings, k=10)
    same_question = [h for h in hits if OPEN_SKIES_QUESTION in h.question]
    assert len(same_question) >= 2, "the other pieces of that answer should be candidates"
    assert HONG_KONG in hits[0].text, [h.text[:60] for h in hits]


def test_best_windows_takes_the_closest_sentence_or_pair():
    from onrecord.index.catalog import SentenceVectors
    from onrecord.retrieval import best_windows

    query = np.asarray([1.0, 0.0], dtype=np.float32)
    stored = {
        "one": SentenceVectors([(0, 5), (6, 9)], unit([[0.9, 0.1], [0.0, 1.0]])),
        "pair": SentenceVectors([(0, 5), (6, 9), (10, 14)], unit([[0.1, 1], [1, 0.2], [1, 0.2]])),
        "empty": SentenceVectors([], np.zeros((0, 0), dtype=np.float32)),
    }
    windows = best_windows(stored, query)
    assert set(windows) == {"one", "pair"}  # a passage without sentences is not ranked
    assert windows["one"] == pytest.approx(float(stored["one"].vectors[0] @ query))
    assert windows["pair"] == pytest.approx(float(stored["pair"].vectors[1] @ query))


def test_sentence_rerank_fuses_in_the_candidates_closest_sentences(reader, embedder):
    question = "What did Medvedev tell Miller to do about the Belarus gas debt?"
    plain = search(reader, embedder, question, SearchFilters(), SearchSettings(), k=30)
    reranked = search(
        reader, embedder, question, SearchFilters(), SearchSettings(sentence_rerank=30), k=30
    )
    assert plain and all("sentences" not in h.scores for h in plain)  # off by default
    windows = {h.passage_id: h.scores["sentences"] for h in reranked}
    assert len(windows) == len(reranked)
    closest = max(windows, key=windows.__getitem__)
    # It tops the third list, so fusing that list in can only lift it, and by rank.
    assert [h.passage_id for h in reranked].index(closest) <= [h.passage_id for h in plain].index(
        closest
    )
    assert {h.passage_id for h in reranked} == {h.passage_id for h in plain}
    hit = next(h for h in reranked if h.passage_id == closest)
    sentences = reader.catalog.sentence_vectors([closest])[closest]
    texts = [f"{hit.speaker}: {hit.text[s:e]}" for s, e in sentences.spans]
    assert windows[closest] == pytest.approx(
        max(best_windows_of(embedder, question, texts)), abs=0.01
    )


def best_windows_of(embedder: Embedder, question: str, texts: list[str]) -> list[float]:
    vectors = embedder.embed([question, *texts])
    cosines = vectors[1:] @ vectors[0]
    return [*cosines, *((cosines[:-1] + cosines[1:]) / 2)]
