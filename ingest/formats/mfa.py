"""Russian Foreign Ministry (mid.ru) English pages, as copied from the site.

Shape: ``26 May 202017:51`` (date and time glued), the title, a language-tags line, unlabelled
opening remarks by the minister, ``Question:`` / ``Sergey Lavrov:`` turns, then site
boilerplate (``Additional materials``, ``Advanced settings``) that is not part of any turn.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.formats.common import (
    SECTION_END,
    RawTurn,
    build_turns,
    content_start,
    header_lines,
    lines_of,
    parse_date,
    split_turns,
)
from ingest.formats.labels import MIXED
from ingest.speakers import is_role_label
from onrecord.names import canonical_names
from onrecord.types import Transcript

NAME = "mfa"
_GLUED_DATE = re.compile(r"^\s*(\d{1,2} [A-Z][a-z]+ \d{4})(\d{1,2}:\d{2})\s*$")
_LANG_TAGS = re.compile(r"\b[a-z]{2}-[A-Z]{2}\d*\b")
_BOILERPLATE = re.compile(r"^(Additional materials|Advanced settings|Photos|Video|Print)\s*$", re.M)
_TITLE_PLACE = re.compile(r",\s*([A-Z][\w .\-’']{1,40}),\s*[A-Z][a-z]+ \d{1,2}, \d{4}\s*$")


def detect(text: str) -> bool:
    head = header_lines(text, 1)
    return bool(head and _GLUED_DATE.match(head[0].text))


def parse(doc_id: str, text: str) -> Transcript:
    head = header_lines(text, 3)
    glued = _GLUED_DATE.match(head[0].text)
    assert glued is not None  # detect() said so
    title = head[1].text.strip() if len(head) > 1 else doc_id
    body_start = head[1].end if len(head) > 1 else head[0].end
    if len(head) > 2 and len(_LANG_TAGS.findall(head[2].text)) >= 2:
        body_start = head[2].end
    tail = _BOILERPLATE.search(text, body_start)
    body_end = tail.start() if tail else len(text)
    raw_turns, first_label = split_turns(text, body_start, body_end, MIXED, terminator=SECTION_END)
    opening = _opening_remarks(text, body_start, first_label)
    main_speaker = _main_speaker(raw_turns, title, text)
    if opening and main_speaker:
        raw_turns.insert(0, opening)
    place = _TITLE_PLACE.search(title)
    return Transcript(
        doc_id=doc_id,
        title=title,
        date=parse_date(glued.group(1)),
        time=glued.group(2),
        place=place.group(1) if place else None,
        text=text,
        source=NAME,
        turns=build_turns(
            text, raw_turns, title, upper_case_format=False, default_speaker=main_speaker
        ),
    )


def _opening_remarks(text: str, start: int, end: int) -> RawTurn | None:
    """The minister's unlabelled remarks between the header and the first label."""
    visible = [line for line in lines_of(text, start, end) if line.text.strip()]
    if not visible:
        return None
    first = content_start(text, visible[0].start, visible[0].end)
    last = visible[-1].start + len(visible[-1].text.rstrip(" \t\u00a0"))
    return RawTurn("", first, last)


def _main_speaker(raw_turns: list[RawTurn], title: str, text: str) -> str | None:
    """The most frequent named (non-role) speaker: the one who gave the opening remarks."""
    names = canonical_names([t.label for t in raw_turns], title=title, text=text)
    counts = Counter(names[t.label] for t in raw_turns if not is_role_label(t.label))
    return counts.most_common(1)[0][0] if counts else None
