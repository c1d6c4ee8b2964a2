"""Follow-ups: a question that leans on the conversation ("And …?", "he", "that", very short)
keeps who and when from it but searches its own topic ("And what about Afghanistan?"); one
that points back at a thing ("that deadline") or has no topic ("Why?") is searched with the
previous question."""

from __future__ import annotations

import re
from collections.abc import Sequence

from onrecord.reading import vocabulary as v
from onrecord.reading.words import tokens

SHORT_QUESTION_WORDS = 6  # a question this short leans on the conversation whatever it says
_LEANS_BACK = re.compile(
    rf"^\s*(?:{v.any_of(v.LEADING_WORDS)})\b|\b(?:{v.any_of(v.BACK_REFERENCES)})\b", re.I
)
_POINTS_AT_A_THING = re.compile(rf"\b(?:{v.any_of(v.THING_POINTERS)})\b", re.I)
_PERSON_PRONOUN = re.compile(rf"\b({v.any_of(v.PERSON_PRONOUNS)})\b", re.I)
_LATER, _EARLIER = (re.compile(rf"\b(?:{v.any_of(w)})\b", re.I) for w in (v.LATER, v.EARLIER))


def previous_user_questions(history: Sequence[dict] | None) -> list[str]:
    """The user's earlier questions, most recent first."""
    return [
        str(m["content"]).strip()
        for m in reversed(history or [])
        if m.get("role") == "user" and str(m.get("content", "")).strip()
    ]


def leans_back(question: str) -> bool:
    return bool(_LEANS_BACK.search(question)) or len(question.split()) <= SHORT_QUESTION_WORDS


def own_words(question: str) -> list[str]:
    """The question's words that name something, in order (not pointing back, not asking)."""
    return [w for w in tokens(question) if w not in v.STOPWORDS | v.POINTING_WORDS]


def search_text(question: str, history: Sequence[dict] | None, force: bool = False) -> str:
    """What a follow-up searches for: with the previous question when it points back at a
    thing or has no topic of its own, else on its own (a person it points at is a filter).
    ``force``: with the previous question all the same (no filter says who the person is)."""
    previous = previous_user_questions(history)
    if not previous or not leans_back(question):
        return question
    if force or _POINTS_AT_A_THING.search(question) or not own_words(question):
        return f"{previous[0]} {question}"
    return question


def refers_to_a_person(question: str) -> bool:
    return bool(_PERSON_PRONOUN.search(question))


def naming(question: str, person: str) -> str:
    """The question with its first "he"/"she"/"his"… replaced by the person the conversation
    is about (the name after it when there is no pronoun): the search then reads the name as
    passages carry it ("And what deadline did Dmitry Medvedev give?")."""
    match = _PERSON_PRONOUN.search(question)
    if match is None:
        return f"{question} {person}"
    word = f"{person}’s" if match.group(1).lower() == "his" else person
    return question[: match.start()] + word + question[match.end() :]


def moves_in_time(question: str) -> str | None:
    """``"later"`` ("a month later"), ``"earlier"`` ("before that") or None."""
    if _LATER.search(question):
        return "later"
    return "earlier" if _EARLIER.search(question) else None
