"""How a position moved: one speaker's words on one topic, one entry per event, oldest first.

Answers come from the top few passages, which usually sit in one or two press conferences.
A timeline searches the whole archive instead and keeps the best passage *per transcript*
whose calibrated relevance to the topic passes the answer gate, so no single event can fill
the list. Each entry quotes the best run of that passage, verified against the transcript,
with the journalist's question it answered.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from onrecord.citations import citation_for
from onrecord.constants import NOT_FOUND
from onrecord.embeddings import Embedder
from onrecord.index.reader import IndexReader
from onrecord.names import spoken_name
from onrecord.quotes_answer import choose_quotes, human_date
from onrecord.retrieval import search, stored_similarities
from onrecord.settings import Settings
from onrecord.timing import timed
from onrecord.types import Citation, Role, SearchFilters, SearchHit, Timeline, TimelineEntry

# Passages ordered by relevance before the best per event is kept: the search starts this
# deep and goes twice as deep while its deepest candidates still pass the gate (a speaker who
# answers on a topic at every briefing has more of them), up to MAX_DEPTH (bench/timeline.py).
DEPTH = 300
MAX_DEPTH = 2400
TAIL = 50  # the deepest candidates (in fused order) that decide whether to go deeper
# Sentences of an event's passage embedded to pick its quote when none were stored at ingest
# (those with most of the topic's words first): a timeline quotes many events at once.
SENTENCES_PER_EVENT = 6


def build_timeline(
    reader: IndexReader,
    embedder: Embedder,
    settings: Settings,
    topic: str,
    filters: SearchFilters,
    per_event: int = 1,
) -> Timeline:
    """The timeline of ``topic`` under ``filters`` (speaker, dates), oldest event first."""
    timings: dict[str, float] = {}
    gate = settings.answer.min_answer_relevance
    with timed(timings, "search"):
        vector = embedder.embed([topic])[0]
        hits = _deep_search(reader, embedder, settings, topic, vector, filters, timings)
    by_event: dict[str, list[SearchHit]] = {}
    for hit in hits:  # best first
        if hit.role is Role.OFFICIAL and (hit.relevance or 0.0) >= gate:
            by_event.setdefault(hit.doc_id, []).append(hit)
    with timed(timings, "quotes"):
        entries = [
            entry
            for event in by_event.values()
            for entry in _entries(topic, vector, event[:per_event], embedder, reader)
        ]
    entries.sort(key=lambda e: (e.date or "", e.citation.doc_id, e.citation.start))
    for n, entry in enumerate(entries, 1):
        entry.citation = replace(entry.citation, n=n)
    return Timeline(topic, filters, entries, _transcripts(reader, filters), len(by_event), timings)


def _deep_search(
    reader: IndexReader,
    embedder: Embedder,
    settings: Settings,
    topic: str,
    vector: np.ndarray,
    filters: SearchFilters,
    timings: dict[str, float],
) -> list[SearchHit]:
    """Candidates ordered by relevance, as deep as the topic needs (see ``DEPTH``)."""
    gate, depth = settings.answer.min_answer_relevance, DEPTH
    while True:
        deep = settings.search.model_copy(
            update={"relevance_depth": depth, "candidates": max(settings.search.candidates, depth)}
        )
        hits = search(reader, embedder, topic, filters, deep, depth, timings, vector)
        tail = sorted(hits, key=lambda h: -h.score)[-TAIL:]  # the deepest in fused order
        if len(hits) < depth or depth >= MAX_DEPTH or all((h.relevance or 0) < gate for h in tail):
            return hits
        depth *= 2


def _entries(
    topic: str, vector: np.ndarray, hits: list[SearchHit], embedder: Embedder, reader: IndexReader
) -> list[TimelineEntry]:
    """The best run of each hit, as an entry (numbered later, in date order)."""
    known = stored_similarities(reader, vector, hits)

    def similarity(texts: list[str]) -> list[float]:
        return [float(v) for v in embedder.embed(texts) @ vector]

    entries = []
    for hit in hits:
        choices = choose_quotes(
            topic, [hit], similarity, reader.lexical.term_weight, SENTENCES_PER_EVENT, known
        )
        for choice in choices[:1]:
            quote = hit.text[choice.start - hit.start : choice.end - hit.start]
            citation = citation_for(0, hit, choice.start, choice.end, quote)
            entries.append(TimelineEntry(citation, hit.question, hit.relevance or 0.0, hit))
    return entries


def _transcripts(reader: IndexReader, filters: SearchFilters) -> int:
    """How many transcripts hold a passage that passes ``filters``."""
    mask = reader.filter_mask(filters)
    return len(reader.docs) if mask is None else len(np.unique(reader.doc_of[mask]))


def compose_timeline_answer(timeline: Timeline) -> tuple[str, list[Citation]]:
    """The answer a chat shows: a lead saying what was searched and how much matched, then
    one dated entry per event with its quote ``[n]``; the fixed sentence when none."""
    if not timeline.entries:
        return NOT_FOUND, []
    speakers = list(dict.fromkeys(e.citation.speaker for e in timeline.entries))
    whose = f"{spoken_name(speakers[0])}'s" if len(speakers) == 1 else "officials'"
    events = f"{len(timeline.entries)} event{'s' if len(timeline.entries) > 1 else ''}"
    lead = (
        f"How {whose} words on {timeline.topic} moved, oldest first: {events} "
        f"({timeline.transcripts_searched} transcripts searched)."
    )
    lines = [lead]
    for entry in timeline.entries:
        c = entry.citation
        lines += ["", f"**{human_date(c.date)}**, {c.who} ({c.title}):", f"> “{c.quote}” [{c.n}]"]
    return "\n".join(lines), [e.citation for e in timeline.entries]
