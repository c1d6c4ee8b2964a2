"""The kind of answer a question wants: a timeline (how a position moved), a claim to check
("Did Lavrov announce that …?"), an amount ("how many")."""

from __future__ import annotations

import re

from onrecord.reading import vocabulary as v
from onrecord.reading.result import ClaimRead

_OPENER = r"^\s*(?:and\s+|so\s+|but\s+)?"
_ASKS_WHETHER = re.compile(
    rf"{_OPENER}(?:did|does|do|has|have|had|is|was|were|will|would|can|could)\b", re.I
)
_ASKS_WHY = re.compile(rf"{_OPENER}why\b", re.I)
_SAYING, _ANNOUNCING = v.any_of(v.CLAIM_VERBS), v.any_of(v.CLAIM_VERBS | v.PLEDGE_VERBS)
_SAID_CLAUSE = re.compile(rf"\b(?:{_SAYING})\b(?:[^?]*?\bthat\b)?\s*(?P<claim>[^?]+)", re.I)
_STATED_CLAIM = re.compile(
    rf"\b(?:{_ANNOUNCING})\b(?:\s+(?=plans?\b|a\b|an\b|the\b)|[^.!?]*?\bthat\b\s*)(?P<claim>[^.!?]+)",
    re.I,
)
_SENTENCES = re.compile(r"[^.!?]+[.!?]?")
_LAST_QUESTION = re.compile(r"(?:^|(?<=[.!?])\s+)([^.!?]+\?)\s*$")
_STANCE, _CHANGE = v.any_of(v.STANCES), v.any_of(v.CHANGES)
_OVER_TIME = re.compile(
    rf"\b(?:(?:has|have|did)\b.*\b(?:{_STANCE})\b.*\b(?:{_CHANGE})\w*|{v.any_of(v.OVER_TIME)})\b",
    re.I,
)
_TOPIC = re.compile(
    rf"\b(?:on|about|towards?|regarding)\s+(?P<topic>.+?)(?:\s+(?:(?:{v.any_of(v.CHANGED)})\b|"
    rf"{v.any_of(v.OVER_TIME)}|since\b.*|between\b.*)|\s*\?|$)",
    re.I,
)
_AMOUNT = re.compile(
    rf"\b(?:how\s+(?:{v.any_of(v.AMOUNT_HOW)})|by\s+how\s+much|what\s+(?:(?:is|was|are|were)\s+"
    rf"the\s+)?(?:\w+\s+)?(?:{v.any_of(v.AMOUNT_NOUNS)})s?)\b",
    re.I,
)


def read_claim(question: str) -> ClaimRead | None:
    """What the last question asks to have confirmed: after a verb of saying in a yes/no or
    why question ("… announce that CLAIM?"), the whole of a yes/no question without one, or a
    statement before it ("Putin told workers that CLAIM. How did he…?")."""
    match = _LAST_QUESTION.search(question.strip())
    asked = match.group(1) if match else question
    whether, why = _ASKS_WHETHER.match(asked), _ASKS_WHY.match(asked)
    if whether or why:
        if said := _SAID_CLAUSE.search(asked):
            return ClaimRead(said.group("claim"), True)
        if whether:
            return ClaimRead(asked, False)
    before = question.strip()[: match.start(1)] if match else ""
    for sentence in _SENTENCES.findall(before):
        if stated := _STATED_CLAIM.search(sentence):
            return ClaimRead(stated.group("claim"), True)
    return None


def timeline_topic(question: str) -> str | None:
    """The topic of a question asking how a position changed over time, else None."""
    return about(question) if _OVER_TIME.search(question) else None


def about(question: str) -> str | None:
    """What a position is on: "… position on NATO changed?", "And on NATO?" -> "NATO"."""
    found = _TOPIC.search(question)
    return (found.group("topic").strip(" ?.,") or None) if found else None


def asks_amount(question: str) -> bool:
    """True when the question asks for a quantity ("how many", "what share")."""
    return bool(_AMOUNT.search(question))
