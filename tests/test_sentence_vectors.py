"""Sentence vectors stored at ingest: one per quotable sentence, kept in step with the
passages, used by quotes mode instead of embedding sentences when a question is asked, and
filled in for an index built before they existed."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import ingest_paths
from ingest.sentence_vectors import passage_sentences
from onrecord.assistant import Assistant
from onrecord.index.catalog import Catalog, pack_vectors, unpack_vectors
from onrecord.index.generations import current_generation
from onrecord.index.reader import IndexReader
from onrecord.settings import AnswerSettings, EmbeddingSettings
from onrecord.types import Role
from tests.conftest import make_settings
from tests.support.indexcheck import assert_index_whole
from tests.support.questions import QUESTIONS


def catalog_path(index_dir: Path) -> Path:
    return current_generation(index_dir) / "catalog.sqlite3"


def drop_sentence_vectors(index_dir: Path) -> None:
    """Make ``index_dir`` look like an index built before sentence vectors existed."""
    db = sqlite3.connect(catalog_path(index_dir))
    db.execute("DROP TABLE sentence_vectors")
    db.commit()
    db.close()


def stored_rows(index_dir: Path) -> int:
    db = sqlite3.connect(catalog_path(index_dir))
    try:
        return db.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0]
    finally:
        db.close()


@pytest.fixture
def old_index(tmp_path, built_index) -> Path:
    """A copy of the session index without its sentence vectors."""
    target = Path(shutil.copytree(built_index, tmp_path / "old-index"))
    drop_sentence_vectors(target)
    return target


def answers(index_dir: Path, embedder, **answer) -> tuple[list, int]:
    """The citations of each question's quotes-mode answer, and the embedding calls made."""
    settings = make_settings(index_dir, answer=AnswerSettings(**answer))
    reader = IndexReader.open(index_dir, settings)
    assistant = Assistant(settings, reader, embedder)
    calls = embedder.calls
    cited = [
        [(c.doc_id, c.start, c.end) for c in assistant.answer(q, mode="quotes").citations]
        for q in QUESTIONS
    ]
    return cited, embedder.calls - calls


def test_ingest_stores_the_vector_of_every_sentence_quotes_can_come_from(built_index, embedder):
    assert_index_whole(built_index, embedder=embedder)  # offsets, no orphans, right vectors
    catalog = Catalog(catalog_path(built_index), readonly=True)
    quotable = [p for p in catalog.all_passages() if p.role is not Role.JOURNALIST]
    assert stored_rows(built_index) == len(quotable) > 50
    sentences = sum(
        len(found.spans) for found in catalog.sentence_vectors(catalog.passage_ids()).values()
    )
    assert sentences == sum(len(passage_sentences(p)[0]) for p in quotable) > 3 * len(quotable)


def test_an_answer_embeds_only_the_question_and_quotes_what_it_would_have_anyway(
    built_index, old_index, embedder
):
    stored, calls = answers(built_index, embedder)
    assert calls == len(QUESTIONS)  # one call each: the question, never its candidate sentences
    assert all(stored)
    # Without stored vectors, every candidate sentence is embedded when asked (no budget):
    # more calls, and the same quotes (the stored int8 vectors rank sentences the same way).
    asked, calls = answers(old_index, embedder, scored_sentences=None)
    assert calls == 2 * len(QUESTIONS)
    assert asked == stored
    reader = IndexReader.open(built_index, make_settings(built_index))
    for q in QUESTIONS:
        for c in Assistant(make_settings(built_index), reader, embedder).answer(q).citations:
            assert reader.catalog.transcript_text(c.doc_id)[c.start : c.end] == c.quote
            assert c.role is not Role.JOURNALIST


def test_an_index_from_before_sentence_vectors_gets_them_at_the_next_ingest(
    old_index, corpus, embedder
):
    before = current_generation(old_index)
    report = ingest_paths([corpus], make_settings(old_index), embedder=embedder, progress=False)
    assert report.count("unchanged") == 7 and report.passages_written == 0
    assert report.sentences_written > 100 and current_generation(old_index) != before
    assert_index_whole(old_index)
    again = ingest_paths([corpus], make_settings(old_index), embedder=embedder, progress=False)
    assert again.sentences_written == 0 and again.generation == report.generation


def test_a_changed_transcript_re_embeds_only_its_changed_passages_sentences(
    tmp_path, built_index, corpus, embedder
):
    index = Path(shutil.copytree(built_index, tmp_path / "index"))
    starts = {p.id: p.start for p in Catalog(catalog_path(index), readonly=True).all_passages()}
    path = corpus / "kremlin" / "kremlin_en_8055.txt"
    old_sentence = "Belarus continues unilaterally paying the\u00a02009 prices."
    path.write_text(
        path.read_text(encoding="utf-8").replace(old_sentence, "Belarus has now paid in full."),
        "utf-8",
    )
    report = ingest_paths([corpus], make_settings(index), embedder=embedder, progress=False)
    catalog = Catalog(catalog_path(index), readonly=True)
    touched = [p for p in catalog.all_passages() if "Belarus has now paid in full." in p.embed_text]
    quotable = [p for p in touched if p.role is not Role.JOURNALIST]
    assert quotable and report.sentences_written == sum(
        len(passage_sentences(p)[0]) for p in quotable
    )
    # Later passages moved (a shorter sentence before them) and kept their ids and vectors:
    moved = [p for p in catalog.all_passages() if starts.get(p.id, p.start) != p.start]
    assert moved and not set(moved) & set(touched)
    assert_index_whole(index)  # stored offsets still fit every passage; none left for old ones


def test_with_sentence_vectors_off_nothing_is_stored_and_quotes_still_come(
    tmp_path, corpus, embedder
):
    for other in corpus.glob("*/*.txt"):
        if other.name != "kremlin_en_8055.txt":
            other.unlink()
    settings = make_settings(
        tmp_path / "index", embedding=EmbeddingSettings(sentence_vectors=False)
    )
    report = ingest_paths([corpus], settings, embedder=embedder, progress=False)
    assert report.count("added") == 1 and report.sentences_written == 0
    assert stored_rows(settings.index_dir) == 0
    reader = IndexReader.open(settings.index_dir, settings)
    calls = embedder.calls
    answer = Assistant(settings, reader, embedder).answer(QUESTIONS[2], mode="quotes")
    assert embedder.calls - calls == 2  # the question, then the candidate sentences
    quotes = [c.quote for c in answer.citations]
    assert quotes and any("gas" in q or "debt" in q for q in quotes), quotes


def test_stored_vectors_round_trip_closely_and_a_damaged_row_is_skipped(tmp_path, embedder):
    vectors = embedder.embed(["We will respond.", "Sanctions do not work.", "Talks go on."])
    back = unpack_vectors(pack_vectors(vectors), 3)
    assert back is not None and back.shape == vectors.shape
    assert np.abs(back @ vectors.T - vectors @ vectors.T).max() < 0.005
    assert unpack_vectors(pack_vectors(vectors)[:-7], 3) is None
    assert unpack_vectors(b"", 2) is None
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    catalog.db.execute(
        "INSERT INTO sentence_vectors VALUES (?, ?, ?)", ("p1", "[[0, 5], [6, 9]]", b"\x00" * 11)
    )
    assert catalog.sentence_vectors(["p1"]) == {}  # the answer embeds those sentences instead
