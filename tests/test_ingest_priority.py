"""`onrecord ingest` is batch work: it lowers its own CPU priority (``ingest.niceness``), so
an app answering on the same machine comes first (docs/performance.md, "Load")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO


def niceness_while_ingesting(corpus: Path, index: Path, **env: str) -> set[int]:
    """The nice values the ingest process had while it ran (from /proc, every 20 ms)."""
    command = [sys.executable, "-m", "onrecord.cli", "ingest", str(corpus), "--index", str(index)]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ONRECORD_")}
    process = subprocess.Popen(
        command, env=environment | {"HF_HUB_OFFLINE": "1"} | env, cwd=REPO,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seen: set[int] = set()
    while process.poll() is None:
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            seen.add(int(fields[16]))  # field 19 of stat: nice
        except (FileNotFoundError, IndexError):
            pass
        time.sleep(0.02)
    assert process.returncode == 0
    return seen


def test_an_ingest_runs_below_the_priority_it_was_started_with(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPO / "tests" / "data" / "generic" / "lavrov_cst_excerpt.txt", corpus)
    start = os.nice(0)  # the suite may itself run at a lower priority
    if start >= 19:
        pytest.skip("already at the lowest priority: nothing to lower")
    assert min(19, start + 10) in niceness_while_ingesting(corpus, tmp_path / "index")
    assert niceness_while_ingesting(corpus, tmp_path / "kept", ONRECORD_INGEST__NICENESS="0") == {
        start
    }


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
