"""`onrecord ingest` is batch work: it lowers its own CPU priority (``ingest.niceness``), so
an app answering on the same machine comes first (docs/performance.md, "Load")."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO


def _stat(pid: int | str) -> list[str]:
    """The fields of /proc/PID/stat after the command name (field 3 onwards)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def niceness_while_ingesting(corpus: Path, index: Path, **env: str) -> tuple[set[int], set[int]]:
    """The nice values the ingest process had while it ran, and those of the child processes
    it started (from /proc, every 20 ms)."""
    command = [sys.executable, "-m", "onrecord.cli", "ingest", str(corpus), "--index", str(index)]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ONRECORD_")}
    process = subprocess.Popen(
        command, env=environment | {"HF_HUB_OFFLINE": "1"} | env, cwd=REPO,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seen: set[int] = set()
    children: set[int] = set()
    while process.poll() is None:
        with contextlib.suppress(FileNotFoundError, IndexError):
            seen.add(int(_stat(process.pid)[16]))  # field 19 of stat: nice
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and int(_stat(entry.name)[1]) == process.pid:  # ppid
                    children.add(int(_stat(entry.name)[16]))
            except (OSError, IndexError, ValueError):
                pass  # ended meanwhile
        time.sleep(0.02)
    assert process.returncode == 0
    return seen, children


def test_an_ingest_runs_below_the_priority_it_was_started_with(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPO / "tests" / "data" / "generic" / "lavrov_cst_excerpt.txt", corpus)
    start = os.nice(0)  # the suite may itself run at a lower priority
    if start >= 19:
        pytest.skip("already at the lowest priority: nothing to lower")
    lowered = min(19, start + 10)
    seen, _ = niceness_while_ingesting(corpus, tmp_path / "index")
    assert lowered in seen
    # Again into the index it built: the ingest first checks the published generation in a
    # child process (about 1.4 s of CPU), which must already run at the lower priority.
    seen, children = niceness_while_ingesting(corpus, tmp_path / "index")
    assert lowered in seen
    assert children == {lowered}, "the check of the published index ran before the ingest yielded"
    assert niceness_while_ingesting(corpus, tmp_path / "kept", ONRECORD_INGEST__NICENESS="0")[
        0
    ] == {start}


def test_an_ingest_called_from_other_code_leaves_the_callers_priority(tmp_path):
    """``main([...])`` from a test or a script must not slow the caller for good (a process
    cannot take back a priority it gave up)."""
    from onrecord.cli import main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPO / "tests" / "data" / "generic" / "lavrov_cst_excerpt.txt", corpus)
    start = os.nice(0)
    assert main(["ingest", str(corpus), "--index", str(tmp_path / "index")]) == 0
    assert os.nice(0) == start
