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
from onrecord.index.catalog import Catalog
from onrecord.index.generations import IndexBusy, WriterLock, current_generation
from onrecord.index.reader import IndexReader
from onrecord.settings import ChunkSettings
from tests.conftest import SAMPLE, make_settings
from tests.indexcheck import assert_index_whole

KILL_TRIALS = int(os.environ.get("ONRECORD_KILL_TRIALS", "3"))


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


def test_kill_9_during_ingest_leaves_previous_index_and_rerun_completes(index, tmp_path, embedder):
    """Kill a real `onrecord ingest` at random moments (model load, parse, embedding, writing,
    publishing); the published index must stay readable with its old content, and a re-run
    must finish with the expected passages, each findable, no duplicates."""
    extra = tmp_path / "extra"
    shutil.copytree(SAMPLE / "kremlin", extra)
    before = assert_index_whole(index)
    before_ids = set(IndexReader.open(index, make_settings(index)).catalog.content_hashes())
    full = before + sum(
        len(chunk_transcript(parse_transcript(p.stem, p.read_text("utf-8")), ChunkSettings()))
        for p in extra.glob("*.txt")
        if p.stem not in before_ids
    )
    rng = random.Random(int(os.environ.get("ONRECORD_KILL_SEED", "7")))
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    for _ in range(KILL_TRIALS):
        process = subprocess.Popen(
            cli("ingest", str(extra), "--index", str(index)),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(3.0, 14.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert assert_index_whole(index) in {before, full}
    report = ingest_paths([extra], make_settings(index), embedder=embedder, progress=False)
    assert not report.failed
    generation = current_generation(index)
    transcripts, passages = Catalog(generation / "catalog.sqlite3", readonly=True).counts()
    assert transcripts == len(before_ids | {p.stem for p in extra.glob("*.txt")})
    assert assert_index_whole(index) == passages == full
    # No stray generations left behind by the killed runs.
    assert len(list(index.glob("gen-*"))) <= 2
