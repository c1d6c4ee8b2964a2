"""The catalog: transcripts (with their full text), turns and passages, in SQLite.

It is the index's source of truth for everything but vectors: citation offsets are checked
against the text stored here, the lexical index is rebuilt from it, and ``info`` reads it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path
from typing import get_type_hints

import numpy as np

from onrecord.types import Passage, Role, Transcript, Turn

# Sentence vectors are stored as int8 codes with one float32 scale per vector: 388 bytes a
# sentence at 384 dimensions (a quarter of float32); cosines move by at most ~0.002.
SCALE_BYTES = 4

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS transcripts (
    doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT, time TEXT, place TEXT, url TEXT,
    source TEXT NOT NULL, path TEXT, content_hash TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS turns (
    doc_id TEXT NOT NULL, idx INTEGER NOT NULL, label TEXT NOT NULL, speaker TEXT NOT NULL,
    role TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
    PRIMARY KEY (doc_id, idx));
CREATE TABLE IF NOT EXISTS passages (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, turn_index INTEGER NOT NULL, speaker TEXT NOT NULL,
    label TEXT NOT NULL, role TEXT NOT NULL, date TEXT, start INTEGER NOT NULL,
    end INTEGER NOT NULL, question_start INTEGER NOT NULL, question_end INTEGER NOT NULL,
    text TEXT NOT NULL, question TEXT NOT NULL, embed_text TEXT NOT NULL,
    office TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS passages_doc ON passages (doc_id);
CREATE TABLE IF NOT EXISTS sentence_vectors (
    passage_id TEXT PRIMARY KEY, spans TEXT NOT NULL, vectors BLOB NOT NULL);
"""
# A passages row holds a Passage's fields, by name; an enum field (role) is stored as its value.
PASSAGE_COLUMNS = tuple(f.name for f in fields(Passage))
PASSAGE_ENUMS = {
    name: kind
    for name, kind in get_type_hints(Passage).items()
    if isinstance(kind, type) and issubclass(kind, Enum)
}


def _passage_statement(template: str) -> str:
    """A constant statement over whole passages: ``template`` (itself a constant) with
    ``{columns}`` and ``{marks}`` filled in from ``PASSAGE_COLUMNS``."""
    marks = ", ".join("?" * len(PASSAGE_COLUMNS))
    return template.format(columns=", ".join(PASSAGE_COLUMNS), marks=marks)


# Statements are constants: no SQL is ever built from data (ids go in as one JSON parameter).
INSERT_PASSAGE = _passage_statement("INSERT INTO passages ({columns}) VALUES ({marks})")
SELECT_PASSAGES = _passage_statement("SELECT {columns} FROM passages ORDER BY rowid")
SELECT_PASSAGES_BY_ID = _passage_statement(
    "SELECT {columns} FROM passages WHERE id IN (SELECT value FROM json_each(?))"
)
SELECT_PASSAGES_WITHOUT_SENTENCES = _passage_statement(
    "SELECT {columns} FROM passages WHERE role != 'journalist' "
    "AND id NOT IN (SELECT passage_id FROM sentence_vectors) ORDER BY rowid"
)
COUNT_PASSAGES_WITHOUT_SENTENCES = """SELECT COUNT(*) FROM passages WHERE role != 'journalist'
    AND id NOT IN (SELECT passage_id FROM sentence_vectors)"""
SELECT_SENTENCE_VECTORS = """SELECT passage_id, spans, vectors FROM sentence_vectors
    WHERE passage_id IN (SELECT value FROM json_each(?))"""
# A catalog written before offices were stored: a writer adds the column; a reader sees the
# passages through a view that adds an empty one (a temporary view shadows the table).
ADD_OFFICE = "ALTER TABLE passages ADD COLUMN office TEXT NOT NULL DEFAULT ''"
OFFICE_VIEW = "CREATE TEMP VIEW passages AS SELECT *, '' AS office FROM main.passages"
DELETE_ORPHAN_SENTENCES = (
    "DELETE FROM sentence_vectors WHERE passage_id NOT IN (SELECT id FROM passages)"
)
DELETE_DOCUMENT = (
    "DELETE FROM passages WHERE doc_id = ?",
    "DELETE FROM turns WHERE doc_id = ?",
    "DELETE FROM transcripts WHERE doc_id = ?",
)


