"""Near matches: the sentences that hold most of a claim's words, aligned word by word.

Candidates are the turns the turn-words table ranks best for the claim's content words
(BM25 over every turn, journalists' included), and, for meaning rather than words, the
speaker's sentences closest to the claim by the stored sentence vectors. Each candidate
sentence (and each pair of neighbouring sentences, for a claim that runs over a boundary)
is aligned with the claim (``align``); the best alignment of each turn is kept.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import pairwise

import numpy as np

from onrecord.check.align import Alignment, Word, align, words
from onrecord.check.archive import Archive
from onrecord.check.text import lookup_tokens
from onrecord.check.types import Match
from onrecord.index.turn_words import TurnRef, ranked_turns, turn_counts
from onrecord.reading.vocabulary import STOPWORDS
from onrecord.sentences import sentence_embed_text, sentence_spans

Embed = Callable[[list[str]], np.ndarray]
SHINGLE = 3  # words per run of the claim looked up as a phrase
RARE_WORDS = 8  # the claim's rarest content words: they and the runs holding them find turns
PASSAGES = 8  # passages whose stored sentence vectors are compared with the claim


def word_matches(
    archive: Archive, claim: str, speakers: list[str] | None, limit: int
) -> list[Match]:
    """The best-aligned stretch of each candidate turn (of ``speakers``, when given), most
    similar first. Candidates: the turns sharing most of the claim's runs of three words (a
    misquote keeps most of them, whatever the turn's length), and those sharing most of its
    content words (for related statements)."""
    tokens = lookup_tokens(claim)
    rare = _rarest(archive, [t for t in tokens if t not in STOPWORDS] or tokens)
    runs = [tokens[i : i + SHINGLE] for i in range(max(1, len(tokens) - SHINGLE + 1))]
    runs = [run for run in runs if rare & set(run)]
    refs = ranked_turns(archive.db, archive.schema, runs, limit, speakers)
    refs += ranked_turns(archive.db, archive.schema, [[w] for w in rare], limit, speakers)
    claim_words = words(claim)
    found: dict[tuple[str, int], Match] = {}
    for ref in refs:
        if (ref.doc_id, ref.index) not in found and archive.in_dates(ref.doc_id):
            best = best_in_turn(claim_words, claim, archive.text(ref.doc_id), ref)
            if best is not None:
                found[(ref.doc_id, ref.index)] = _as_match(archive, ref, best)
    return sorted(found.values(), key=lambda m: (-m.similarity, -m.coverage))


def _rarest(archive: Archive, words: list[str]) -> set[str]:
    """The ``RARE_WORDS`` words of ``words`` fewest turns hold (the ones that find a
    statement; a query of common words costs more and finds less)."""
    counts = turn_counts(archive.db, archive.schema, words)
    return set(sorted(set(words), key=lambda w: (counts.get(w, 0), w))[:RARE_WORDS])


def best_in_turn(claim: list[Word], claim_text: str, text: str, ref: TurnRef) -> Alignment | None:
    """The claim's best alignment with one sentence, or two neighbouring ones, of a turn."""
    record = words(text, ref.start, ref.end)
    starts = [s for _, s, _ in record]
    spans = sentence_spans(text, ref.start, ref.end)
    windows = [*spans, *((a[0], b[1]) for a, b in pairwise(spans))]
    best: tuple[float, float] | None = None
    best_part: list[Word] = []
    for s, e in windows:
        part = record[bisect_left(starts, s) : bisect_right(starts, e - 1)]
        found = align(claim, claim_text, part, text, diffs=False)
        if found is not None and (best is None or _key(found) > best):
            best, best_part = _key(found), part
    return align(claim, claim_text, best_part, text) if best is not None else None


def _key(found: Alignment) -> tuple[float, float]:
    return found.similarity, found.coverage


def _as_match(archive: Archive, ref: TurnRef, found: Alignment) -> Match:
    return archive.match(
        ref,
        "related",
        (found.start, found.end),
        similarity=found.similarity,
        coverage=found.coverage,
        diffs=found.diffs,
    )


def meaning_matches(
    archive: Archive, claim: str, speakers: list[str] | None, embed: Embed, k: int
) -> list[Match]:
    """The ``k`` sentences of ``speakers`` (officials, when None) closest in meaning to the
    claim by the stored sentence vectors of the best passages, each with its word
    alignment; closest first."""
    reader = archive.reader
    name = speakers[0] if speakers else ""
    vector = embed([sentence_embed_text(name, claim) if name else claim])[0]
    hits = _closest_passages(archive, vector, speakers, PASSAGES)
    passages = reader.catalog.passages_by_id([pid for pid, _ in hits])
    stored = reader.catalog.sentence_vectors(list(passages))
    scored = []
    for pid, sentences in stored.items():
        passage = passages[pid]
        cosines = sentences.vectors @ vector
        for (s, e), cosine in zip(sentences.spans, cosines, strict=True):
            scored.append((float(cosine), passage, passage.start + s, passage.start + e))
    scored.sort(key=lambda row: -row[0])
    claim_words = words(claim)
    found = []
    for cosine, passage, s, e in scored[:k]:
        if not archive.in_dates(passage.doc_id):
            continue
        text = archive.text(passage.doc_id)
        ref = archive.turn(passage.doc_id, passage.turn_index)
        aligned = align(claim_words, claim, words(text, s, e), text)
        scores = {
            "similarity": aligned.similarity if aligned else 0.0,
            "coverage": aligned.coverage if aligned else 0.0,
        }
        found.append(archive.match(ref, "related", (s, e), cosine=round(cosine, 3), **scores))
    return found


def _closest_passages(
    archive: Archive, vector: np.ndarray, speakers: list[str] | None, k: int
) -> list[tuple[str, float]]:
    """Dense search as answers do it: exact over the in-memory vectors up to
    ``exact_dense_max`` passages, else Chroma's HNSW index."""
    reader = archive.reader
    if len(reader.lexical.ids) <= archive.exact_dense_max:
        return reader.dense().search(vector, k, _speaker_mask(reader, speakers))
    where = {"speaker": {"$in": speakers}} if speakers else None
    return reader.vectors.query(vector, k, where)


def _speaker_mask(reader, speakers: list[str] | None) -> np.ndarray | None:
    if not speakers:
        return None
    codes = [reader.speakers.index(s) for s in speakers if s in reader.speakers]
    return np.isin(reader.speaker_of, codes)
