"""LLM-as-judge scores, against the local OpenAI-compatible server."""

from __future__ import annotations

from onrecord.evaluation.judge import judge_answer
from onrecord.evaluation.summary import summarise
from onrecord.llm_client import ChatClient
from onrecord.settings import LLMSettings, Settings
from onrecord.types import Answer, Citation, Role
from tests.support.fake_openai import Reply

ANSWER = Answer(
    question="q",
    text="Lavrov said the ceasefire excludes terrorists [1].",
    mode="llm",
    citations=[
        Citation(
            1,
            "d",
            "t",
            "2020-05-26",
            "Sergey Lavrov",
            Role.OFFICIAL,
            "cannot extend to terrorist organisations",
            0,
            10,
            None,
            True,
        )
    ],
)


def client(server) -> ChatClient:
    ChatClient.requests_made = 0
    return ChatClient(
        Settings(
            openai_api_key="sk-test",
            openai_base_url=server.base_url,
            llm=LLMSettings(max_retries=0, timeout=2),
        )
    )


def test_judge_scores_and_prompt(fake_openai):
    fake_openai.script(
        Reply.text('Grade: {"correctness": 0.8, "faithfulness": 1, "reason": "matches"}')
    )
    grade = judge_answer(
        client(fake_openai), "Does it cover terrorists?", "No, it excludes them.", ANSWER
    )
    assert grade == {"correctness": 0.8, "faithfulness": 1.0, "reason": "matches"}
    prompt = fake_openai.chat_requests[0]["body"]["messages"][-1]["content"]
    assert "Reference answer: No, it excludes them." in prompt
    assert "[1] Sergey Lavrov, 2020-05-26: “cannot extend to terrorist organisations”" in prompt


def test_judge_failures_are_recorded_not_raised(fake_openai):
    fake_openai.script(
        Reply.text("I think it is fine."), Reply.text('{"correctness": 7}'), Reply.server_error()
    )
    judge = client(fake_openai)
    assert judge_answer(judge, "q", "r", ANSWER) == {
        "error": "the judge did not reply with the asked-for JSON"
    }
    assert "error" in judge_answer(judge, "q", "r", ANSWER)
    assert judge_answer(judge, "q", "r", ANSWER) == {"error": "The LLM endpoint failed (HTTP 500)."}


def test_summary_averages_judge_scores():
    base = {
        "tags": [],
        "answerable": False,
        "failed": False,
        "refused": True,
        "retrieval": None,
        "similarity": None,
        "timings": {},
        "usage": {},
        "citations": {
            "citations": 0,
            "exact": 0,
            "on_gold": 0,
            "attributed": 0,
            "gold": 0,
            "gold_cited": 0,
            "journalist_quotes": 0,
        },
    }
    records = [
        {**base, "judge": {"correctness": 1.0, "faithfulness": 0.5}},
        {**base, "judge": {"error": "x"}},
        base,
    ]
    summary = summarise(records)
    assert (summary["judge_correctness"], summary["judge_faithfulness"]) == (1.0, 0.5)
