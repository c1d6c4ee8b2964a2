"""The calibrated relevance of a passage to a question, and the ranking it gives."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from onrecord.answer_kind import holds_number
from onrecord.index.catalog import Catalog
from onrecord.index.generations import current_generation
from onrecord.index.layout import CATALOG
from onrecord.index.reader import IndexReader
from onrecord.reading.kinds import asks_amount as asks_for_number
from onrecord.relevance import (
    DEFAULT_MODEL,
    SIGNALS,
    CandidateTerms,
    RelevanceModel,
    coverage,
    distinctive_weights,
    signals_of,
    tried_signals,
)
from onrecord.retrieval import candidate_terms, search
from onrecord.settings import SearchSettings, Settings
from onrecord.types import SearchFilters


def test_coverage_is_the_share_of_the_query_weight_held():
    weights = {"gas": 3.0, "network": 1.0}
    assert coverage(weights, {"gas", "network", "price"}) == 1.0
    assert coverage(weights, {"gas"}) == 0.75
    assert coverage(weights, set()) == 0.0
    assert coverage({}, {"gas"}) == 0.0  # a question of stop words only


def terms_of(answer: set[str], sentences: list[set[str]] | None = None) -> CandidateTerms:
    sentences = sentences or [answer]
    return CandidateTerms(
        frozenset(answer),
        frozenset(),
        tuple(map(frozenset, sentences)),
        tuple(False for _ in sentences),
    )


def test_a_word_every_candidate_holds_weighs_little_and_one_only_one_holds_most():
    # "putin" and "meet" are in every candidate (the event), "headcount" in one (the topic).
    candidates = [terms_of({"putin", "meet", "headcount"})] + [
        terms_of({"putin", "meet", other}) for other in ("export", "wage", "tax", "rail")
    ]
    weights = distinctive_weights({"putin": 2.0, "meet": 2.0, "headcount": 2.0}, candidates)
    assert weights["headcount"] > 2 * weights["putin"] and weights["putin"] == weights["meet"]
    assert distinctive_weights({"x": 1.0}, []) == {"x": 1.0}
    rows = signals_of({"putin": 2.0, "headcount": 2.0}, candidates, [0.5] * 5)
    assert rows[0]["coverage"] == 1.0 and all(r["coverage"] < 0.35 for r in rows[1:])
    assert set(rows[0]) == set(SIGNALS)  # what the model reads, and nothing more
    tried = tried_signals({"putin": 2.0, "headcount": 2.0}, candidates, False)
    assert tried[0]["coverage_idf"] == 1.0 and tried[1]["coverage_idf"] == 0.5


def test_the_sentence_signals_read_the_best_one_or_two_sentences_side_by_side():
    weights = {"gas": 1.0, "network": 1.0, "village": 1.0}
    apart = terms_of({"gas", "network", "village"}, [{"gas"}, {"x"}, {"network"}, {"village"}])
    together = terms_of({"gas", "network", "village"}, [{"x"}, {"gas", "network"}, {"village"}])
    assert len({r["coverage"] for r in signals_of(weights, [apart, together], [0.4, 0.4])}) == 1
    spread, close = tried_signals(weights, [apart, together], False)
    assert close["sentence_coverage"] > spread["sentence_coverage"]
    number = CandidateTerms(
        frozenset({"gas"}), frozenset(), (frozenset({"gas"}), frozenset({"x"})), (False, True)
    )
    (row,) = tried_signals(weights, [number], True)
    assert row["number"] == row["sentence_coverage"] > 0  # the run holding the number
    assert tried_signals(weights, [number], False)[0]["number"] == 0.0


def test_a_quantity_question_and_a_sentence_that_states_an_amount():
    assert asks_for_number("How many tunnels did Russian Railways have to dig?")
    assert asks_for_number("By how much did trade grow in 2017?")
    assert asks_for_number("What share of the budget went to defence?")
    assert not asks_for_number("What did Lavrov say about the CSTO in 2020?")
    assert holds_number("Six tunnels on this line and three on the other.")
    assert holds_number("200,000 uninsured people are expected to gain coverage")
    assert holds_number("our trade grew by 40.5 percent")
    assert not holds_number("In 2020 we met in Moscow, as one of the partners.")


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


NUMBER_QUESTION = (
    "How many people did the administration expect to benefit from the proposed fix to the "
    "Affordable Care Act's 'family glitch'?"
)


def test_the_number_signal_reads_the_run_with_the_amount_of_a_quantity_question(reader, embedder):
    hits = search(reader, embedder, NUMBER_QUESTION, SearchFilters(), SearchSettings(), k=30)
    assert "number" not in hits[0].scores  # measured, not in the model: not computed per query
    passages = reader.catalog.passages_by_id([h.passage_id for h in hits])
    found = [candidate_terms(passages[h.passage_id], sentences=True) for h in hits]
    at = next(i for i, h in enumerate(hits) if "200,000 uninsured people are expected" in h.text)
    assert any(found[at].numbers)
    assert any(h.doc_id == hits[at].doc_id for h in hits if h is not hits[at])  # its briefing
    weights = reader.lexical.query_weights(NUMBER_QUESTION)
    # Other answers of that briefing state amounts too (docs/retrieval.md, "Relevance signals").
    assert tried_signals(weights, found, asks_for_number(NUMBER_QUESTION))[at]["number"] > 0
    plain = "What did the administration say about the proposed fix to the family glitch?"
    assert not asks_for_number(plain)
    assert all(row["number"] == 0.0 for row in tried_signals(weights, found, False))


def test_a_word_every_candidate_holds_does_not_move_the_order(reader, embedder):
    """With a speaker filter the speaker's name is in every candidate's answer field: added
    to the question (the passages' cosines kept), it must not reorder the candidates."""
    lavrov = SearchFilters(speaker="Sergey Lavrov")
    hits = search(reader, embedder, "verification mechanism", lavrov, SearchSettings(), k=30)
    passages = reader.catalog.passages_by_id([h.passage_id for h in hits])
    found = [candidate_terms(passages[h.passage_id]) for h in hits]
    cosines = [h.scores["dense"] for h in hits]
    assert len(hits) >= 10 and all("lavrov" in f.answer for f in found)

    def order(query: str) -> list[int]:
        rows = signals_of(reader.lexical.query_weights(query), found, cosines)
        logits = [DEFAULT_MODEL.logit(r) for r in rows]
        return sorted(range(len(hits)), key=lambda i: -logits[i])

    assert reader.lexical.query_weights("verification mechanism Lavrov")["lavrov"] > 0
    assert order("verification mechanism Lavrov") == order("verification mechanism")


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
