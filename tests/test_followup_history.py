"""A follow-up leans on the *latest* question of a longer conversation (pure)."""

from __future__ import annotations

from onrecord.followup import heuristic_query, is_follow_up, previous_user_questions

HISTORY = [
    {"role": "user", "content": "What did Lavrov say about the CSTO?"},
    {"role": "assistant", "content": "Lavrov said [1]."},
    {"role": "user", "content": "What did Psaki say about the Federal Reserve?"},
    {"role": "assistant", "content": "Psaki said [1]."},
]


def test_the_latest_question_comes_first():
    assert previous_user_questions(HISTORY) == [
        "What did Psaki say about the Federal Reserve?",
        "What did Lavrov say about the CSTO?",
    ]


def test_a_follow_up_pointing_back_is_searched_with_the_latest_question():
    question = "Why that?"
    assert is_follow_up(question, HISTORY)
    assert heuristic_query(question, HISTORY) == (
        "What did Psaki say about the Federal Reserve? Why that?"
    )
    assert heuristic_query(question, HISTORY[:2]) == "What did Lavrov say about the CSTO? Why that?"
