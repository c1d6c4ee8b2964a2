"""The app shares one ``IndexReader`` (and its SQLite connection and model) between every
session: what sessions ask of it at the same moment comes back as it does one at a time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from onrecord.index.reader import IndexReader
from tests.conftest import make_settings

THREADS = 8


def at_once(call: Callable[[], object], n: int = THREADS) -> list[object]:
    """``call`` in ``n`` threads released together; what each returned."""
    start, results = threading.Barrier(n), [None] * n

    def run(i: int) -> None:
        start.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.fixture
def reader(built_index: Path) -> IndexReader:
    """A fresh reader each time: its vectors not yet loaded, as after a new generation."""
    return IndexReader.open(built_index, make_settings(built_index))


def test_sessions_asking_at_once_load_the_vectors_once(reader: IndexReader):
    copies = at_once(reader.dense)
    assert all(copy is copies[0] for copy in copies), "each session loaded its own copy"
    assert copies[0] is reader.dense()


def test_catalog_reads_at_once_are_the_reads_one_at_a_time(reader: IndexReader):
    ids = reader.lexical.ids

    def reads() -> tuple:
        passages = reader.catalog.passages_by_id(ids)
        texts = tuple(reader.catalog.transcript_text(d) for d in reader.docs)
        return tuple(sorted(passages)), texts, reader.catalog.counts()

    alone = reads()
    assert alone[0] and all(alone[1])
    assert all(result == alone for result in at_once(reads))
