"""One question of a conversation and what came of it, as kept in the session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from onrecord.check.engine import CheckRequest
from onrecord.check.types import CheckResult
from onrecord.types import Answer, SearchFilters
from onrecord.ui.context import QuoteContext

HISTORY_EXCHANGES = 6  # previous questions and answers given to a follow-up


@dataclass
class Exchange:
    """A question, the filters it was asked with, and its answer (or the error it met).

    ``contexts`` (citation number -> turn and question) is read when the answer is made, so
    the conversation stays readable if the index becomes unavailable later.
    """

    question: str
    user_filters: SearchFilters = field(default_factory=SearchFilters)
    k: int | None = None
    read_filters: bool = True  # let the assistant read filters from the question
    timeline_topic: str | None = None  # asked for a timeline of this topic (sidebar)
    answer: Answer | None = None
    check_request: CheckRequest | None = None  # a quote check (sidebar, or a pasted quotation)
    check: CheckResult | None = None  # its result
    contexts: dict[int, QuoteContext] = field(default_factory=dict)
    error: str | None = None
    model: str | None = None  # the LLM that wrote the answer, if one did
    generation: str | None = None  # the index generation that answered
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    asked_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def history_for(exchanges: list[Exchange], limit: int = HISTORY_EXCHANGES) -> list[dict]:
    """The ``{role, content}`` messages of the last ``limit`` answered exchanges."""
    messages: list[dict] = []
    for exchange in [e for e in exchanges if e.answer is not None][-limit:]:
        assert exchange.answer is not None
        messages.append({"role": "user", "content": exchange.question})
        messages.append({"role": "assistant", "content": exchange.answer.text})
    return messages