@dataclass(frozen=True)
class SentenceVectors:
    """A passage's sentences, as offsets in the passage's text, and one embedding each."""

    spans: list[tuple[int, int]]
    vectors: np.ndarray  # (len(spans), dimension), float32


@dataclass(frozen=True)
class TranscriptInfo:
    doc_id: str
    title: str
    date: str | None
    time: str | None
    place: str | None
    url: str | None
    source: str
    path: str | None
    content_hash: str


class Catalog:
    """One SQLite file; writes happen only inside an ingest that holds the index lock."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
        self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        if not readonly:
            self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(passages)")}
        if columns and "office" not in columns:  # a catalog from before offices were stored
            self.db.execute(OFFICE_VIEW if readonly else ADD_OFFICE)

    def close(self) -> None:
        self.db.close()

    # --- meta -------------------------------------------------------------------------
    def get_meta(self, key: str) -> dict | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value: dict) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))

    # --- transcripts ------------------------------------------------------------------
    def content_hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT doc_id, content_hash FROM transcripts"))

    def transcript_paths(self) -> dict[str, str | None]:
        return dict(self.db.execute("SELECT doc_id, path FROM transcripts"))

    def put_transcript(self, transcript: Transcript, content_hash: str) -> None:
        t = transcript
        row = (t.doc_id, t.title, t.date, t.time, t.place, t.url, t.source, t.path, content_hash)
        self.db.execute(
            "INSERT OR REPLACE INTO transcripts VALUES (?,?,?,?,?,?,?,?,?,?)", (*row, t.text)
        )
        self.db.execute("DELETE FROM turns WHERE doc_id = ?", (t.doc_id,))
        self.db.executemany(
            "INSERT INTO turns VALUES (?,?,?,?,?,?,?)",
            [
                (t.doc_id, u.index, u.label, u.speaker, u.role.value, u.start, u.end)
                for u in t.turns
            ],
        )

    def delete_transcript(self, doc_id: str) -> list[str]:
        """Remove a transcript and its passages; returns the removed passage ids."""
        ids = self.passage_ids(doc_id)
        for statement in DELETE_DOCUMENT:
            self.db.execute(statement, (doc_id,))
        return ids

    def transcript_info(self, doc_id: str) -> TranscriptInfo | None:
        row = self.db.execute(
            "SELECT doc_id, title, date, time, place, url, source, path, content_hash "
            "FROM transcripts WHERE doc_id = ?",
            (doc_id,),
        ).fetchone()
        return TranscriptInfo(*row) if row else None

    def transcript_text(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT text FROM transcripts WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def turns(self, doc_id: str) -> list[Turn]:
        rows = self.db.execute(
            "SELECT idx, label, speaker, role, start, end FROM turns WHERE doc_id = ? ORDER BY idx",
            (doc_id,),
        )
        return [Turn(i, label, speaker, Role(role), s, e) for i, label, speaker, role, s, e in rows]

    # --- passages ---------------------------------------------------------------------
    def passage_ids(self, doc_id: str | None = None) -> list[str]:
        if doc_id is None:
            return [r[0] for r in self.db.execute("SELECT id FROM passages ORDER BY rowid")]
        sql = "SELECT id FROM passages WHERE doc_id = ? ORDER BY rowid"
        return [r[0] for r in self.db.execute(sql, (doc_id,))]

    def replace_passages(self, doc_id: str, passages: list[Passage]) -> None:
        self.db.execute("DELETE FROM passages WHERE doc_id = ?", (doc_id,))
        self.db.executemany(INSERT_PASSAGE, [_row(p) for p in passages])

    def all_passages(self) -> list[Passage]:
        rows = self.db.execute(SELECT_PASSAGES)
        return [_passage(row) for row in rows]

    def passages_by_id(self, ids: list[str]) -> dict[str, Passage]:
        rows = self.db.execute(SELECT_PASSAGES_BY_ID, (json.dumps(ids),))
        return {row[0]: _passage(row) for row in rows}

    # --- sentence vectors (quote selection) ------------------------------------------
    def has_sentence_vectors(self) -> bool:
        """False for an index built before sentence vectors existed (read-only: no table)."""
        row = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sentence_vectors'"
        ).fetchone()
        return row is not None

    def passages_without_sentence_vectors(self) -> list[Passage]:
        """Passages that quotes can be cut from (all but journalists') with no vectors yet."""
        return [_passage(row) for row in self.db.execute(SELECT_PASSAGES_WITHOUT_SENTENCES)]

    def quotable_without_sentence_vectors(self) -> int:
        """How many passages quotes can be cut from have no sentence vectors (all of them
        in an index built before sentence vectors existed)."""
        if not self.has_sentence_vectors():
            sql = "SELECT COUNT(*) FROM passages WHERE role != 'journalist'"
            return self.db.execute(sql).fetchone()[0]
        return self.db.execute(COUNT_PASSAGES_WITHOUT_SENTENCES).fetchone()[0]

    def put_sentence_vectors(self, passage_id: str, found: SentenceVectors) -> None:
        if found.vectors.shape[0] != len(found.spans):
            raise ValueError(f"{found.vectors.shape[0]} vectors for {len(found.spans)} sentences")
        row = (passage_id, json.dumps(found.spans), pack_vectors(found.vectors))
        self.db.execute("INSERT OR REPLACE INTO sentence_vectors VALUES (?, ?, ?)", row)

    def drop_orphan_sentence_vectors(self) -> None:
        """Forget the sentence vectors of passages that are gone (changed or removed)."""
        self.db.execute(DELETE_ORPHAN_SENTENCES)

    def sentence_vectors(self, ids: list[str]) -> dict[str, SentenceVectors]:
        """Stored sentence vectors of ``ids`` (those that have them)."""
        if not ids or not self.has_sentence_vectors():
            return {}
        found: dict[str, SentenceVectors] = {}
        for pid, spans, blob in self.db.execute(SELECT_SENTENCE_VECTORS, (json.dumps(ids),)):
            pairs = [(int(s), int(e)) for s, e in json.loads(spans)]
            vectors = unpack_vectors(blob, len(pairs))
            if vectors is not None:  # else damaged: the caller embeds these sentences itself
                found[pid] = SentenceVectors(pairs, vectors)
        return found

    # --- statistics -------------------------------------------------------------------
    def counts(self) -> tuple[int, int]:
        transcripts = self.db.execute("SELECT COUNT(*) FROM transcripts").fetchone()[0]
        passages = self.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        return transcripts, passages

    def speaker_counts(self) -> list[tuple[str, str, int]]:
        """(speaker, role, passages) from most to least quoted."""
        return list(
            self.db.execute(
                "SELECT speaker, role, COUNT(*) FROM passages GROUP BY speaker, role "
                "ORDER BY COUNT(*) DESC, speaker"
            )
        )

    def date_range(self) -> tuple[str | None, str | None]:
        return self.db.execute("SELECT MIN(date), MAX(date) FROM transcripts").fetchone()

    def source_counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT source, COUNT(*) FROM transcripts GROUP BY source"))

    def commit(self) -> None:
        self.db.commit()


def pack_vectors(vectors: np.ndarray) -> bytes:
    """``n`` float vectors as ``n`` float32 scales then ``n x d`` int8 codes."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.size == 0:
        return b""
    scales = np.abs(vectors).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    codes = np.round(vectors / scales[:, None]).astype(np.int8)
    return scales.astype(np.float32).tobytes() + codes.tobytes()


def unpack_vectors(blob: bytes, n: int) -> np.ndarray | None:
    """The float32 ``(n, d)`` matrix of ``pack_vectors``; None if ``blob`` does not fit ``n``."""
    if n == 0:
        return None if blob else np.zeros((0, 0), dtype=np.float32)
    size = len(blob) - n * SCALE_BYTES
    if size <= 0 or size % n:
        return None
    scales = np.frombuffer(blob, dtype=np.float32, count=n)
    codes = np.frombuffer(blob, dtype=np.int8, offset=n * SCALE_BYTES).reshape(n, -1)
    return codes.astype(np.float32) * scales[:, None]


def _row(passage: Passage) -> tuple:
    """A ``Passage`` as a ``passages`` row (values in ``PASSAGE_COLUMNS`` order)."""
    values = (getattr(passage, name) for name in PASSAGE_COLUMNS)
    return tuple(v.value if isinstance(v, Enum) else v for v in values)


def _passage(row: tuple) -> Passage:
    """A ``passages`` row selected as ``PASSAGE_COLUMNS`` as a ``Passage``."""
    values = dict(zip(PASSAGE_COLUMNS, row, strict=True))
    for name, kind in PASSAGE_ENUMS.items():
        values[name] = kind(values[name])
    return Passage(**values)
