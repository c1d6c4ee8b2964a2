"""Quote checks through the library on the bundled sample's index (real Chroma, the real
model): no speaker given, dates, an unknown speaker, a reworded translation, and the
turn-words table an index holds, gains on ingest, or a reader builds for itself."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from onrecord.check.engine import CheckRequest
from onrecord.check.service import run_check
from onrecord.index.generations import current_generation
from onrecord.index.reader import IndexReader
from onrecord.index.turn_words import has_table
from tests.conftest import SAMPLE, make_settings

LAVROV = (
    "Kaliningrad Region may reach 98 percent of the entire territory, whereas in Alaska one "
    "monitoring flight can cover no more than 3 percent of the territory under surveillance."
)
# The same statement as another translator might render it: same meaning, other words.
LAVROV_REWORDED = (
    "A single flight over the Kaliningrad area can take in as much as 98 percent of its "
    "land, while over Alaska one such flight sees at most 3 percent of what is watched."
)
REPORTER = "Do you think the number of immigrants will remain the same or continue to grow?"


@pytest.fixture(scope="module")
def reader(sample_index) -> IndexReader:
    return IndexReader.open(sample_index, make_settings(sample_index))


def check(reader, words, speaker=None, since=None, until=None, embed=None):
    settings = make_settings(reader.index_dir)
    return run_check(reader, CheckRequest(words, speaker, since, until), settings, embed)


def test_with_no_speaker_an_officials_words_are_verbatim_and_a_reporters_are_not(reader):
    found = check(reader, LAVROV)
    assert found.verdict == "verbatim"
    assert found.sentences[0].matches[0].speaker == "Sergey Lavrov"
    assert check(reader, REPORTER).verdict == "journalist"


def test_dates_limit_what_is_searched_and_the_reply_says_so(reader):
    outside = check(reader, LAVROV, "Lavrov", since="2021-01-01")
    assert outside.verdict == "not_found"
    assert "since 2021-01-01" in outside.overall
    assert outside.transcripts_searched < reader.catalog.counts()[0]
    assert check(reader, LAVROV, "Lavrov", since="2020-05-26", until="2020-05-26").verdict == (
        "verbatim"
    )


def test_a_speaker_the_archive_does_not_know_gets_a_warning_not_a_verbatim(reader):
    found = check(reader, LAVROV, "Angela Merkel")
    assert found.verdict == "other_speaker"
    assert found.warnings and "Angela Merkel" in found.warnings[0]


def test_a_reworded_translation_is_related_with_its_similarity_never_close(reader, embedder):
    found = check(reader, LAVROV_REWORDED, "Lavrov", embed=embedder.embed)
    check_ = found.sentences[0]
    assert found.verdict == "not_found"
    original = [m for m in check_.related if "Kaliningrad Region may reach" in m.quote]
    assert original, [m.quote for m in check_.related]
    band = make_settings(reader.index_dir).check
    assert (
        original[0].similarity < band.close_similarity or original[0].coverage < band.close_coverage
    )


def test_a_sentence_joined_to_words_never_said_is_not_close(reader):
    # All 12 words of Putin's sentence, then 5 he did not say: similarity 0.83, coverage 0.71.
    blend = (
        "Last year, bilateral trade increased by 25 percent to exceed $5 billion, whatever "
        "Brussels bureaucrats decide tomorrow."
    )
    found = check(reader, blend, "Putin")
    assert found.verdict == "not_found", found.overall
    related = found.sentences[0].related[0]
    assert related.similarity >= 0.75 and related.coverage < 0.73


def test_ingest_stores_every_turns_words(sample_index):
    db = sqlite3.connect(
        f"file:{current_generation(sample_index)}/catalog.sqlite3?mode=ro", uri=True
    )
    assert has_table(db)
    turns = db.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
    assert db.execute("SELECT COUNT(*) FROM turn_words").fetchone()[0] == turns > 1000


def _without_table(sample_index, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(sample_index, copy)
    db = sqlite3.connect(current_generation(copy) / "catalog.sqlite3")
    db.execute("DROP TABLE turn_words")
    db.commit()
    db.close()
    return copy


def test_an_index_from_before_the_table_gains_it_on_ingest_without_embedding(
    sample_index, tmp_path, embedder
):
    from ingest.pipeline import ingest_paths

    copy = _without_table(sample_index, tmp_path)
    before = current_generation(copy)
    report = ingest_paths([SAMPLE], make_settings(copy), embedder=embedder, progress=False)
    after = current_generation(copy)
    assert after != before and report.embedding_calls == 0 and report.passages_written == 0
    db = sqlite3.connect(f"file:{after}/catalog.sqlite3?mode=ro", uri=True)
    assert has_table(db)


def test_a_reader_of_an_index_without_the_table_builds_a_temporary_one(sample_index, tmp_path):
    copy = _without_table(sample_index, tmp_path)
    old = IndexReader.open(copy, make_settings(copy))
    assert old.turn_words_schema() == "temp"
    assert check(old, LAVROV, "Lavrov").verdict == "verbatim"
