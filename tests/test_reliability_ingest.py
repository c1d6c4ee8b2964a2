"""Ingest at scale and under bad input (issue 7, items 4 and 8).

Item 4: one ingest of more passages than Chroma's maximum batch size. Six copies of the
bundled sample corpus (each file under its own name, so every passage is distinct) give over
6,000 passages; the vectors come from the local OpenAI-compatible test server, so embedding
them takes seconds instead of minutes.

Item 8: memory stays bounded when a 50 MB file sits among the bad inputs. The peak resident
memory of a real `onrecord ingest` child process is measured in the child (``VmHWM``),
with and without the big file, and once with the size limit raised so the file *is* read (to
show that the measurement would notice).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from onrecord.index.catalog import Catalog
from onrecord.index.generations import current_generation
from onrecord.index.reader import IndexReader
from onrecord.settings import EmbeddingSettings
from tests.conftest import SAMPLE, make_settings
from tests.support.fake_openai import FakeOpenAI
from tests.support.indexcheck import assert_index_whole
from tests.support.inputs import PAGE, transcript

COPIES = 6
MB = 1_000_000


def sample_copies(target: Path, copies: int) -> Path:
    """The sample corpus ``copies`` times over, without manifests (ids come from file names)."""
    for n in range(copies):
        for path in SAMPLE.rglob("*.txt"):
            shutil.copy(path, target / f"{path.stem}__copy{n}.txt")
    return target


def test_one_ingest_of_more_passages_than_chromas_batch_limit(
    tmp_path, monkeypatch, fake_openai: FakeOpenAI
):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    fake_openai.dimensions = 32
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sample_copies(corpus, COPIES)
    index = tmp_path / "index"
    embedding = EmbeddingSettings(model="openai:text-embedding-3-small")
    settings = make_settings(index, embedding=embedding)
    report = ingest_paths([corpus], settings, progress=False)
    assert not report.failed and report.count("added") == len(list(corpus.iterdir()))
    reader = IndexReader.open(index, settings)
    limit = reader.vectors.client.get_max_batch_size()
    assert report.passages_total > limit, (report.passages_total, limit)
    assert report.passages_written == report.passages_total == reader.vectors.count()
    assert assert_index_whole(index, settings) == report.passages_total
    again = ingest_paths([corpus], settings, progress=False)  # unchanged: nothing embedded
    assert again.passages_written == 0 and again.count("unchanged") == report.count("added")


# --- item 8: memory ------------------------------------------------------------------------------
# The child's own peak (VmHWM). getrusage's ru_maxrss would do on a fresh process, but Linux
# carries it over from the parent across fork and exec, and pytest's parent holds the model.
MEASURE = """
import re, sys
from pathlib import Path
from onrecord.cli import main
code = main(sys.argv[1:])
peak = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1)
print(f"peak-rss-kb {peak}", file=sys.stderr)
sys.exit(code)
"""


def bad_inputs(folder: Path) -> Path:
    """Binary, NUL, invalid UTF-8, cp1252, empty and HTML-with-script files."""
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 400)
    (folder / "nul.txt").write_bytes(transcript("grain").encode().replace(b"V", b"V\x00"))
    (folder / "invalid.txt").write_bytes(transcript("fish").encode().replace(b"many", b"\xff"))
    (folder / "cp1252.txt").write_bytes(transcript("the café’s “offer”").encode("cp1252"))
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    return folder


def ingest_peak_kb(folder: Path, index: Path, **env: str) -> tuple[int, str]:
    """Run `onrecord ingest` in a child; its exit code must say that some files failed."""
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, "ingest", str(folder), "--index", str(index)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "ONRECORD_PROBE_TIMEOUT": "0", **env},
    )
    assert run.returncode == 1, run.stderr[-2000:]
    peak = int(run.stderr.rsplit("peak-rss-kb ", 1)[1].split()[0])
    return peak, run.stdout


@pytest.fixture
def bad_folder_index(tmp_path, built_index, embedder) -> tuple[Path, Path]:
    """An index that already holds the repairable bad inputs, so the measured runs embed
    nothing and load no model: what is left is reading, cleaning and refusing."""
    folder = bad_inputs(tmp_path / "inbox")
    index = tmp_path / "index"
    shutil.copytree(built_index, index)
    report = ingest_paths([folder], make_settings(index), embedder=embedder, progress=False)
    assert {f.path.rsplit("/", 1)[1] for f in report.failed} == {"empty.txt", "binary.txt"}
    return folder, index


def test_a_50_mb_file_among_bad_inputs_leaves_memory_bounded(bad_folder_index):
    folder, index = bad_folder_index
    baseline, _ = ingest_peak_kb(folder, index)
    with (folder / "huge.txt").open("wb") as handle:  # real bytes, not a sparse file
        chunk = bytes(range(256)) * 4096
        for _ in range(50 * MB // len(chunk) + 1):
            handle.write(chunk)
    refused, out = ingest_peak_kb(folder, index)
    assert f"failed: {folder / 'huge.txt'}: file is 50.3 MB, over the 20.0 MB limit" in out
    assert "added: 0  updated: 0  unchanged: 4  failed: 3" in out  # the run went on
    read, out = ingest_peak_kb(folder, index, ONRECORD_INGEST__MAX_FILE_MB="100")
    [line] = [x for x in out.splitlines() if x.startswith(f"failed: {folder / 'huge.txt'}: ")]
    assert "binary" in line and "limit" not in line  # read whole, then refused as binary
    print(f"peak RSS: {baseline} kB without the file, {refused} kB refused, {read} kB read")
    assert refused - baseline < 15_000  # the refused file never entered memory
    assert read - baseline > 40_000  # ... and the measurement sees a file that does
    assert refused < 1_000_000  # a generous absolute bound: under 1 GB
    catalog = Catalog(current_generation(index) / "catalog.sqlite3", readonly=True)
    assert catalog.counts()[0] == 7 + 4  # nothing indexed was lost
    assert "café’s “offer”" in (catalog.transcript_text("cp1252") or "")
