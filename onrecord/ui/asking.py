"""Running one question for the page: the assistant call, streamed, and the context of
each citation read while the index is at hand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from onrecord.assistant import Assistant
from onrecord.embeddings import Embedder
from onrecord.index.reader import IndexReader
from onrecord.settings import Settings
from onrecord.types import Answer, SearchFilters
from onrecord.ui.context import contexts_for
from onrecord.ui.session import Exchange


class UserFiltersOnly(Assistant):
    """An assistant that does not read filters from the question (the user removed them).

    Stand-in until ``Assistant.stream`` takes ``auto_filters=False``; it overrides the one
    step that adds them.
    """

    def _filters(
        self, question: str, history: list[dict], given: SearchFilters | None, answer: Answer
    ) -> SearchFilters:
        return replace(given) if given else SearchFilters()


def ask(
    assistant: Assistant,
    exchange: Exchange,
    history: list[dict],
    mode: str,
    on_text: Callable[[str], None] = lambda _: None,
) -> Exchange:
    """Fill ``exchange.answer`` (and citation contexts); ``on_text(so_far)`` is called as
    an LLM writes. Index errors propagate: the page turns them into a message."""
    partial = ""
    for item in assistant.stream(
        exchange.question, history, exchange.user_filters, mode=mode, k=exchange.k
    ):
        if isinstance(item, Answer):
            exchange.answer = item
        else:
            partial += item
            on_text(partial)
    assert exchange.answer is not None
    if exchange.answer.mode == "llm":
        exchange.model = assistant.settings.llm.model
    exchange.generation = assistant.reader.generation.name
    exchange.contexts = contexts_for(assistant.reader.catalog, exchange.answer.citations)
    return exchange


def make_assistant(
    settings: Settings, reader: IndexReader, embedder: Embedder, auto_filters: bool
) -> Assistant:
    """The assistant for one question (cheap: the model and index are shared)."""
    kind = Assistant if auto_filters else UserFiltersOnly
    return kind(settings, reader, embedder)
