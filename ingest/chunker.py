"""Turns -> passages.

A passage is a piece of one speaker's turn (its *answer text*, the span that may be quoted)
plus the journalist's question it answers (context for retrieval, never quoted as the
answer). Long turns are split on sentence boundaries into pieces near ``target_chars``; each
piece carries the question. Journalist turns are not passages of their own: their words are
only ever context, so they can never be cited as an official's.
"""

from __future__ import annotations

import hashlib

from ingest.sentences import sentence_spans
from onrecord.settings import ChunkSettings
from onrecord.types import Passage, Role, Transcript, Turn

CHUNKER_VERSION = "1"
MIN_PASSAGE_CHARS = 25  # "Thank you." and "Go ahead." are not worth a passage


def chunk_transcript(transcript: Transcript, settings: ChunkSettings) -> list[Passage]:
    """All passages of a transcript, in reading order."""
    passages: list[Passage] = []
    question: Turn | None = None
    seen: dict[str, int] = {}
    for turn in transcript.turns:
        if turn.role is Role.JOURNALIST:
            question = turn
            continue
        for start, end in _pieces(transcript.text, turn, settings):
            passages.append(_passage(transcript, turn, question, start, end, settings, seen))
    return passages


def _pieces(text: str, turn: Turn, settings: ChunkSettings) -> list[tuple[int, int]]:
    """Answer spans of one turn: runs of whole sentences packed up to ``target_chars``."""
    sentences = sentence_spans(text, turn.start, turn.end)
    pieces: list[tuple[int, int]] = []
    for s_start, s_end in _split_long(sentences, settings.max_chars, text):
        if pieces and s_end - pieces[-1][0] <= settings.target_chars:
            pieces[-1] = (pieces[-1][0], s_end)
        else:
            pieces.append((s_start, s_end))
    if (
        len(pieces) > 1
        and pieces[-1][1] - pieces[-1][0] < settings.target_chars // 3
        and pieces[-1][1] - pieces[-2][0] <= settings.max_chars
    ):
        pieces[-2:] = [(pieces[-2][0], pieces[-1][1])]
    return [(s, e) for s, e in pieces if e - s >= MIN_PASSAGE_CHARS]


def _split_long(
    sentences: list[tuple[int, int]], max_chars: int, text: str
) -> list[tuple[int, int]]:
    """Cut any sentence longer than ``max_chars`` at spaces, so no piece exceeds it."""
    out: list[tuple[int, int]] = []
    for start, end in sentences:
        while end - start > max_chars:
            cut = text.rfind(" ", start, start + max_chars)
            cut = cut if cut > start else start + max_chars
            out.append((start, cut))
            start = cut + 1 if text[cut : cut + 1] == " " else cut
        out.append((start, end))
    return out


def _passage(
    transcript: Transcript,
    turn: Turn,
    question: Turn | None,
    start: int,
    end: int,
    settings: ChunkSettings,
    seen: dict[str, int],
) -> Passage:
    text = transcript.text[start:end]
    question_text = transcript.text[question.start : question.end] if question else ""
    embed_text = embedding_text(
        transcript.title, turn.speaker, text, question_text, settings.question_chars
    )
    digest = passage_id(
        transcript.doc_id, turn.speaker, turn.role, transcript.date, embed_text, seen
    )
    return Passage(
        id=digest,
        doc_id=transcript.doc_id,
        turn_index=turn.index,
        speaker=turn.speaker,
        label=turn.label,
        role=turn.role,
        date=transcript.date,
        start=start,
        end=end,
        question_start=question.start if question else -1,
        question_end=question.end if question else -1,
        text=text,
        question=question_text,
        embed_text=embed_text,
    )


def passage_id(
    doc_id: str, speaker: str, role: Role, date: str | None, embed_text: str, seen: dict[str, int]
) -> str:
    """Derived from everything stored with the vector, not from offsets: an edit elsewhere
    in the file shifts offsets but keeps the ids (and so the vectors) of untouched passages.
    ``seen`` numbers repeats of the same text within one transcript."""
    key = "\x1f".join((CHUNKER_VERSION, doc_id, speaker, role.value, date or "", embed_text))
    seen[key] = seen.get(key, 0) + 1
    return hashlib.sha256(f"{key}\x1f{seen[key]}".encode()).hexdigest()[:24]


def embedding_text(
    title: str, speaker: str, answer: str, question: str, question_chars: int
) -> str:
    """What the embedding model sees: speaker and answer first (the model truncates the
    tail), then the question that prompted it and the event title as context."""
    parts = [f"{speaker}: {answer}"]
    if question and question_chars:
        parts.append(f"Question: {question[:question_chars]}")
    parts.append(f"({title})")
    return "\n".join(parts)


def lexical_text(passage: Passage) -> str:
    """What keyword search indexes: the answer, the speaker and the question."""
    return f"{passage.speaker} {passage.text} {passage.question}"
