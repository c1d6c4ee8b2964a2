"""Bad input end to end, with the real model and a real index: every bad file gets its own
message, the rest of the run goes on, and nothing already indexed is lost.

Two ingests share one module fixture (the model is slow): the first indexes two real Kremlin
transcripts; the second runs over the same folder after every kind of bad input was added and
one of the indexed files was overwritten with a PDF.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from ingest.report import FileResult, IngestReport
from onrecord.index.catalog import Catalog
from onrecord.index.generations import current_generation
from onrecord.settings import IngestSettings
from tests.conftest import FIXTURES, REPO, make_settings
from tests.support.indexcheck import assert_index_whole
from tests.support.inputs import PAGE, SCRIPT_MARK, transcript

GOOD, VICTIM = "kremlin_en_8055", "kremlin_en_54803"
LIMIT = "over the 10.0 MB limit (setting ingest.max_file_mb, env ONRECORD_INGEST__MAX_FILE_MB)"


@dataclass
class Scenario:
    root: Path
    folder: Path
    outside: Path
    index: Path
    first: IngestReport
    second: IngestReport
    before: dict[str, list[tuple[str, str]]]  # doc_id -> [(passage id, text)] after the first run
    peak_bytes: int  # Python memory peak during the second run
    given: list[Path]  # the paths of the second run


def catalog_of(index: Path) -> Catalog:
    return Catalog(current_generation(index) / "catalog.sqlite3", readonly=True)


def passages_by_doc(index: Path) -> dict[str, list[tuple[str, str]]]:
    catalog = catalog_of(index)
    try:
        by_doc: dict[str, list[tuple[str, str]]] = {}
        for passage in catalog.all_passages():
            by_doc.setdefault(passage.doc_id, []).append((passage.id, passage.text))
        return by_doc
    finally:
        catalog.close()


def add_bad_inputs(folder: Path, outside: Path) -> None:
    """Every kind of bad input the issue lists, next to the good files."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.txt").write_bytes(hashlib.shake_256(b"binary").digest(6000))
    (folder / f"{VICTIM}.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\n")
    (folder / "invalid_utf8.txt").write_bytes(
        transcript("fisheries").encode().replace(b"many times", b"many \xff times")
        + b"Question: And \xed\xa0\x80?\n\nAnna Petrova: No comment.\n"
    )
    (folder / "cp1252.txt").write_bytes(transcript("the café’s “offer” – 50 €").encode("cp1252"))
    (folder / "nul.txt").write_bytes(  # two NUL bytes inside, 3000 as padding at the end
        transcript("grain").encode().replace(b"Vienna", b"Vie\x00nna") + bytes(3000)
    )
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    with (folder / "huge.txt").open("wb") as handle:  # sparse: cheap to make
        handle.write(transcript("size").encode())
        handle.truncate(50_000_000)
    (folder / "prose.txt").write_text(
        "Just a note about the weather.\nNo one speaks here.\n", encoding="utf-8"
    )
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "escape.txt").symlink_to(outside)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, embedder) -> Scenario:
    base = tmp_path_factory.mktemp("bad_input")
    root, index = base / "root", base / "index"
    folder = root / "inbox"
    folder.mkdir(parents=True)
    outside = base / "outside" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text(transcript("secrets"), encoding="utf-8")
    rows = [
        line
        for line in (FIXTURES / "kremlin" / "manifest.jsonl").read_text("utf-8").splitlines()
        if json.loads(line)["id"] in (GOOD, VICTIM)
    ]
    (folder / "manifest.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    for doc_id in (GOOD, VICTIM):
        shutil.copy(FIXTURES / "kremlin" / f"{doc_id}.txt", folder)
    settings = make_settings(index, ingest=IngestSettings(root=root, max_file_mb=10))

    first = ingest_paths([folder], settings, embedder=embedder, progress=False)
    before = passages_by_doc(index)

    add_bad_inputs(folder, outside)
    given = [
        folder,
        folder / "missing.txt",
        folder / ".." / ".." / "outside" / "secret.txt",
        outside.resolve(),
    ]
    tracemalloc.start()
    try:
        second = ingest_paths(given, settings, embedder=embedder, progress=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return Scenario(root, folder, outside, index, first, second, before, peak, given)


def by_path(report: IngestReport) -> dict[str, FileResult]:
    results = {result.path: result for result in report.files}
    assert len(results) == len(report.files), "a path reported twice"
    return results


def test_first_run_indexes_the_good_files(scenario):
    assert {f.doc_id: f.status for f in scenario.first.files} == {GOOD: "added", VICTIM: "added"}
    assert scenario.first.transcripts_total == 2
    assert scenario.first.passages_total == sum(map(len, scenario.before.values())) > 2


def test_each_bad_input_gets_its_own_message(scenario):
    folder, outside = scenario.folder, scenario.outside
    real_root, real_outside = scenario.root.resolve(), outside.resolve()
    escaped = f"outside the ingest root {real_root} (resolves to {real_outside})"
    results = by_path(scenario.second)
    failed = {path: r.reason for path, r in results.items() if r.status == "failed"}
    assert failed.pop(str(folder / "photo.txt")).startswith("looks like a binary file, not text")
    assert failed.pop(str(folder / "prose.txt")).startswith("no speaker turns found")
    assert failed == {
        str(folder / "empty.txt"): "file is empty (0 bytes)",
        str(folder / f"{VICTIM}.txt"): "this is a PDF document, not text: extract its text to "
        "a .txt file first",
        str(folder / "huge.txt"): f"file is 50.0 MB, {LIMIT}",
        str(folder / "loop.txt"): "symlink loop",
        str(folder / "escape.txt"): escaped,
        str(folder / "missing.txt"): "no such file or folder",
        str(folder / ".." / ".." / "outside" / "secret.txt"): escaped,
        str(real_outside): escaped,
    }


def test_repairable_inputs_are_indexed_with_warnings(scenario):
    results = by_path(scenario.second)
    folder = scenario.folder
    expected = {
        "invalid_utf8.txt": ["invalid UTF-8: 4 characters replaced with U+FFFD"],
        "cp1252.txt": ["not UTF-8: decoded as Windows-1252"],
        "nul.txt": ["dropped 3000 NUL bytes of padding at the end", "dropped 2 NUL byte(s)"],
        "page.html": ["HTML converted to plain text (markup and scripts removed)"],
    }
    for name, warnings in expected.items():
        result = results[str(folder / name)]
        assert (result.status, result.reason, result.warnings) == ("added", "", warnings), name
        assert result.passages >= 2, name
    assert results[str(folder / f"{GOOD}.txt")].status == "unchanged"
    assert len(results) == 4 + 1 + 10  # repaired, unchanged, failed
    assert scenario.second.passages_written == sum(
        results[str(folder / n)].passages for n in expected
    )


def test_nothing_indexed_before_is_lost(scenario):
    after = passages_by_doc(scenario.index)
    # The good file is untouched, and the file overwritten with a PDF keeps its old passages.
    assert after[GOOD] == scenario.before[GOOD]
    assert after[VICTIM] == scenario.before[VICTIM]
    added = scenario.second.passages_written
    assert scenario.second.passages_total == scenario.first.passages_total + added
    assert scenario.second.transcripts_total == 2 + 4
    assert assert_index_whole(scenario.index) == scenario.second.passages_total
    catalog = catalog_of(scenario.index)
    try:
        assert (
            catalog.transcript_info(GOOD).url == "http://en.kremlin.ru/events/president/news/8055"
        )
        victim = catalog.transcript_info(VICTIM)
        assert (victim.date, victim.place) == ("2017-06-17", "St Petersburg")
        assert "%PDF" not in catalog.transcript_text(VICTIM)
    finally:
        catalog.close()


def test_stored_text_is_clean(scenario):
    catalog = catalog_of(scenario.index)
    try:
        passages = catalog.all_passages()
        texts = {doc_id: catalog.transcript_text(doc_id) for doc_id in {p.doc_id for p in passages}}
    finally:
        catalog.close()
    stored = [p.text + p.question + p.embed_text for p in passages] + list(texts.values())
    assert not any(SCRIPT_MARK in text or "<p>" in text or "<script" in text for text in stored)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for text in stored for ch in text)
    assert "\x00" not in "".join(stored)
    page = texts["page"]
    assert "Anna Petrova: Our position on customs rules is unchanged & well known." in page
    assert "Anna Petrova: Yes, they will be discussed in Vienna." in page
    assert "café’s “offer” – 50 €" in texts["cp1252"]
    assert "many \ufffd times" in texts["invalid_utf8"]
    assert "discussed in Vienna" in texts["nul"]
    assert "secrets" not in " ".join(texts.values())  # the file outside the root


def test_big_file_was_not_read(scenario):
    """Reading the 50 MB file whole would push Python's peak past 50 MB."""
    assert scenario.peak_bytes < 40_000_000


def test_cli_exit_codes_and_printed_reasons(scenario, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(scenario.index, index)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ONRECORD_INGEST__MAX_FILE_MB": "10"}
    command = [sys.executable, "-m", "onrecord.cli", "ingest"]
    run = subprocess.run(
        [*command, *map(str, scenario.given), "--index", str(index), "--root", str(scenario.root)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr
    folder = scenario.folder
    for name, reason in [
        ("empty.txt", "file is empty (0 bytes)"),
        ("huge.txt", f"file is 50.0 MB, {LIMIT}"),
        ("loop.txt", "symlink loop"),
        ("missing.txt", "no such file or folder"),
        ("photo.txt", "looks like a binary file, not text"),
        ("prose.txt", "no speaker turns found"),
        (f"{VICTIM}.txt", "this is a PDF document, not text"),
        ("escape.txt", "outside the ingest root"),
    ]:
        assert f"failed: {folder / name}: {reason}" in run.stdout, name
    assert f"warning: {folder / 'page.html'}: HTML converted to plain text" in run.stdout
    assert "added: 0  updated: 0  unchanged: 5  failed: 10  removed: 0" in run.stdout
    assert f"index now holds 6 transcripts, {scenario.second.passages_total} passages" in run.stdout
    assert passages_by_doc(index) == passages_by_doc(scenario.index)

    usage = subprocess.run(
        [*command, "--index", str(index)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert usage.returncode == 2
    assert "the following arguments are required: PATH" in usage.stderr
    assert usage.stdout == ""
