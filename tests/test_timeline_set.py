"""Timelines find the events a reader finds: every item of ``data/questions/timelines.jsonl``
(events judged from the raw sample transcripts, see its README), built on the bundled sample
index with the real parser, model and index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onrecord.index.reader import IndexReader
from onrecord.names import speaker_matches
from onrecord.settings import Settings
from onrecord.timeline import build_timeline
from onrecord.types import SearchFilters, Timeline
from tests.conftest import REPO

TIMELINE_SET = REPO / "data" / "questions" / "timelines.jsonl"
ITEMS = [json.loads(line) for line in TIMELINE_SET.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def reader(sample_index: Path) -> IndexReader:
    return IndexReader.open(sample_index, Settings(index_dir=sample_index))


@pytest.fixture(scope="module")
def timelines(sample_index: Path, reader: IndexReader, embedder) -> dict[str, Timeline]:
    settings = Settings(index_dir=sample_index)
    return {
        item["id"]: build_timeline(
            reader,
            embedder,
            settings,
            item["topic"],
            SearchFilters(item["speaker"], item["since"], item["until"]),
        )
        for item in ITEMS
    }


def found(timeline: Timeline) -> set[str]:
    return {entry.citation.doc_id for entry in timeline.entries}


def test_the_set_is_well_formed():
    assert 6 <= len(ITEMS) <= 8
    assert [item["id"] for item in ITEMS] == [f"timeline-{n:03d}" for n in range(1, len(ITEMS) + 1)]
    for item in ITEMS:
        assert set(item) == {"id", "topic", "speaker", "since", "until", "events", "how_judged"}
        assert item["events"] and len(set(item["events"])) == len(item["events"])
        assert item["how_judged"].strip()


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_each_timeline_finds_most_of_its_judged_events(item, timelines):
    judged = set(item["events"])
    missed = judged - found(timelines[item["id"]])
    assert len(judged - missed) / len(judged) >= 0.8, f"{item['topic']}: missed {sorted(missed)}"


def test_the_timelines_find_nine_in_ten_judged_events_overall(timelines):
    judged = sum(len(item["events"]) for item in ITEMS)
    hits = sum(len(set(item["events"]) & found(timelines[item["id"]])) for item in ITEMS)
    assert hits / judged >= 0.9, f"{hits} of {judged} judged events found"


def test_every_entry_quotes_its_transcript_exactly(timelines, reader):
    checked = 0
    for item in ITEMS:
        timeline = timelines[item["id"]]
        assert timeline.entries, f"{item['topic']}: an empty timeline checks nothing"
        for entry in timeline.entries:
            c = entry.citation
            assert reader.catalog.transcript_text(c.doc_id)[c.start : c.end] == c.quote
            assert c.quote.strip() and c.verified
            assert not item["speaker"] or speaker_matches(item["speaker"], c.speaker)
            assert not item["since"] or (c.date or "") >= item["since"]
            assert not item["until"] or (c.date or "9999") <= item["until"]
            checked += 1
    assert checked >= sum(len(item["events"]) for item in ITEMS) * 0.9


def test_entries_are_oldest_first_one_per_event_and_all_pass_the_gate(timelines):
    gate = Settings().answer.min_answer_relevance
    for item in ITEMS:
        entries = timelines[item["id"]].entries
        assert len(entries) >= 2, f"{item['topic']}: too few entries to check an order"
        dates = [entry.date or "" for entry in entries]
        assert dates == sorted(dates), f"{item['topic']}: not oldest first: {dates}"
        events = [entry.citation.doc_id for entry in entries]
        assert len(events) == len(set(events)), f"{item['topic']}: an event twice"
        assert [entry.citation.n for entry in entries] == list(range(1, len(entries) + 1))
        assert min(entry.relevance for entry in entries) >= gate > 0


def test_an_until_date_cuts_each_timeline_there(timelines, reader, embedder, sample_index):
    """The set's items give no ``until``: each timeline is built again ending at the date of
    its middle entry, and must keep the entries up to it and none after."""
    settings = Settings(index_dir=sample_index)
    for item in ITEMS:
        whole = [e.date for e in timelines[item["id"]].entries if e.date]
        until = sorted(whole)[len(whole) // 2]
        filters = SearchFilters(item["speaker"], item["since"], until)
        cut = build_timeline(reader, embedder, settings, item["topic"], filters)
        dates = [e.date or "" for e in cut.entries]
        assert dates, f"{item['topic']}: nothing up to {until}"
        assert max(dates) <= until and until in dates, f"{item['topic']}: {dates} for {until}"
        assert len(dates) < len(whole), f"{item['topic']}: nothing was cut at {until}"
