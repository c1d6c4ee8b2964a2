"""What a question asks, read once: the ``Reading`` every later step takes (and the
``Answer`` carries). Depends on nothing of ours."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Kind(StrEnum):
    """An answer, how a position moved over time, or whether someone said something (answered
    like any question, then checked against its claim)."""

    ANSWER = "answer"
    TIMELINE = "timeline"
    CLAIM = "claim"


@dataclass(frozen=True)
class SpeakerRead:
    """Who, the words that said so, and where from: ``question`` (a name), ``office`` (held
    then), ``conversation`` or ``model``."""

    name: str
    words: str
    source: str = "question"
    office: str | None = None


@dataclass(frozen=True)
class DatesRead:
    """When (inclusive ISO days, None: open), the words that said so, their source, and the
    newest transcript's date "last year" was counted from."""

    since: str | None
    until: str | None
    words: str
    source: str = "question"
    counted_from: str | None = None


@dataclass(frozen=True)
class ClaimRead:
    """What the question asks to have confirmed; ``said``: it says someone said it."""

    text: str
    said: bool


@dataclass(frozen=True)
class Reading:
    """One question, read: its kind, what to search, what it is about and in which context,
    who and when (only what the user's own filters left open), the claim, unknown names."""

    question: str
    query: str  # the search text (a follow-up made standalone)
    kind: Kind = Kind.ANSWER
    topic: str = ""  # a timeline's topic, as the question words it
    topic_words: tuple[str, ...] = ()  # what it is about
    context_words: tuple[str, ...] = ()  # who, where, when, which event
    speaker: SpeakerRead | None = None
    dates: DatesRead | None = None
    claim: ClaimRead | None = None
    unknown_names: tuple[str, ...] = ()  # capitalised words no transcript holds
    follows_up: bool = False
    asks_amount: bool = False  # "how many", "what share": answered by a number
    reader: str = "rules"  # "rules" or "model"
    warnings: tuple[str, ...] = ()  # e.g. the model could not read it and the rules did

    def as_json(self) -> dict:
        """The reading as ``--json`` and payloads give it (docs/answers.md)."""
        return asdict(self)

    def notes(self) -> list[str]:
        """One line per filter read, as the app and the CLI show them: the question's own
        speaker and dates, an office's holder, then what the conversation lent."""
        s, d, lines = self.speaker, self.dates, []
        lent = " (from the conversation)"
        if s:
            why = {"office": f" ({s.office})", "conversation": lent}.get(s.source, "")
            rank = {"office": 2, "conversation": 3}.get(s.source, 0)
            lines.append((rank, f"speaker: {s.name}{why}"))
        if d:
            counted = f" ({d.words}, counted from the newest transcript ({d.counted_from}))"
            why = lent if d.source == "conversation" else counted if d.counted_from else ""
            rank = 4 if d.source == "conversation" else 1
            lines.append((rank, f"dates: {d.since or '…'} to {d.until or '…'}{why}"))
        return [line for _, line in sorted(lines)]
