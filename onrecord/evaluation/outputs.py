"""Write a run's files atomically: a killed run never leaves half a summary behind."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from onrecord.evaluation.report import report_html, report_markdown


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_run(out_dir: Path, summary: dict, records: Sequence[dict], title: str) -> None:
    """``results.jsonl``, ``summary.json``, ``report.md`` and ``report.html``."""
    write_atomic(
        out_dir / "results.jsonl",
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
    )
    write_atomic(out_dir / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False))
    markdown = report_markdown(summary, records, title)
    write_atomic(out_dir / "report.md", markdown)
    write_atomic(out_dir / "report.html", report_html(markdown))
