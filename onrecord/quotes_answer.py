"""Quotes mode: an answer made only of verified quotes, with no language model.

From the retrieved passages it takes the few sentence runs that best match the question
(officials' words only), groups them by transcript in date order, and writes a one-line lead
naming who spoke and when. Every quotation is an exact span of the transcript.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from onrecord.citations import citation_for
from onrecord.claims import NOT_SHOWN, carries_claim
from onrecord.names import spoken_name
from onrecord.reading.result import ClaimRead
from onrecord.reading.words import terms
from onrecord.sentences import sentence_embed_text, sentence_spans
from onrecord.types import Citation, Role, SearchHit

# A reader scans a few short quotes faster than they rephrase a question: up to three runs of
# one press conference, five in all (chosen on the fit questions, docs/answers.md).
MAX_QUOTES = 5
MAX_PER_TRANSCRIPT = 3
MAX_QUOTE_CHARS = 700  # a quote a reader takes in at a glance: a run longer than this stops
MAX_SENTENCES = 3  # an answer is said in one to three sentences; more is a passage, not a quote
# Each sentence added to a run must earn its place: between two runs that score the same, the
# shorter one is quoted (a small cost per added sentence, below any real difference in score).
LONGER_RUN_COST = 0.02


@dataclass(frozen=True)
class QuoteChoice:
    hit: SearchHit
    start: int  # offsets in the transcript
    end: int
    score: float


# Scores a list of texts against the question (e.g. embedding cosine); higher is closer.
Similarity = Callable[[list[str]], list[float]]
CANDIDATE_PASSAGES = 6
SCORE_MARGIN = 0.12  # without relevance: quotes scoring this far below the best one are left out
RELEVANCE_SHARE = 0.6  # passages less than this share as likely to answer as the best are left out
COVERAGE_WEIGHT = 1.0  # a run's share of the question's words counts as much as its similarity


def choose_quotes(
    query: str,
    hits: list[SearchHit],
    similarity: Similarity | None = None,
    weight: Callable[[str], float] = lambda _: 1.0,
    budget: int | None = None,
    known: Mapping[tuple[str, int, int], float] | None = None,
) -> list[QuoteChoice]:
    """The best run of up to three sentences from each of the top official passages that
    are likely to answer the question.

    Two decisions, each made with the signal that is good at it. *Which passages*: their
    calibrated relevance (a passage far less likely to answer than the best one is left
    out), or, where relevance is off, the runs' own scores. *Which words of a passage*:
    the run whose sentences are closest in meaning to the question and hold most of its
    (idf-weighted) words, the two in equal parts; a sentence's vector alone is a weak guide
    to whether it answers (docs/answers.md, "Quote choice").

    ``known`` holds similarities already at hand, keyed ``(passage_id, start, end)`` (from
    sentence vectors stored at ingest); only the other sentences go to ``similarity``.
    ``budget`` caps how many are given to it (on a CPU, embedding them is most of a
    quotes-mode answer's time): the passages take turns, each giving its sentence with most
    of the question's words next (ties in reading order). A sentence left out counts as the
    least similar one that was scored, so its words alone must carry it.
    """
    candidates = [h for h in hits if h.role is not Role.JOURNALIST][:CANDIDATE_PASSAGES]
    candidates = _likely_answers(candidates)
    wanted = terms(query)
    total = sum(weight(t) for t in wanted) or 1.0
    spans = {h.passage_id: _sentences(h) for h in candidates}
    coverage = {
        h.passage_id: [
            sum(weight(t) for t in terms(_slice(h, s, e)) & wanted) / total
            for s, e in spans[h.passage_id]
        ]
        for h in candidates
    }
    sims = _sentence_similarities(candidates, spans, coverage, similarity, budget, known or {})
    floor = min(sims.values(), default=0.0)
    scored: list[QuoteChoice] = []
    for hit in candidates:
        sentence_scores = [
            (sims.get((hit.passage_id, row), floor), share)
            for row, share in enumerate(coverage[hit.passage_id])
        ]
        best = _best_run(spans[hit.passage_id], sentence_scores)
        if best:
            scored.append(QuoteChoice(hit, *best))
    return _spread(scored)


def _likely_answers(candidates: list[SearchHit]) -> list[SearchHit]:
    """The candidates whose relevance is at least ``RELEVANCE_SHARE`` of the best one's
    (all of them when relevance is off)."""
    if not candidates or any(h.relevance is None for h in candidates):
        return candidates
    top = max(h.relevance or 0.0 for h in candidates)
    return [h for h in candidates if (h.relevance or 0.0) >= RELEVANCE_SHARE * top]


def _sentence_similarities(
    candidates: list[SearchHit],
    spans: dict[str, list[tuple[int, int]]],
    coverage: dict[str, list[float]],
    similarity: Similarity | None,
    budget: int | None,
    known: Mapping[tuple[str, int, int], float],
) -> dict[tuple[str, int], float]:
    """Similarity to the question of each sentence, keyed ``(passage_id, row)``: the stored
    ones, then up to ``budget`` more from ``similarity``."""
    sims = {
        (h.passage_id, row): known[(h.passage_id, *span)]
        for h in candidates
        for row, span in enumerate(spans[h.passage_id])
        if (h.passage_id, *span) in known
    }
    open_rows = {
        h.passage_id: [r for r in range(len(spans[h.passage_id])) if (h.passage_id, r) not in sims]
        for h in candidates
    }
    chosen_rows = _rows_to_score(candidates, coverage, open_rows, budget)
    texts = [
        sentence_embed_text(h.speaker, _slice(h, *spans[h.passage_id][row]))
        for h in candidates
        for row in chosen_rows[h.passage_id]
    ]
    values = iter(similarity(texts) if similarity and texts else [0.0] * len(texts))
    sims.update(
        {(h.passage_id, row): next(values) for h in candidates for row in chosen_rows[h.passage_id]}
    )
    return sims


def _spread(scored: list[QuoteChoice]) -> list[QuoteChoice]:
    """At most ``MAX_QUOTES`` runs, ``MAX_PER_TRANSCRIPT`` from one transcript, in retrieval
    order; where relevance is off, runs scoring ``SCORE_MARGIN`` below the best are left out."""
    if not scored:
        return []
    relevance_off = any(c.hit.relevance is None for c in scored)
    floor = max(c.score for c in scored) - SCORE_MARGIN if relevance_off else -math.inf
    chosen: list[QuoteChoice] = []
    per_doc: dict[str, int] = {}
    for choice in scored:
        if choice.score < floor or per_doc.get(choice.hit.doc_id, 0) >= MAX_PER_TRANSCRIPT:
            continue
        chosen.append(choice)
        per_doc[choice.hit.doc_id] = per_doc.get(choice.hit.doc_id, 0) + 1
        if len(chosen) == MAX_QUOTES:
            break
    return chosen


def _rows_to_score(
    candidates: list[SearchHit],
    coverage: dict[str, list[float]],
    open_rows: dict[str, list[int]],
    budget: int | None,
) -> dict[str, list[int]]:
    """Which of the ``open_rows`` (sentence numbers, per passage) get a similarity score."""
    if budget is None or sum(len(rows) for rows in open_rows.values()) <= budget:
        return {pid: list(rows) for pid, rows in open_rows.items()}
    queues = {  # each passage's sentences, most question words first, then reading order
        h.passage_id: sorted(
            open_rows[h.passage_id], key=lambda r, c=coverage[h.passage_id]: (-c[r], r)
        )
        for h in candidates
    }
    rows: dict[str, list[int]] = {h.passage_id: [] for h in candidates}
    while budget > 0:  # round robin in retrieval order: a short passage leaves its share
        for hit in candidates:
            if budget and queues[hit.passage_id]:
                rows[hit.passage_id].append(queues[hit.passage_id].pop(0))
                budget -= 1
    return {pid: sorted(found) for pid, found in rows.items()}


def _sentences(hit: SearchHit) -> list[tuple[int, int]]:
    return [(s + hit.start, e + hit.start) for s, e in sentence_spans(hit.text, 0, len(hit.text))]


def _best_run(
    spans: list[tuple[int, int]], scores: list[tuple[float, float]]
) -> tuple[int, int, float] | None:
    """(start, end, score) of the best run of 1-3 consecutive sentences."""
    best: tuple[int, int, float] | None = None
    for i in range(len(spans)):
        for j in range(i, min(i + MAX_SENTENCES, len(spans))):
            if j > i and spans[j][1] - spans[i][0] > MAX_QUOTE_CHARS:
                break
            run = scores[i : j + 1]
            similarity = sum(s for s, _ in run) / len(run)
            coverage = min(1.0, sum(c for _, c in run))
            score = similarity + COVERAGE_WEIGHT * coverage - LONGER_RUN_COST * (j - i)
            if best is None or score > best[2]:
                best = (spans[i][0], spans[j][1], score)
    return best


def best_window(
    hit: SearchHit, wanted: set[str], weight: Callable[[str], float] = lambda _: 1.0
) -> tuple[int, int, float] | None:
    """The run of sentences of ``hit`` that shares most (weighted) words with ``wanted``."""
    spans = _sentences(hit)
    scores = [(0.0, sum(weight(t) for t in terms(_slice(hit, s, e)) & wanted)) for s, e in spans]
    return _best_run(spans, scores)


def _slice(hit: SearchHit, start: int, end: int) -> str:
    return hit.text[start - hit.start : end - hit.start]


def human_date(iso: str | None) -> str:
    if not iso:
        return "on an unknown date"
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def compose_quotes_answer(
    choices: list[QuoteChoice], claim: ClaimRead | None = None, lead: str = ""
) -> tuple[str, list[Citation], bool]:
    """Answer text with ``[n]`` markers, grouped by transcript in date order, its citations,
    and whether a statement the question says someone made went unshown (a false premise, as
    far as the transcripts go).

    A question asking whether something was said ("Did Lavrov announce that Russia will leave
    the CSTO?") gets a lead that does not imply yes unless a quoted run carries the claim's
    words: "The transcripts do not show this in those words. What Sergey Lavrov said on the
    topic…". Only an LLM answer may state an inference beyond the words. ``lead``, when
    given, replaces the lead (the closest quotes under a gate's refusal)."""
    groups: dict[str, list[QuoteChoice]] = {}
    for choice in choices:
        groups.setdefault(choice.hit.doc_id, []).append(choice)
    ordered = sorted(groups.values(), key=lambda g: (g[0].hit.date or "", g[0].hit.doc_id))
    speakers = list(dict.fromkeys(c.hit.speaker for g in ordered for c in g))
    quotes = [_slice(c.hit, c.start, c.end) for c in choices]
    unshown = claim is not None and not any(carries_claim(q, claim.text, speakers) for q in quotes)
    lines, citations = [lead or _lead(speakers, ordered, unshown)], []
    for group in ordered:
        hit = group[0].hit
        lines.append("")
        lines.append(
            f"**{_names(list(dict.fromkeys(c.hit.speaker for c in group)), in_sentence=False)}**, "
            f"{human_date(hit.date)} ({hit.title}):"
        )
        for choice in sorted(group, key=lambda c: c.start):
            n = len(citations) + 1
            quote = _slice(choice.hit, choice.start, choice.end)
            citations.append(citation_for(n, choice.hit, choice.start, choice.end, quote))
            lines.append(f"> “{quote}” [{n}]")
    return "\n".join(lines), citations, unshown and claim is not None and claim.said


def _lead(speakers: list[str], groups: list[list[QuoteChoice]], unshown: bool = False) -> str:
    dates = sorted(g[0].hit.date for g in groups if g[0].hit.date)
    where = "one transcript" if len(groups) == 1 else f"{len(groups)} transcripts"
    if not dates:
        when = ""
    elif dates[0] == dates[-1]:
        when = f", {human_date(dates[0])}"
    else:
        when = f", {human_date(dates[0])} to {human_date(dates[-1])}"
    if unshown:
        return (
            f"{NOT_SHOWN} What {_names(speakers)} said on the topic ({where}{when}), "
            "quoted verbatim:"
        )
    return f"What {_names(speakers)} said on this ({where}{when}), quoted verbatim:"


def _names(names: list[str], in_sentence: bool = True) -> str:
    """The names joined with commas and "and"; inside a sentence, a role label reads "a
    senior administration official"."""
    said = [spoken_name(n) for n in names] if in_sentence else names
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
