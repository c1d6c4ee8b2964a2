"""The catalog: transcripts (with their full text), turns and passages, in SQLite.

It is the index's source of truth for everything but vectors: citation offsets are checked
against the text stored here, the lexical index is rebuilt from it, and ``info`` reads it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from onrecord.types import Passage, Role, Transcript, Turn

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
    text TEXT NOT NULL, question TEXT NOT NULL, embed_text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS passages_doc ON passages (doc_id);
"""
# Statements are constants: no SQL is ever built from data (ids go in as one JSON parameter).
INSERT_PASSAGE = """INSERT INTO passages (id, doc_id, turn_index, speaker, label, role, date,
    start, end, question_start, question_end, text, question, embed_text)
    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""
SELECT_PASSAGES = """SELECT id, doc_id, turn_index, speaker, label, role, date, start, end,
    question_start, question_end, text, question, embed_text FROM passages ORDER BY rowid"""
SELECT_PASSAGES_BY_ID = """SELECT id, doc_id, turn_index, speaker, label, role, date, start, end,
    question_start, question_end, text, question, embed_text FROM passages
    WHERE id IN (SELECT value FROM json_each(?))"""
DELETE_DOCUMENT = (
    "DELETE FROM passages WHERE doc_id = ?",
    "DELETE FROM turns WHERE doc_id = ?",
    "DELETE FROM transcripts WHERE doc_id = ?",
)


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
        self.db.execute(
            "INSERT OR REPLACE INTO transcripts VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                t.doc_id,
                t.title,
                t.date,
                t.time,
                t.place,
                t.url,
                t.source,
                t.path,
                content_hash,
                t.text,
            ),
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
        return [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM passages WHERE doc_id = ? ORDER BY rowid", (doc_id,)
            )
        ]

    def replace_passages(self, doc_id: str, passages: list[Passage]) -> None:
        self.db.execute("DELETE FROM passages WHERE doc_id = ?", (doc_id,))
        self.db.executemany(
            INSERT_PASSAGE,
            [
                (
                    p.id,
                    p.doc_id,
                    p.turn_index,
                    p.speaker,
                    p.label,
                    p.role.value,
                    p.date,
                    p.start,
                    p.end,
                    p.question_start,
                    p.question_end,
                    p.text,
                    p.question,
                    p.embed_text,
                )
                for p in passages
            ],
        )

    def all_passages(self) -> list[Passage]:
        rows = self.db.execute(SELECT_PASSAGES)
        return [_passage(row) for row in rows]

    def passages_by_id(self, ids: list[str]) -> dict[str, Passage]:
        rows = self.db.execute(SELECT_PASSAGES_BY_ID, (json.dumps(ids),))
        return {row[0]: _passage(row) for row in rows}

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


def _passage(row: tuple) -> Passage:
    """A ``passages`` row (columns in ``Passage`` field order) as a ``Passage``."""
    fields = list(row)
    fields[5] = Role(fields[5])
    return Passage(*fields)
