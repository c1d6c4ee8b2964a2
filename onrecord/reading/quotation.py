"""A chat message that is mainly a quotation, read into the words and who said them.

``Lavrov: "We will never leave the CSTO"``, ``Did Putin say "..."?``, ``"..." — Psaki``,
``Is it true that the foreign minister said "..."?``: the message is checked rather than
answered. A question that merely quotes a phrase ("Why did Kirby say 'a red line'?") is
not: the quotation must hold most of the message's words and at least four of its own.
This module is the only code that matches patterns against such a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from onrecord.reading import vocabulary as v

_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|«([^»]+)»|„([^“]+)“|‘([^’]+)’|(?<!\w)'([^']+)'(?!\w)")
_DASH = r"(?:-{1,2}|[–—―])"
_SAYING = v.any_of(v.CLAIM_VERBS)  # the verbs a claim is said with (vocabulary)
# Who said it, around the quotation (the speaker group is a name or an office).
_SPEAKER = r"(?P<speaker>[^\W\d_][\w.'’\- ]{1,60}?)"
_BEFORE = [
    re.compile(rf"^\s*{_SPEAKER}\s*:\s*$"),  # Lavrov: "..."
    re.compile(
        rf"^\s*(?:did|has|had|does|is it true that|was it|check(?: that| whether)?|"
        rf"verify(?: that| whether)?)\s+{_SPEAKER}\s+(?:really\s+|ever\s+|actually\s+)?"
        rf"(?:{_SAYING})\s*(?:that\s*)?,?\s*:?\s*$",
        re.IGNORECASE,
    ),
    re.compile(rf"^\s*{_SPEAKER}\s+(?:said|says|stated|claimed|told \w+)\s*(?:that)?\s*:?\s*$"),
]
_AFTER = re.compile(rf"^\s*(?:{_DASH}|,)\s*{_SPEAKER}\s*[.?!]?\s*$")
_TRAIL = re.compile(r"^\s*[?.!]*\s*$")
MIN_QUOTED_WORDS = 4
MIN_SHARE = 0.4  # of the message's words inside the quotation


@dataclass(frozen=True)
class QuotedClaim:
    words: str  # the quotation, without its quote marks
    speaker: str | None  # as the message names them (a name or an office), or None


def read_quotation(message: str) -> QuotedClaim | None:
    """The quotation a message is mainly made of, and its claimed speaker; None for a
    message that is a question to answer."""
    found = _QUOTED.search(message or "")
    if found is None:
        return None
    words = next(g for g in found.groups() if g is not None).strip()
    before, after = message[: found.start()], message[found.end() :]
    if len(words.split()) < MIN_QUOTED_WORDS:
        return None
    if len(words.split()) < MIN_SHARE * len(message.split()):
        return None
    speaker = _speaker(before, after)
    if speaker is False:
        return None
    return QuotedClaim(words, speaker or None)


def _speaker(before: str, after: str) -> str | bool | None:
    """The speaker named around the quotation; "" for none; False when the words around it
    are not a way of asking whether it was said."""
    if not before.strip() and (not after.strip() or _TRAIL.match(after)):
        return ""
    if not before.strip():
        match = _AFTER.match(after)
        return _tidy(match.group("speaker")) if match else False
    if not _TRAIL.match(after):
        return False
    for pattern in _BEFORE:
        match = pattern.match(before)
        if match:
            return _tidy(match.group("speaker"))
    return False


def _tidy(speaker: str) -> str:
    return speaker.strip(" ,.:;").removesuffix("'s").strip()
