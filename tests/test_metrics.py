"""Retrieval metrics on hand-made cases whose answers are worked out by hand."""

from __future__ import annotations

import pytest

from onrecord.metrics import (
    aggregate,
    exact_span,
    first_hit_ranks,
    hit_at,
    overlap,
    question_scores,
    recall_at,
    reciprocal_rank,
    span_hits,
)

GOLD = ("doc", 100, 140)  # a 40-character quote
OTHER_GOLD = ("doc2", 0, 50)
MISS = ("doc", 0, 50)  # same document, elsewhere
ELSEWHERE = ("doc3", 100, 140)  # same offsets, another document


# --- locating quotes ----------------------------------------------------------------------
def test_locate_quote_gives_exact_offsets() -> None:
    text = "Q: Will you?\nMR. KIRBY:  Yes\u00a0\u2014 we will.\n"
    quote = "Yes\u00a0\u2014 we will."
    assert exact_span(text, quote) == (25, 39)
    assert text[25:39] == quote


def test_locate_quote_is_byte_for_byte() -> None:
    text = "He said\u00a0yes. It\u2019s done."
    assert exact_span(text, "said yes") is None  # plain space vs U+00A0
    assert exact_span(text, "It's done") is None  # straight vs curly apostrophe
    assert exact_span(text, "") is None
    assert exact_span(text, "It\u2019s") == (13, 17)


def test_locate_quote_returns_first_occurrence() -> None:
    assert exact_span("abcabc", "bc") == (1, 3)


# --- one span against one gold span ---------------------------------------------------------
def test_overlap_counts_shared_characters_in_the_same_document_only() -> None:
    assert overlap(("doc", 90, 120), GOLD) == 20
    assert overlap(("doc", 0, 1000), GOLD) == 40
    assert overlap(("doc", 140, 200), GOLD) == 0  # touching ends share nothing
    assert overlap(ELSEWHERE, GOLD) == 0


def test_span_hits_when_covering_the_whole_quote_or_inside_it() -> None:
    assert span_hits(("doc", 0, 1000), GOLD)
    assert span_hits(("doc", 100, 140), GOLD)
    assert span_hits(("doc", 110, 130), GOLD)  # 20 of 40 characters: exactly half


def test_span_hits_partial_overlap_just_under_and_over_half() -> None:
    assert not span_hits(("doc", 0, 119), GOLD)  # covers 19 of 40
    assert span_hits(("doc", 0, 120), GOLD)  # covers 20 of 40
    assert span_hits(("doc", 119, 500), GOLD)  # covers 21 of 40
    assert not span_hits(("doc", 121, 500), GOLD)  # covers 19 of 40
    odd = ("doc", 0, 41)  # half of 41 characters is 20.5: 20 is not enough, 21 is
    assert not span_hits(("doc", 0, 20), odd)
    assert span_hits(("doc", 0, 21), odd)


def test_span_misses_other_documents_and_empty_gold() -> None:
    assert not span_hits(ELSEWHERE, GOLD)
    assert not span_hits(MISS, GOLD)
    assert not span_hits(("doc", 0, 1000), ("doc", 5, 5))


# --- per-question metrics ---------------------------------------------------------------------
def test_first_hit_ranks_per_gold_item() -> None:
    retrieved = [MISS, ("doc2", 10, 60), ("doc", 100, 140), ("doc", 90, 150)]
    assert first_hit_ranks(retrieved, [GOLD, OTHER_GOLD]) == [3, 2]
    assert first_hit_ranks([], [GOLD]) == [None]


def test_hit_at_respects_the_cut_off() -> None:
    retrieved = [MISS, ELSEWHERE, ("doc", 100, 140)]
    assert not hit_at(retrieved, [GOLD], 1)
    assert not hit_at(retrieved, [GOLD], 2)
    assert hit_at(retrieved, [GOLD], 3)
    assert hit_at(retrieved, [GOLD], 10)


