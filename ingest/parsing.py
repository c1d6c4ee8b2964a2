"""Files -> transcripts -> passages, for one ingest: find the files, read each safely, hash
its text with what shapes its passages, and parse only those whose hash changed; then, once
the speaker registry of the whole index is known (``ingest/registry.py``), name each turn's
person and chunk them (``chunk_parsed``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from ingest.chunker import chunk_transcript
from ingest.discover import METADATA_FIELDS, SourceFile, discover
from ingest.file_text import UnreadableFile, read_transcript_file
from ingest.formats import UnparseableTranscript, parse_transcript
from ingest.registry import Registry, resolve
from ingest.report import FileResult, IngestReport
from onrecord.index.identity import content_shaping
from onrecord.settings import Settings
from onrecord.types import Passage, Transcript


@dataclass
class Parsed:
    """A file read this run: parsed and chunked, or (``status`` "unchanged") only hashed."""

    source: SourceFile
    transcript: Transcript
    content_hash: str
    passages: list[Passage]
    status: str
    result: FileResult


def content_hash(text: str, manifest: dict, settings: Settings) -> str:
    """The text, its manifest row and everything that shapes its passages, hashed (what
    counts: ``onrecord.index.identity.SHAPING``)."""
    shaping = {
        "manifest": {k: manifest.get(k) for k in METADATA_FIELDS},
        **content_shaping(settings),
    }
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass"))
    digest.update(json.dumps(shaping, sort_keys=True).encode())
    return digest.hexdigest()


def read_and_parse(
    paths: list[Path],
    settings: Settings,
    known: dict[str, str],
    report: IngestReport,
    progress: bool,
) -> list[Parsed]:
    """The files under ``paths``, each read and hashed, and parsed and chunked unless its
    hash is the one ``known`` (doc id -> content hash) has; every file's result goes to
    ``report``."""
    sources, refused, warnings = discover(paths, settings.ingest.root)
    report.warnings.extend(warnings)
    report.files.extend(FileResult(r.path, "", "failed", r.reason) for r in refused)
    max_bytes = int(settings.ingest.max_file_mb * 1_000_000)
    parsed: list[Parsed] = []
    first_path: dict[str, str] = {}
    for source in tqdm(sources, desc="reading", unit="file", disable=not progress):
        result = FileResult(str(source.path), source.doc_id, "failed")
        report.files.append(result)
        if source.doc_id in first_path:
            other = first_path[source.doc_id]
            result.reason = f"duplicate transcript id {source.doc_id!r} (also {other})"
            continue
        first_path[source.doc_id] = str(source.path)
        item = _parse_one(source, settings, known, max_bytes, result)
        if item:
            parsed.append(item)
    return parsed


def _parse_one(
    source: SourceFile,
    settings: Settings,
    known: dict[str, str],
    max_bytes: int,
    result: FileResult,
) -> Parsed | None:
    try:
        read = read_transcript_file(source.path, max_bytes)
    except UnreadableFile as err:
        result.reason = str(err)
        return None
    result.warnings = read.warnings
    digest = content_hash(read.text, source.manifest, settings)
    if known.get(source.doc_id) == digest:
        result.status = "unchanged"
        return Parsed(source, None, digest, [], "unchanged", result)  # type: ignore[arg-type]
    try:
        transcript = parse_transcript(source.doc_id, read.text)
    except UnparseableTranscript as err:
        result.reason = str(err)
        return None
    _apply_manifest(transcript, source)
    if not transcript.date:
        result.warnings.append("no date found: date filters will not match this transcript")
    status = "updated" if source.doc_id in known else "added"
    return Parsed(source, transcript, digest, [], status, result)


def reparse_renamed(parsed: list[Parsed], renamed: set[str], settings: Settings) -> list[Parsed]:
    """``parsed`` with its unchanged files whose doc id is in ``renamed`` (transcripts whose
    stored speakers the registry now names otherwise) read and parsed again, as updates."""
    max_bytes = int(settings.ingest.max_file_mb * 1_000_000)
    found = []
    for item in parsed:
        if item.status == "unchanged" and item.source.doc_id in renamed:
            again = _parse_one(item.source, settings, {}, max_bytes, item.result)
            if again is not None:
                again.status = "updated"
                item = again
        found.append(item)
    return found


def chunk_parsed(parsed: list[Parsed], registry: Registry, settings: Settings) -> list[Parsed]:
    """The changed files of ``parsed``, each turn named by its registry person and chunked
    into passages; a file with no passage worth indexing is reported as failed and left out."""
    chunked = []
    for item in parsed:
        if item.status == "unchanged":
            chunked.append(item)
            continue
        item.transcript = resolve(item.transcript, registry)
        item.passages = chunk_transcript(item.transcript, settings.chunk)
        if not item.passages:
            item.result.reason = "speaker turns found, but no passage worth indexing"
            continue
        item.result.status = item.status
        item.result.passages = len(item.passages)
        chunked.append(item)
    return chunked


def _apply_manifest(transcript: Transcript, source: SourceFile) -> None:
    transcript.path = str(source.path)
    for key in METADATA_FIELDS:
        value = source.manifest.get(key)
        if value:
            setattr(transcript, key, str(value))
