"""Domain types shared by ingest, the index and the answer engine.

Depends on nothing of ours. Offsets are character offsets into ``Transcript.text``
(a Python ``str``), so ``transcript.text[turn.start:turn.end]`` is the turn's words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from onrecord.reading.result import Kind, Reading


class Mode(StrEnum):
    """How an answer is written: verified quotes only, or a language model's prose whose
    quotes are verified the same way."""

    QUOTES = "quotes"
    LLM = "llm"


class Role(StrEnum):
    """Who is speaking, as far as the transcript tells."""

    OFFICIAL = "official"
    JOURNALIST = "journalist"
    MODERATOR = "moderator"
    OTHER = "other"


@dataclass(frozen=True)
class Turn:
    """One speaker's contiguous turn. ``label`` is as written (empty for unlabelled remarks)."""

    index: int
    label: str
    speaker: str
    role: Role
    start: int
    end: int


@dataclass
class Transcript:
    """A parsed transcript: metadata, the full text, and its speaker turns."""

    doc_id: str
    title: str
    date: str | None  # ISO YYYY-MM-DD
    text: str
    turns: list[Turn]
    source: str  # format name: mfa, kremlin, whitehouse, generic
    time: str | None = None  # HH:MM as printed
    place: str | None = None
    url: str | None = None
    path: str | None = None

    @property
    def speakers(self) -> list[str]:
        """Canonical speaker names in order of first appearance."""
        return list(dict.fromkeys(turn.speaker for turn in self.turns))

    def turn_text(self, turn: Turn) -> str:
        return self.text[turn.start : turn.end]


@dataclass(frozen=True)
class Passage:
    """What is embedded and retrieved: an answer span, with the question it answers as context.

    ``start``/``end`` delimit the quotable answer text in the transcript; ``question_start``/
    ``question_end`` the journalist's question it answers (or -1 when there is none).
    """

    id: str
    doc_id: str
    turn_index: int
    speaker: str
    label: str
    role: Role
    date: str | None
    start: int
    end: int
    question_start: int
    question_end: int
    text: str  # the answer text, == transcript.text[start:end]
    question: str  # the question text ("" when none)
    embed_text: str  # what the embedding model sees
    office: str = ""  # the speaker's offices as this transcript states them ("" when unstated)

    @property
    def named(self) -> str:
        """``Alexei Miller (Gazprom CEO)``: the speaker as readers name them, by name or office."""
        return named(self.speaker, self.office)


def named(speaker: str, office: str) -> str:
    """A speaker with their office in brackets, when the transcript states one."""
    return f"{speaker} ({office})" if office else speaker


@dataclass
class SearchFilters:
    """Restrictions applied to every retriever alike."""

    speaker: str | None = None
    since: str | None = None  # inclusive ISO date
    until: str | None = None  # inclusive ISO date
    doc_ids: list[str] | None = None

    def is_empty(self) -> bool:
        return not (self.speaker or self.since or self.until or self.doc_ids)


@dataclass(frozen=True)
class Request:
    """One question to the assistant and what comes with it: the conversation so far
    (``{"role", "content"}`` messages), filters the user set, the mode (``None``: the
    settings'), how many passages, and whether filters may be read from the question."""

    question: str
    history: list[dict] | None = None
    filters: SearchFilters | None = None
    mode: Mode | str | None = None
    k: int | None = None
    read_filters: bool = True


def as_request(request: Request | str, options: Mapping[str, Any]) -> Request:
    """``request``, or a ``Request`` for the question ``request`` with ``options`` (the other
    fields by name); unknown names are a TypeError, as for any call."""
    if isinstance(request, Request):
        return replace(request, **options) if options else request
    return Request(request, **options)


