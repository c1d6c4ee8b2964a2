"""LLM mode reads the question with the model (one structured call), checks its reading against
the index, and falls back to the rule reader on a malformed reading, an unknown speaker, or a
timeout. The real ``openai`` client, through LangChain, talks to the local server."""

from __future__ import annotations

import json

import pytest

from onrecord.assistant import Assistant
from onrecord.index.reader import IndexReader
from onrecord.llm_client import ChatClient
from onrecord.reading.result import Kind
from onrecord.settings import LLMSettings
from onrecord.types import Mode
from tests.conftest import make_settings
from tests.support.fake_openai import Reply
from tests.support.replies import citing

QUESTION = "What did Medvedev say about the gas debt of Belarus in June 2010?"


def reading(**fields) -> Reply:
    base = {"kind": "answer", "search_query": "Belarus gas debt", "topic": "", "speaker": None,
            "since": None, "until": None, "claim": None}  # fmt: skip
    return Reply.text(json.dumps({**base, **fields}))


@pytest.fixture(scope="module")
def reader(built_index):
    return IndexReader.open(built_index, make_settings(built_index))


@pytest.fixture
def llm(reader, embedder, fake_openai):
    ChatClient.requests_made = 0
    fake_openai.responder = citing()
    settings = make_settings(
        reader.index_dir,
        openai_api_key="sk-test",
        openai_base_url=fake_openai.base_url,
        llm=LLMSettings(timeout=5.0, max_retries=0, reading_timeout=1.0),
    )
    return Assistant(settings, reader, embedder)


def test_the_model_reads_the_question_in_one_structured_call(llm, fake_openai):
    fake_openai.reader = lambda body: reading(
        speaker="Dmitry Medvedev", since="2010-06-01", until="2010-06-30"
    )
    answer = llm.answer(QUESTION)
    request = fake_openai.chat_requests[0]["body"]
    assert request["response_format"]["type"] == "json_schema"
    prompt = request["messages"][-1]["content"]
    assert "Dmitry Medvedev" in prompt and QUESTION in prompt  # the officials it may name
    assert answer.reading.reader == "model" and answer.query == "Belarus gas debt"
    assert (answer.filters.speaker, answer.filters.since) == ("Dmitry Medvedev", "2010-06-01")
    assert answer.auto_filters == ["speaker: Dmitry Medvedev", "dates: 2010-06-01 to 2010-06-30"]
    assert answer.mode is Mode.LLM and answer.warnings == []
    assert {c.speaker for c in answer.citations} == {"Dmitry Medvedev"}


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        (Reply.text("Medvedev, June 2010"), "not in the asked form"),
        (reading(speaker="Joe Nobody"), "named a speaker no transcript holds (Joe Nobody)"),
        (reading(since="June 2010"), "a date that is not a day (June 2010)"),
        (reading(since="2010-07-01", until="2010-06-01"), "dates that end before they start"),
        (reading(kind="timeline", topic=""), "a timeline question without a topic"),
    ],
)
def test_a_reading_that_does_not_hold_falls_back_to_the_rules(llm, fake_openai, reply, why):
    fake_openai.reader = lambda body: reply
    answer = llm.answer(QUESTION)
    assert answer.reading.reader == "rules"
    assert answer.filters.speaker == "Dmitry Medvedev"  # as the rules read it
    assert (answer.filters.since, answer.filters.until) == ("2010-06-01", "2010-06-30")
    assert any(why in w and "read by the rules instead" in w for w in answer.warnings)
    assert answer.mode is Mode.LLM  # the model still writes the answer


def test_a_reading_that_times_out_falls_back_to_the_rules_and_to_quotes(llm, fake_openai):
    fake_openai.reader = lambda body: Reply.text("{}", delay=3.0)
    answer = llm.answer(QUESTION)
    assert answer.reading.reader == "rules" and answer.filters.speaker == "Dmitry Medvedev"
    assert answer.mode is Mode.QUOTES and answer.citations
    assert any("read without the model" in w for w in answer.warnings)
    assert len(fake_openai.chat_requests) == 1  # no answer request to a server that hangs


def test_the_model_can_ask_for_a_timeline(llm, fake_openai):
    wants = reading(kind="timeline", topic="gas", speaker="Vladimir Putin")
    fake_openai.reader = lambda body: wants
    answer = llm.answer("Putin and gas, through his terms?")
    assert answer.kind is Kind.TIMELINE and answer.timeline.topic == "gas"
    assert answer.timeline.filters.speaker == "Vladimir Putin"


def test_quotes_mode_makes_no_request(reader, embedder, fake_openai):
    settings = make_settings(reader.index_dir, openai_base_url=fake_openai.base_url)
    answer = Assistant(settings, reader, embedder).answer(QUESTION, mode="quotes")
    assert answer.reading.reader == "rules" and not fake_openai.chat_requests
