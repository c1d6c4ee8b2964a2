"""The words around a quote: the whole turn it comes from and the journalist's question that
turn answers, read from the catalog when the answer is made (so the conversation can still
be shown if the index goes away later)."""

from __future__ import annotations

from dataclasses import dataclass

from onrecord.index.catalog import Catalog
from onrecord.types import Citation, Passage, Role, Turn


@dataclass(frozen=True)
class QuoteContext:
    """One citation's turn, with the quote's offsets inside ``turn_text``."""

    label: str  # the speaker label as written in the transcript
    speaker: str
    role: Role
    turn_text: str
    quote_start: int  # offsets into turn_text
    quote_end: int
    turn_start: int  # offset of the turn in the transcript
    question: str = ""  # the journalist's words ("" when the turn answers no question)
    question_label: str = ""


def turn_at(turns: list[Turn], offset: int) -> Turn | None:
    """The turn whose text contains ``offset``."""
    return next((t for t in turns if t.start <= offset < t.end), None)


def build_context(
    text: str, turns: list[Turn], citation: Citation, passage: Passage | None
) -> QuoteContext | None:
    """The context of ``citation`` in a transcript's ``text``; None if no turn holds it."""
    turn = turn_at(turns, citation.start)
    if turn is None or citation.end > turn.end:
        return None
    question, question_label = "", ""
    if passage is not None and passage.question_start >= 0:
        question = text[passage.question_start : passage.question_end]
        asker = turn_at(turns, passage.question_start)
        question_label = (asker.label or asker.speaker) if asker else ""
    return QuoteContext(
        label=turn.label or turn.speaker,
        speaker=turn.speaker,
        role=turn.role,
        turn_text=text[turn.start : turn.end],
        quote_start=citation.start - turn.start,
        quote_end=citation.end - turn.start,
        turn_start=turn.start,
        question=question,
        question_label=question_label,
    )


def contexts_for(catalog: Catalog, citations: list[Citation]) -> dict[int, QuoteContext]:
    """Context per citation number (citations whose turn cannot be found are left out)."""
    passages = catalog.passages_by_id([c.passage_id for c in citations if c.passage_id])
    texts: dict[str, str | None] = {}
    turns: dict[str, list[Turn]] = {}
    found: dict[int, QuoteContext] = {}
    for citation in citations:
        doc = citation.doc_id
        if doc not in texts:
            texts[doc] = catalog.transcript_text(doc)
            turns[doc] = catalog.turns(doc)
        text = texts[doc]
        if text is None:
            continue
        context = build_context(text, turns[doc], citation, passages.get(citation.passage_id))
        if context is not None:
            found[citation.n] = context
    return found
