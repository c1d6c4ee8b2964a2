"""Real transcripts parsed as ingest parses them, alone or named by the registry of a set."""

from __future__ import annotations

from pathlib import Path

from ingest.formats import parse_transcript
from ingest.registry import build_registry, entries_of, resolve
from onrecord.types import Transcript


def parse(path: Path) -> Transcript:
    return parse_transcript(path.stem, path.read_text(encoding="utf-8"))


def resolved(paths: list[Path]) -> dict[str, Transcript]:
    """Each transcript of ``paths`` with its turns named by the registry of them all."""
    transcripts = [parse(p) for p in paths]
    registry = build_registry([e for t in transcripts for e in entries_of(t)])
    return {t.doc_id: resolve(t, registry) for t in transcripts}
