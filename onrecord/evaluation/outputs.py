"""Write a run's files atomically, as a set: every file is written in full to a temporary
file first, and only when all of them are on disk are they renamed into place. A killed run,
or one that cannot write (disk full, file size limit), leaves the previous results untouched
and no partial file behind."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from onrecord.evaluation.report import report_html, report_markdown


def _stage(path: Path, text: str) -> Path:
    """``text`` in a synced temporary file beside ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_files(files: dict[Path, str]) -> None:
    """All of ``files`` (path -> text), or none of them when any cannot be written."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            staged.append((_stage(path, text), path))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in staged:  # renames do not fail for lack of space
        os.replace(tmp, path)


def write_run(out_dir: Path, summary: dict, records: Sequence[dict], title: str) -> None:
    """``results.jsonl``, ``summary.json``, ``report.md`` and ``report.html``."""
    markdown = report_markdown(summary, records, title)
    write_files(
        {
            out_dir / "results.jsonl": "".join(
                json.dumps(r, ensure_ascii=False) + "\n" for r in records
            ),
            out_dir / "summary.json": json.dumps(summary, indent=2, ensure_ascii=False),
            out_dir / "report.md": markdown,
            out_dir / "report.html": report_html(markdown),
        }
    )
