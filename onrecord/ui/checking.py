"""Quote checks in the chat: which messages are checked rather than answered, and running
the check for the page (the core is ``onrecord.check``)."""

from __future__ import annotations

from onrecord.check.engine import CheckRequest
from onrecord.check.limits import CheckInputError
from onrecord.check.service import run_check
from onrecord.embeddings import Embedder
from onrecord.index.reader import IndexReader
from onrecord.reading.quotation import read_quotation
from onrecord.settings import Settings
from onrecord.types import SearchFilters
from onrecord.ui.session import Exchange


def check_request(words: str, speaker: str | None, filters: SearchFilters) -> CheckRequest:
    """A check of ``words`` by ``speaker`` (else the sidebar's speaker), within the sidebar's
    dates."""
    who = (speaker or "").strip() or filters.speaker
    return CheckRequest(words, who or None, filters.since, filters.until)


def routed(item: Exchange) -> CheckRequest | None:
    """The check an exchange asks for: the sidebar's "Check a quote", or a message that is
    mainly a quotation (``Lavrov: "..."``); None for a question to answer."""
    if item.check_request is not None:
        return item.check_request
    if item.timeline_topic:
        return None
    quoted = read_quotation(item.question)
    if quoted is None:
        return None
    return check_request(quoted.words, quoted.speaker, item.user_filters)


def run(
    item: Exchange,
    request: CheckRequest,
    reader: IndexReader,
    settings: Settings,
    embedder: Embedder,
) -> Exchange:
    """Fill ``item.check``, or ``item.error`` with the same message the CLI gives for words
    that cannot be checked. Index errors propagate: the page turns them into a message."""
    item.check_request = request
    try:
        item.check = run_check(reader, request, settings, embedder.embed)
    except CheckInputError as err:
        item.error = f"Cannot check this: {err}."
    item.generation = reader.generation.name
    return item
