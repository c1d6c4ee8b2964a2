"""Turns -> passages.

A passage is a piece of one speaker's turn (its *answer text*, the span that may be quoted)
plus the *context* it answers: the journalist's question (context for retrieval, never quoted
as the answer). Long turns are split on sentence boundaries into pieces near
``target_chars``; each piece carries the context. Journalist turns are not passages of their
own: their words are only ever context, so they can never be cited as an official's.

An official who answers a moderator or a participant (Lukyanov at the Valdai Club, a
caller or a studio guest at a Direct Line) answers their words: where no journalist spoke
since the official's last turn, the turns of others since then are the question of that
turn, from the participant a moderator handed the floor to (they stay passages of their own
too); an official who speaks next answers what the one before answered.

Two things real briefings do that the context must survive (measured on the dev set):
reporters get interrupted ("Q: Did the President— / MS. PSAKI: Yeah. / Q: —approve it?"), so
a question is all reporter text since the last substantial answer; and rapid exchanges leave
short answers under short questions ("And?" / "I discarded the idea of any doubles."), so a
short answer or question takes the preceding turns as context too.
"""

from __future__ import annotations

import hashlib

from ingest.offices import speaker_offices
from onrecord.index.identity import CHUNKER_VERSION  # bump it with any change to the passages
from onrecord.sentences import sentence_spans
from onrecord.settings import ChunkSettings
from onrecord.types import Passage, Role, Transcript, Turn, named

MIN_PASSAGE_CHARS = 25  # "Thank you." and "Go ahead." are not worth a passage
INTERJECTION_CHARS = 60  # "Yeah." inside a reporter's question does not end it
SHORT_CHARS = 200  # an answer or question this short takes earlier turns as context
CONTEXT_CHARS = 700  # how far back that context reaches
CONTEXT_TURNS = 4


def chunk_transcript(transcript: Transcript, settings: ChunkSettings) -> list[Passage]:
    """All passages of a transcript, in reading order."""
    passages: list[Passage] = []
    question: tuple[int, int] | None = None  # span of the current question
    asking = False  # inside a (possibly interrupted) run of reporter turns
    asked = False  # the press asked since the last official's turn
    others: tuple[int, int] | None = None  # moderators' and participants' turns since then
    seen: dict[str, int] = {}
    offices = speaker_offices(transcript)
    turns = transcript.turns
    for i, turn in enumerate(turns):
        if turn.role is Role.JOURNALIST:
            question = (question[0], turn.end) if asking and question else (turn.start, turn.end)
            asking = asked = True
            continue
        if asking and _interjection(turns, i):
            continue
        asking = False
        answered = question
        if turn.role is not Role.OFFICIAL:
            introduced = i > 0 and turn.role is Role.OTHER and turns[i - 1].role is Role.MODERATOR
            others = (others[0] if others and not introduced else turn.start, turn.end)
        else:
            if others and not asked:  # answering a moderator or a participant, not the press
                answered = others
            others, asked = None, False
        for start, end in _pieces(transcript.text, turn, settings):
            context = _context(turns, i, answered, start, end)
            office = offices.get(turn.speaker, "")
            passages.append(_passage(transcript, turn, office, context, start, end, settings, seen))
    return passages


def _interjection(turns: list[Turn], i: int) -> bool:
    """A short official turn between two reporter turns ("Yeah.", "Go ahead.")."""
    turn = turns[i]
    following = turns[i + 1] if i + 1 < len(turns) else None
    return (
        turn.end - turn.start < INTERJECTION_CHARS
        and following is not None
        and following.role is Role.JOURNALIST
    )


def _context(
    turns: list[Turn], i: int, question: tuple[int, int] | None, start: int, end: int
) -> tuple[int, int] | None:
    """The question the piece answers, reaching back over earlier turns (up to
    ``CONTEXT_CHARS``) when the piece or its question is short, or there is no question."""
    has_long_question = question is not None and question[1] - question[0] >= SHORT_CHARS
    if i == 0 or (has_long_question and end - start >= SHORT_CHARS):
        return question
    context_start, context_end = question or (turns[i - 1].start, turns[i - 1].end)
    for j in range(max(0, i - CONTEXT_TURNS), i):
        if context_end - turns[j].start <= CONTEXT_CHARS:
            return min(context_start, turns[j].start), context_end
    return context_start, context_end


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
    office: str,
    question: tuple[int, int] | None,
    start: int,
    end: int,
    settings: ChunkSettings,
    seen: dict[str, int],
) -> Passage:
    text = transcript.text[start:end]
    question_text = transcript.text[question[0] : question[1]] if question else ""
    embed_text = embedding_text(
        transcript.title,
        named(turn.speaker, office),
        text,
        question_text,
        settings.question_chars,
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
        question_start=question[0] if question else -1,
        question_end=question[1] if question else -1,
        text=text,
        question=question_text,
        embed_text=embed_text,
        office=office,
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
    """What the embedding model sees: the event's title, the question put to the speaker, then
    ``Speaker (office): answer``. The model reads only the first 256 word pieces, so what
    comes first is what counts: readers ask about an event and a question as often as about
    the words of the answer, and a long answer's tail is the part best left out. Measured
    against answer-first and title-first texts (``bench/embedded_text.py``,
    ``docs/retrieval.md``)."""
    parts = [title]
    if question and question_chars:
        parts.append(f"Question: {question[:question_chars]}")
    parts.append(f"{speaker}: {answer}")
    return "\n".join(parts)
