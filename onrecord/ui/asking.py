"""Running one question for the page: the assistant call, streamed, and the context of
each citation read while the index is at hand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from onrecord.assistant import Assistant
from onrecord.embeddings import Embedder
from onrecord.index.reader import IndexReader
from onrecord.settings import Settings
from onrecord.types import Answer, Request
from onrecord.ui.context import contexts_for
from onrecord.ui.session import Exchange


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
    asked = Request(
        exchange.question,
        history,
        exchange.user_filters,
        mode=mode,
        k=exchange.k,
        read_filters=exchange.read_filters,
    )
    if exchange.timeline_topic:  # the topic as typed, not read back from a question
        fixed = replace(asked, read_filters=False)
        exchange.answer = assistant.timeline(fixed, exchange.timeline_topic)
    else:
        for item in assistant.stream(asked):
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


def make_assistant(settings: Settings, reader: IndexReader, embedder: Embedder) -> Assistant:
    """The assistant for one question (cheap: the model and index are shared)."""
    return Assistant(settings, reader, embedder)
