"""White House press briefings and gaggles (whitehouse.gov briefing room).

Shape: an ISO date line, the title, the place, the time (``1:03 P.M. EST``), then turns
labelled ``MS. PSAKI:``, ``MODERATOR:`` and a bare ``Q`` for reporters; stage notes such as
``(Laughter.)`` and the closing ``END 2:01 P.M. EST`` are not turns.
"""

from __future__ import annotations

import re

from ingest.formats.common import (
    build_turns,
    header_lines,
    lines_of,
    parse_date,
    split_turns,
)
from ingest.formats.labels import UPPER
from onrecord.types import Transcript

NAME = "whitehouse"
_ISO_LINE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")
_TIME_LINE = re.compile(r"^\s*\d{1,2}:\d{2}\s*[AP]\.?\s?M\.?(\s+[A-Z]{2,4})?\s*$")
# The closing "END 2:01 P.M. EST" or bare time line, "###", "* * *": what follows is not a turn.
_BRIEFING_END = re.compile(
    r"^\s*(END\b.*|\d{1,2}:\d{2}\s*[AP]\.?\s?M\.?(\s+[A-Z]{2,4})?|#{3,}|\*\s*\*\s*\*)\s*$"
)
_UPPER_TURN = re.compile(r"^(Q[ \u00a0]|[A-Z][A-Z.'’\- ]{1,60}:[ \u00a0])", re.M)


def detect(text: str) -> bool:
    head = header_lines(text, 1)
    return bool(head and _ISO_LINE.match(head[0].text) and _UPPER_TURN.search(text))


def parse(doc_id: str, text: str) -> Transcript:
    head = header_lines(text, 4)
    title = head[1].text.strip() if len(head) > 1 else doc_id
    place = time = None
    body_start = head[min(1, len(head) - 1)].end
    for line in head[2:]:
        if UPPER(line.text):
            break
        if _TIME_LINE.match(line.text):
            time = line.text.strip()
        elif place is None and time is None:
            place = line.text.strip()
        body_start = line.end
    raw_turns, _ = split_turns(
        text,
        body_start,
        len(text),
        UPPER,
        inline_break=_glued_labels(text, body_start),
        terminator=_BRIEFING_END,
    )
    return Transcript(
        doc_id=doc_id,
        title=title,
        date=parse_date(head[0].text),
        time=time,
        place=place,
        text=text,
        source=NAME,
        turns=build_turns(text, raw_turns, title, upper_case_format=True),
    )


def _glued_labels(text: str, start: int) -> re.Pattern[str]:
    """Where a label seen at a line start elsewhere in this briefing (or a reporter's ``Q``)
    was glued onto the end of the previous turn, after a sentence end or a dash."""
    labels = {found[0] for line in lines_of(text, start) if (found := UPPER(line.text))}
    alternatives = [re.escape(label) + r"[ \t\u00a0]*:" for label in labels if label != "Q"]
    alternatives.append(r"Q(?:[ \t\u00a0]{2,}|\u00a0)")
    return re.compile(r"(?<=[.?!”’)\-—–])[ \t\u00a0]+(?=(?:" + "|".join(alternatives) + r")\S?)")
