"""Follow-up questions: what to search for, and what the conversation lends the search.

With an LLM the condense prompt rewrites the question into a standalone one. Without one, a
question that leans on the conversation (starts with "and", refers back with
he/she/it/that/this/they, or is very short) keeps who and when from the conversation (the
speaker and date filters of the previous questions, see ``Assistant``) but searches for its
own topic: "And what about Afghanistan?" after a question on the Biological Weapons
Convention is a search for Afghanistan, not for the convention again. A question that points
back at a thing ("that deadline", "the bridge there") or has no topic of its own ("Why?") is
searched together with the previous one.
"""

from __future__ import annotations

import re

from onrecord.words import STOPWORDS

_LEANS_BACK = re.compile(
    r"^\s*(and|but|also|what about|how about|so)\b|\b(he|she|him|her|his|they|them|their|it|"
    r"its|that|this|those|these|there|then)\b",
    re.I,
)
SHORT_QUESTION_WORDS = 6
# Words that carry no topic in a follow-up: the quote picker's stopwords (question words,
# pronouns, auxiliaries, verbs of saying) and words that only point back or ask for more.
_NO_TOPIC = STOPWORDS | frozenset(
    """hers theirs one ones saying mean meant means explain explained add added go more exactly
    really again else anything something why's what's that's it's he's she's afterwards later
    next must""".split()
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_POINTS_AT_A_THING = re.compile(r"\b(that|this|those|these|there|such)\b", re.I)
# A follow-up that moves forward or back in time keeps only one end of the earlier dates.
LATER = re.compile(
    r"\b(later|afterwards|after that|since then|subsequently|the following|next (?:day|week|"
    r"month|year))\b",
    re.I,
)
EARLIER = re.compile(r"\b(earlier|before that|previously|the previous|the day before)\b", re.I)


def needs_context(question: str) -> bool:
    return bool(_LEANS_BACK.search(question)) or len(question.split()) <= SHORT_QUESTION_WORDS


def has_own_topic(question: str) -> bool:
    """True when the question names something to search for besides pointing back."""
    words = [w.lower().strip("'’-") for w in _WORD.findall(question)]
    return any(w and w not in _NO_TOPIC for w in words)


def previous_user_questions(history: list[dict]) -> list[str]:
    """The user's earlier questions, most recent first."""
    return [
        str(m["content"]).strip()
        for m in reversed(history or [])
        if m.get("role") == "user" and str(m.get("content", "")).strip()
    ]


def previous_user_question(history: list[dict]) -> str | None:
    found = previous_user_questions(history)
    return found[0] if found else None


def is_follow_up(question: str, history: list[dict] | None) -> bool:
    return bool(previous_user_question(history or [])) and needs_context(question)


def heuristic_query(question: str, history: list[dict] | None, force: bool = False) -> str:
    """The search text of a question without an LLM. A follow-up that points back at a thing
    ("that deadline", "the bridge there") or has no topic of its own ("Why?") is searched
    together with the previous user question; one that only points back at a person ("what
    did he say about Afghanistan?") is searched on its own, the person being a filter (``force``:
    with the previous question all the same, when no filter says who the person is)."""
    previous = previous_user_question(history or [])
    if not previous or not needs_context(question):
        return question
    if force or _POINTS_AT_A_THING.search(question) or not has_own_topic(question):
        return f"{previous} {question}"
    return question


_PERSON_PRONOUN = re.compile(r"\b(he|she|him|his|her)\b", re.I)


def refers_to_a_person(question: str) -> bool:
    return bool(_PERSON_PRONOUN.search(question))


def naming(question: str, person: str) -> str:
    """The question with its first "he"/"she"/"him"/"his"/"her" replaced by the person the
    conversation is about, or with the name after it when there is no such pronoun: the
    search then reads the name as passages carry it ("And what deadline did Dmitry Medvedev
    give?")."""
    match = _PERSON_PRONOUN.search(question)
    if match is None:
        return f"{question} {person}"
    word = f"{person}’s" if match.group(1).lower() == "his" else person
    return question[: match.start()] + word + question[match.end() :]


def history_text(history: list[dict], max_chars: int = 4000) -> str:
    """The conversation for the condense prompt, most recent last, cut from the front."""
    lines = [f"{m.get('role', 'user')}: {str(m.get('content', '')).strip()}" for m in history]
    text = "\n".join(lines)
    return text[-max_chars:]
