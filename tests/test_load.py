"""Four users at once (``bench/load.py`` with N = 4): one real ``streamlit run app.py`` on the
sample index, four websocket chat sessions asking their own sample questions at the same
time, and an ``onrecord ingest`` publishing a new generation meanwhile (each session asks
its conversation again until it has asked it wholly on the new one). Every answer is the
one the same conversation gets alone; no session and no server log line shows an error.
The N = 8 and N = 32 figures: docs/performance.md, "Load"."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import EXTRA, report, run, scripts

pytestmark = pytest.mark.slow


def test_the_sessions_ask_different_questions():
    plans = scripts(4, 3)
    assert len({q for plan in plans for q in plan}) == 12


def test_four_sessions_at_once_get_the_answers_they_get_alone(sample_index: Path, tmp_path: Path):
    result = run(4, sample_index, EXTRA, tmp_path, per_session=1)
    assert result["answers"] >= 8, report(result)  # every session: once before, once after
    assert len(result["index_states_seen"]) == 2, report(result)
    assert result["differences"] == [], report(result)
    assert result["errors"] == [], report(result)
    assert result["server_peak_rss_mb"] < 1536, report(result)
