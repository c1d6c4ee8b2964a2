"""Any plain transcript with ``Name:`` turns.

An optional header of ``Title:``, ``Date:``, ``Place:``/``Location:``, ``URL:`` and ``Time:``
lines gives the metadata; otherwise the first line that is not a turn is the title and the
first date in the opening lines (or in the title) is the date.
"""

from __future__ import annotations

import re

from ingest.formats.common import (
    RawTurn,
    build_turns,
    header_lines,
    lines_of,
    parse_date,
    split_turns,
)
from ingest.formats.labels import MIXED, UPPER
from onrecord.types import Transcript

NAME = "generic"
_HEADER = re.compile(r"^\s*(title|date|place|location|url|source|time)\s*:\s*(.+?)\s*$", re.I)
MIN_TURNS = 2


def detect(text: str) -> bool:
    return len(_best_turns(text, 0)[0]) >= MIN_TURNS


def parse(doc_id: str, text: str) -> Transcript:
    meta, body_start = _header(text)
    raw_turns, first_label = _best_turns(text, body_start)
    title = meta.get("title") or _first_plain_line(text, body_start, first_label) or doc_id
    opening = " ".join(line.text for line in header_lines(text, 5))
    raw_turns_upper = raw_turns and raw_turns[0].label.isupper()
    return Transcript(
        doc_id=doc_id,
        title=title,
        date=parse_date(meta.get("date", "")) or parse_date(opening),
        time=meta.get("time"),
        place=meta.get("place") or meta.get("location"),
        url=meta.get("url"),
        text=text,
        source=NAME,
        turns=build_turns(text, raw_turns, title, upper_case_format=bool(raw_turns_upper)),
    )


def _header(text: str) -> tuple[dict[str, str], int]:
    meta: dict[str, str] = {}
    body_start = 0
    for line in lines_of(text):
        if not line.text.strip():
            body_start = line.end
            continue
        match = _HEADER.match(line.text)
        if not match:
            break
        meta[match.group(1).lower()] = match.group(2)
        body_start = line.end
    return meta, body_start


def _best_turns(text: str, start: int) -> tuple[list[RawTurn], int]:
    mixed = split_turns(text, start, len(text), MIXED)
    upper = split_turns(text, start, len(text), UPPER)
    return upper if len(upper[0]) > len(mixed[0]) else mixed


def _first_plain_line(text: str, start: int, end: int) -> str | None:
    for line in lines_of(text, start, end):
        if line.text.strip():
            return line.text.strip()
    return None
