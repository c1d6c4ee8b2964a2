"""A reporter's words are never a passage: checked against the raw text of every bundled
transcript, not against the parser's own labels.

Each transcript of data/sample and tests/data is read, parsed and cut into passages by the
real code, as ``onrecord ingest`` does. Passages are the quotable words of officials (and of
moderators and other non-press speakers); a journalist's turn is only ever context. Apart
from the parser, this file finds in the raw text every place where the source starts a
reporter's turn, by the marks the sources print: a bare ``Q`` (whitehouse.gov; also ``Q:``
and ``Q.``), ``Question:``, ``Question (retranslated):``, ``Remark:`` and ``Remarks:``
(kremlin.ru, mid.ru, plain ``Name:`` transcripts), ``Reporter:`` and ``Journalist:``
(capitalised or in capitals). A mark starts a line, or follows a sentence end on the same
line where the copy lost the line break (whitehouse.gov: ``...as soon as possible. Q   Is
the President...``, the ``Q`` followed by non-breaking spaces). No passage may hold one.

A parser change that folds a question into the official's answer before it (as dropping the
glued-``Q`` pattern of ingest/formats/whitehouse.py does) fails here, whatever roles the
parser then gives its turns.

Two more checks read the raw text with the audit's own label reader
(``bench/attribution_audit.py``, which shares nothing with the parser): no line that starts a
speaker's turn (``Sergei Mironov, Leader of…:``, ``MR. FERNÁNDEZ HERNÁNDEZ:``) lies inside an
official's turn, where its words would be the official's; and each turn's role agrees with
the label the raw text gives it (a ``Q``, ``Question`` or ``Reporter`` turn is never an
official's, nor is a moderator's or host's).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bench.attribution_audit import label_lines
from ingest.chunker import chunk_transcript
from ingest.discover import SourceFile, discover
from ingest.file_text import read_transcript_file
from ingest.formats import parse_transcript
from onrecord.settings import ChunkSettings
from onrecord.types import Role
from tests.conftest import ATTRIBUTION, FIXTURES, REPO, SAMPLE

_SP = r"[ \t\u00a0]"  # a blank as the sources write them, non-breaking spaces included
_WORD = r"(?:Question|QUESTION|Remarks?|REMARKS?|Reporter|REPORTER|Journalist|JOURNALIST)"
# ``Question:``, ``Question (retranslated):``, ``REPORTER:``...
_NAMED = rf"{_WORD}(?:{_SP}*\([^()\n]{{1,40}}\))?{_SP}*:{_SP}"
# A mark at the start of a line (after blanks and an emphasis mark).
LINE_MARK = re.compile(rf"^{_SP}*[*_]?(?P<mark>Q[:.]?{_SP}+\S|{_NAMED})", re.M)
# A mark glued onto the end of the previous turn, after a sentence end: a ``Q`` with the
# spacing whitehouse.gov puts after it (two or more blanks, or a non-breaking space), or a
# named mark.
GLUED_MARK = re.compile(rf"(?<=[.?!”’)\-—–]){_SP}+(?P<mark>Q[:.]?(?:{_SP}{{2,}}|\u00a0)|{_NAMED})")


def reporter_turn_starts(text: str) -> list[int]:
    """Offsets in ``text`` where its source starts a reporter's turn, read from the raw lines.
    Marks glued onto a line are looked for where reporters are bare ``Q`` lines: the copy of
    whitehouse.gov loses line breaks; kremlin.ru does not, and a ``Question:`` in the middle
    of its line is a question read out (a court's, a poll's) inside someone's turn."""
    marks = {m.start("mark") for m in LINE_MARK.finditer(text)}
    if any(text[m] == "Q" for m in marks):
        marks |= {m.start("mark") for m in GLUED_MARK.finditer(text)}
    return sorted(marks)


REFUSED = ATTRIBUTION / "refused"  # pages with no speaker, refused by the parser


def transcripts() -> list[SourceFile]:
    return [
        source
        for root in (SAMPLE, FIXTURES, ATTRIBUTION)
        for source in discover([root])[0]
        if REFUSED not in source.path.parents
    ]


