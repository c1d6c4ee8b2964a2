"""Who a question names by office ("the industry minister", "Gazprom's chief"): the one
official whose offices, as the transcripts state them, share the most telling words near the
question's office word, among those the other filters allow. Nobody on a tie or on common
words: a wrong speaker filter hides the answer, a missing one only ranks it lower."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

from onrecord.reading.result import SpeakerRead
from onrecord.reading.vocabulary import OFFICE_CLASS, OFFICE_MODIFIERS, STOPWORDS
from onrecord.reading.words import STEMMER, tokens

NEAR = 4  # content words count only this close to an office word in the question
MIN_WEIGHT = 1.0  # the shared words must be this telling (idf, natural log) in all
# A word of the office that was not asked for costs a little ("national security adviser" is
# not the national security communications adviser); a deputy/acting mismatch costs more.
UNASKED_COST, MODIFIER_COST = 0.1, 0.5
_MODIFIER_STEMS = set(STEMMER.stemWords(sorted(OFFICE_MODIFIERS)))


def office_tokens(text: str) -> list[tuple[str, bool]]:
    """``(token, is_role)`` pairs: office words as their class (``chief`` -> ``head``), other
    words stemmed, small words dropped."""
    words = [w for w in tokens(text) if w in OFFICE_CLASS or w not in STOPWORDS]
    return [
        (OFFICE_CLASS[w], True) if w in OFFICE_CLASS else (STEMMER.stemWord(w), False)
        for w in words
    ]


def question_office_words(question: str) -> tuple[set[str], set[str]]:
    """(office classes, content words near an office word) of a question."""
    found = office_tokens(question)
    roles = {t for t, is_role in found if is_role}
    near = {
        token
        for i, (token, is_role) in enumerate(found)
        if not is_role and any(r for _, r in found[max(0, i - NEAR) : i + NEAR + 1])
    }
    return roles, near


def read_office(question: str, offices: Mapping[str, set[str]]) -> SpeakerRead | None:
    """The one official in ``offices`` (canonical name -> office phrases) whom ``question``
    names by office, or None when no one or more than one person fits."""
    roles, near = question_office_words(question)
    if not roles or not near:
        return None
    weights = _idf(offices)
    scored: list[tuple[float, str, str]] = []
    for speaker, phrases in offices.items():
        best = max((m for p in phrases if (m := _match(p, roles, near, weights))), default=None)
        if best is not None and best[0] > 0:
            scored.append((best[0], speaker, best[1]))
    scored.sort(key=lambda m: -m[0])
    if not scored or scored[0][0] < MIN_WEIGHT:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0] - 1e-9:
        return None
    _, speaker, office = scored[0]
    return SpeakerRead(speaker, office, source="office", office=office)


def _match(
    phrase: str, roles: set[str], near: set[str], weights: dict[str, float]
) -> tuple[float, str] | None:
    found = office_tokens(phrase)
    content = {t for t, is_role in found if not is_role}
    shared = content & near
    if not ({t for t, is_role in found if is_role} & roles) or not shared:
        return None
    # "deputy minister" and "minister" are different offices, whichever side says "deputy".
    mismatched = (content ^ near) & _MODIFIER_STEMS
    unasked = len(content - near - _MODIFIER_STEMS)
    score = sum(weights.get(t, 0.0) for t in shared)
    return score - MODIFIER_COST * len(mismatched) - UNASKED_COST * unasked, phrase


def _idf(offices: Mapping[str, set[str]]) -> dict[str, float]:
    """How telling a word of an office is: rare among the officials' offices weighs more."""
    df = Counter(
        t
        for phrases in offices.values()
        for t in {t for p in phrases for t, r in office_tokens(p) if not r}
    )
    return {token: math.log((len(offices) + 1) / count) for token, count in df.items()}
