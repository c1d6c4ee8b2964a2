"""Hybrid passage search: dense (Chroma) and keyword (BM25) results, fused, with filters."""

from __future__ import annotations

import numpy as np

from onrecord.answer_kind import holds_number
from onrecord.embeddings import Embedder
from onrecord.fusion import reciprocal_rank_fusion
from onrecord.index.catalog import SentenceVectors
from onrecord.index.lexical import lexical_fields, stems
from onrecord.index.reader import IndexReader
from onrecord.relevance import DEFAULT_MODEL, CandidateTerms, RelevanceModel, signals_of
from onrecord.sentences import sentence_spans
from onrecord.settings import SearchSettings
from onrecord.timing import timed
from onrecord.types import Passage, Role, SearchFilters, SearchHit


def search(
    reader: IndexReader,
    embedder: Embedder,
    query: str,
    filters: SearchFilters,
    settings: SearchSettings,
    k: int | None = None,
    timings: dict[str, float] | None = None,
    vector: np.ndarray | None = None,
) -> list[SearchHit]:
    """The ``k`` best passages for ``query`` that pass ``filters`` (``vector``: the query's
    embedding, when the caller has it already)."""
    k = k or settings.k
    timings = {} if timings is None else timings
    if filters.speaker and not reader.matching_speakers(filters.speaker):
        return []
    if vector is None:
        with timed(timings, "embed_query"):
            vector = embedder.embed([query])[0]
    per_retriever = _candidates(reader, query, vector, filters, settings, timings)
    rankings = {name: list(found) for name, found in per_retriever.items()}
    fused = reciprocal_rank_fusion(rankings, k=settings.rrf_k)
    if settings.sentence_rerank:
        with timed(timings, "sentences"):
            top = [pid for pid, _ in fused[: settings.sentence_rerank]]
            windows = best_windows(reader.catalog.sentence_vectors(top), vector)
            if windows:
                per_retriever["sentences"] = windows
                rankings["sentences"] = sorted(windows, key=lambda pid: -windows[pid])
                fused = reciprocal_rank_fusion(rankings, k=settings.rrf_k)
    if not settings.relevance_depth:
        return _hits(reader, fused[:k], per_retriever)
    with timed(timings, "relevance"):
        hits = _hits(reader, fused[: max(k, settings.relevance_depth)], per_retriever)
        return by_relevance(reader, query, vector, hits, settings.relevance_depth)[:k]


def _candidates(
    reader: IndexReader,
    query: str,
    vector: np.ndarray,
    filters: SearchFilters,
    settings: SearchSettings,
    timings: dict[str, float],
) -> dict[str, dict[str, float]]:
    """Each retriever's candidates, best first: passage id -> its score there."""
    with timed(timings, "dense"):
        mask = reader.filter_mask(filters)
        if len(reader.lexical.ids) <= settings.exact_dense_max:
            dense = reader.dense().search(vector, settings.candidates, mask)
        else:
            dense = reader.vectors.query(vector, settings.candidates, reader.chroma_where(filters))
    with timed(timings, "lexical"):
        lexical = reader.lexical.search(query, settings.candidates, mask, settings.question_weight)
    return {"dense": dict(dense), "lexical": dict(lexical)}


def by_relevance(
    reader: IndexReader,
    query: str,
    vector: np.ndarray,
    hits: list[SearchHit],
    depth: int,
    model: RelevanceModel = DEFAULT_MODEL,
) -> list[SearchHit]:
    """The first ``depth`` hits, each given its relevance, in that order; the rest after.
    The words of the query are weighed by what sets these candidates apart from each other
    (``relevance.distinctive_weights``)."""
    head = hits[:depth]
    if not head:
        return hits
    cosines = reader.vectors_of([h.passage_id for h in head]) @ vector
    passages = reader.catalog.passages_by_id([h.passage_id for h in head])
    found = [candidate_terms(passages[h.passage_id]) for h in head]
    rows = signals_of(reader.lexical.query_weights(query), found, cosines)
    for hit, signals in zip(head, rows, strict=True):
        hit.scores.update(signals)
        hit.relevance = model.probability(signals)
    head.sort(key=lambda h: -(h.relevance or 0.0))
    return head + hits[depth:]


def candidate_terms(passage: Passage, sentences: bool = False) -> CandidateTerms:
    """What the lexical relevance signals read of ``passage`` (with ``sentences``, also each
    sentence's terms, for the signals that were tried)."""
    answer_field, question_field = lexical_fields(passage)
    if not sentences:
        return CandidateTerms(frozenset(stems(answer_field)), frozenset(stems(question_field)))
    texts = [passage.text[s:e] for s, e in sentence_spans(passage.text, 0, len(passage.text))]
    return CandidateTerms(
        answer=frozenset(stems(answer_field)),
        question=frozenset(stems(question_field)),
        sentences=tuple(frozenset(stems(t)) for t in texts),
        numbers=tuple(holds_number(t) for t in texts),
    )


def best_windows(stored: dict[str, SentenceVectors], vector: np.ndarray) -> dict[str, float]:
    """Each passage's best run of one or two sentences: their mean cosine to the query.

    A passage that answers usually does so in a sentence or two among others on the way,
    which the whole passage's single vector blurs; ranking candidates by their closest
    sentence pair as a third list in the fusion lifts the passage that says it."""
    best: dict[str, float] = {}
    for pid, found in stored.items():
        if not found.spans or found.vectors.shape[1:] != vector.shape:
            continue
        cosines = found.vectors @ vector
        pairs = (cosines[:-1] + cosines[1:]) / 2 if len(cosines) > 1 else cosines
        best[pid] = float(max(cosines.max(), pairs.max()))
    return best


def _hits(
    reader: IndexReader, fused: list[tuple[str, float]], per_retriever: dict[str, dict[str, float]]
) -> list[SearchHit]:
    passages = reader.catalog.passages_by_id([pid for pid, _ in fused])
    hits: list[SearchHit] = []
    infos: dict = {}
    seen: set[tuple[str, str]] = set()
    for pid, score in fused:
        passage = passages.get(pid)
        # Some pages repeat a block word for word: show it once.
        if passage is None or (passage.doc_id, passage.text) in seen:
            continue
        seen.add((passage.doc_id, passage.text))
        info = infos.get(passage.doc_id) or reader.catalog.transcript_info(passage.doc_id)
        infos[passage.doc_id] = info
        scores = {name: found[pid] for name, found in per_retriever.items() if pid in found}
        title, url = (info.title, info.url) if info else (passage.doc_id, None)
        hits.append(SearchHit.from_passage(passage, title, url, score, scores))
    return hits


def stored_similarities(
    reader: IndexReader, vector: np.ndarray, hits: list[SearchHit]
) -> dict[tuple[str, int, int], float]:
    """Cosine to the query ``vector`` of every sentence of ``hits`` whose vector was stored at
    ingest, keyed ``(passage_id, start, end)``; quote selection embeds only the rest."""
    quotable = {h.passage_id: h.start for h in hits if h.role is not Role.JOURNALIST}
    stored = reader.catalog.sentence_vectors(list(quotable))
    known: dict[tuple[str, int, int], float] = {}
    for pid, found in stored.items():
        if found.vectors.shape[1:] != vector.shape:
            continue  # no sentences, or another model's vectors: never compared
        at = quotable[pid]  # stored offsets are in the passage, keys in the transcript
        cosines = found.vectors @ vector
        known.update(
            {
                (pid, at + s, at + e): float(c)
                for (s, e), c in zip(found.spans, cosines, strict=True)
            }
        )
    return known
