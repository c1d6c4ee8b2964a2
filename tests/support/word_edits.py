"""Real quotes from ``tests/data`` and every one-word edit of them, for the verbatim checks.

A quote is a sentence of an official's turn, as the parser and the sentence splitter give
it. An edit substitutes, deletes or inserts one word at one position; an edit is kept only
when its words do not occur, in that order, anywhere in the transcript (compared with runs of
whitespace collapsed: an independent, plainer check than the one under test).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.formats import parse_transcript
from onrecord.sentences import sentence_spans
from onrecord.types import Role

FIXTURES = Path(__file__).resolve().parent.parent / "data"
SUBSTITUTE = "criminal"  # "criminal organisations" for "terrorist organisations"
INSERT = "not"  # the word that turns a statement round


@dataclass(frozen=True)
class RealQuote:
    doc_id: str
    text: str  # the whole transcript
    start: int
    end: int

    @property
    def quote(self) -> str:
        return self.text[self.start : self.end]


@dataclass(frozen=True)
class Edit:
    kind: str  # "substitute", "delete" or "insert"
    position: int
    words: str


def real_quotes(per_file: int = 2, min_words: int = 5, max_words: int = 20) -> list[RealQuote]:
    """The first ``per_file`` sentences of officials, of a quotable length, from each
    fixture transcript (MFA, Kremlin, White House, generic)."""
    found = []
    for path in sorted(FIXTURES.rglob("*.txt")):
        transcript = parse_transcript(path.stem, path.read_text(encoding="utf-8"))
        taken = 0
        for turn in transcript.turns:
            if turn.role is not Role.OFFICIAL or taken >= per_file:
                continue
            for start, end in sentence_spans(transcript.text, turn.start, turn.end):
                words = len(transcript.text[start:end].split())
                if min_words <= words <= max_words and taken < per_file:
                    found.append(RealQuote(path.stem, transcript.text, start, end))
                    taken += 1
    return found


def one_word_edits(quote: str) -> Iterator[Edit]:
    """Every substitution, deletion and insertion of one word, at every position."""
    words = quote.split()
    for i, word in enumerate(words):
        if word.lower().strip(".,;:!?\"'") != SUBSTITUTE:
            yield Edit("substitute", i, " ".join([*words[:i], SUBSTITUTE, *words[i + 1 :]]))
        yield Edit("delete", i, " ".join(words[:i] + words[i + 1 :]))
    for i in range(len(words) + 1):
        yield Edit("insert", i, " ".join([*words[:i], INSERT, *words[i:]]))


def occurs(text: str, words: str) -> bool:
    """Do ``words`` occur in ``text``, whitespace aside (the plain oracle)?"""
    return " ".join(words.split()) in " ".join(text.split())


def edits_not_in_source(quote: RealQuote) -> list[Edit]:
    return [e for e in one_word_edits(quote.quote) if not occurs(quote.text, e.words)]
