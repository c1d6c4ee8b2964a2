"""Both lists of the hybrid search earn their place in the fusion, on the bundled sample index
with the real model: a question about a rare name that only the keyword list finds, and a
question in other words than the answer's that only the dense list finds. Dropping either
list from the fusion loses that answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from onrecord.embeddings import Embedder
from onrecord.fusion import reciprocal_rank_fusion
from onrecord.index.reader import IndexReader
from onrecord.retrieval import search
from onrecord.settings import Settings
from onrecord.types import Passage, Role, SearchFilters

NO_FILTERS = SearchFilters()


@pytest.fixture(scope="module")
def reader(sample_index: Path) -> IndexReader:
    return IndexReader.open(sample_index, Settings(index_dir=sample_index))


def only_passage(reader: IndexReader, *needles: str) -> Passage:
    """The one official passage whose answer and question hold every one of ``needles``."""
    found = [
        p
        for p in reader.catalog.all_passages()
        if p.role is Role.OFFICIAL and all(n in p.text + p.question for n in needles)
    ]
    assert len(found) == 1, f"{needles}: {len(found)} passages"
    return found[0]


def lists(reader: IndexReader, embedder: Embedder, query: str) -> tuple[list[str], list[str]]:
    """Each retriever's candidates, best first, as the search takes them."""
    settings = Settings().search
    vector = embedder.embed([query])[0]
    dense = reader.dense().search(vector, settings.candidates, None)
    lexical = reader.lexical.search(query, settings.candidates, None, settings.question_weight)
    return [pid for pid, _ in dense], [pid for pid, _ in lexical]


def found(reader: IndexReader, embedder: Embedder, query: str) -> list[str]:
    return [h.passage_id for h in search(reader, embedder, query, NO_FILTERS, Settings().search)]


def test_a_rare_name_the_model_does_not_know_is_found_by_the_keyword_list(reader, embedder):
    query = "What was said about Tsarnaev?"
    answer = only_passage(reader, "Tsarnaev")
    dense, lexical = lists(reader, embedder, query)
    assert lexical[0] == answer.id, "the keyword list ranks the one passage naming him first"
    assert answer.id not in dense, "the precondition: the model alone never finds it"
    assert answer.id in found(reader, embedder, query)[:3]


def test_an_answer_in_other_words_is_found_by_the_dense_list(reader, embedder):
    query = "What about the jailed journalist?"
    answer = only_passage(reader, "Gershkovich", "wrongful detention", "clock")
    assert answer.speaker == "John Kirby"
    dense, lexical = lists(reader, embedder, query)
    assert answer.id in dense[:3], "the model finds Kirby on the detained reporter"
    assert answer.id not in lexical, "the precondition: no word of the query is in it"
    assert answer.id in found(reader, embedder, query)[:3]


def test_reciprocal_rank_fusion_sums_one_over_k_plus_rank():
    fused = reciprocal_rank_fusion({"dense": ["a", "b", "c"], "lexical": ["c", "d"]}, k=60)
    scores = dict(fused)
    assert [pid for pid, _ in fused] == ["c", "a", "b", "d"]
    assert scores["a"] == pytest.approx(1 / 61) and scores["d"] == pytest.approx(1 / 62)
    assert scores["c"] == pytest.approx(1 / 63 + 1 / 61)
    weighted = dict(reciprocal_rank_fusion({"x": ["a"], "y": ["b"]}, k=1, weights={"y": 3.0}))
    assert weighted == {"a": pytest.approx(1 / 2), "b": pytest.approx(3 / 2)}
    assert reciprocal_rank_fusion({}, k=60) == [] and reciprocal_rank_fusion({"x": []}, k=60) == []