SOURCES = transcripts()


def name(source: SourceFile) -> str:
    return source.path.relative_to(REPO).as_posix()


def raw_text(source: SourceFile) -> str:
    """The file's text as ingest reads it (decoded; nothing parsed yet)."""
    return read_transcript_file(source.path, 20_000_000).text


def line_at(text: str, offset: int) -> str:
    end = text.find("\n", offset)
    return text[offset : end if end != -1 else len(text)][:90]


@pytest.mark.parametrize("source", SOURCES, ids=name)
def test_no_passage_holds_a_turn_the_source_gives_a_reporter(source: SourceFile):
    text = raw_text(source)
    passages = chunk_transcript(parse_transcript(source.doc_id, text), ChunkSettings())
    assert passages
    crossed = [
        f"{p.role.value} passage of {p.speaker!r} ({p.start}–{p.end}) holds the reporter's "
        f"turn at {mark}: {line_at(text, mark)!r}"
        for mark in reporter_turn_starts(text)
        for p in passages
        if p.start <= mark < p.end
    ]
    assert not crossed, "\n".join(crossed)


def test_the_raw_scan_finds_reporters_in_every_source_and_where_a_q_was_glued_on():
    """The scan is not vacuous: it finds reporters' turns in each source, and the two
    questions of the sample that whitehouse.gov glued onto the end of an official's turn."""
    found: Counter[str] = Counter()
    glued: list[str] = []
    for source in SOURCES:
        text = raw_text(source)
        starts = reporter_turn_starts(text)
        found[source.path.parent.name] += len(starts)
        at_line_start = {m.start("mark") for m in LINE_MARK.finditer(text)}
        glued += [line_at(text, s) for s in starts if s not in at_line_start]
    assert found["whitehouse"] >= 400 and found["kremlin"] >= 100, found
    assert found["mfa"] > 0 and found["generic"] > 0, found
    for words in ("Hey, [senior administration official", "Is the President watching"):
        assert any(line.startswith("Q") and words in line for line in glued), (words, glued)


def test_every_bundled_transcript_is_checked():
    on_disk = {p for root in (SAMPLE, FIXTURES, ATTRIBUTION) for p in root.rglob("*.txt")}
    on_disk -= set(REFUSED.glob("*.txt"))
    assert {s.path for s in SOURCES} == on_disk and len(on_disk) > 60


@pytest.mark.parametrize("source", SOURCES, ids=name)
def test_no_label_line_lies_inside_an_official_s_turn(source: SourceFile):
    text = raw_text(source)
    transcript = parse_transcript(source.doc_id, text)
    officials = [t for t in transcript.turns if t.role is Role.OFFICIAL]
    inside = [
        f"{line.label!r} at {line.start} inside {t.speaker!r}'s turn ({t.start}–{t.end})"
        for line in label_lines(text)
        for t in officials
        if t.start < line.start < t.end
    ]
    assert not inside, "\n".join(inside)


_PRESS = re.compile(rf"^{_SP}*[*_]?(?:Q\b|(?i:question|reporter|journalist)\b)")
_HOST = re.compile(r"\b(?i:moderator|host|presenter|anchor)\b")


@pytest.mark.parametrize("source", SOURCES, ids=name)
def test_each_turn_s_role_agrees_with_its_label_in_the_raw_text(source: SourceFile):
    text = raw_text(source)
    transcript = parse_transcript(source.doc_id, text)
    wrong = []
    previous_end = 0
    for turn in transcript.turns:
        said = text[max(text.rfind("\n", 0, turn.start) + 1, previous_end) : turn.start]
        previous_end = turn.end
        if _PRESS.match(said) and turn.role is not Role.JOURNALIST:
            wrong.append(f"{said.strip()!r} is {turn.role.value}")
        if _HOST.search(said.split(",")[0]) and turn.role is Role.OFFICIAL:
            wrong.append(f"{said.strip()!r} is an official")
    assert not wrong, "\n".join(wrong)
