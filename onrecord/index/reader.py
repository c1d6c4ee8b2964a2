"""Open the published index generation for reading, with filter arrays held in memory."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from onrecord.index import layout, turn_words
from onrecord.index.catalog import Catalog
from onrecord.index.dense import DenseMatrix
from onrecord.index.generation_vectors import open_for_reading
from onrecord.index.generations import current_generation
from onrecord.index.identity import check_identity
from onrecord.index.lexical import LexicalIndex
from onrecord.index.speaker_registry import names_by_speaker, stored_people
from onrecord.index.vectors import VectorStore, date_number
from onrecord.names import speaker_matches
from onrecord.settings import Settings
from onrecord.types import Role, SearchFilters


class IndexUnavailable(Exception):
    """There is no usable index at that path; ``str(err)`` says what to do."""


@dataclass
class IndexReader:
    index_dir: Path
    generation: Path
    catalog: Catalog
    vectors: VectorStore
    lexical: LexicalIndex
    identity: dict
    speaker_of: np.ndarray  # passage position -> speaker code
    speakers: list[str]  # speaker code -> canonical name
    date_of: np.ndarray  # passage position -> yyyymmdd (0 = unknown)
    doc_of: np.ndarray  # passage position -> doc code
    docs: list[str]  # doc code -> doc id
    offices: list[tuple[str, str, int]] = field(default_factory=list)  # (speaker, office, date)
    people: dict[str, dict] = field(default_factory=dict)  # the speaker registry's people
    _dense: DenseMatrix | None = field(default=None, repr=False)
    _names: dict[str, list[str]] | None = field(default=None, repr=False)
    _turn_words: str | None = field(default=None, repr=False)  # schema of the turn-words table
    _stats: dict | None = field(default=None, repr=False)  # a generation never changes
    # The app shares one reader between sessions: the first questions after a new generation
    # is published arrive together, and each would load its own copy of every vector.
    _dense_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def open(cls, index_dir: Path, settings: Settings) -> IndexReader:
        generation = current_generation(index_dir)
        if generation is None:
            raise IndexUnavailable(
                f"no index at {index_dir} yet: run `onrecord ingest PATH --index {index_dir}`"
            )
        catalog = Catalog(layout.catalog_path(generation), readonly=True)
        identity = catalog.get_meta("identity") or {}
        check_identity(identity, settings)
        lexical = LexicalIndex.load(layout.lexical_path(generation))
        vectors = open_for_reading(settings, generation, catalog)
        passages = catalog.all_passages()
        speakers = sorted({p.speaker for p in passages})
        docs = sorted({p.doc_id for p in passages})
        speaker_code = {s: i for i, s in enumerate(speakers)}
        doc_code = {d: i for i, d in enumerate(docs)}
        by_id = {p.id: p for p in passages}
        ordered = [by_id[pid] for pid in lexical.ids]
        return cls(
            index_dir,
            generation,
            catalog,
            vectors,
            lexical,
            identity,
            np.array([speaker_code[p.speaker] for p in ordered], dtype=np.int32),
            speakers,
            np.array([date_number(p.date) for p in ordered], dtype=np.int32),
            np.array([doc_code[p.doc_id] for p in ordered], dtype=np.int32),
            docs,
            sorted(
                {
                    (p.speaker, office.strip(), date_number(p.date))
                    for p in passages
                    if p.office and p.role is Role.OFFICIAL
                    for office in p.office.split(";")
                }
            ),
            stored_people(catalog),
        )

    def dense(self) -> DenseMatrix:
        """The in-memory copy of the vectors (loaded from Chroma on first use, once however
        many sessions ask for it at that moment)."""
        with self._dense_lock:
            if self._dense is None:
                with self.vectors.errors():
                    self._dense = DenseMatrix.load(self.vectors, self.lexical.ids)
        return self._dense

    def turn_words_schema(self) -> str:
        """Where the turn-words table of quote checks is: the catalog's, or (an index from
        before it) a temporary copy built on first use, once (``onrecord/index/turn_words.py``)."""
        with self._dense_lock:
            if self._turn_words is None:
                self._turn_words = turn_words.ensure(self.catalog.db)
        return self._turn_words

    def vectors_of(self, ids: list[str]) -> np.ndarray:
        """The stored vectors of ``ids``, in that order: from the in-memory copy when exact
        search has loaded it, else from Chroma."""
        if self._dense is not None:
            return self._dense.rows(ids)
        with self.vectors.errors():
            got = self.vectors.collection.get(ids=ids, include=["embeddings"])
        found = dict(zip(got["ids"], got["embeddings"], strict=True))
        return np.asarray([found[pid] for pid in ids], dtype=np.float32)

    def official_offices(self, filters: SearchFilters) -> dict[str, set[str]]:
        """Officials -> the offices their transcripts state, within the date filters."""
        since = date_number(filters.since) if filters.since else 0
        until = date_number(filters.until) if filters.until else 99_999_999
        found: dict[str, set[str]] = {}
        for speaker, office, date in self.offices:
            if since <= date <= until and (date or not (filters.since or filters.until)):
                found.setdefault(speaker, set()).add(office)
        return found

    def matching_speakers(self, name: str) -> list[str]:
        """Indexed speakers that ``name`` names, directly or through any name the registry
        knows them by (``Jeff Zients`` finds turns still stored as ``Zients``)."""
        if self._names is None:
            self._names = names_by_speaker(self.speakers, self.people)
        return [s for s in self.speakers if any(speaker_matches(name, n) for n in self._names[s])]

    def filter_mask(self, filters: SearchFilters) -> np.ndarray | None:
        """Boolean mask over passages (lexical order), or None when nothing is filtered."""
        if filters.is_empty():
            return None
        mask = np.ones(len(self.lexical.ids), dtype=bool)
        if filters.speaker:
            codes = [self.speakers.index(s) for s in self.matching_speakers(filters.speaker)]
            mask &= np.isin(self.speaker_of, codes)
        if filters.since:
            mask &= self.date_of >= date_number(filters.since)
        if filters.until:
            mask &= (self.date_of <= date_number(filters.until)) & (self.date_of > 0)
        if filters.doc_ids:
            codes = [i for i, d in enumerate(self.docs) if d in set(filters.doc_ids)]
            mask &= np.isin(self.doc_of, codes)
        return mask

    def chroma_where(self, filters: SearchFilters) -> dict | None:
        """The same filters as a Chroma ``where`` clause (built as data, never as strings)."""
        clauses: list[dict] = []
        if filters.speaker:
            clauses.append({"speaker": {"$in": self.matching_speakers(filters.speaker) or [""]}})
        if filters.since:
            clauses.append({"date": {"$gte": date_number(filters.since)}})
        if filters.until:
            clauses.append({"date": {"$lte": date_number(filters.until)}})
            clauses.append({"date": {"$gt": 0}})
        if filters.doc_ids:
            clauses.append({"doc_id": {"$in": list(filters.doc_ids)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def stats(self) -> dict:
        """What the index holds. Read once: every question reads the officials from it, and
        on the full dev corpus counting them takes 60 ms; a generation is never written to."""
        if self._stats is None:
            self._stats = self._read_stats()
        return dict(self._stats)

    def _read_stats(self) -> dict:
        transcripts, passages = self.catalog.counts()
        first, last = self.catalog.date_range()
        return {
            "index": str(self.index_dir),
            "generation": self.generation.name,
            "transcripts": transcripts,
            "passages": passages,
            "sources": self.catalog.source_counts(),
            "speakers": [
                {"name": s, "role": r, "passages": n} for s, r, n in self.catalog.speaker_counts()
            ],
            "date_range": [first, last],
            "embedding_model": self.identity.get("embedding_model"),
            "identity": self.identity,
            "vectors": self.vectors.describe(),
            "built": self.catalog.get_meta("built"),
        }
