"""en.kremlin.ru event pages.

Shape: ``December 8, 2012, 17:00``, the title, an optional place line, lead paragraphs written
by the site (not turns: they carry no label), often ``* * *``, then labelled turns such as
``President of Russia Vladimir Putin:``, ``Question (retranslated):``, ``Remark:``.
"""

from __future__ import annotations

import re

from ingest.formats.common import SECTION_END, build_turns, header_lines, parse_date, split_turns
from ingest.formats.labels import MIXED
from onrecord.types import Transcript

NAME = "kremlin"
_DATE_LINE = re.compile(
    r"^\s*((?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{1,2}, \d{4})(?:, (\d{1,2}:\d{2}))?\s*$"
)
PLACE_MAX_CHARS = 60


def detect(text: str) -> bool:
    head = header_lines(text, 1)
    return bool(head and _DATE_LINE.match(head[0].text))


def parse(doc_id: str, text: str) -> Transcript:
    head = header_lines(text, 3)
    dated = _DATE_LINE.match(head[0].text)
    assert dated is not None  # detect() said so
    title = head[1].text.strip() if len(head) > 1 else doc_id
    place = None
    body_start = head[1].end if len(head) > 1 else head[0].end
    if len(head) > 2 and _is_place(head[2].text):
        place = head[2].text.strip()
        body_start = head[2].end
    raw_turns, _ = split_turns(text, body_start, len(text), MIXED, terminator=SECTION_END)
    return Transcript(
        doc_id=doc_id,
        title=title,
        date=parse_date(dated.group(1)),
        time=dated.group(2),
        place=place,
        text=text,
        source=NAME,
        turns=build_turns(text, raw_turns, title, upper_case_format=False),
    )


def _is_place(line: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) <= PLACE_MAX_CHARS
        and not line.endswith((".", "?", "!", ":"))
        and MIXED(line) is None
    )
