"""Find transcript files under the paths a user gave, with their manifest rows.

A folder's ``manifest.jsonl`` (one JSON object per line with ``file`` and optionally ``id``,
``title``, ``date``, ``time``, ``place``, ``url``) overrides what the parser guesses.

With an ingest ``root``, every path must resolve inside it: ``..``, absolute paths and
symlinks pointing elsewhere are refused with the path named. Folders are walked without
following symlinked sub-folders, so a symlink loop cannot trap the walk.
"""

from __future__ import annotations

import errno
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

TRANSCRIPT_SUFFIXES = {".txt", ".html", ".htm", ".md", ".text"}
MANIFEST = "manifest.jsonl"
METADATA_FIELDS = ("title", "date", "time", "place", "url")


@dataclass
class SourceFile:
    path: Path
    doc_id: str
    manifest: dict = field(default_factory=dict)


@dataclass
class Refused:
    path: str
    reason: str


def discover(
    paths: list[Path], root: Path | None = None
) -> tuple[list[SourceFile], list[Refused], list[str]]:
    """Files to ingest, paths refused (with the reason), and warnings about manifests.

    A file reached twice (given twice, or as a file and inside a given folder) is listed once.
    """
    found: list[SourceFile] = []
    refused: list[Refused] = []
    warnings: list[str] = []
    manifests: dict[Path, dict[str, dict]] = {}
    seen: set[Path] = set()
    real_root = root.resolve() if root is not None else None
    for given in paths:
        problem = _check_path(given, real_root)
        if problem:
            refused.append(Refused(str(given), problem))
            continue
        is_dir = given.is_dir()
        files = _walk(given, real_root, refused) if is_dir else [given]
        if is_dir and not files:
            warnings.append(
                f"{given}: no transcript files "
                f"({', '.join(sorted(TRANSCRIPT_SUFFIXES))}) in this folder"
            )
        for path in files:
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            rows = manifests.get(path.parent)
            if rows is None:
                rows = manifests[path.parent] = _load_manifest(path.parent, warnings)
            row = rows.get(path.name, {})
            found.append(SourceFile(path, str(row.get("id") or path.stem), row))
    return found, refused, warnings


def _check_path(path: Path, real_root: Path | None) -> str | None:
    """Why ``path`` may not be ingested, or None. ``real_root`` is already resolved."""
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return (
            "broken symlink (its target does not exist)"
            if path.is_symlink()
            else "no such file or folder"
        )
    except RuntimeError:  # Python < 3.13 reports a symlink loop this way
        return "symlink loop"
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "symlink loop"
        return f"cannot resolve path: {err.strerror or err}"
    if real_root is not None and not real_root.is_dir():
        return f"the ingest root {real_root} is not an existing folder"
    if real_root is not None and not resolved.is_relative_to(real_root):
        return f"outside the ingest root {real_root} (resolves to {resolved})"
    return None


def _walk(folder: Path, real_root: Path | None, refused: list[Refused]) -> list[Path]:
    files: list[Path] = []

    def unreadable(err: OSError) -> None:
        refused.append(Refused(str(err.filename), f"cannot list folder: {err.strerror or err}"))

    for base, dirs, names in os.walk(folder, onerror=unreadable, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(base) / name
            if name.startswith(".") or path.suffix.lower() not in TRANSCRIPT_SUFFIXES:
                continue
            if name.lower().startswith(("readme", "license", "licence")):
                continue
            problem = _check_path(path, real_root) if path.is_symlink() else None
            if problem:
                refused.append(Refused(str(path), problem))
            else:
                files.append(path)
    return files


def _load_manifest(folder: Path, warnings: list[str]) -> dict[str, dict]:
    """Rows by file name; a bad line or an unreadable manifest is a warning, not a failure."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    rows: dict[str, dict] = {}
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            lines = list(handle)
    except OSError as err:
        warnings.append(f"{path}: cannot read manifest ({err.strerror or err}); ignored")
        return {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        row = _manifest_row(line)
        if row is None:
            warnings.append(
                f"{path}:{number}: not a manifest row (a JSON object with a string "
                "`file` field and, if any, a string `id`); line ignored"
            )
        elif row["file"] in rows:
            warnings.append(f"{path}:{number}: second row for {row['file']}; ignored")
        else:
            rows[row["file"]] = row
    return rows


def _manifest_row(line: str) -> dict | None:
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(row, dict) or not isinstance(row.get("file"), str):
        return None
    if row.get("id") is not None and not isinstance(row["id"], str):
        return None
    return row
