"""How a position moved: `onrecord timeline`, its JSON contract, the chat's timeline answer
and its exports, on the bundled sample index (real parser, model and index)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyarrow as pa
import pytest

from onrecord.assistant import Assistant
from onrecord.constants import NOT_FOUND
from onrecord.index.reader import IndexReader
from onrecord.reading.result import Kind
from onrecord.settings import Settings
from onrecord.timeline_export import timeline_csv, timeline_markdown
from tests.support.apptest import ask, last, start
from tests.support.cli import onrecord
from tests.support.fake_openai import Reply
from tests.support.replies import passage_answer

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
    assert answer.timeline is not None and answer.timeline.topic == "gas"  # as typed
    assert answer.auto_filters == []  # nothing read back from a made-up question
    assert len(answer.citations) >= 5 and len(app.get("vega_lite_chart")) == 1
    ask(app, "How has Psaki's position on the Winter Olympics in Sochi changed?")
    later = last(app).answer  # asked second: still a timeline, and an empty one
    assert later.kind is Kind.TIMELINE and later.timeline.topic == "the Winter Olympics in Sochi"
    assert not later.found and not later.timeline.entries and later.text == NOT_FOUND
    assert len(app.get("vega_lite_chart")) == 1  # the first answer's only: none for this one


def summarising(body: dict) -> Reply:
    """A model that summarises a timeline: quotes passage [1] exactly and cites the last."""
    prompt = body["messages"][-1]["content"]
    last_n = max(int(n) for n in re.findall(r"<<<PASSAGE \[(\d+)\]", prompt))
    first = re.split(r"(?<=[.!?])\s", passage_answer(body, 1), maxsplit=1)[0]
    return Reply.text(
        f"At first he said “{first}” [1]. Later he spoke of routes to Europe [{last_n}]."
    )


def test_llm_mode_puts_a_checked_summary_above_the_timeline(sample_index, embedder, fake_openai):
    settings = Settings(
        index_dir=sample_index, openai_api_key="sk-test", openai_base_url=fake_openai.base_url
    )
    fake_openai.responder = summarising
    reader = IndexReader.open(sample_index, settings)
    answer = Assistant(settings, reader, embedder).answer(
        "How has Putin's position on gas changed?"
    )
    assert answer.mode == "llm" and answer.warnings == []
    summary = answer.text.split("\n\nHow Vladimir Putin's words on gas moved", 1)[0]
    entries = answer.timeline.entries
    prompt = fake_openai.chat_requests[-1]["body"]["messages"][-1]["content"]
    assert "Vladimir Putin spoke about gas" in prompt
    given = [int(n) for n in re.findall(r"<<<PASSAGE \[(\d+)\]", prompt)]
    assert given == list(range(1, len(given) + 1)) and len(given) <= len(entries)
    assert entries[given[-1] - 1].hit.text in prompt  # passage [n] is entry n
    assert f"[{given[-1]}]" in summary and "[1]" in summary  # each claim cites an entry
    first_sentence = re.split(r"(?<=[.!?])\s", entries[0].hit.text, maxsplit=1)[0]
    assert f"“{first_sentence}” [1]" in summary  # the quote, checked, kept verbatim
    # A summary quoting words that are not in the passages is left out, with a warning.
    fake_openai.responder = lambda body: Reply.text("He said “gas is free for all” [1].")
    refused = Assistant(settings, reader, embedder).answer(
        "How has Putin's position on gas changed?"
    )
    assert refused.text.startswith("How Vladimir Putin's words on gas moved")
    assert refused.warnings and refused.warnings[0].startswith("LLM summary left out:")
