"""The page's pure helpers: filters, status line, examples, timeline, "why", quote context."""

from __future__ import annotations

from datetime import date

import pytest

from onrecord.assistant import Assistant
from onrecord.index.reader import IndexReader
from onrecord.types import Citation, Passage, Role, SearchFilters, SearchHit, Turn
from onrecord.ui.context import build_context, contexts_for
from onrecord.ui.examples import example_questions, topic_counts
from onrecord.ui.filters import (
    ANYONE,
    date_filter,
    describe_filters,
    index_bounds,
    speaker_options,
    transcript_choices,
    user_filters,
)
from onrecord.ui.status import secret_overrides, status_line
from onrecord.ui.timeline import timeline_chart, timeline_rows
from onrecord.ui.why import passage_rows, timing_text
from tests.conftest import make_settings

STATS = {
    "transcripts": 7,
    "passages": 73,
    "date_range": ["2010-06-15", "2024-04-18"],
    "speakers": [
        {"name": "Sergey Lavrov", "role": "official", "passages": 23},
        {"name": "Hayes", "role": "official", "passages": 1},
    ],
}


@pytest.fixture(scope="module")
def reader(built_index):
    return IndexReader.open(built_index, make_settings(built_index))


def test_speaker_choices_carry_counts_and_anyone_comes_first():
    assert speaker_options(STATS) == {
        ANYONE: "",
        "Sergey Lavrov (23)": "Sergey Lavrov",
        "Hayes (1)": "Hayes",
    }


def test_the_whole_date_range_is_no_filter_and_a_narrower_one_is():
    bounds = index_bounds(STATS)
    assert bounds == (date(2010, 6, 15), date(2024, 4, 18))
    assert date_filter(bounds, bounds) == (None, None)
    assert date_filter((date(2012, 1, 1), bounds[1]), bounds) == ("2012-01-01", None)
    assert date_filter((date(2012, 1, 1),), bounds) == (None, None)  # half-picked range
    assert date_filter(None, None) == (None, None)


def test_user_filters_and_their_description():
    filters = user_filters("Hayes", ("2012-01-01", None), ["d1"])
    assert filters == SearchFilters("Hayes", "2012-01-01", None, ["d1"])
    assert describe_filters(filters, {"d1": "Briefing"}) == [
        "speaker: Hayes",
        "dates: 2012-01-01 to end",
        "transcripts: Briefing",
    ]
    assert user_filters("", (None, None), []).is_empty()


def test_transcript_choices_are_newest_first(reader):
    choices = transcript_choices(reader.catalog, reader.docs)
    assert len(choices) == 7 and choices[0].date == "2024-04-18"
    assert choices[-1].label.startswith("2010-06-15 · Meeting with Gazprom")


def test_status_line_names_mode_model_and_index_size():
    assert status_line(STATS, "quotes", "gpt-4o-mini") == (
        ":material/format_quote: **Quotes mode** · 7 transcripts · 73 passages · "
        "15 June 2010 – 18 April 2024"
    )
    assert "**LLM mode** · gpt\\-4o\\-mini" in status_line(STATS, "llm", "gpt-4o-mini")


def test_secrets_become_settings_overrides_and_blank_ones_are_ignored():
    secrets = {"OPENAI_API_KEY": " sk-x ", "OPENAI_BASE_URL": ""}
    assert secret_overrides(secrets.get) == {"openai_api_key": "sk-x"}
    assert secret_overrides(lambda name: None) == {}


def test_examples_come_from_the_index_and_are_deterministic(reader):
    passages = reader.catalog.all_passages()
    speakers = reader.stats()["speakers"]
    examples = example_questions(passages, speakers)
    assert examples == example_questions(list(reversed(passages)), speakers)
    assert examples[:2] == [
        "What did Sergey Lavrov say about CSTO?",
        "What did Vladimir Putin say about BRICS?",
    ]
    assert example_questions([], speakers) == []


