"""Optional LLM-as-judge scores (``onrecord eval --judge``): correctness against the
reference answer, faithfulness to the answer's own quoted sources."""

from __future__ import annotations

import json
import re

from onrecord.llm_client import ChatClient, LLMError
from onrecord.prompts import render
from onrecord.types import Answer

_OBJECT = re.compile(r"\{.*\}", re.S)


def judge_answer(chat: ChatClient, question: str, reference: str, answer: Answer) -> dict:
    """``{"correctness", "faithfulness", "reason"}``, or ``{"error": ...}`` when the judge fails
    or replies with something that is not the asked-for JSON."""
    sources = "\n".join(f"[{c.n}] {c.speaker}, {c.date}: “{c.quote}”" for c in answer.citations)
    prompt = render(
        "judge",
        question=question,
        reference=reference or "(none)",
        answer=answer.text,
        sources=sources or "(none)",
    )
    try:
        reply = chat.complete("You are a strict, fair grader.", prompt).text
    except LLMError as err:
        return {"error": str(err)}
    match = _OBJECT.search(reply)
    try:
        grade = json.loads(match.group(0)) if match else None
        scores = {key: float(grade[key]) for key in ("correctness", "faithfulness")}
    except (json.JSONDecodeError, KeyError, TypeError, ValueError):
        return {"error": "the judge did not reply with the asked-for JSON"}
    if not all(0 <= v <= 1 for v in scores.values()):
        return {"error": "the judge's scores are outside 0..1"}
    return {**scores, "reason": str(grade.get("reason", ""))[:300]}
