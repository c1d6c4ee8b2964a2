"""The chat page when the LLM misbehaves, is flooded, or has no key (issue 7, items 11-13).

Real Streamlit (AppTest), the real index and model; the LLM is the local OpenAI-compatible
server. Every failure is met in the middle of a conversation: the first question is answered
by the model, the second (a follow-up, so it is first rewritten by the model) meets the fault.
"""

from __future__ import annotations

import logging
import re

import pytest
import streamlit as st
from streamlit import config
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.runtime.secrets import Secrets
from streamlit.testing.v1 import AppTest

from onrecord.llm_client import ChatClient
from tests.conftest import REPO
from tests.support.apptest import ENV, cards, everything_shown, start
from tests.support.fake_openai import FakeOpenAI, Reply
from tests.support.questions import CEASEFIRE, GAS
from tests.support.replies import citing

CANARY_KEY = "sk-canary-0d15ea5e"
FOLLOW_UP = "And what did he say about the deadline for paying?"


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    ChatClient.requests_made = 0
    st.cache_resource.clear()


def llm_app(monkeypatch, built_index, server: FakeOpenAI, **env: str) -> AppTest:
    server.responder = citing()  # the model when nothing is scripted (its reader: the rules')
    monkeypatch.setenv("OPENAI_API_KEY", CANARY_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("ONRECORD_LLM__MAX_RETRIES", "1")
    monkeypatch.setenv("ONRECORD_LLM__TIMEOUT", "2")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return start(monkeypatch, built_index)


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input(key="question").set_value(question).run()
    assert not app.exception, app.exception
    return app


def answer_prompts(server: FakeOpenAI) -> list[str]:
    return [
        r["body"]["messages"][-1]["content"]
        for r in server.chat_requests
        if "response_format" not in r["body"]  # not the question's reading
    ]


SLOW = Reply.text("too late").with_delay(3.0)
CASES = {
    # name: (replies scripted for the follow-up, mode shown, the one message or None)
    "429 then success": ([Reply.rate_limited()], "llm", None),
    "persistent 429": (
        [Reply.rate_limited(), Reply.rate_limited()],
        "quotes",
        "rate-limiting requests (429), even after 1 retries",
    ),
    "insufficient_quota": (
        [Reply.insufficient_quota(), Reply.insufficient_quota()],
        "quotes",
        "no quota left (insufficient_quota)",
    ),
    "500": ([Reply.server_error(), Reply.server_error()], "quotes", "HTTP 500"),
    "timeout": ([SLOW, SLOW], "quotes", "did not answer within 2 seconds"),
    "stream cut": ([Reply.cut_stream(["The minister ", "said"])], "quotes", "cut off"),
    "stream ends without finish reason": (
        [Reply.cut_stream("The minister said", graceful=True)],
        "quotes",
        "cut off before it finished",
    ),
    "context length, then fewer passages": (
        [Reply.context_length_exceeded()],
        "llm",
        "did not fit the model's context window; the answer was written from the best ",
    ),
    "context length twice": (
        [Reply.context_length_exceeded(), Reply.context_length_exceeded()],
        "quotes",
        "too long for the model's context window",
    ),
    "the question's reading fails": (
        [Reply.server_error()],
        "quotes",
        "HTTP 500",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_llm_failure_gives_one_message_and_keeps_the_chat(
    monkeypatch, built_index, fake_openai, case
):
    replies, mode, message = CASES[case]
    app = ask(llm_app(monkeypatch, built_index, fake_openai), GAS)
    first = app.session_state["exchanges"][0]
    first_cards = cards(app)
    assert first.answer.mode == "llm" and first_cards and not app.warning
    if case == "the question's reading fails":
        fake_openai.reader = None  # the script meets the reading call first
    fake_openai.script(*replies)
    ask(app, FOLLOW_UP)
    assert fake_openai.pending == 0  # every scripted fault was met
    exchanges = app.session_state["exchanges"]
    assert len(exchanges) == 2 and exchanges[0] is first  # the history is intact
    assert cards(app)[: len(first_cards)] == first_cards  # and still drawn
    answer = exchanges[1].answer
    assert answer.mode == mode and answer.citations
    page = everything_shown(app)
    assert "Traceback" not in page and CANARY_KEY not in page and not app.error
    if message is None:
        assert answer.warnings == [] and not app.warning
    else:
        assert len(answer.warnings) == 1 and message in answer.warnings[0]
        [warning] = app.warning
        assert warning.value.count("\n- ") == 0 and warning.value.startswith("- ")
    if case == "context length, then fewer passages":
        first_try, retry = (p.count("<<<PASSAGE [") for p in answer_prompts(fake_openai)[-2:])
        assert first_try >= 2 and retry == first_try // 2  # half of them, as the warning says
        assert answer.warnings[0].endswith(f"the best {retry}.")
    if case == "the question's reading fails":
        assert len(answer_prompts(fake_openai)) == 1  # only the first question's
        assert answer.reading.reader == "rules" and "read without the model" in answer.warnings[0]


def test_the_whole_prompt_is_trimmed_to_the_limit_before_it_is_sent(
    monkeypatch, built_index, fake_openai
):
    app = llm_app(monkeypatch, built_index, fake_openai, ONRECORD_LLM__MAX_PROMPT_CHARS="6000")
    ask(app, CEASEFIRE)
    [request] = [r for r in fake_openai.chat_requests if "response_format" not in r["body"]]
    messages = request["body"]["messages"]
    assert sum(len(m["content"]) for m in messages) <= 6000
    assert 1 <= messages[-1]["content"].count("<<<PASSAGE [") < 8
    assert app.session_state["exchanges"][-1].answer.mode == "llm"


# --- item 12: over-long questions and floods -------------------------------------------------
def test_an_over_long_question_is_cut_with_a_message_before_the_api_call(
    monkeypatch, built_index, fake_openai
):
    app = llm_app(monkeypatch, built_index, fake_openai, ONRECORD_ANSWER__MAX_QUESTION_CHARS="500")
    assert app.chat_input(key="question").proto.max_chars == 501  # the box cuts at 501
    # (The gas question: nine tenths filler leave the narrower ceasefire question too far
    # from every passage to pass the relevance gate, so no model would be asked at all.)
    question = GAS + " " + "Please be thorough. " * 500  # 10,000+ characters
    assert len(question) > 10_000
    ask(app, question)
    answer = app.session_state["exchanges"][-1].answer
    assert len(answer.question) == 500
    assert answer.warnings == ["The question was cut to its first 500 characters."], [
        w.value for w in app.warning
    ]
    [prompt] = answer_prompts(fake_openai)
    asked = prompt.rsplit("Question: ", 1)[1]
    assert len(asked.strip()) <= 500 and "Please be thorough." * 30 not in prompt


def test_a_flood_of_questions_stops_at_the_request_budget_and_max_tokens_caps_each(
    monkeypatch, built_index, fake_openai
):
    app = llm_app(
        monkeypatch,
        built_index,
        fake_openai,
        ONRECORD_LLM__REQUEST_BUDGET="2",
        ONRECORD_LLM__MAX_TOKENS="123",
    )
    for question in (GAS, FOLLOW_UP, CEASEFIRE, "What did Kirby say about Iran?"):
        ask(app, question)
    requests = fake_openai.chat_requests
    assert len(requests) == 2  # Q1's reading and answer; then the budget is spent
    for request in requests:
        body = request["body"]
        assert body.get("max_completion_tokens", body.get("max_tokens")) == 123
    modes = [e.answer.mode for e in app.session_state["exchanges"]]
    assert modes == ["llm", "quotes", "quotes", "quotes"]
    for exchange in app.session_state["exchanges"][1:]:
        [warning] = exchange.answer.warnings
        assert "request budget of this server is used up" in warning


# --- item 13: no key, no secrets file, and a key that never shows ------------------------------
@pytest.mark.parametrize("secrets_file", ["missing", "broken"])
def test_no_key_and_no_secrets_file_means_quotes_mode_with_a_hint(
    monkeypatch, built_index, tmp_path, secrets_file
):
    path = tmp_path / "secrets.toml"
    if secrets_file == "broken":
        path.write_text('OPENAI_API_KEY = "unterminated\n', encoding="utf-8")
    monkeypatch.setattr(st, "secrets", Secrets())
    previous = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(path)])
    try:
        with pytest.raises(StreamlitSecretNotFoundError):
            st.secrets.get("OPENAI_API_KEY")  # what a careless app would trip over
        monkeypatch.setenv("ONRECORD_INDEX_DIR", str(built_index))
        app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()  # no secrets
        assert not app.exception and not app.error
        assert "**Quotes mode**" in app.caption[0].value
        assert "OPENAI_API_KEY" in app.info[0].value and "secrets.toml" in app.info[0].value
        ask(app, CEASEFIRE)
        assert app.session_state["exchanges"][-1].answer.mode == "quotes"
        assert not app.exception and not app.error and not app.warning
    finally:
        config.set_option("secrets.files", previous)


def test_a_canary_key_never_appears_in_the_page_logs_or_messages(
    monkeypatch, built_index, fake_openai, caplog, capfd
):
    caplog.set_level(logging.DEBUG)  # every logger, the openai and httpx clients included
    app = llm_app(monkeypatch, built_index, fake_openai)
    ask(app, GAS)
    for reply in (Reply.invalid_api_key(), Reply.server_error(), Reply.server_error()):
        fake_openai.script(reply)
    ask(app, CEASEFIRE)  # the rewrite gets 401
    ask(app, "What did Kirby say about Iran?")  # 500 twice
    fake_openai.stop()
    ask(app, "What did Lavrov say about the BTWC?")  # connection refused
    assert fake_openai.requests[0]["headers"]["authorization"] == f"Bearer {CANARY_KEY}"
    exchanges = app.session_state["exchanges"]
    assert [e.answer.mode for e in exchanges] == ["llm", "quotes", "quotes", "quotes"]
    messages = [w for e in exchanges for w in e.answer.warnings]
    assert re.search("rejected the API key", messages[0]) and len(messages) == 3
    out, err = capfd.readouterr()
    for text in (everything_shown(app), caplog.text, out, err, "\n".join(messages)):
        assert CANARY_KEY not in text and CANARY_KEY[3:] not in text
    assert caplog.records, "logging was captured"