def test_examples_name_a_role_with_its_article_and_skip_names_everyone_uses():
    def passage(n: int, speaker: str, text: str) -> Passage:
        return Passage(
            id=f"p{n}", doc_id=f"d{n}", turn_index=0, speaker=speaker, label=speaker,
            role=Role.OFFICIAL, date="2024-01-01", start=0, end=len(text), question_start=-1,
            question_end=-1, text=text, question="", embed_text=text,
        )  # fmt: skip

    texts = {
        "Senior Administration Official": "We met Hamas envoys, and Russia. The Hamas issue.",
        "Jen Psaki": "We asked the Federal Reserve, and Russia. Also the Federal Reserve again.",
        "Karine Jean-Pierre": "We talked to Michigan voters, and Russia. Michigan matters.",
        "John Kirby": "We discussed the Strategic Concept, and Russia. The Strategic Concept.",
    }
    passages = [passage(i, who, t) for i, (who, t) in enumerate(texts.items()) for _ in (0, 1)]
    speakers = [{"name": who, "role": "official", "passages": 2} for who in texts]
    assert example_questions(passages, speakers) == [
        "What did a senior administration official say about Hamas?",
        "What did Jen Psaki say about the Federal Reserve?",
        "What did Karine Jean-Pierre say about Michigan?",
        "What did John Kirby say about the Strategic Concept?",
    ]


def test_topics_are_names_not_sentence_openers_or_titles():
    counts = topic_counts(
        ["Belarus must pay. President Lukashenko agreed with Gazprom and Belarus today."],
        {"lukashenko"},
    )
    assert counts == {"Belarus": 1, "Gazprom": 1}  # not the sentence opener


def citation(n: int, day: str | None, speaker: str = "A") -> Citation:
    return Citation(n, "d", "Title", day, speaker, Role.OFFICIAL, "q", 0, 1, None, True)


def test_timeline_needs_two_dates_and_charts_them_by_speaker():
    assert timeline_rows([citation(1, "2020-01-01"), citation(2, "2020-01-01")]) == []
    rows = timeline_rows(
        [citation(1, "2020-01-01"), citation(2, "2021-01-01", "B"), citation(3, None)]
    )
    assert [r["n"] for r in rows] == ["[1]", "[2]"]
    spec = timeline_chart(rows).to_dict()
    assert spec["layer"][0]["mark"]["type"] == "circle"
    assert spec["layer"][0]["encoding"]["y"]["field"] == "speaker"


def test_why_rows_and_timings():
    hit = SearchHit(
        "p1",
        "d",
        "T",
        "2020-01-01",
        "A",
        Role.OFFICIAL,
        0,
        5,
        "words " * 100,
        0.03,
        scores={"dense": 0.61234, "lexical": 7.5},
        relevance=0.23456,
    )
    from onrecord.types import Answer

    answer = Answer("q", "t", "quotes", citations=[], passages=[hit])
    row = passage_rows(answer)[0]
    assert row["rank"] == 1 and row["dense"] == 0.612 and row["keyword"] == 7.5
    assert row["relevance"] == 0.235
    assert not row["cited"] and row["text"].endswith("…") and len(row["text"]) == 220
    assert timing_text({"total": 1.5, "dense": 0.004, "embed_query": 0.01}) == (
        "embed query 10 ms · vector search 4 ms · total 1.50 s"
    )


def test_context_is_the_whole_turn_and_the_journalists_question(reader, embedder):
    answer = Assistant(make_settings(reader.index_dir), reader, embedder).answer(
        "What did Medvedev tell Miller to do about the Belarus gas debt?"
    )
    assert answer.citations, "an answer without citations would check no context"
    contexts = contexts_for(reader.catalog, answer.citations)
    assert set(contexts) == {c.n for c in answer.citations}
    questions = 0
    for c in answer.citations:
        context = contexts[c.n]
        assert context.turn_text[context.quote_start : context.quote_end] == c.quote
        assert context.speaker == c.speaker and context.role is Role.OFFICIAL
        text = reader.catalog.transcript_text(c.doc_id)
        assert (
            text[context.turn_start : context.turn_start + len(context.turn_text)]
            == context.turn_text
        )
        if context.question:
            assert context.question not in context.turn_text
            questions += 1
    assert questions, "no citation showed the journalist's question it answered"


def test_a_quote_outside_any_turn_has_no_context():
    turns = [Turn(0, "Q", "Q", Role.JOURNALIST, 0, 10), Turn(1, "A", "A", Role.OFFICIAL, 10, 20)]
    inside = Citation(1, "d", "T", None, "A", Role.OFFICIAL, "x", 12, 15, None, True)
    passage = Passage("p", "d", 1, "A", "A", Role.OFFICIAL, None, 10, 20, 0, 10, "", "", "")
    context = build_context("Q" * 10 + "A" * 10, turns, inside, passage)
    assert context is not None and context.question == "Q" * 10 and context.question_label == "Q"
    across = Citation(1, "d", "T", None, "A", Role.OFFICIAL, "x", 8, 15, None, True)
    assert build_context("Q" * 10 + "A" * 10, turns, across, passage) is None