@dataclass
class SearchHit:
    """A retrieved passage with its metadata and fused score."""

    passage_id: str
    doc_id: str
    title: str
    date: str | None
    speaker: str
    role: Role
    start: int
    end: int
    text: str
    score: float
    question: str = ""
    url: str | None = None
    scores: dict[str, float] = field(default_factory=dict)  # per retriever, for "why this answer"
    relevance: float | None = None  # P(this passage answers the question); None: not scored
    office: str = ""  # the speaker's offices as the transcript states them

    @classmethod
    def from_passage(
        cls, passage: Passage, title: str, url: str | None, score: float, scores: dict[str, float]
    ) -> SearchHit:
        """The hit for ``passage`` of a transcript titled ``title`` at ``url``."""
        return cls(
            passage_id=passage.id,
            doc_id=passage.doc_id,
            title=title,
            date=passage.date,
            speaker=passage.speaker,
            role=passage.role,
            start=passage.start,
            end=passage.end,
            text=passage.text,
            score=score,
            question=passage.question,
            url=url,
            office=passage.office,
            scores=scores,
        )


@dataclass
class Citation:
    """One numbered source of an answer. ``quote == transcript.text[start:end]`` always; the
    speaker comes from the parsed turn, never from model output."""

    n: int
    doc_id: str
    title: str
    date: str | None
    speaker: str
    role: Role
    quote: str
    start: int
    end: int
    url: str | None
    verified: bool
    passage_id: str = ""
    office: str = ""  # the speaker's office as the transcript states it (the first, if several)

    @property
    def who(self) -> str:
        """``Alexei Miller (Gazprom CEO)``, or the name alone."""
        return named(self.speaker, self.office)


@dataclass
class EventPassage:
    """Another answer of a cited event, next in relevance, shown as one line under the answer
    ("Also from this press conference"): where the ranker may still be wrong, the reader sees
    what came next. ``citation`` is its best sentence run, an exact span (``n`` is 0: not a
    numbered source of the answer)."""

    citation: Citation
    relevance: float | None


@dataclass
class TimelineEntry:
    """One event of a timeline: its best quote on the topic and the question it answered."""

    citation: Citation
    question: str  # the journalist's question the quoted answer follows ("" when none)
    relevance: float
    hit: SearchHit  # the passage quoted (what an LLM summary is written from)

    @property
    def date(self) -> str | None:
        return self.citation.date


@dataclass
class Timeline:
    """How one speaker's words on a topic moved: one entry per event, oldest first."""

    topic: str
    filters: SearchFilters
    entries: list[TimelineEntry]
    transcripts_searched: int  # transcripts the filters leave: what completeness is out of
    events_matched: int  # transcripts with a passage above the gate (before --per-event)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Answer:
    """An answer with ``[n]`` markers, its citations, and how it was made."""

    question: str
    text: str
    mode: Mode
    citations: list[Citation] = field(default_factory=list)
    passages: list[SearchHit] = field(default_factory=list)
    found: bool = True  # False: the transcripts do not show it (text is NOT_FOUND ...)
    query: str = ""  # the search actually run (after follow-up rewriting)
    filters: SearchFilters = field(default_factory=SearchFilters)
    reading: Reading | None = None  # how the question was read (None: not read, e.g. no text)
    # The question says someone said something ("Did X announce that …?", "Why did X say
    # …?") and no quote carries its words: not confirmed, counted as a refusal in eval.
    claim_unshown: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)  # LLM tokens, when an LLM was used
    closest: float = -1.0  # cosine of the closest passage among those fusion ranked first
    timeline: Timeline | None = None  # the answer to a question about change over time
    # The next best answers of the events the citations come from (see ``EventPassage``).
    also_from_events: list[EventPassage] = field(default_factory=list)
    # Every candidate relevance put in order (``passages`` is the first ``k`` of them).
    candidates: list[SearchHit] = field(default_factory=list, repr=False)

    @property
    def kind(self) -> Kind:
        """What was answered: a timeline, a claim checked, or a plain answer."""
        if self.timeline is not None:
            return Kind.TIMELINE
        return self.reading.kind if self.reading else Kind.ANSWER

    @property
    def auto_filters(self) -> list[str]:
        """The filters read from the question (or the conversation), one line each."""
        return self.reading.notes() if self.reading else []
