"""Every turn's words in an SQLite FTS5 table, so a quote check is a lookup, not a search.

The table (``turn_words``, in the catalog) holds each turn's text, with its transcript and
turn index, for every role: an official's words, a journalist's question, a moderator's
line. FTS5's ``unicode61`` tokenizer folds case, quote marks, dashes, punctuation and
whitespace away, so a phrase query finds the turns that hold a pasted quotation's words in
that order, at any archive size; the caller then checks the exact characters (see
``onrecord/check/``). A ranked query of a claim's words (BM25) gives the turns that hold most
of them: the candidates for a near match, journalists' questions included (they are not
passages, so neither the vectors nor the keyword index hold them).

Ingest fills the table from the stored transcripts (``fill``); an index written before it
existed gains it on its next ``onrecord ingest`` without embedding anything, and a reader of
such an index builds a temporary copy in memory (``ensure``).
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass

TABLE = "turn_words"
CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS {schema}.turn_words USING fts5("
    "doc_id UNINDEXED, idx UNINDEXED, text, tokenize = 'unicode61')"
)
FILL = """INSERT INTO {schema}.turn_words (doc_id, idx, text)
    SELECT turns.doc_id, turns.idx,
        substr(transcripts.text, turns.start + 1, turns.end - turns.start)
    FROM main.turns JOIN main.transcripts USING (doc_id) ORDER BY turns.doc_id, turns.idx"""
SELECT_TURNS = """SELECT t.doc_id, t.idx, t.speaker, t.role, t.start, t.end, turn_words.rank
    FROM {schema}.turn_words
    JOIN main.turns AS t ON t.doc_id = turn_words.doc_id AND t.idx = turn_words.idx
    WHERE turn_words MATCH ? {speakers}ORDER BY turn_words.rank LIMIT ?"""
CLEAR = "DELETE FROM {schema}.turn_words"
BY_SPEAKERS = "AND t.speaker IN (SELECT value FROM json_each(?)) "
SCHEMAS = ("main", "temp")
COUNT_BETWEEN = """SELECT COUNT(*) FROM transcripts
    WHERE (? IS NULL OR date >= ?) AND (? IS NULL OR (date IS NOT NULL AND date <= ?))"""
VOCABULARY = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.turn_words_{schema} "
    "USING fts5vocab('{schema}', 'turn_words', 'row')"
)
DOCUMENT_COUNTS = """SELECT term, doc FROM temp.turn_words_{schema}
    WHERE term IN (SELECT value FROM json_each(?))"""
EXISTS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'turn_words'"
# The characters unicode61 keeps in a token (letters and digits; "_" separates).
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class TurnRef:
    """A turn found by its words; ``rank``: FTS5's BM25 (lower is better)."""

    doc_id: str
    index: int
    speaker: str
    role: str
    start: int
    end: int
    rank: float


def has_table(db: sqlite3.Connection) -> bool:
    """Whether the catalog (main schema) holds the table."""
    return db.execute(EXISTS).fetchone() is not None


def fill(db: sqlite3.Connection, schema: str = "main") -> None:
    """(Re)build the table from the catalog's turns and transcript texts (``schema``: "main"
    at ingest, "temp" for a reader's in-memory copy)."""
    if schema not in SCHEMAS:  # statements are filled in from these two constants only
        raise ValueError(f"unknown schema {schema!r}")
    db.execute(CREATE.format(schema=schema))
    db.execute(CLEAR.format(schema=schema))
    db.execute(FILL.format(schema=schema))


def ensure(db: sqlite3.Connection) -> str:
    """The schema whose table a reader queries: the catalog's, else a temporary copy built
    now (an index from before the table existed; ``onrecord ingest`` stores it for good)."""
    if has_table(db):
        return "main"
    fill(db, "temp")
    return "temp"


def transcripts_between(db: sqlite3.Connection, since: str | None, until: str | None) -> int:
    """How many transcripts the dates allow (an undated one only when no date is given)."""
    row = db.execute(COUNT_BETWEEN, (since, since, until, until)).fetchone()
    return int(row[0])


def turn_counts(db: sqlite3.Connection, schema: str, words: list[str]) -> dict[str, int]:
    """How many turns hold each of ``words`` (tokens); a word no turn holds is left out."""
    if schema not in SCHEMAS:
        raise ValueError(f"unknown schema {schema!r}")
    db.execute(VOCABULARY.format(schema=schema))  # a temporary view of the table's vocabulary
    rows = db.execute(DOCUMENT_COUNTS.format(schema=schema), (json.dumps(sorted(set(words))),))
    return {term: int(count) for term, count in rows}


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the table's tokenizer sees them, lower-cased."""
    return [t.lower() for t in _TOKEN.findall(text)]


def phrase_turns(
    db: sqlite3.Connection, schema: str, words: list[str], limit: int
) -> list[TurnRef]:
    """Turns holding ``words`` (tokens) consecutively, in any typography."""
    if not words:
        return []
    return _select(db, schema, '"' + " ".join(words) + '"', limit, None)


def ranked_turns(
    db: sqlite3.Connection,
    schema: str,
    phrases: list[list[str]],
    limit: int,
    speakers: list[str] | None = None,
) -> list[TurnRef]:
    """The ``limit`` turns holding most of ``phrases`` (any of them; each a run of tokens
    that must occur in that order), best BM25 first; only turns of ``speakers`` when given."""
    unique = list(dict.fromkeys(" ".join(p) for p in phrases if p))
    if not unique:
        return []
    return _select(db, schema, " OR ".join(f'"{p}"' for p in unique), limit, speakers)


def _select(
    db: sqlite3.Connection, schema: str, query: str, limit: int, speakers: list[str] | None
) -> list[TurnRef]:
    if schema not in SCHEMAS:
        raise ValueError(f"unknown schema {schema!r}")
    sql = SELECT_TURNS.format(schema=schema, speakers=BY_SPEAKERS if speakers is not None else "")
    params = (query, json.dumps(speakers), limit) if speakers is not None else (query, limit)
    return [TurnRef(*row) for row in db.execute(sql, params)]
