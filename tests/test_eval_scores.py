"""Citation, refusal and summary metrics on hand-made cases with known answers."""

from __future__ import annotations

import pytest

from onrecord.evaluation.scores import (
    CitedSpan,
    GoldSpan,
    citation_counts,
    percentile,
    summarise_citations,
    summarise_refusals,
)
from onrecord.evaluation.summary import compare, summarise

GOLD = [
    GoldSpan("d1", 100, 200, "President of Russia Vladimir Putin"),
    GoldSpan("d2", 0, 50, "MS. PSAKI"),
]


def cited(doc, start, end, speaker="Vladimir Putin", exact=True, journalist=False):
    return CitedSpan(doc, start, end, speaker, "q", exact, journalist)


def test_citation_counts_support_attribution_and_recall():
    counts = citation_counts(
        [
            cited("d1", 150, 260),  # on gold 1, right speaker
            cited("d2", 40, 90, speaker="Karine Jean-Pierre"),  # on gold 2, wrong speaker
            cited("d1", 200, 300),  # touches gold 1's end only: no overlap
            cited("d3", 0, 10, exact=False, journalist=True),
        ],
        GOLD,
    )
    assert counts == {
        "citations": 4,
        "exact": 3,
        "on_gold": 2,
        "attributed": 1,
        "gold": 2,
        "gold_cited": 2,
        "journalist_quotes": 1,
    }


def test_summaries_of_empty_and_unanswerable_runs_are_none_not_errors():
    assert summarise_citations([], []) == {
        "verbatim_rate": None,
        "citation_precision": None,
        "citation_recall": None,
        "attribution_accuracy": None,
        "journalist_quotes": 0,
        "citations": 0,
    }
    only_unanswerable = citation_counts([], [])
    summary = summarise_citations([only_unanswerable], [False])
    assert summary["citation_recall"] is None and summary["verbatim_rate"] is None
    assert summarise_refusals([], []) == {"refusal_accuracy": None, "false_refusal_rate": None}


def test_citations_on_unanswerable_questions_count_for_verbatim_not_precision():
    answerable = citation_counts([cited("d1", 120, 130)], GOLD)
    unanswerable = citation_counts([cited("d9", 0, 5, exact=False)], [])
    summary = summarise_citations([answerable, unanswerable], [True, False])
    assert summary["citation_precision"] == 1.0 and summary["verbatim_rate"] == 0.5
    assert summary["citation_recall"] == 0.5


def test_refusals():
    assert summarise_refusals([True, False, True, False], [False, False, True, True]) == {
        "refusal_accuracy": 0.5,
        "false_refusal_rate": 0.5,
    }
    # A false premise declined ("not in those words", then what was said) counts as a
    # refusal; an answerable question given quotes under that lead is not a false refusal.
    assert summarise_refusals([False, False, False], [False, False, True], [True, False, True]) == {
        "refusal_accuracy": 0.5,
        "false_refusal_rate": 0.0,
    }


def test_percentile_nearest_rank():
    assert percentile([], 0.5) is None
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([float(i) for i in range(1, 21)], 0.95) == 19.0


def record(tags, answerable=True, hit=1.0, refused=False, failed=False, timings=None):
    if failed:
        return {
            "id": "x",
            "question": "q",
            "tags": tags,
            "answerable": answerable,
            "failed": True,
            "error": "boom",
        }
    retrieval = (
        {k: hit for k in ("hit@1", "hit@5", "hit@10", "recall@5", "mrr@10")} if answerable else None
    )
    return {
        "id": "x",
        "question": "q",
        "tags": tags,
        "answerable": answerable,
        "failed": False,
        "refused": refused,
        "retrieval": retrieval,
        "similarity": 0.5,
        "citations": citation_counts([], GOLD if answerable else []),
        "timings": timings or {"total": 0.1},
        "usage": {"input_tokens": 1000, "output_tokens": 100},
    }


def test_summarise_overall_by_tag_latency_and_cost():
    records = [
        record(["kremlin"], hit=1.0, timings={"total": 0.2}),
        record(["kremlin", "date"], hit=0.0, timings={"total": 0.4}),
        record(["unanswerable"], answerable=False, refused=True),
        record(["kremlin"], failed=True),
    ]
    summary = summarise(records, price_in=0.15, price_out=0.6)
    assert (summary["questions"], summary["failed"], summary["answerable"]) == (4, 1, 2)
    assert summary["hit@5"] == 0.5 and summary["refusal_accuracy"] == 1.0
    assert summary["by_tag"]["kremlin"]["questions"] == 3
    assert summary["by_tag"]["date"]["hit@5"] == 0.0
    assert summary["latency"]["total"] == {"p50": 0.2, "p95": 0.4}  # of 0.1, 0.2, 0.4
    assert summary["input_tokens"] == 3000
    assert summary["estimated_cost_usd"] == pytest.approx((3000 * 0.15 + 300 * 0.6) / 1e6)


def test_compare_flags_regressions_and_thresholds():
    baseline = {"hit@5": 0.80, "citation_recall": 0.50, "journalist_quotes": 0, "failed": 0}
    now = {"hit@5": 0.79, "citation_recall": 0.40, "journalist_quotes": 1, "failed": 0}
    rows, failures = compare(now, baseline, {"hit@5": 0.85}, tolerance=0.02)
    assert ["hit@5", "0.800", "0.790", "-0.010"] in rows
    assert failures == [
        "citation_recall regressed from 0.500 to 0.400 (tolerance 0.02)",
        "journalist_quotes regressed from 0 to 1 (tolerance 0)",
        "hit@5 is 0.790, below --fail-under 0.85",
    ]
    assert compare(now, None, {}, 0.02)[1] == []
    assert compare({}, None, {"mrr@10": 0.1}, 0.02)[1] == ["mrr@10 is –, below --fail-under 0.1"]
