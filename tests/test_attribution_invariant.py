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
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from ingest.chunker import chunk_transcript
from ingest.discover import SourceFile, discover
from ingest.file_text import read_transcript_file
from ingest.formats import parse_transcript
from onrecord.settings import ChunkSettings
from tests.conftest import FIXTURES, REPO, SAMPLE

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
    """Offsets in ``text`` where its source starts a reporter's turn, read from the raw lines."""
    marks = {m.start("mark") for m in LINE_MARK.finditer(text)}
    marks |= {m.start("mark") for m in GLUED_MARK.finditer(text)}
    return sorted(marks)


def transcripts() -> list[SourceFile]:
    return [source for root in (SAMPLE, FIXTURES) for source in discover([root])[0]]


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
    on_disk = {p for root in (SAMPLE, FIXTURES) for p in root.rglob("*.txt")}
    assert {s.path for s in SOURCES} == on_disk and len(on_disk) > 40
