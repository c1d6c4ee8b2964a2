"""How a position moved: `onrecord timeline`, its JSON contract, the chat's timeline answer
and its exports, on the bundled sample index (real parser, model and index)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pytest

from onrecord.constants import NOT_FOUND
from onrecord.index.reader import IndexReader
from onrecord.settings import Settings
from onrecord.timeline import timeline_topic
from onrecord.timeline_export import timeline_csv, timeline_markdown
from tests.support.apptest import ask, last, start
from tests.test_cli import onrecord

LNG = "the cost of production and delivery of liquefied natural gas from the United States"


def plain(text: str) -> str:
    """Whitespace as one space: Kremlin pages put no-break spaces after short words."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def reader(sample_index: Path) -> IndexReader:
    return IndexReader.open(sample_index, Settings(index_dir=sample_index))


def timeline_json(sample_index: Path, *args: str) -> dict:
    result = onrecord("timeline", *args, "--index", str(sample_index), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_one_entry_per_event_oldest_first_with_exact_quotes(sample_index, reader):
    found = timeline_json(sample_index, "gas", "--speaker", "Putin")
    assert found["topic"] == "gas" and found["filters"]["speaker"] == "Putin"
    assert found["transcripts_searched"] == 22  # Putin speaks in 22 of the 44 transcripts
    entries = found["entries"]
    assert len(entries) == found["events_matched"] >= 5
    assert [e["n"] for e in entries] == list(range(1, len(entries) + 1))
    dates = [e["date"] for e in entries]
    assert dates == sorted(dates) and dates[0] < "2016" < dates[-1]
    assert len({e["doc_id"] for e in entries}) == len(entries)  # one per press conference
    assert {e["speaker"] for e in entries} == {"Vladimir Putin"}
    for e in entries:
        assert reader.catalog.transcript_text(e["doc_id"])[e["start"] : e["end"]] == e["quote"]
        assert e["verified"] and e["url"].startswith("http") and "#:~:text=" in e["url"]
    lng = next(e for e in entries if LNG in plain(e["quote"]))
    assert lng["date"] == "2017-07-08" and "liquefied natural gas" in lng["question"]
    more = timeline_json(sample_index, "gas", "--speaker", "Putin", "--per-event", "2")
    per_doc = [e["doc_id"] for e in more["entries"]]
    assert len(per_doc) > len(entries) and max(map(per_doc.count, per_doc)) == 2


def test_dates_narrow_the_timeline_and_the_text_says_how_much_was_searched(sample_index):
    since = timeline_json(sample_index, "gas", "--speaker", "Putin", "--since", "2018-01-01")
    assert since["entries"] and all(e["date"] >= "2018-01-01" for e in since["entries"])
    text = onrecord("timeline", "gas", "--speaker", "Putin", "--index", str(sample_index))
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("Timeline: gas, Putin (")
    assert "events matched; 22 transcripts searched)" in text.stdout
    assert "8 July 2017 · Vladimir Putin" in text.stdout and LNG in plain(text.stdout)


def test_a_topic_the_speaker_never_addressed_gives_the_fixed_sentence(sample_index):
    found = timeline_json(sample_index, "the Winter Olympics in Sochi", "--speaker", "Psaki")
    assert found["entries"] == [] and found["events_matched"] == 0
    text = onrecord(
        "timeline",
        "the Winter Olympics in Sochi",
        "--speaker",
        "Psaki",
        "--index",
        str(sample_index),
    )
    assert text.stdout.rstrip().endswith(NOT_FOUND)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("How has Putin's position on NATO changed?", "NATO"),
        ("Has Psaki's line on Afghanistan shifted?", "Afghanistan"),
        ("Lavrov on the CSTO over the years", "the CSTO"),
        ("How has the position on gas prices changed over time?", "gas prices"),
        ("What did Putin say about NATO?", None),
        ("How did Putin describe the change in gas prices?", None),
    ],
)
def test_a_question_about_change_over_time_is_recognised(question, topic):
    assert timeline_topic(question) == topic


def test_the_chat_answers_a_change_over_time_question_with_a_timeline(monkeypatch, sample_index):
    app = ask(start(monkeypatch, sample_index), "How has Putin's position on gas changed?")
    answer = last(app).answer
    assert answer.text.startswith("How Vladimir Putin's words on gas moved, oldest first:")
    dates = [c.date for c in answer.citations]
    assert len(dates) >= 5 and dates == sorted(dates)
    assert {c.speaker for c in answer.citations} == {"Vladimir Putin"}
    assert any(LNG in plain(c.quote) for c in answer.citations)
    assert answer.auto_filters == ["speaker: Vladimir Putin"]
    # One point per event on the chart, each with its quote for the hover.
    chart = app.get("vega_lite_chart")[0]
    rows = pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pylist()
    assert [r["n"] for r in rows] == [f"[{c.n}]" for c in answer.citations]
    assert all(r["quote"][:40] == c.quote[:40] for r, c in zip(rows, answer.citations, strict=True))
    labels = [b.label for b in app.get("download_button")]
    assert {"Timeline (Markdown)", "Timeline (CSV)"} <= set(labels)
    table = list(csv.reader(io.StringIO(timeline_csv(answer.timeline))))
    assert table[0] == ["date", "speaker", "event", "quote", "url"]
    assert [row[0] for row in table[1:]] == dates and table[1][3] == answer.citations[0].quote
    document = timeline_markdown(answer.timeline)
    assert document.startswith("# Timeline: gas, Vladimir Putin")
    assert f"> “{answer.citations[0].quote}” [1]" in document


def test_the_sidebar_over_time_box_and_an_empty_timeline_without_a_chart(monkeypatch, sample_index):
    app = start(monkeypatch, sample_index)
    app.text_input(key="over-time-topic").set_value("gas")
    app.button(key="over-time").click().run()
    assert not app.exception
    answer = last(app).answer
    assert answer.timeline is not None and answer.timeline.topic == "gas"
    assert len(answer.citations) >= 5 and len(app.get("vega_lite_chart")) == 1
    ask(app, "How has Psaki's position on the Winter Olympics in Sochi changed?")
    assert last(app).answer.text == NOT_FOUND and not last(app).answer.citations
    assert len(app.get("vega_lite_chart")) == 1  # the first answer's only: none for this one
