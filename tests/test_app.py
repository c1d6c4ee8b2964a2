"""The chat page with real Streamlit (AppTest), the real index and the real model; LLM mode
against the local OpenAI-compatible server. Assertions are on what the page shows."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pyarrow as pa
import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from onrecord.index.reader import IndexReader
from onrecord.llm_client import ChatClient
from onrecord.types import Role
from onrecord.ui.session import Exchange
from tests.conftest import make_settings
from tests.support.apptest import (
    ENV,
    ask,
    card_quotes,
    cards,
    everything_shown,
    last,
    markdown,
    start,
)
from tests.support.fake_openai import FakeOpenAI, Reply
from tests.support.page_text import shown, squash
from tests.support.questions import CEASEFIRE, GAS
from tests.support.replies import citing

CANARY_KEY = "sk-canary-5e1d0b"


@pytest.fixture(autouse=True)
def fresh(monkeypatch) -> Iterator[None]:
    """Empty caches, no key from the developer's environment, a fresh LLM budget."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    ChatClient.requests_made = 0
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def reader(built_index) -> IndexReader:
    return IndexReader.open(built_index, make_settings(built_index))


# --- asking ------------------------------------------------------------------------------
def test_answer_and_source_cards_show_the_exact_words_of_the_transcript(
    monkeypatch, built_index, reader
):
    app = ask(start(monkeypatch, built_index), GAS)
    answer = last(app).answer
    assert answer.mode == "quotes" and answer.citations
    assert any("Dmitry Medvedev" in m for m in cards(app))
    shown_quotes = card_quotes(app)
    assert len(shown_quotes) == len(answer.citations) == len(cards(app))
    for citation, quote in zip(answer.citations, shown_quotes, strict=True):
        source = reader.catalog.transcript_text(citation.doc_id)
        assert source[citation.start : citation.end] == citation.quote
        assert citation.role is Role.OFFICIAL and citation.verified
        assert squash(quote) == squash(f"“{citation.quote}”")
    heading = cards(app)[0]
    assert "verified" in heading and "official" in heading and "2010" in heading
    captions = [c.value for c in app.caption]
    assert any("Meeting with Gazprom CEO Alexei Miller" in c and "#:~:text=" in c for c in captions)


def test_each_card_opens_on_the_question_and_the_whole_answer_highlighted(
    monkeypatch, built_index, reader
):
    app = ask(start(monkeypatch, built_index), CEASEFIRE)
    citation = last(app).answer.citations[0]
    expander = next(e for e in app.expander if e.label == "The question and the whole answer")
    texts = [m.value for m in expander.markdown]
    question, turn = texts[0], texts[1]
    assert "The coronavirus pandemic has affected" in shown(question)
    assert ":orange-background[" in turn
    highlighted = re.findall(r":orange-background\[((?:\\.|[^\]])*)\]", turn)
    assert squash(shown("".join(highlighted))) == squash(citation.quote)
    assert any("a journalist's words" in c.value for c in expander.caption)


def test_the_next_answers_of_the_press_conference_are_listed_collapsed(
    monkeypatch, built_index, reader
):
    app = ask(start(monkeypatch, built_index), GAS)
    more = last(app).answer.also_from_events
    assert more
    (listed,) = [e for e in app.expander if e.label.startswith("Also from th")]
    assert f"({len(more)})" in listed.label
    lines = [shown(m.value) for m in listed.markdown]
    assert len(lines) == len(more)
    for line, item in zip(lines, more, strict=True):
        assert squash(f"“{item.citation.quote}”") in squash(line)
        assert item.citation.speaker in line


def test_a_question_nothing_answers_says_so_and_shows_the_closest_quotes(monkeypatch, built_index):
    app = ask(start(monkeypatch, built_index), "What is the best recipe for apple pie?")
    answer = last(app).answer
    assert not answer.found and answer.citations
    assert any(shown(m).startswith("No passage clearly answers this.") for m in markdown(app))
    assert any("no passage clearly answers this" in c.value for c in app.caption)
    assert len(cards(app)) == len(answer.citations)


def test_a_follow_up_keeps_the_speaker_and_searches_the_new_topic(monkeypatch, built_index):
    app = ask(
        start(monkeypatch, built_index),
        "What did Lavrov say about the Biological Weapons Convention?",
    )
    assert any("Biological" in c.quote for c in last(app).answer.citations)
    ask(app, "And what about Afghanistan?")
    assert len(app.session_state["exchanges"]) == 2
    answer = last(app).answer
    query = app.code[-1].value  # "Why this answer?": the search actually run
    assert query == "And what about Afghanistan? Sergey Lavrov"
    assert answer.auto_filters == ["speaker: Sergey Lavrov (from the conversation)"]
    wanted = "what specific protective gear and equipment Afghanistan needs"
    assert any(wanted in q for q in card_quotes(app)[-len(answer.citations) :])
    assert not any("Biological" in c.quote for c in answer.citations)
    user_messages = [m for m in app.chat_message if m.name == "user"]
    assert len(user_messages) == 2


