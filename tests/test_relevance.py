"""The calibrated relevance of a passage to a question, and the ranking it gives."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from onrecord.index.catalog import Catalog
from onrecord.index.generations import current_generation
from onrecord.index.layout import CATALOG
from onrecord.index.reader import IndexReader
from onrecord.relevance import DEFAULT_MODEL, SIGNALS, RelevanceModel, coverage
from onrecord.retrieval import search
from onrecord.settings import SearchSettings, Settings
from onrecord.types import SearchFilters


def test_coverage_is_the_share_of_the_query_weight_held():
    weights = {"gas": 3.0, "network": 1.0}
    assert coverage(weights, {"gas", "network", "price"}) == 1.0
    assert coverage(weights, {"gas"}) == 0.75
    assert coverage(weights, set()) == 0.0
    assert coverage({}, {"gas"}) == 0.0  # a question of stop words only


def test_probability_is_bounded_and_rises_with_every_signal():
    model = RelevanceModel(weights={"dense": 3.0, "coverage": 3.0}, bias=-5.0)
    low = model.probability({"dense": 0.1, "coverage": 0.1})
    assert 0.0 < low < model.probability({"dense": 0.6, "coverage": 0.1}) < 1.0
    assert model.probability({"dense": 0.6, "coverage": 0.9}) > model.probability(
        {"dense": 0.6, "coverage": 0.1}
    )
    assert set(DEFAULT_MODEL.weights) == set(SIGNALS)
    assert all(weight > 0 for weight in DEFAULT_MODEL.weights.values())


@pytest.fixture(scope="module")
def reader(sample_index: Path) -> IndexReader:
    return IndexReader.open(sample_index, Settings(index_dir=sample_index))


QUESTION = "Which country blocks a verification mechanism for the biological weapons convention?"


def test_search_orders_the_best_candidates_by_relevance(reader, embedder):
    hits = search(reader, embedder, QUESTION, SearchFilters(), SearchSettings(), k=8)
    scored = [h.relevance for h in hits]
    assert all(r is not None and 0.0 < r < 1.0 for r in scored)
    assert scored == sorted(scored, reverse=True)
    assert all(set(SIGNALS) <= set(h.scores) for h in hits)
    # The passage that says it comes first, from Lavrov's press conference.
    assert "single-handedly blocking a verification mechanism" in hits[0].text
    assert hits[0].speaker == "Sergey Lavrov"


def test_relevance_depth_zero_keeps_fusion_order_and_scores_nothing(reader, embedder):
    settings = SearchSettings(relevance_depth=0)
    hits = search(reader, embedder, QUESTION, SearchFilters(), settings, k=8)
    assert hits and all(h.relevance is None for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_passage_on_the_question_is_more_relevant_than_one_off_it(reader, embedder):
    on_topic = search(reader, embedder, QUESTION, SearchFilters(), SearchSettings(), k=1)[0]
    off_topic = search(
        reader,
        embedder,
        QUESTION,
        SearchFilters(speaker="Jean-Pierre"),
        SearchSettings(),
        k=1,
    )[0]
    assert on_topic.relevance > 2 * off_topic.relevance


def test_an_index_written_before_offices_were_stored_still_opens(sample_index, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(sample_index, old)
    catalog_path = current_generation(old) / CATALOG
    db = sqlite3.connect(catalog_path)
    db.execute("ALTER TABLE passages DROP COLUMN office")
    db.commit()
    db.close()
    reader = IndexReader.open(old, Settings(index_dir=old))  # read-only: offices read as ""
    assert all(p.office == "" for p in reader.catalog.all_passages())
    assert reader.official_offices(SearchFilters()) == {}
    writable = Catalog(catalog_path)  # a writer adds the column
    assert {row[1] for row in writable.db.execute("PRAGMA table_info(passages)")} >= {"office"}
    writable.close()
