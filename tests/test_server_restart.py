"""The Chroma server going away and coming back: a query while it is down is a clear
message (the library's exception, the CLI's error line, the app's st.error), never a
traceback, and the same process works again once the server is back, without a restart.

These tests query the server for every search (``search.exact_dense_max`` 0); by default an
index of up to 300,000 passages is searched from an in-memory copy of its vectors once loaded,
and an outage after that does not interrupt answers (the last test)."""

from __future__ import annotations

import pytest
import streamlit as st

from ingest.pipeline import ingest_paths
from onrecord.assistant import Assistant
from onrecord.index.chroma_server import VectorServerUnavailable
from onrecord.index.reader import IndexReader
from tests.conftest import FIXTURES, make_settings
from tests.support.apptest import ENV, ask, cards, last, start
from tests.support.questions import CEASEFIRE, GAS

DOWN = "is not reachable"


@pytest.fixture(scope="module")
def index_dir(module_chroma_server, tmp_path_factory, embedder):
    index_dir = tmp_path_factory.mktemp("restart-index")
    settings = make_settings(index_dir, chroma_url=module_chroma_server.url)
    report = ingest_paths([FIXTURES], settings, embedder=embedder, progress=False)
    assert report.passages_total > 50 and not report.failed
    return index_dir


@pytest.fixture
def server(module_chroma_server, monkeypatch):
    """The module's server, up at the start and again at the end of each test."""
    module_chroma_server.ensure_up()
    for name in ENV:  # no LLM key from the developer's environment: quotes mode
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ONRECORD_CHROMA_URL", module_chroma_server.url)
    monkeypatch.setenv("ONRECORD_SEARCH__EXACT_DENSE_MAX", "0")
    st.cache_resource.clear()
    yield module_chroma_server
    st.cache_resource.clear()
    module_chroma_server.ensure_up()


def test_a_query_while_the_server_is_down_is_a_message_then_it_works_again(
    server, index_dir, embedder, onrecord_cli
):
    settings = make_settings(index_dir, chroma_url=server.url, search={"exact_dense_max": 0})
    assistant = Assistant(settings, IndexReader.open(index_dir, settings), embedder)
    before = assistant.answer(GAS)
    assert before.found and before.citations
    server.stop()
    with pytest.raises(VectorServerUnavailable, match=f"{server.url} {DOWN}"):
        assistant.answer(GAS)
    env = {"ONRECORD_CHROMA_URL": server.url, "ONRECORD_SEARCH__EXACT_DENSE_MAX": "0"}
    code, out, err = onrecord_cli("ask", GAS, "--index", str(index_dir), env=env)
    assert code == 3 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: the Chroma server at {server.url} {DOWN}")
    assert "chroma run" in err
    server.start()
    after = assistant.answer(GAS)  # the same objects: the client reconnects by itself
    assert after.text == before.text and after.citations == before.citations


def test_the_app_keeps_the_conversation_while_the_server_restarts(server, index_dir, monkeypatch):
    app = ask(start(monkeypatch, index_dir), GAS)
    first_cards = cards(app)
    assert first_cards and last(app).answer.found
    server.stop()
    ask(app, CEASEFIRE)
    failed = last(app)
    assert failed.answer is None and DOWN in failed.error
    shown = [e.value for e in app.error]
    assert any("could not be searched" in e and "conversation is kept" in e for e in shown)
    assert cards(app) == first_cards  # the earlier answer is still on the page
    server.start()
    ask(app, CEASEFIRE)
    answer = last(app).answer
    assert answer is not None and answer.found and answer.citations
    assert len(cards(app)) == len(first_cards) + len(answer.citations)


def test_a_server_down_at_start_is_a_clear_message_until_it_is_back(
    server, index_dir, monkeypatch, onrecord_cli
):
    server.stop()
    env = {"ONRECORD_CHROMA_URL": server.url}
    for command in (["info"], ["ingest", str(FIXTURES / "generic")]):
        code, _, err = onrecord_cli(*command, "--index", str(index_dir), env=env)
        assert code == 3 and err.startswith(f"error: the Chroma server at {server.url} {DOWN}")
    app = start(monkeypatch, index_dir)
    assert not app.exception
    assert "cannot be read right now" in app.error[0].value and DOWN in app.error[0].value
    assert app.chat_input(key="question").disabled
    server.start()
    app.run()  # the same app process, the next page run
    assert not app.exception and not app.error
    assert "7 transcripts" in app.caption[0].value  # the refused ingest changed nothing
    assert last(ask(app, GAS)).answer.citations


def test_with_the_in_memory_copy_an_outage_after_loading_does_not_stop_answers(
    server, index_dir, embedder
):
    settings = make_settings(index_dir, chroma_url=server.url, search={"exact_dense_max": 300_000})
    assistant = Assistant(settings, IndexReader.open(index_dir, settings), embedder)
    before = assistant.answer(GAS)
    assert before.found and before.citations
    server.stop()
    during = assistant.answer(GAS)
    assert during.text == before.text and during.citations == before.citations
