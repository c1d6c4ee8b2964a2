"""Shared pieces of the transcript formats: lines with offsets, labels, turns, dates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from ingest.formats.labels import is_bare_name
from ingest.offices import given_an_office
from ingest.speakers import assign_roles, follow_on_roles, principal_of, speaker_stats
from onrecord.names import canonical_names
from onrecord.types import Turn

MONTHS = {
    name: i
    for i, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
DATE_PATTERNS = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    (re.compile(_MONTH + r"\s+(\d{1,2}),?\s+(\d{4})", re.I), ("mn", "d", "y")),
    (re.compile(r"\b(\d{1,2})\s+" + _MONTH + r",?\s+(\d{4})", re.I), ("d", "mn", "y")),
]
# A stage note or omission mark standing alone: "(Laughter.)", "<…>", "* * *", "END 2:01 P.M. EST".
STAGE_NOTE = re.compile(
    r"^\s*(\([^()]+\)\.?|<\s*(…|\.\.\.)\s*>|\*\s*\*\s*\*|#{3,}|END\b.*|"
    r"\d{1,2}:\d{2}\s*[AP]\.?\s?M\.?(\s+[A-Z]{2,4})?)\s*$"
)
# Lines after which unlabelled text is narration, not the last speaker's words.
SECTION_END = re.compile(r"^\s*(\*\s*\*\s*\*|#{3,}|\([^()]{121,}\)\.?)\s*$")


@dataclass(frozen=True)
class Line:
    start: int
    end: int  # exclusive, before the newline
    text: str


def lines_of(text: str, start: int = 0, end: int | None = None) -> Iterator[Line]:
    """Lines of ``text[start:end]`` with absolute offsets."""
    end = len(text) if end is None else end
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        yield Line(pos, stop, text[pos:stop])
        pos = stop + 1


def parse_date(text: str) -> str | None:
    """First date in ``text`` as ISO, in any of the three spellings the sources use."""
    found: list[tuple[int, str]] = []
    for pattern, order in DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = int(parts["m"]) if "m" in parts else MONTHS[parts["mn"].lower()]
        try:
            iso = date(int(parts["y"]), month, int(parts["d"])).isoformat()
        except ValueError:
            continue
        found.append((match.start(), iso))
    return min(found)[1] if found else None


@dataclass
class RawTurn:
    label: str
    start: int
    end: int


def split_turns(
    text: str,
    start: int,
    end: int,
    match_label: Callable[[str], tuple[str, int] | None],
    inline_break: re.Pattern[str] | None = None,
    terminator: re.Pattern[str] | None = None,
) -> tuple[list[RawTurn], int]:
    """Cut ``text[start:end]`` into labelled turns.

    ``match_label(line)`` returns the speaker label and the offset where the turn's words
    begin, or None. ``inline_break`` finds places inside a line where the source glued the
    next label on (``...this role? MS. PSAKI:  You mean``): the line is cut there. A line
    matching ``terminator`` (``* * *``, ``END 2:01 P.M.``) closes the current turn: unlabelled
    text after it is site narration, not anybody's words. Stage notes such as ``(Laughter.)``
    are trimmed from the edges of turns; turns made only of stage notes are dropped.
    Returns the turns and the offset of the first label (``end`` when there is none).
    """
    turns: list[RawTurn] = []
    first_label = end
    last_content_end = -1
    open_turn = False
    listed = listed_lines(text, start, end)
    for line in _segments(text, start, end, inline_break):
        found = match_label(line.text) if line.start not in listed else None
        if found:
            label, offset = found
            if turns:
                turns[-1].end = last_content_end
            else:
                first_label = line.start
            turns.append(RawTurn(label, line.start + offset, line.end))
            last_content_end = _content_end(text, line.start + offset, line.end)
            open_turn = True
        elif terminator is not None and terminator.match(line.text):
            open_turn = False
        elif open_turn and line.text.strip() and not STAGE_NOTE.match(line.text):
            last_content_end = _content_end(text, line.start, line.end)
    if turns:
        turns[-1].end = last_content_end
    trimmed = [RawTurn(t.label, *trim_stage_notes(text, t.start, t.end)) for t in turns]
    return [t for t in trimmed if t.end > t.start], first_label


_POST_AND_NAME = re.compile(r"^[^:\n]{1,300}:[ \t\u00a0]+(?P<name>\S.*)$")
LIST_RUN = 3  # consecutive ``Post: Name.`` lines that make a list


def listed_lines(text: str, start: int, end: int) -> set[int]:
    """Starts of lines that read ``Post: Name.`` in a run of at least ``LIST_RUN`` such lines
    (blank lines between them allowed): a list of appointments (``Minister of Defence:
    Sergei Shoigu.``), not speaker turns."""
    listed: set[int] = set()
    run: list[int] = []
    for line in [*lines_of(text, start, end), Line(end, end, "-")]:
        if not line.text.strip():
            continue
        found = _POST_AND_NAME.match(line.text)
        if found and is_bare_name(found.group("name")):
            run.append(line.start)
            continue
        if len(run) >= LIST_RUN:
            listed.update(run)
        run = []
    return listed


def _segments(
    text: str, start: int, end: int, inline_break: re.Pattern[str] | None
) -> Iterator[Line]:
    for line in lines_of(text, start, end):
        if inline_break is None:
            yield line
            continue
        cut = line.start
        for match in inline_break.finditer(text, line.start, line.end):
            if match.end() > cut and match.start() > line.start:
                yield Line(cut, match.start(), text[cut : match.start()])
                cut = match.end()
        yield Line(cut, line.end, text[cut : line.end])


_TRAILING_NOTE = re.compile(r"(?<=[.?!”’\-—–])[ \t\u00a0]+\([A-Z][^()\n]{0,80}\)\.?$")
_LEADING_NOTE = re.compile(r"^\([A-Z][^()\n]{0,80}\)\.?(?:[ \t\u00a0]+|$)")


def trim_stage_notes(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop ``(Laughter.)``-style notes from the start and end of ``text[start:end]``."""
    while True:
        segment = text[start:end]
        lead = _LEADING_NOTE.match(segment)
        trail = _TRAILING_NOTE.search(segment)
        if lead and lead.end() > 0:
            start += lead.end()
        elif trail:
            end = start + trail.start()
        elif STAGE_NOTE.match(segment):
            return start, start
        else:
            return start, end


