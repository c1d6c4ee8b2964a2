"""The strict check of what a model wrote, against the passages it was given (pure)."""

from __future__ import annotations

from onrecord.constants import NOT_FOUND
from onrecord.llm_answer import check_llm_answer, passages_block
from onrecord.types import Role, SearchHit

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