def test_reciprocal_rank_is_the_first_hit_within_k() -> None:
    retrieved = [MISS, ELSEWHERE, ("doc", 100, 140), ("doc", 100, 140)]
    assert reciprocal_rank(retrieved, [GOLD]) == pytest.approx(1 / 3)
    assert reciprocal_rank(retrieved, [GOLD], k=2) == 0.0
    assert reciprocal_rank([("doc", 100, 140)], [GOLD]) == 1.0
    eleventh = [MISS] * 10 + [("doc", 100, 140)]
    assert reciprocal_rank(eleventh, [GOLD]) == 0.0
    assert reciprocal_rank(eleventh, [GOLD], k=11) == pytest.approx(1 / 11)


def test_no_retrieved_passages_scores_zero() -> None:
    assert not hit_at([], [GOLD], 10)
    assert recall_at([], [GOLD], 5) == 0.0
    assert reciprocal_rank([], [GOLD]) == 0.0


def test_multi_evidence_recall_counts_each_item() -> None:
    retrieved = [("doc2", 0, 50), MISS, MISS, MISS, MISS, ("doc", 100, 140)]
    gold = [GOLD, OTHER_GOLD]
    assert recall_at(retrieved, gold, 1) == 0.5
    assert recall_at(retrieved, gold, 5) == 0.5
    assert recall_at(retrieved, gold, 6) == 1.0
    assert hit_at(retrieved, gold, 1)  # any gold item counts for a hit
    assert reciprocal_rank(retrieved, gold) == 1.0


def test_one_passage_can_cover_two_gold_items() -> None:
    gold = [("doc", 100, 140), ("doc", 150, 190)]
    assert recall_at([("doc", 90, 200)], gold, 1) == 1.0


def test_unanswerable_questions_have_no_per_question_score() -> None:
    with pytest.raises(ValueError):
        hit_at([GOLD], [], 5)
    with pytest.raises(ValueError):
        recall_at([GOLD], [], 5)
    with pytest.raises(ValueError):
        reciprocal_rank([GOLD], [])


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError):
        hit_at([GOLD], [GOLD], 0)


def test_question_scores_of_a_hit_at_rank_two() -> None:
    assert question_scores([MISS, GOLD], [GOLD]) == {
        "hit@1": 0.0,
        "hit@5": 1.0,
        "hit@10": 1.0,
        "recall@5": 1.0,
        "mrr@10": 0.5,
    }


# --- aggregate -----------------------------------------------------------------------------------
def test_aggregate_of_no_questions_is_none_not_an_error() -> None:
    assert aggregate([]) == {
        "hit@1": None,
        "hit@5": None,
        "hit@10": None,
        "recall@5": None,
        "mrr@10": None,
        "n": 0,
    }


def test_aggregate_of_only_unanswerable_questions_is_none() -> None:
    result = aggregate([([GOLD], []), ([], [])])
    assert result["n"] == 0
    assert result["hit@5"] is None
    assert result["mrr@10"] is None


def test_aggregate_averages_answerable_questions_only() -> None:
    runs = [
        ([GOLD], [GOLD]),  # hit at rank 1
        ([MISS] * 6 + [GOLD], [GOLD]),  # hit at rank 7
        ([], [GOLD]),  # nothing retrieved
        ([OTHER_GOLD, MISS], [GOLD, OTHER_GOLD]),  # multi-evidence, one of two at rank 1
        ([GOLD], []),  # unanswerable: skipped
    ]
    result = aggregate(runs)
    assert result["n"] == 4
    assert result["hit@1"] == pytest.approx(2 / 4)
    assert result["hit@5"] == pytest.approx(2 / 4)
    assert result["hit@10"] == pytest.approx(3 / 4)
    assert result["recall@5"] == pytest.approx((1 + 0 + 0 + 0.5) / 4)
    assert result["mrr@10"] == pytest.approx((1 + 1 / 7 + 0 + 1) / 4)


def test_aggregate_accepts_any_sequences() -> None:
    result = aggregate([((GOLD,), (GOLD,))])
    assert result == {
        "hit@1": 1.0,
        "hit@5": 1.0,
        "hit@10": 1.0,
        "recall@5": 1.0,
        "mrr@10": 1.0,
        "n": 1,
    }
