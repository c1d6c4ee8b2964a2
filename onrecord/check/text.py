"""Typography folded the way a quote check forgives it, with offsets back into the source.

Case, quote marks, dashes (a run of them is one; spaces around one do not count),
``…``/``...``, whitespace, a leading or trailing ellipsis and a missing final stop are not
differences; everything else is.
"""

from __future__ import annotations

import re

from onrecord.index.turn_words import tokens
from onrecord.verify import normalise

_DROPPED = '"'
_ELLIPSIS_EDGES = re.compile(r"^(?:\s*(?:\.\.\.|…)\s*)+|(?:\s*(?:\.\.\.|…)\s*)+$")
_QUOTE_EDGES = "\"'“”‘’«»„‚ \t\n\u00a0"
# A word for alignment: letters/digits, joined by inner apostrophes, points or commas
# ("don't", "2.7", "41,000").
_WORD = re.compile(r"[^\W_]+(?:[.,'’][^\W_]+)*")


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` lower-cased with typography folded, and each output character's offset in
    ``text``: quote marks dropped, a dash run (with the spaces around it) one ``-``."""
    base, where = normalise(text)
    out: list[str] = []
    at: list[int] = []
    for ch, pos in zip(base, where, strict=True):
        if ch in _DROPPED:
            continue
        if ch == " " and (not out or out[-1] in " -"):
            continue
        if ch == "-" and out and out[-1] in " -":
            if out[-1] == "-":
                continue
            out.pop()
            at.pop()
        out.append(ch.lower())
        at.append(pos)
    while out and out[-1] == " ":
        out.pop()
        at.pop()
    return "".join(out), at


def clean_claim(claim: str) -> str:
    """The words of a pasted claim: without enclosing quote marks, a leading or trailing
    ellipsis, or a final stop."""
    text = claim.strip().strip(_QUOTE_EDGES)
    text = _ELLIPSIS_EDGES.sub("", text).strip().strip(_QUOTE_EDGES)
    return text[:-1].rstrip() if text.endswith(".") and not text.endswith("..") else text


def words_with_offsets(
    text: str, start: int = 0, end: int | None = None
) -> list[tuple[str, int, int]]:
    """``(word, s, e)`` of ``text[start:end]``, each word lower-cased with its apostrophes
    straightened; offsets into ``text``."""
    end = len(text) if end is None else end
    return [
        (m.group().lower().replace("’", "'"), m.start(), m.end())
        for m in _WORD.finditer(text, start, end)
    ]


def claim_words(claim: str) -> list[str]:
    return [w for w, _, _ in words_with_offsets(claim)]


def lookup_tokens(claim: str) -> list[str]:
    """The claim's words as the turn-words table's tokenizer splits them."""
    return tokens(claim)
