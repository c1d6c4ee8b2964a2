"""The strict check of what a model wrote, against the passages it was given (pure), and the
whole LLM path with the local OpenAI-compatible server as the model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from onrecord.assistant import Assistant
from onrecord.constants import NOT_FOUND
from onrecord.index.reader import IndexReader
from onrecord.llm_answer import check_llm_answer, passages_block
from onrecord.settings import LLMSettings
from onrecord.types import Role, SearchHit
from tests.conftest import make_settings
from tests.support.fake_openai import FakeOpenAI, Reply
from tests.support.replies import passage_answer
from tests.support.word_edits import (
    RealQuote,
    edits_not_in_source,
    occurs,
    one_word_edits,
    real_quotes,
)

TEXT = (
    "Question: Will you extend the ceasefire to all groups?\n\n"
    "Sergey Lavrov: The statement specifically stipulates that the ceasefire cannot extend "
    "to terrorist organisations. We\u00a0support the Secretary-General’s call.\n\n"
    "Question: And the BTWC?\n\n"
    "Sergey Lavrov: This primarily concerns the United States, which is blocking a "
    "verification mechanism.\n"
)


def hit(answer_start: str, answer_end: str, question: str) -> SearchHit:
    start = TEXT.index(answer_start)
    end = TEXT.index(answer_end) + len(answer_end)
    return SearchHit(
        passage_id=answer_start[:8],
        doc_id="doc",
        title="CSTO news conference",
        date="2020-05-26",
        speaker="Sergey Lavrov",
        role=Role.OFFICIAL,
        start=start,
        end=end,
        text=TEXT[start:end],
        score=1.0,
        question=question,
        url="https://example.org/page",
    )


HITS = [
    hit("The statement", "call.", "Will you extend the ceasefire to all groups?"),
    hit("This primarily", "mechanism.", "And the BTWC?"),
]
SOURCES = {"doc": TEXT}


def test_verified_quotes_and_paraphrase_are_renumbered_in_order():
    raw = (
        "On 26 May 2020 Lavrov said the ceasefire “cannot extend to terrorist "
        "organisations” [1]. He blamed Washington for blocking a verification mechanism [2]."
    )
    checked = check_llm_answer(raw, HITS, SOURCES)
    assert checked.problems == []
    assert [c.n for c in checked.citations] == [1, 2]
    first, second = checked.citations
    assert first.quote == "cannot extend to terrorist organisations"
    assert TEXT[first.start : first.end] == first.quote and first.verified
    assert second.speaker == "Sergey Lavrov" and TEXT[second.start : second.end] == second.quote
    assert "verification mechanism" in second.quote
    assert (
        first.url
        == "https://example.org/page#:~:text=cannot%20extend%20to%20terrorist%20organisations"
    )


def test_typography_differences_are_forgiven_and_shown_as_in_the_source():
    checked = check_llm_answer(
        'He said: "We support the Secretary-General\'s call." [1]', HITS, SOURCES
    )
    assert checked.problems == []
    assert checked.citations[0].quote == "We\u00a0support the Secretary-General’s call"


def test_fabricated_quote_is_a_problem():
    checked = check_llm_answer("Lavrov said “the ceasefire covers everyone” [1].", HITS, SOURCES)
    assert checked.problems == [
        "quote not found verbatim in passage [1]: “the ceasefire covers everyone”"
    ]


def test_journalists_words_quoted_as_the_officials_are_named_as_such():
    checked = check_llm_answer(
        "Lavrov asked “Will you extend the ceasefire to all groups?” [1]", HITS, SOURCES
    )
    assert checked.problems and "journalist's question" in checked.problems[0]


def test_quote_in_the_wrong_passage_is_not_verified():
    checked = check_llm_answer(
        "He said “This primarily concerns the United States” [1].", HITS, SOURCES
    )
    assert checked.problems and "not found verbatim in passage [1]" in checked.problems[0]


def test_unknown_passage_numbers_and_uncited_quotes_are_problems():
    checked = check_llm_answer("Lavrov spoke [7]. He said “cannot extend”.", HITS, SOURCES)
    assert "cites passage [7], which it was not given" in checked.problems
    assert any(p.startswith("quote without a passage number") for p in checked.problems)


def test_refusal_sentence_is_recognised():
    checked = check_llm_answer(NOT_FOUND, HITS, SOURCES)
    assert checked.refused and checked.problems == [] and checked.citations == []
    uncited = check_llm_answer("Lavrov talked about many things.", HITS, SOURCES)
    assert uncited.problems == ["the answer cites no passage"]


def test_passages_block_marks_untrusted_data_and_keeps_the_question_apart():
    block, used = passages_block(HITS, max_chars=10_000)
    assert used == 2
    assert block.count("<<<PASSAGE [") == 2 and "PASSAGE [2]>>>" in block
    assert "Question (a journalist's words, not the speaker's): And the BTWC?" in block
    assert "Answer (Sergey Lavrov's words):\nThis primarily concerns" in block
    _, used = passages_block(HITS, max_chars=len(block) // 2)
    assert used == 1


def official_hit(q: RealQuote) -> SearchHit:
    """The official's passage holding a real quote: from its sentence to the turn's end."""
    end = q.text.find("\n\n", q.end)
    end = len(q.text) if end < 0 else end
    text = q.text[q.start : end]
    return SearchHit("p", q.doc_id, "T", None, "Official", Role.OFFICIAL, q.start, end, text, 1.0)


@pytest.mark.parametrize("kind", ["substitute", "delete", "insert"])
def test_words_a_model_quotes_with_one_word_changed_are_never_a_verified_quote(kind: str):
    """Every word position of real quotes from tests/data, as a model's answer would quote
    them: the original is a verified citation, every one-word edit is a problem and no
    citation shows them (a paraphrase citation of the passage may stay: it quotes the source
    itself; in LLM mode any problem sends the answer back to quotes mode)."""
    checked, shown = 0, []
    for q in real_quotes():
        hits, sources = [official_hit(q)], {q.doc_id: q.text}
        original = check_llm_answer(f"The official said “{q.quote}” [1].", hits, sources)
        assert original.problems == [] and original.citations[0].verified
        for edit in edits_not_in_source(q):
            if edit.kind != kind:
                continue
            checked += 1
            result = check_llm_answer(f"The official said “{edit.words}” [1].", hits, sources)
            if not result.problems or any(occurs(c.quote, edit.words) for c in result.citations):
                shown.append(f"{q.doc_id} {edit.kind}@{edit.position}: {edit.words}")
    assert checked >= 100, f"only {checked} {kind} edits checked"
    assert not shown, f"{len(shown)} altered quotes verified:\n" + "\n".join(shown[:10])


@pytest.fixture(scope="module")
def reader(built_index: Path) -> IndexReader:
    return IndexReader.open(built_index, make_settings(built_index))


@pytest.mark.parametrize("kind", ["substitute", "delete", "insert"])
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_model_that_changes_one_word_of_a_quote_never_shows_it(
    reader: IndexReader, embedder, fake_openai: FakeOpenAI, kind: str, where: str
):
    """The whole LLM path, with the local OpenAI-compatible server as the model: it quotes
    the first sentence of passage [1] with one word changed; the user sees quotes mode."""
    sent: list[str] = []

    def responder(body: dict) -> Reply:
        answer = passage_answer(body, 1)
        sentence = re.split(r"(?<=[.!?])\s", answer, maxsplit=1)[0].rstrip(".")
        edits = [e for e in one_word_edits(sentence) if e.kind == kind]
        edits = [e for e in edits if not occurs(answer, e.words)]
        edit = {"first": edits[0], "middle": edits[len(edits) // 2], "last": edits[-1]}[where]
        sent.append(edit.words)
        return Reply.text(f"The minister said “{edit.words}” [1].")

    fake_openai.responder = responder
    settings = make_settings(
        reader.index_dir,
        openai_api_key="sk-test",
        openai_base_url=fake_openai.base_url,
        llm=LLMSettings(timeout=5.0, max_retries=0),
    )
    answer = Assistant(settings, reader, embedder).answer(
        "Does the ceasefire appeal cover terrorist organisations?"
    )
    assert len(sent) == 1 and len(sent[0].split()) >= 4
    assert answer.mode == "quotes" and answer.citations
    assert any(w.startswith("LLM answer rejected") for w in answer.warnings)
    assert sent[0] not in answer.text
    assert all(sent[0] != c.quote and c.verified for c in answer.citations)
