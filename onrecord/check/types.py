"""What a quote check returns: matches, word differences, verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field

VERDICTS = ("verbatim", "close", "other_speaker", "journalist", "not_found")


@dataclass(frozen=True)
class Diff:
    """One difference between the claim and the transcript: ``replace`` (the transcript
    says ``record`` where the claim says ``claim``), ``insert`` (the claim adds words the
    transcript does not have) or ``delete`` (the claim drops words the transcript has)."""

    op: str
    claim: str
    record: str
    start: int  # offsets of ``record`` in the transcript (for insert: where it would go)
    end: int
    line: str = ""  # both sides with a shared word of context, for the one-line summary


@dataclass(frozen=True)
class Match:
    """A stretch of a transcript that a check found: the exact words, verified, with
    offsets such that ``transcript[start:end] == quote``."""

    kind: str  # exact | close | related | question (a reporter's words) | answer
    doc_id: str
    start: int
    end: int
    quote: str
    speaker: str
    role: str
    date: str | None
    title: str
    url: str | None
    similarity: float  # word similarity to the claim (1.0 for exact words)
    coverage: float  # share of the claim's words found, in order
    turn_index: int
    turn_start: int
    turn_end: int
    diffs: list[Diff] = field(default_factory=list)
    cosine: float | None = None  # meaning: embedding cosine to the claim, where computed
    verified: bool = True


@dataclass
class SentenceCheck:
    """The verdict for one claimed sentence, with its matches (first: the one that decided)."""

    claim: str
    verdict: str
    summary: str
    matches: list[Match] = field(default_factory=list)
    related: list[Match] = field(default_factory=list)
    occurrences: int = 0  # places the exact words were found (matches keeps the first few)


@dataclass
class CheckResult:
    """A whole check: the claim, who it was attributed to, what was searched, and one
    ``SentenceCheck`` per sentence (one for a short quotation)."""

    claim: str
    speaker: str | None  # as given
    speakers: list[str]  # the indexed people it resolved to
    since: str | None
    until: str | None
    transcripts_searched: int
    sentences: list[SentenceCheck]
    overall: str
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """The first sentence's verdict for one sentence; else the weakest ("mixed" when they
        differ)."""
        kinds = {s.verdict for s in self.sentences}
        return kinds.pop() if len(kinds) == 1 else "mixed"
