"""Find transcript files under the paths a user gave, with their manifest rows.

A folder's ``manifest.jsonl`` (one JSON object per line with ``file`` and optionally ``id``,
``title``, ``date``, ``time``, ``place``, ``url``) overrides what the parser guesses.
"""

from __future__ import annotations

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


def discover(paths: list[Path], root: Path | None = None) -> tuple[list[SourceFile], list[Refused],
                                                                  list[str]]:
    """Files to ingest, paths refused (with the reason), and warnings about manifests."""
    found: list[SourceFile] = []
    refused: list[Refused] = []
    warnings: list[str] = []
    manifests: dict[Path, dict[str, dict]] = {}
    for given in paths:
        problem = _check_path(given, root)
        if problem:
            refused.append(Refused(str(given), problem))
            continue
        files = _walk(given, root, refused) if given.is_dir() else [given]
        for path in files:
            rows = manifests.get(path.parent)
            if rows is None:
                rows = manifests[path.parent] = _load_manifest(path.parent, warnings)
            row = rows.get(path.name, {})
            found.append(SourceFile(path, str(row.get("id") or path.stem), row))
    return found, refused, warnings


def _check_path(path: Path, root: Path | None) -> str | None:
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return "no such file or folder"
    except (RuntimeError, OSError) as err:  # symlink loops, permissions
        return f"cannot resolve path: {getattr(err, 'strerror', None) or err}"
    if root is not None and not resolved.is_relative_to(root.resolve()):
        return f"outside the ingest root {root} (resolves to {resolved})"
    return None


def _walk(folder: Path, root: Path | None, refused: list[Refused]) -> list[Path]:
    files: list[Path] = []
    for base, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(base) / name
            if name.startswith(".") or path.suffix.lower() not in TRANSCRIPT_SUFFIXES:
                continue
            if name.lower().startswith(("readme", "license", "licence")):
                continue
            problem = _check_path(path, root) if path.is_symlink() else None
            if problem:
                refused.append(Refused(str(path), problem))
            else:
                files.append(path)
    return files


def _load_manifest(folder: Path, warnings: list[str]) -> dict[str, dict]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    rows: dict[str, dict] = {}
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                rows[str(row["file"])] = row
            except (json.JSONDecodeError, KeyError, TypeError):
                warnings.append(f"{path}:{number}: not a manifest row with a `file` field; ignored")
    return rows
