"""One writer at a time, and a killed ingest never breaks the published index."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from ingest.chunker import chunk_transcript
from ingest.formats import parse_transcript
from ingest.pipeline import ingest_paths
from onrecord.assistant import Assistant
from onrecord.index.catalog import Catalog
from onrecord.index.generations import IndexBusy, WriterLock, current_generation
from onrecord.index.layout import catalog_path, generation_entries, holder_file
from onrecord.index.reader import IndexReader
from onrecord.settings import ChunkSettings
from tests.conftest import SAMPLE, make_settings
from tests.support.indexcheck import assert_index_whole

KILL_TRIALS = int(os.environ.get("ONRECORD_KILL_TRIALS", "3"))  # the default run
SLOW_KILL_TRIALS = 20  # the slow-marked run
GAS = "What did Medvedev tell Miller to do about the Belarus gas debt?"


@pytest.fixture
def index(tmp_path, built_index):
    target = tmp_path / "index"
    shutil.copytree(built_index, target)
    return target


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "onrecord.cli", *args]


def test_second_writer_is_refused_naming_the_holder(index, corpus):
    before = sorted(p.name for p in index.iterdir())
    with WriterLock(index):
        with pytest.raises(IndexBusy, match=f"pid {os.getpid()}"):
            ingest_paths([corpus], make_settings(index), progress=False)
        result = subprocess.run(
            cli("ingest", str(corpus), "--index", str(index)),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 3
    assert f"being written by pid {os.getpid()}" in result.stderr
    assert sorted(p.name for p in index.iterdir() if p.name != "ingest.holder.json") == [
        n for n in before if n != "ingest.holder.json"
    ]


def test_two_real_ingests_at_once_the_second_exits_3_naming_the_first(index, tmp_path):
    """Item 1 with two `onrecord ingest` processes: the second is refused while the first
    writes, and nothing of the second reaches the index."""
    first_files, second_file = tmp_path / "first", tmp_path / "second" / "lighthouses.txt"
    shutil.copytree(SAMPLE / "kremlin", first_files)
    second_file.parent.mkdir()
    second_file.write_text(
        "Title: Test briefing\nDate: 2024-05-01\n\nQuestion: Anything on lighthouses?\n\n"
        "Jane Official: Lighthouses matter to coastal shipping.\n",
        encoding="utf-8",
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    first = subprocess.Popen(
        cli("ingest", str(first_files), "--index", str(index)),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while f'"pid": {first.pid},' not in read_holder(index):
            assert first.poll() is None and time.monotonic() < deadline, "first never locked"
            time.sleep(0.05)
        second = subprocess.run(
            cli("ingest", str(second_file.parent), "--index", str(index)),
            env={**env, "ONRECORD_PROBE_TIMEOUT": "0"},  # straight to the lock
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert first.poll() is None, "the first ingest ended before the second tried"
    finally:
        assert first.wait(timeout=900) == 0
    assert second.returncode == 3, second.stderr
    assert f"is being written by pid {first.pid} on " in second.stderr
    assert "onrecord" in second.stderr and "ingest" in second.stderr  # the holder's command
    assert "Traceback" not in second.stderr
    catalog = Catalog(catalog_path(current_generation(index)), readonly=True)
    assert catalog.transcript_info("lighthouses") is None  # nothing of the second run
    assert all(catalog.transcript_info(p.stem) for p in first_files.glob("*.txt"))
    assert_index_whole(index)


def read_holder(index) -> str:
    try:
        return holder_file(index).read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def expected_passages(index, extra) -> int:
    """Passages the index holds once ``extra`` is ingested (the fixture's own stay)."""
    known = set(IndexReader.open(index, make_settings(index)).catalog.content_hashes())
    return assert_index_whole(index) + sum(
        len(chunk_transcript(parse_transcript(p.stem, p.read_text("utf-8")), ChunkSettings()))
        for p in extra.glob("*.txt")
        if p.stem not in known
    )


def answers_from(reader, embedder) -> None:
    """What the app does with an open reader: answer, with exact quotes."""
    answer = Assistant(make_settings(reader.index_dir), reader, embedder).answer(GAS)
    assert answer.citations, answer.text
    for c in answer.citations:
        assert reader.catalog.transcript_text(c.doc_id)[c.start : c.end] == c.quote


def kill_trials(built_index, tmp_path, embedder, trials: int, seed: int) -> None:
    """Kill a real `onrecord ingest` at random moments of its run (start-up, model load,
    parsing, embedding, writing, publishing). After each kill, a reader opened before
    it (the app) and a fresh one both answer, from the old or the new index, never a broken
    one. Killed runs are resumed by the next; a final run must end whole and complete."""
    extra = tmp_path / "extra"
    extra.mkdir()
    for path in sorted((SAMPLE / "kremlin").glob("*.txt"))[:4]:
        shutil.copy(path, extra)
    base = tmp_path / "base"
    shutil.copytree(built_index, base)
    before, full = assert_index_whole(base), expected_passages(base, extra)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = ["ingest", str(extra), "--index"]
    index = tmp_path / "timing"  # one uninterrupted run: how long is a run?
    shutil.copytree(base, index)
    started = time.monotonic()
    subprocess.run(cli(*command, str(index)), env=env, capture_output=True, check=True)
    duration = time.monotonic() - started
    assert assert_index_whole(index) == full
    rng, states, fresh = random.Random(seed), [], 0
    index = tmp_path / "index-0"
    shutil.copytree(base, index)
    for trial in range(trials):
        app_reader = IndexReader.open(index, make_settings(index))  # opened on the old state
        process = subprocess.Popen(
            cli(*command, str(index)), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # Every other kill lands in the last third, where vectors are written and published.
        low = 0.0 if trial % 2 == 0 else 0.7
        time.sleep(duration * rng.uniform(low, 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        states.append(assert_index_whole(index))
        assert states[-1] in {before, full}
        answers_from(app_reader, embedder)
        answers_from(IndexReader.open(index, make_settings(index)), embedder)
        if states[-1] == full:  # it got to publish: start the next trial from the old index
            fresh += 1
            index = tmp_path / f"index-{fresh}"
            shutil.copytree(base, index)
    report = ingest_paths([extra], make_settings(index), embedder=embedder, progress=False)
    assert not report.failed
    catalog = Catalog(catalog_path(current_generation(index)), readonly=True)
    transcripts, passages = catalog.counts()
    assert transcripts == 7 + len([p for p in extra.glob("*.txt") if p.stem != "kremlin_en_17723"])
    assert passages == full == assert_index_whole(index, embedder=embedder)
    assert len(generation_entries(index)) <= 2  # no stray generations left by killed runs
    print(f"kill -9 trials: {trials}, run {duration:.1f}s, states after the kills: {states}")


def test_kill_9_during_ingest_leaves_previous_index_and_rerun_completes(
    built_index, tmp_path, embedder
):
    kill_trials(built_index, tmp_path, embedder, KILL_TRIALS, seed=7)


@pytest.mark.slow
def test_kill_9_at_twenty_random_moments(built_index, tmp_path, embedder):
    kill_trials(built_index, tmp_path, embedder, SLOW_KILL_TRIALS, seed=2024)
