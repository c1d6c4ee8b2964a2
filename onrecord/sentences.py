"""Sentence spans with offsets: the unit passages are packed from and quotes are cut from."""

from __future__ import annotations

import re

# A sentence ends at . ! ? or … (plus closing quotes/brackets) before whitespace and a capital,
# digit or opening quote; a blank line always ends one. Common abbreviations do not.
_BOUNDARY = re.compile(
    r"(?P<stop>[.!?…][\"”’)\]]*)[ \t\u00a0]+(?=[\"“‘(\[]?[A-Z0-9<])|(?P<stop2>)\n[ \t\u00a0]*\n?"
)
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Prof|Sen|Rep|Gov|Jr|Sr|No|Nos|vs|etc|Inc|Ltd|Co|"
    r"U\.S|U\.N|U\.K|a\.m|p\.m|i\.e|e\.g|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|"
    r"\b[A-Z])\.$"
)
_VISIBLE_EDGE = " \t\n\u00a0\u2009\u202f"


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[(s, e), ...]`` covering the visible sentences of ``text[start:end]``, in order."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        if match.group("stop") is not None:
            stop = match.end("stop")
            if _ABBREVIATIONS.search(text, max(start, match.start() - 6), match.start() + 1):
                continue
        else:
            stop = match.start()
        _append(spans, text, cursor, stop)
        cursor = match.end()
    _append(spans, text, cursor, end)
    return spans


def _append(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start] in _VISIBLE_EDGE:
        start += 1
    while end > start and text[end - 1] in _VISIBLE_EDGE:
        end -= 1
    if end > start:
        spans.append((start, end))


def sentence_embed_text(speaker: str, sentence: str) -> str:
    """What the embedding model sees for one sentence: "Speaker: sentence", the way passages
    are embedded (questions often name the speaker). Ingest and quote selection share it, so
    a stored sentence vector and one computed at ask time are the same vector."""
    return f"{speaker}: {sentence}"
