"""Sentence vectors, computed at ingest so that picking quotes at ask time embeds nothing.

Quotes mode scores every sentence of the retrieved passages against the question. Embedding
those sentences when the question is asked cost ~12 ms a sentence on a 2-core CPU, most of
an answer's time; embedded once here, the score is a dot product. Only passages that quotes
can be cut from (everything but journalists' turns) get them.

Passages are taken a group at a time, and each group's sentences are embedded shortest first
(similar lengths batch with little padding), so memory stays flat on any corpus size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from onrecord.embeddings import Embedder
from onrecord.index.catalog import Catalog, SentenceVectors
from onrecord.sentences import sentence_embed_text, sentence_spans
from onrecord.timing import timed
from onrecord.types import Passage

PASSAGES_PER_GROUP = 500


@dataclass
class SentenceReport:
    passages: int = 0
    sentences: int = 0
    seconds: float = 0.0


def passage_sentences(passage: Passage) -> tuple[list[tuple[int, int]], list[str]]:
    """A passage's sentences as offsets in its text, and the text embedded for each.

    Offsets in the passage, not the transcript: a passage keeps its id (and its vectors)
    when an edit earlier in the transcript moves it."""
    spans = sentence_spans(passage.text, 0, len(passage.text))
    return spans, [sentence_embed_text(passage.speaker, passage.text[s:e]) for s, e in spans]


def embed_missing_sentences(catalog: Catalog, embedder: Embedder, progress: bool) -> SentenceReport:
    """Give every quotable passage of ``catalog`` that has none its sentence vectors."""
    report = SentenceReport()
    passages = catalog.passages_without_sentence_vectors()
    with tqdm(total=len(passages), desc="sentences", unit="passage", disable=not progress) as bar:
        for offset in range(0, len(passages), PASSAGES_PER_GROUP):
            group = passages[offset : offset + PASSAGES_PER_GROUP]
            report.sentences += _embed_group(catalog, embedder, group, report)
            report.passages += len(group)
            bar.update(len(group))
    return report


def _embed_group(
    catalog: Catalog, embedder: Embedder, group: list[Passage], report: SentenceReport
) -> int:
    split = [passage_sentences(p) for p in group]
    distinct = sorted({t for _, texts in split for t in texts}, key=len)
    took: dict[str, float] = {}
    with timed(took, "embed"):
        vectors = embedder.embed(distinct) if distinct else np.zeros((0, embedder.dimension))
    report.seconds += took["embed"]
    row_of = {text: row for row, text in enumerate(distinct)}
    for passage, (spans, texts) in zip(group, split, strict=True):
        rows = [row_of[t] for t in texts]
        matrix = vectors[rows] if rows else np.zeros((0, embedder.dimension), dtype=np.float32)
        catalog.put_sentence_vectors(passage.id, SentenceVectors(spans, matrix))
    return sum(len(spans) for spans, _ in split)
