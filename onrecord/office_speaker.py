"""A question that names a speaker by office: "the industry minister", "Gazprom's chief",
"the head of the Accounts Chamber", "the national security adviser".

The index knows each official's offices as their transcripts state them (``Minister of
Industry and Trade``, ``Gazprom CEO``; see ``ingest/offices.py``). A question names an office
when it has an office word (minister, chief, adviser…) with other words near it; the person
meant is the one official whose offices share the most telling of those words, among the
officials the question's other filters allow (so "the healthcare minister in 2019" finds
whoever held that office then). Nothing is chosen when two people match equally or the shared
words are common to many offices ("federal", "state"): a wrong speaker filter would hide the
answer, a missing one only ranks it lower. Pure functions; no I/O.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import Stemmer

# Office words, grouped by what they mean: "Gazprom's chief" is its CEO or its chairman.
_ROLE_WORDS = {
    "head": "chief head ceo chairman chairwoman chairperson chair president director boss "
    "leader manager director-general secretary-general",
    "minister": "minister",
    "secretary": "secretary",
    "adviser": "adviser advisor",
    "mayor": "mayor",
    "governor": "governor",
    "administrator": "administrator",
    "envoy": "envoy",
    "coordinator": "coordinator czar tsar",
    "ambassador": "ambassador",
    "spokesperson": "spokesperson spokesman spokeswoman",
    "general": "general",
    "commissioner": "commissioner ombudsman ombudsperson",
    "speaker": "speaker",
    "prosecutor": "prosecutor",
}
ROLE_CLASS = {word: cls for cls, words in _ROLE_WORDS.items() for word in words.split()}
# Words that make an office another one: a "deputy prime minister" is not the prime minister.
MODIFIERS = {"deputy", "vice", "acting", "assistant", "first", "principal", "senior", "former"}
_FUNCTION_WORDS = set(
    "of the and for on in to a an at by with from our his her their its this that was is "
    "did does do what how who whom which why when where say said says".split()
)
NEAR = 4  # content words count only this close to an office word in the question
MIN_WEIGHT = 1.0  # the shared words must be this telling (idf, natural log) in all
_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_STEMMER = Stemmer.Stemmer("english")
_MODIFIER_STEMS = set(_STEMMER.stemWords(sorted(MODIFIERS)))


@dataclass(frozen=True)
class OfficeMatch:
    speaker: str
    office: str  # the office phrase that matched best, as the transcripts write it
    weight: float


def office_tokens(text: str) -> list[tuple[str, bool]]:
    """``(token, is_role)`` pairs: role words as their class (``chief`` -> ``head``), other
    words stemmed, possessives and function words dropped."""
    text = text.lower().replace("’", "'").replace("'s", " ")
    tokens: list[tuple[str, bool]] = []
    for word in _TOKEN.findall(text):
        if word in ROLE_CLASS:
            tokens.append((ROLE_CLASS[word], True))
        elif word not in _FUNCTION_WORDS:
            tokens.append((_STEMMER.stemWord(word), False))
    return tokens


def question_office_words(question: str) -> tuple[set[str], set[str]]:
    """(role classes, content words near a role word) of a question."""
    tokens = office_tokens(question)
    roles = {t for t, is_role in tokens if is_role}
    near: set[str] = set()
    for i, (token, is_role) in enumerate(tokens):
        if is_role:
            continue
        window = tokens[max(0, i - NEAR) : i + NEAR + 1]
        if any(r for _, r in window):
            near.add(token)
    return roles, near


def speaker_by_office(question: str, offices: dict[str, set[str]]) -> OfficeMatch | None:
    """The one official in ``offices`` (canonical name -> office phrases) whom ``question``
    names by office, or None when no one or more than one person fits."""
    roles, near = question_office_words(question)
    if not roles or not near:
        return None
    weights = _idf(offices)
    scored: list[OfficeMatch] = []
    for speaker, phrases in offices.items():
        matches = [m for p in phrases if (m := _match(p, roles, near, weights)) is not None]
        best = max(matches, default=None)
        if best is not None and best[0] > 0:
            scored.append(OfficeMatch(speaker, best[1], best[0]))
    scored.sort(key=lambda m: -m.weight)
    if not scored or scored[0].weight < MIN_WEIGHT:
        return None
    if len(scored) > 1 and scored[1].weight >= scored[0].weight - 1e-9:
        return None
    return scored[0]


def _match(
    phrase: str, roles: set[str], near: set[str], weights: dict[str, float]
) -> tuple[float, str] | None:
    tokens = office_tokens(phrase)
    phrase_roles = {t for t, is_role in tokens if is_role}
    content = {t for t, is_role in tokens if not is_role}
    if not phrase_roles & roles:
        return None
    shared = content & near
    if not shared:
        return None
    # "deputy minister" and "minister" are different offices, whichever side says "deputy";
    # of two offices sharing the words asked for, the one with fewer others is meant
    # ("national security adviser": not the national security communications adviser).
    mismatched = (content ^ near) & _MODIFIER_STEMS
    unasked = len(content - near - _MODIFIER_STEMS)
    score = sum(weights.get(t, 0.0) for t in shared) - 0.5 * len(mismatched) - 0.1 * unasked
    return score, phrase


def _idf(offices: dict[str, set[str]]) -> dict[str, float]:
    """How telling a word of an office is: rare among the officials' offices weighs more."""
    df: dict[str, int] = {}
    for phrases in offices.values():
        for token in {t for p in phrases for t, is_role in office_tokens(p) if not is_role}:
            df[token] = df.get(token, 0) + 1
    n = len(offices)
    return {token: math.log((n + 1) / count) for token, count in df.items()}
