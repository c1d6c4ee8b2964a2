"""What built an index, and the check that refuses to query it with something else."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata

from onrecord.settings import Settings

LIBRARIES = ("onrecord", "chromadb", "bm25s", "sentence-transformers", "torch")


class IndexMismatch(Exception):
    """The index was built with another embedding model or chunker: re-ingest."""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def build_identity(settings: Settings, dimension: int, precisions: list[str] | None = None) -> dict:
    """What built the index. ``precisions``: every number format its vectors were computed
    in (bfloat16 and float32 vectors of one model are interchangeable, cosine ≥ 0.998, so
    this is a record, not part of what must match)."""
    from ingest.chunker import CHUNKER_VERSION
    from ingest.formats import FORMAT_VERSION

    shaping = {
        "embedding_model": settings.embedding.model,
        "embedding_dimension": dimension,
        "chunker_version": CHUNKER_VERSION,
        "format_version": FORMAT_VERSION,
        "chunk_settings": settings.chunk.model_dump(),
    }
    digest = hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()[:16]
    return {
        **shaping,
        "identity_hash": digest,
        "embedding_precisions": sorted(set(precisions or [])),
        "versions": {name: _version(name) for name in LIBRARIES},
    }


def check_identity(stored: dict | None, settings: Settings, dimension: int | None = None) -> None:
    """Raise ``IndexMismatch`` when the stored vectors came from another embedding model.

    Chunker and format versions are not checked here: a change in them changes every
    transcript's content hash, so the next ingest re-chunks everything by itself.
    """
    if stored is None:
        return
    wanted = build_identity(settings, dimension or stored["embedding_dimension"])
    problems = [
        f"{key} is {stored.get(key)!r} in the index but {wanted[key]!r} now"
        for key in ("embedding_model", "embedding_dimension")
        if stored.get(key) != wanted[key]
    ]
    if problems:
        raise IndexMismatch(
            "this index was built differently: "
            + "; ".join(problems)
            + ". Re-ingest: `onrecord ingest PATH --rebuild` (or into a new --index folder)."
        )
