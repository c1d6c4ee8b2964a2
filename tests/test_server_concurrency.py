"""Several writers and killed writers against a real Chroma server.

Two `onrecord ingest` processes started at once into one index: the writer lock stays
single-writer (the default still refuses a second writer with exit code 3), so the second
one is started with `--wait` and queues; it then builds on what the first published. Every
passage of both halves must be there, once, and found by a query for its own text.
A `kill -9` during a server-mode ingest leaves the published index whole, and the next run
finishes the job and deletes the collection the killed run left behind."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import chromadb
import pytest
from chromadb.errors import NotFoundError

from ingest.chunker import chunk_transcript
from ingest.formats import parse_transcript
from ingest.pipeline import ingest_paths
from onrecord.index.generations import current_generation
from onrecord.index.reader import IndexReader
from onrecord.settings import ChunkSettings
from tests.conftest import FIXTURES, SAMPLE, make_settings
from tests.support.chroma_server import server_collections
from tests.support.indexcheck import assert_index_whole

pytestmark = pytest.mark.slow


def ingest_process(folder: Path, index: Path, url: str, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "onrecord.cli", "ingest", str(folder), "--index", str(index)]
    return subprocess.Popen(
        [*command, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "ONRECORD_CHROMA_URL": url},
    )


def passage_count(folder: Path) -> int:
    return sum(
        len(chunk_transcript(parse_transcript(p.stem, p.read_text("utf-8")), ChunkSettings()))
        for p in folder.glob("*.txt")
    )


def sample_slice(n: int = 12) -> list[Path]:
    """The ``n`` shortest Kremlin transcripts of the bundled sample (~120 passages: embedding
    is the slow part on two shared cores) and the MFA one."""
    kremlin = sorted((SAMPLE / "kremlin").glob("*.txt"), key=lambda p: p.stat().st_size)
    return sorted(kremlin[:n]) + sorted((SAMPLE / "mfa").glob("*.txt"))


def copy_files(files: list[Path], folder: Path) -> Path:
    """``files`` in ``folder``, with the rows of their folders' manifests."""
    folder.mkdir(parents=True)
    rows: list[str] = []
    for path in files:
        shutil.copy(path, folder)
        manifest = path.parent / "manifest.jsonl"
        rows += [r for r in manifest.read_text("utf-8").splitlines() if f'"{path.name}"' in r]
    (folder / "manifest.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def halves(target: Path) -> list[Path]:
    """The slice split in two folders (alternate files), each with its manifest rows."""
    files = sample_slice()
    return [copy_files(files[n::2], target / name) for n, name in enumerate(("one", "two"))]


def test_two_ingests_at_once_lose_no_passage(module_chroma_server, tmp_path, embedder):
    index = tmp_path / "index"
    folders = halves(tmp_path / "corpus")
    url = module_chroma_server.url
    processes = [ingest_process(f, index, url, "--wait", "900", "--json") for f in folders]
    results = [p.communicate(timeout=1200) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [err[-2000:] for _, err in results]
    waited = [n for n, (_, err) in enumerate(results) if "waiting up to 900 s" in err]
    assert len(waited) == 1  # one took the lock, the other queued behind it
    holder = processes[1 - waited[0]].pid
    assert f"being written by pid {holder}" in results[waited[0]][1]
    for folder, (out, _) in zip(folders, results, strict=True):
        assert json.loads(out)["added"] == len(list(folder.glob("*.txt")))

    settings = make_settings(index, chroma_url=url)
    expected = sum(passage_count(f) for f in folders)
    assert assert_index_whole(index, settings) == expected
    reader = IndexReader.open(index, settings)
    assert reader.stats()["transcripts"] == sum(len(list(f.glob("*.txt"))) for f in folders)
    passages = reader.catalog.all_passages()
    vectors = embedder.embed([p.embed_text for p in passages])
    for passage, vector in zip(passages, vectors, strict=True):
        found = reader.vectors.query(vector, 5, None)
        assert passage.id in [pid for pid, similarity in found if similarity > 0.999], passage.id
    folders_left = sorted(p.name for p in index.glob("gen-*"))
    assert [n.split("-", 2)[2] for n in server_collections(url, index)] == folders_left


def unpublished(url: str, index: Path) -> list[str]:
    """This index's collections for generations newer than ``CURRENT`` (being built)."""
    published = current_generation(index).name
    return [n for n in server_collections(url, index) if n.split("-", 2)[2] > published]


def wait_for_vectors(url: str, index: Path, at_least: int, process: subprocess.Popen) -> None:
    """Until the collection being built holds ``at_least`` vectors (0: it exists), or the
    ingest has finished."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        building = unpublished(url, index)
        try:
            count = chromadb.HttpClient(host=url).get_collection(building[-1]).count()
        except (IndexError, NotFoundError):  # none yet, or a killed run's leftover just deleted
            count = -1
        if count >= at_least:
            return
        time.sleep(0.1)


def test_kill_9_during_a_server_ingest_keeps_the_index_and_the_rerun_cleans_up(
    module_chroma_server, tmp_path, embedder
):
    url = module_chroma_server.url
    index = tmp_path / "index"
    settings = make_settings(index, chroma_url=url)
    ingest_paths([FIXTURES], settings, embedder=embedder, progress=False)
    before = assert_index_whole(index, settings)
    indexed = set(IndexReader.open(index, settings).catalog.content_hashes())
    extra = copy_files([p for p in sample_slice() if p.stem not in indexed], tmp_path / "extra")
    full = before + passage_count(extra)
    rng = random.Random(int(os.environ.get("ONRECORD_KILL_SEED", "7")))
    left_behind = []
    for trial in range(2):
        process = ingest_process(extra, index, url)
        if trial == 0:  # the new collection exists: copying, or loading the model
            wait_for_vectors(url, index, 0, process)
            time.sleep(rng.uniform(0.0, 3.0))
        else:  # the new vectors are written: building the keyword index, or publishing
            wait_for_vectors(url, index, before + 1, process)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        assert process.returncode in {-signal.SIGKILL, 0}  # 0: it published just before
        assert assert_index_whole(index, settings) in {before, full}
        left_behind += unpublished(url, index)
    report = ingest_paths([extra], settings, embedder=embedder, progress=False)
    assert not report.failed
    assert assert_index_whole(index, settings) == full
    folders_left = sorted(p.name for p in index.glob("gen-*"))
    assert len(folders_left) <= 2
    # A killed run left a collection behind; now there is exactly one per generation folder
    # (a leftover is deleted with its folder, and a reused number starts a fresh collection).
    assert left_behind, "no kill landed after the new collection was created"
    assert [n.split("-", 2)[2] for n in server_collections(url, index)] == folders_left
