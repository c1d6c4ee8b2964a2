""" "Also from this press conference": the next best answers of the events an answer cites.

The ranker picks one answer of a press conference; when it picks the wrong one, the right one
is usually among the next few of the same event. Listing them, one line each, lets the reader
see it without asking again. Each line quotes the passage's sentence that holds most of the
question's (weighted) words: an exact span, like every quote shown.
"""

from __future__ import annotations

from collections.abc import Callable

from onrecord.citations import citation_for
from onrecord.reading.words import terms
from onrecord.sentences import sentence_spans
from onrecord.types import Citation, EventPassage, Role, SearchHit

PER_EVENT = 3  # lines under each cited event


def also_from_events(
    candidates: list[SearchHit],
    citations: list[Citation],
    question: str,
    weight: Callable[[str], float] = lambda _: 1.0,
) -> list[EventPassage]:
    """Up to ``PER_EVENT`` official passages of each cited transcript that no citation quotes,
    in the candidates' (relevance) order, events in the order they are first cited."""
    cited = {c.passage_id for c in citations}
    wanted = terms(question)
    found: list[EventPassage] = []
    for doc_id in dict.fromkeys(c.doc_id for c in citations):
        more = [
            h
            for h in candidates
            if h.doc_id == doc_id and h.role is not Role.JOURNALIST and h.passage_id not in cited
        ]
        for hit in more[:PER_EVENT]:
            start, end = best_sentence(hit, wanted, weight)
            quote = hit.text[start - hit.start : end - hit.start]
            found.append(EventPassage(citation_for(0, hit, start, end, quote), hit.relevance))
    return found


def best_sentence(
    hit: SearchHit, wanted: set[str], weight: Callable[[str], float]
) -> tuple[int, int]:
    """Transcript offsets of the sentence of ``hit`` holding most of ``wanted`` (by weight);
    the first sentence when none holds any."""
    spans = sentence_spans(hit.text, 0, len(hit.text)) or [(0, len(hit.text))]
    held = [sum(weight(t) for t in terms(hit.text[s:e]) & wanted) for s, e in spans]
    start, end = spans[max(range(len(spans)), key=lambda i: (held[i], -i))]
    return start + hit.start, end + hit.start