def test_sidebar_filters_change_the_results(monkeypatch, built_index):
    question = "How much gas debt has Belarus accumulated?"
    app = ask(start(monkeypatch, built_index), question)
    assert {h.speaker for h in last(app).answer.passages} - {"Alexei Miller"}
    speaker = next(o for o in app.selectbox(key="speaker").options if o.startswith("Alexei"))
    assert speaker == "Alexei Miller (4)"
    app.selectbox(key="speaker").select(speaker).run()
    ask(app, question)
    answer = last(app).answer
    assert {h.speaker for h in answer.passages} == {"Alexei Miller"} and answer.citations
    assert all("Alexei Miller" in c for c in cards(app)[-len(answer.citations) :])


def test_transcript_and_date_filters_restrict_the_search(monkeypatch, built_index):
    app = start(monkeypatch, built_index)
    option = next(o for o in app.multiselect(key="docs").options if "ITAR-TASS" in o)
    app.multiselect(key="docs").select(option).run()
    ask(app, "What was said about the economy?")
    assert {h.doc_id for h in last(app).answer.passages} == {"kremlin_en_17723"}
    app.multiselect(key="docs").unselect(option)
    low, high = app.date_input(key="dates").value
    assert (low.isoformat(), high.isoformat()) == ("2010-06-15", "2024-04-18")
    app.date_input(key="dates").set_value((low, low.replace(year=2011))).run()
    ask(app, "What was said about the economy?")
    assert {h.date for h in last(app).answer.passages} == {"2010-06-15"}
    assert last(app).user_filters.until == "2011-06-15"
    why = next(m for m in reversed(markdown(app)) if m.startswith("**Your filters:**"))
    assert "dates\\: start to 2011\\-06\\-15" in why


def test_filters_read_from_the_question_are_shown_and_can_be_dropped(monkeypatch, built_index):
    app = ask(start(monkeypatch, built_index), "What did Lavrov say in May 2020 about Afghanistan?")
    note = next(c.value for c in app.caption if "Filters read from your question" in c.value)
    assert "Sergey Lavrov" in note and "2020\\-05\\-01" in note
    app.button(key=f"drop-auto-{last(app).id}").click().run()
    assert not app.exception
    assert len(app.session_state["exchanges"]) == 1  # the answer is replaced, not added
    item = last(app)
    assert not item.read_filters and item.answer.auto_filters == []
    assert item.answer.filters.is_empty()
    assert not any("Filters read from your question" in c.value for c in app.caption)
    why = next(m for m in markdown(app) if m.startswith("**Your filters:**"))
    assert "**Read from the question:** none" in why and "**Searched with:** no filter" in why


def test_example_questions_come_from_the_index_and_ask_when_clicked(monkeypatch, built_index):
    app = start(monkeypatch, built_index)
    example = app.button(key="example-0")
    assert example.label == "What did Sergey Lavrov say about CSTO\\?"
    example.click().run()
    assert last(app).question == "What did Sergey Lavrov say about CSTO?"
    assert cards(app) and all("Sergey Lavrov" in c for c in cards(app))
    app.button(key="new-conversation").click().run()
    assert app.session_state["exchanges"] == [] and app.button(key="example-0")


def test_a_timeline_appears_when_citations_span_several_dates(monkeypatch, built_index):
    app = ask(start(monkeypatch, built_index), "What was said about Russia?")
    citations = last(app).answer.citations
    charts = app.get("vega_lite_chart")
    assert len({c.date for c in citations}) >= 2 and len(charts) == 1
    rows = pa.ipc.open_stream(charts[0].proto.datasets[0].data.data).read_all().to_pylist()
    assert {(r["speaker"], r["n"]) for r in rows} == {(c.speaker, f"[{c.n}]") for c in citations}
    assert len({r["speaker"] for r in rows}) >= 2  # one line per speaker
    ask(app, GAS)  # one transcript, one date: no chart for it
    assert len(app.get("vega_lite_chart")) == 1


