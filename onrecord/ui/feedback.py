"""Thumbs up/down on answers, appended to a JSONL file for later review.

One line per rating (a changed rating is a new line: the last one for an ``answer_id``
wins). The file lives next to the index unless a path is configured.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from onrecord.payloads import answer_dict
from onrecord.settings import Settings
from onrecord.ui.session import Exchange

FILE_NAME = "feedback.jsonl"
RATINGS = {0: "down", 1: "up"}  # st.feedback("thumbs") values


def feedback_path(settings: Settings) -> Path:
    """``settings.feedback_path`` when the setting exists and is set, else next to the index."""
    configured = getattr(settings, "feedback_path", None)
    return Path(configured) if configured else settings.index_dir / FILE_NAME


def feedback_record(exchange: Exchange, rating: int | None) -> dict:
    """The question, answer, citations and rating (``up``, ``down`` or ``cleared``)."""
    assert exchange.answer is not None
    return {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "answer_id": exchange.id,
        "rating": RATINGS.get(rating, "cleared") if rating is not None else "cleared",
        "asked_at": exchange.asked_at,
        "model": exchange.model,
        "index_generation": exchange.generation,
        **answer_dict(exchange.answer),
    }


def append_feedback(path: Path, record: dict) -> None:
    """Append one JSON line (a single ``write`` on an ``O_APPEND`` file: concurrent
    sessions do not interleave lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
