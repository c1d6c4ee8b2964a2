"""Is a quote the speaker's exact words? Pure functions, offsets into the original text.

Only typography is forgiven, on both sides alike: runs of whitespace (including non-breaking
spaces) are one space, curly quotes are straight, and dashes are one dash. The match is then
mapped back to offsets in the original text, so ``text[start:end]`` is what gets shown.
"""

from __future__ import annotations

import re

_QUOTES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "′": "'",
        "–": "-",
        "—": "-",
        "‒": "-",
        "―": "-",
        "−": "-",
    }
)
_SPACE = re.compile(r"[\s\u00a0\u2009\u202f\u200b]+")
_EDGE = " \t\n\u00a0\"'“”‘’«».,;:!?…()[]-–—"


def normalise(text: str) -> tuple[str, list[int]]:
    """``text`` with typography folded, and for each output character its input offset."""
    out: list[str] = []
    where: list[int] = []
    last_space = False
    for i, ch in enumerate(text):
        if _SPACE.match(ch):
            if not last_space:
                out.append(" ")
                where.append(i)
            last_space = True
            continue
        last_space = False
        folded = "..." if ch == "…" else ch.translate(_QUOTES)
        for part in folded:
            out.append(part)
            where.append(i)
    return "".join(out), where


def locate_quote(
    source: str, quote: str, start: int = 0, end: int | None = None
) -> tuple[int, int] | None:
    """Offsets ``(s, e)`` in ``source`` of ``quote`` within ``source[start:end]``, or None.

    Surrounding punctuation and quotation marks of ``quote`` are ignored; the returned span
    covers exactly the words found.
    """
    end = len(source) if end is None else end
    core = quote.strip(_EDGE)
    if len(core) < 2:
        return None
    haystack, where = normalise(source[start:end])
    needle, _ = normalise(core)
    position = haystack.find(needle)
    if position < 0:
        return None
    first = start + where[position]
    last = start + where[position + len(needle) - 1]
    return first, last + 1  # an ellipsis folded to "..." maps back to its one character


def is_verbatim(source: str, quote: str, start: int = 0, end: int | None = None) -> bool:
    return locate_quote(source, quote, start, end) is not None
