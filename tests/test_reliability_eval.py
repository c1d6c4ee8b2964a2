"""`onrecord eval` when questions fail and when results cannot be written (issue 7, item 15).

Failing questions are recorded as failed and the run completes with exit code 4. The four
result files are written as a set: a run that cannot write them (here a real file-size limit,
``RLIMIT_FSIZE``, in the child process) leaves the previous run's files byte for byte, no
temporary file behind, and says so with exit code 1.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

QUESTIONS = REPO / "data" / "questions" / "sample.jsonl"
RESULT_FILES = ("results.jsonl", "summary.json", "report.md", "report.html")


def question_set(path: Path) -> Path:
    """Four real questions; the second and fourth fail when they run (broken history)."""
    lines = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()[:4]]
    lines[1]["history"] = ["not a message"]
    lines[3]["history"] = [42]
    path.write_text("".join(json.dumps(q) + "\n" for q in lines), encoding="utf-8")
    return path


def onrecord_eval(questions: Path, index: Path, out: Path, **kwargs) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "onrecord.cli", "eval", str(questions)]
    return subprocess.run(
        [*command, "--index", str(index), "--out", str(out), "--mode", "quotes"],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        **kwargs,
    )


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def failing_run(sample_index, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path, Path]:
    base = tmp_path_factory.mktemp("eval")
    questions, out = question_set(base / "questions.jsonl"), base / "out"
    return onrecord_eval(questions, sample_index, out), questions, out


def test_failing_questions_are_recorded_and_the_run_completes_with_exit_4(failing_run):
    result, questions, out = failing_run
    assert result.returncode == 4, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert sorted(snapshot(out)) == sorted(RESULT_FILES)  # and no temporary file
    records = [json.loads(line) for line in (out / "results.jsonl").open(encoding="utf-8")]
    expected_ids = [json.loads(line)["id"] for line in questions.open(encoding="utf-8")]
    assert [r["id"] for r in records] == expected_ids  # every question, in order
    assert [r["failed"] for r in records] == [False, True, False, True]
    assert all(r["error"].startswith(("AttributeError", "TypeError")) for r in records[1::2])
    assert records[0]["answer"]["citations"] and records[2]["answer"]["citations"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["questions"], summary["failed"]) == (4, 2)
    assert "failed" in (out / "report.md").read_text(encoding="utf-8")


def limit_file_size() -> None:
    """In the child: files may not grow past 32 kB (writes fail with EFBIG, no signal).
    Enough for Chroma's own small writes when it opens the index, not for the results."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (32_000, 32_000))


def test_results_that_cannot_be_written_leave_the_previous_ones_whole(
    failing_run, sample_index, tmp_path
):
    _, _, previous = failing_run
    out = tmp_path / "out"
    out.mkdir()
    for name, data in snapshot(previous).items():
        (out / name).write_bytes(data)
    before = snapshot(out)
    questions = tmp_path / "other.jsonl"  # another run: its results would differ
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    questions.write_text("\n".join(lines[4:12]) + "\n", encoding="utf-8")
    result = onrecord_eval(questions, sample_index, out, preexec_fn=limit_file_size)
    assert result.returncode == 1, result.stderr[-2000:]
    assert f"error: cannot write the results to {out} (File too large)" in result.stderr
    assert "unchanged" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(out) == before  # all four files as they were, nothing half-written
