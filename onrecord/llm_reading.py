"""LLM mode's question reader: one structured call that returns the same ``Reading`` the rules
make, checked against the index, with the rule reader as its fallback.

The model is better at phrasings no rule foresaw ("what was the Kremlin's line when…", a
follow-up three turns deep); the rules are what it is checked against and what answers when
it fails: a speaker it names must be an indexed official, dates must be ISO days in order,
the kind one of three. Any failure, timeout or spent budget falls back to the rule reading,
with a warning the answer shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from pydantic import BaseModel, Field

from onrecord.llm_client import ChatClient, UnfitReply
from onrecord.prompts import render
from onrecord.reading.read import Facts, described, read
from onrecord.reading.result import ClaimRead, DatesRead, Kind, Reading, SpeakerRead
from onrecord.types import SearchFilters

MAX_OFFICIALS = 300  # the officials with most passages named in the prompt


class ReadingReply(BaseModel):
    """The JSON schema the model fills (prompts/read_question.txt says what each means)."""

    kind: Literal["answer", "timeline", "claim"]
    search_query: str = Field(min_length=1, max_length=500)
    topic: str = ""
    speaker: str | None = None
    since: str | None = None
    until: str | None = None
    claim: str | None = None


def model_reading(
    chat: ChatClient,
    question: str,
    history: Sequence[dict] | None,
    facts: Facts,
    given: SearchFilters | None = None,
) -> Reading:
    """The model's reading of ``question``, or the rules' with a warning when it fails."""
    rules = read(question, history, facts, given)
    officials = sorted(facts.officials, key=lambda n: -facts.officials[n])[:MAX_OFFICIALS]
    prompt = render(
        "read_question",
        officials="; ".join(officials) or "(none)",
        newest=facts.newest or "unknown",
        history=history_text(list(history or [])) or "(none)",
        question=question,
    )
    try:  # an endpoint failure (LLMError) is the caller's: its answer would fail alike
        reply = chat.structured("You read questions.", prompt, ReadingReply)
        return _checked(reply, rules, facts, given or SearchFilters())
    except (UnfitReply, ValueError) as err:
        warning = f"{err} The question was read by the rules instead."
        return replace(rules, warnings=(*rules.warnings, warning))


def history_text(history: Sequence[dict], max_chars: int = 4000) -> str:
    """The conversation for the prompt, most recent last, cut from the front."""
    lines = [f"{m.get('role', 'user')}: {str(m.get('content', '')).strip()}" for m in history]
    return "\n".join(lines)[-max_chars:]


def _checked(reply: ReadingReply, rules: Reading, facts: Facts, given: SearchFilters) -> Reading:
    """The model's reading as a ``Reading``; ValueError when it does not hold."""
    speaker = None
    if reply.speaker and not given.speaker:
        if reply.speaker not in facts.officials:
            raise ValueError(f"The model named a speaker no transcript holds ({reply.speaker}).")
        speaker = SpeakerRead(reply.speaker, reply.speaker, source="model")
    dates = None
    if (reply.since or reply.until) and not (given.since or given.until):
        since, until = (_day(d) for d in (reply.since, reply.until))
        if since and until and since > until:
            raise ValueError("The model read dates that end before they start.")
        dates = DatesRead(since, until, f"{since or '…'} to {until or '…'}", source="model")
    kind = Kind(reply.kind)
    topic = reply.topic.strip() if kind is Kind.TIMELINE else ""
    if kind is Kind.TIMELINE and not topic:
        raise ValueError("The model read a timeline question without a topic.")
    claim = ClaimRead(reply.claim, True) if reply.claim else None
    return described(
        replace(rules, query=" ".join(reply.search_query.split()), kind=kind, topic=topic,
                speaker=speaker, dates=dates, claim=claim, reader="model")
    )  # fmt: skip


def _day(text: str | None) -> str | None:
    """An ISO day, checked; ValueError for anything else."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError as err:
        raise ValueError(f"The model read a date that is not a day ({text}).") from err
