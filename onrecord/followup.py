"""Follow-up questions: a standalone search query from the conversation so far.

With an LLM the condense prompt rewrites the question; without one, a question that leans on
the conversation (starts with "and", or refers back with he/she/it/that/this/they, or is
very short) is searched together with the previous user question.
"""

from __future__ import annotations

import re

_LEANS_BACK = re.compile(
    r"^\s*(and|but|also|what about|how about|so)\b|\b(he|she|him|her|his|they|them|their|it|"
    r"its|that|this|those|these|there|then)\b",
    re.I,
)
SHORT_QUESTION_WORDS = 6


def needs_context(question: str) -> bool:
    return bool(_LEANS_BACK.search(question)) or len(question.split()) <= SHORT_QUESTION_WORDS


def previous_user_question(history: list[dict]) -> str | None:
    for message in reversed(history or []):
        if message.get("role") == "user" and str(message.get("content", "")).strip():
            return str(message["content"]).strip()
    return None


def heuristic_query(question: str, history: list[dict] | None) -> str:
    """The question, prefixed with the previous user question when it depends on it."""
    previous = previous_user_question(history or [])
    if previous and needs_context(question):
        return f"{previous} {question}"
    return question


def history_text(history: list[dict], max_chars: int = 4000) -> str:
    """The conversation for the condense prompt, most recent last, cut from the front."""
    lines = [f"{m.get('role', 'user')}: {str(m.get('content', '')).strip()}" for m in history]
    text = "\n".join(lines)
    return text[-max_chars:]
