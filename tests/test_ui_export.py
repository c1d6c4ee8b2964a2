"""Markdown export of one answer or a conversation, and the feedback file."""

from __future__ import annotations

import json
import re

from onrecord.reading.result import Reading, SpeakerRead
from onrecord.types import Answer, Citation, Role, SearchFilters
from onrecord.ui.export import conversation_markdown, exchange_markdown, neutralise
from onrecord.ui.feedback import append_feedback, feedback_path, feedback_record
from onrecord.ui.session import Exchange, history_for
from tests.conftest import make_settings

URL = "http://en.kremlin.ru/events/president/news/8055#:~:text=settle%20the%20debt"


def citation(n: int = 1, url: str | None = URL, quote: str = "Settle the debt.") -> Citation:
    return Citation(
        n=n,
        doc_id="kremlin_en_8055",
        title="Meeting with Gazprom CEO Alexei Miller",
        date="2010-06-15",
        speaker="Dmitry Medvedev",
        role=Role.OFFICIAL,
        quote=quote,
        start=10,
        end=10 + len(quote),
        url=url,
        verified=True,
        passage_id="p1",
    )


def exchange(text: str = "Medvedev said “Settle the debt.” [1]", **kwargs) -> Exchange:
    answer = Answer(
        question="What did Medvedev say about the gas debt?",
        text=text,
        mode="quotes",
        citations=[citation(**kwargs)],
        filters=SearchFilters(speaker="Dmitry Medvedev"),
        reading=Reading(
            "What did Medvedev say about the gas debt?",
            "What did Medvedev say about the gas debt?",
            speaker=SpeakerRead("Dmitry Medvedev", "Medvedev"),
        ),
    )
    return Exchange(answer.question, answer=answer, generation="gen-000001")


def test_answer_export_has_speaker_date_title_quote_and_link():
    text = exchange_markdown(exchange())
    assert text.startswith("## What did Medvedev say about the gas debt?")
    assert "**[1] Dmitry Medvedev** (official), 15 June 2010" in text
    assert "*Meeting with Gazprom CEO Alexei Miller* — verbatim, verified" in text
    assert "> “Settle the debt.”" in text
    assert f"[Source, at the quoted words]({URL})" in text
    assert "kremlin_en_8055`, characters 10–26" in text
    assert "filters: speaker: Dmitry Medvedev" in text


def test_conversation_export_numbers_questions_and_keeps_failures():
    failed = Exchange("Second question?", error="The index could not be searched.")
    text = conversation_markdown([exchange(), failed], "Exported now.")
    assert text.startswith("# OnRecord conversation\n\nExported now.")
    assert "## 1. What did Medvedev" in text and "## 2. Second question?" in text
    assert "_No answer: The index could not be searched._" in text


def test_export_neutralises_images_html_and_links_from_text_and_bad_urls():
    hostile = "Said “x” [1] ![i](http://127.0.0.1:9/leak) <img src=x> [a](http://e.vil)"
    text = exchange_markdown(
        exchange(text=hostile, url="javascript:alert(1)", quote="Look ![q](http://h/x)")
    )
    assert "![" not in text and "](http://e.vil)" not in text
    assert re.search(r"(?<!\\)<", text) is None  # no raw HTML
    assert "javascript:" not in text and "Source, at the quoted words" not in text
    assert neutralise("[ref]: http://h/x") == "[ref\\]\\: http://h/x"


def test_feedback_lines_hold_question_answer_citations_and_rating(tmp_path):
    path = tmp_path / "fb" / "feedback.jsonl"
    item = exchange()
    append_feedback(path, feedback_record(item, 1))
    append_feedback(path, feedback_record(item, 0))
    first, second = (json.loads(line) for line in path.read_text().splitlines())
    assert first["rating"] == "up" and second["rating"] == "down"
    assert first["answer_id"] == item.id == second["answer_id"]
    assert first["question"] == item.question and first["answer"] == item.answer.text
    assert first["citations"][0]["quote"] == "Settle the debt."
    assert first["citations"][0]["speaker"] == "Dmitry Medvedev"
    assert first["time"].endswith("+00:00") and first["index_generation"] == "gen-000001"


def test_feedback_file_is_next_to_the_index_unless_configured(tmp_path, monkeypatch):
    monkeypatch.delenv("ONRECORD_FEEDBACK_PATH", raising=False)
    settings = make_settings(tmp_path / "index")
    assert feedback_path(settings) == tmp_path / "index" / "feedback.jsonl"
    configured = tmp_path / "ratings" / "r.jsonl"
    monkeypatch.setenv("ONRECORD_FEEDBACK_PATH", str(configured))
    settings = make_settings(tmp_path / "index")
    assert feedback_path(settings) == configured
    append_feedback(feedback_path(settings), feedback_record(exchange(), 1))
    assert json.loads(configured.read_text())["rating"] == "up"
    assert not (tmp_path / "index" / "feedback.jsonl").exists()


def test_history_holds_answered_exchanges_only():
    failed = Exchange("Broken?", error="index down")
    messages = history_for([exchange(), failed])
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[0]["content"] == "What did Medvedev say about the gas debt?"