def _content_end(text: str, start: int, end: int) -> int:
    """Offset after the last visible character of ``text[start:end]``."""
    while end > start and text[end - 1] in " \t\u00a0\u2009\u202f\r":
        end -= 1
    return end


def content_start(text: str, start: int, end: int) -> int:
    """Offset of the first visible character of ``text[start:end]``."""
    while start < end and text[start] in " \t\u00a0\u2009\u202f\r\n":
        start += 1
    return start


def build_turns(
    text: str,
    raw_turns: list[RawTurn],
    title: str,
    upper_case_format: bool,
    default_speaker: str | None = None,
) -> list[Turn]:
    """Attach canonical names and roles to raw turns (an empty label gets ``default_speaker``)."""
    labelled = [t.label for t in raw_turns if t.label]
    names = canonical_names(labelled, title=title, text=text)
    speakers = [names.get(t.label, "") if t.label else (default_speaker or "") for t in raw_turns]
    said = [
        (raw.label or speaker, speaker, text[raw.start : raw.end])
        for raw, speaker in zip(raw_turns, speakers, strict=True)
    ]
    stats = speaker_stats(said)
    if upper_case_format:  # every podium speaker was an official: which were given an office
        offices = given_an_office(
            {name: entry.labels for name, entry in stats.items()}, title, text
        )
        for name, entry in stats.items():
            entry.office = name in offices
    roles = assign_roles(stats, title, upper_case_format)
    turn_roles = follow_on_roles(speakers, [roles[s] for s in speakers], principal_of(stats), title)
    return [
        Turn(i, raw.label, speaker, role, raw.start, raw.end)
        for i, (raw, speaker, role) in enumerate(zip(raw_turns, speakers, turn_roles, strict=True))
    ]


def header_lines(text: str, limit: int = 6) -> list[Line]:
    """The first ``limit`` non-blank lines."""
    found = []
    for line in lines_of(text):
        if line.text.strip():
            found.append(line)
            if len(found) == limit:
                break
    return found