def test_a_question_interrupted_by_a_rerun_is_kept_and_marked(monkeypatch, built_index):
    app = start(monkeypatch, built_index)
    app.session_state["exchanges"] = [Exchange("Left unanswered?")]  # as a rerun leaves it
    app.run()
    assert not app.exception
    assert "Not answered" in app.info[0].value
    assert [m.value for m in app.chat_message[0].markdown] == ["Left unanswered\\?"]


# --- the index -----------------------------------------------------------------------------
def test_an_empty_index_says_how_to_ingest(monkeypatch, tmp_path):
    monkeypatch.setenv("ONRECORD_DEPLOY_INDEX", "")  # else the app installs the deploy index
    app = start(monkeypatch, tmp_path / "nothing-here")
    assert not app.exception and not app.error
    assert "onrecord ingest" in app.info[0].value
    assert app.chat_input(key="question").disabled


def test_an_index_built_with_another_model_is_refused_clearly(monkeypatch, built_index):
    monkeypatch.setenv("ONRECORD_EMBEDDING__MODEL", "sentence-transformers/all-mpnet-base-v2")
    app = start(monkeypatch, built_index)
    assert not app.exception
    assert "cannot be used" in app.error[0].value and "Re\\-ingest" in app.error[0].value
    assert app.chat_input(key="question").disabled


def test_losing_the_index_mid_session_keeps_the_conversation(monkeypatch, index_copy):
    app = ask(start(monkeypatch, index_copy), GAS)
    before = cards(app)
    (index_copy / "CURRENT").unlink()
    app.run()
    assert not app.exception
    assert "not available" in app.error[0].value and "conversation is kept" in app.error[0].value
    assert cards(app) == before and app.chat_input(key="question").disabled


def test_a_new_ingest_is_picked_up_without_a_restart(monkeypatch, index_copy, embedder, tmp_path):
    from ingest.pipeline import ingest_paths

    app = start(monkeypatch, index_copy)
    assert "7 transcripts" in app.caption[0].value
    extra = tmp_path / "extra" / "briefing.txt"
    extra.parent.mkdir()
    extra.write_text(
        "Title: Test briefing\nDate: 2024-05-01\n\nQuestion: Anything on lighthouses?\n\n"
        "Jane Doe: Lighthouses matter to coastal shipping.\n",
        encoding="utf-8",
    )
    ingest_paths([extra.parent], make_settings(index_copy), embedder=embedder, progress=False)
    app.run()  # the new generation opens in the background; this run may still show the old
    assert app.caption[0].value.count("transcripts") == 1 and not app.error
    for _ in range(60):
        if "8 transcripts" in app.caption[0].value:
            break
        time.sleep(0.5)
        app.run()
    assert "8 transcripts" in app.caption[0].value and not app.error


# --- modes and the LLM ---------------------------------------------------------------------
def test_without_a_key_answers_are_quotes_and_a_note_explains_llm_mode(monkeypatch, built_index):
    app = start(monkeypatch, built_index)
    assert not app.exception and not app.error
    assert "**Quotes mode**" in app.caption[0].value
    hint = app.info[0].value
    assert "OPENAI_API_KEY" in hint and "secrets.toml" in hint
    ask(app, CEASEFIRE)
    assert last(app).answer.mode == "quotes" and not app.error and not app.warning


def llm_env(monkeypatch, server: FakeOpenAI) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", CANARY_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("ONRECORD_LLM__MAX_RETRIES", "0")
    monkeypatch.setenv("ONRECORD_LLM__TIMEOUT", "3")


def test_llm_mode_answers_with_verified_citations(monkeypatch, built_index, reader, fake_openai):
    fake_openai.responder = citing()
    llm_env(monkeypatch, fake_openai)
    app = start(monkeypatch, built_index)
    assert "**LLM mode** · gpt\\-4o\\-mini" in app.caption[0].value and not app.info
    ask(app, CEASEFIRE)
    answer = last(app).answer
    assert answer.mode == "llm" and answer.warnings == [] and not app.warning
    assert any("Written by **gpt\\-4o\\-mini**" in c.value for c in app.caption)
    for citation in answer.citations:
        assert (
            reader.catalog.transcript_text(citation.doc_id)[citation.start : citation.end]
            == citation.quote
        )
    assert squash(card_quotes(app)[0]) == squash(f"“{answer.citations[0].quote}”")
    assert CANARY_KEY not in everything_shown(app)
    app.toggle(key="use_llm").set_value(False).run()  # the user can switch the model off
    ask(app, CEASEFIRE)
    assert last(app).answer.mode == "quotes" and len(fake_openai.chat_requests) == 2  # Q1 only


def test_a_key_in_streamlit_secrets_enables_llm_mode_and_is_never_shown(
    monkeypatch, built_index, fake_openai
):
    fake_openai.responder = citing()
    secrets = {"OPENAI_API_KEY": CANARY_KEY, "OPENAI_BASE_URL": fake_openai.base_url}
    app = ask(start(monkeypatch, built_index, secrets), CEASEFIRE)
    assert last(app).answer.mode == "llm"
    assert fake_openai.chat_requests[-1]["headers"]["authorization"] == f"Bearer {CANARY_KEY}"
    assert CANARY_KEY not in everything_shown(app)


@pytest.mark.parametrize(
    ("reply", "notice"),
    [
        (Reply.server_error(), "failed (HTTP 500)"),
        (Reply.invalid_api_key(), "rejected the API key"),
        (None, "Cannot reach the LLM endpoint"),
    ],
)
def test_llm_failures_give_a_quotes_answer_and_a_notice(
    monkeypatch, built_index, fake_openai, reply, notice
):
    llm_env(monkeypatch, fake_openai)
    if reply is None:
        fake_openai.stop()
    else:
        fake_openai.script(reply)
    app = ask(start(monkeypatch, built_index), CEASEFIRE)
    assert last(app).answer.mode == "quotes" and cards(app)
    warning = app.warning[0].value
    assert notice in warning.replace("\\", "") and "quotes\\-mode answer instead" in warning
    assert not app.error and CANARY_KEY not in everything_shown(app)


def test_images_links_and_html_in_model_output_are_inert(monkeypatch, built_index, fake_openai):
    hostile = (
        "![x](http://127.0.0.1:9/leak) <img src=http://127.0.0.1:9/leak2> "
        "<script>alert(1)</script> [click](javascript:alert(1)) http://127.0.0.1:9/leak3"
    )
    fake_openai.responder = citing(hostile)
    llm_env(monkeypatch, fake_openai)
    app = ask(start(monkeypatch, built_index), CEASEFIRE)
    assert last(app).answer.mode == "llm"  # accepted: its one quote is verbatim
    answer_md = next(m for m in markdown(app) if "The speaker said" in m)
    assert hostile in shown(answer_md)  # shown as the literal text it is
    for value in markdown(app):
        assert "![" not in value and "<script>" not in value and "](javascript" not in value
        assert re.search(r"(?<!\\)<", value) is None
        assert "http://127.0.0.1:9" not in value  # a word joiner breaks autolinks


# --- export and feedback ---------------------------------------------------------------------
@pytest.fixture
def downloads(monkeypatch) -> list[tuple[str, bytes]]:
    """What the download buttons handed the browser, as (file name, bytes), in order."""
    files: list[tuple[str, bytes]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        data = path_or_data if isinstance(path_or_data, bytes) else path_or_data.encode()
        files.append((filename, data))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return files


def latest(files: list[tuple[str, bytes]], prefix: str) -> str:
    return [data for name, data in files if name.startswith(prefix)][-1].decode()


def test_export_of_the_conversation_and_of_one_answer(monkeypatch, built_index, downloads):
    app = ask(ask(start(monkeypatch, built_index), GAS), CEASEFIRE)
    first, second = app.session_state["exchanges"]
    text = latest(downloads, "onrecord-conversation-")
    assert "## 1. " + GAS in text and "## 2. " + CEASEFIRE in text
    c = first.answer.citations[0]
    assert f"**[1] {c.who}** (official), 15 June 2010, *{c.title}*" in text
    assert f"> “{c.quote.splitlines()[0].strip()}" in text
    assert f"[Source, at the quoted words]({c.url})" in text and "#:~:text=" in c.url
    one = latest(downloads, f"onrecord-answer-{second.id}.md")
    assert one.startswith("## " + CEASEFIRE) and GAS not in one
    labels = [b.label for b in app.download_button]
    assert "Export" in labels and labels.count("Export this answer") == 2


def test_thumbs_are_saved_with_question_answer_and_citations(monkeypatch, index_copy):
    app = ask(start(monkeypatch, index_copy), GAS)
    item = last(app)
    app.feedback(key=f"feedback-{item.id}").set_value(0).run()
    assert not app.exception
    lines = (index_copy / "feedback.jsonl").read_text().splitlines()
    record = json.loads(lines[-1])
    assert record["rating"] == "down" and record["answer_id"] == item.id
    assert record["question"] == GAS and record["answer"] == item.answer.text
    assert [c["quote"] for c in record["citations"]] == [c.quote for c in item.answer.citations]
    assert record["time"] and record["mode"] == "quotes"
    app.feedback(key=f"feedback-{item.id}").set_value(1).run()
    lines = (index_copy / "feedback.jsonl").read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[-1])["rating"] == "up"
