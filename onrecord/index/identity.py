"""What shapes an index, recorded once (``SHAPING``); what built an index; and the checks that
refuse to use an index, or a deploy artifact, with something else.

Each entry of ``SHAPING`` counts where its fields say:

- ``identity``: recorded in the index identity (catalog meta, copied into a deploy artifact's
  manifest) and hashed into its ``identity_hash``. Opening an index checks that the record
  still hashes to its ``identity_hash``; a deploy artifact is installed only where the running
  code and settings would record the same entries and the same hash.
- ``vectors``: a change makes the stored vectors unusable: the index is refused until it is
  re-ingested.
- ``content``: its key in each transcript's content hash; a change re-chunks every
  transcript on the next ingest (so a new chunker needs no ``--rebuild``).

Bump ``CHUNKER_VERSION`` with any change to the passages ``ingest.chunker`` cuts, and
``FORMAT_VERSION`` with any change to what ``ingest.formats`` reads from a transcript.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

from onrecord.index.lexical import LEXICAL_VERSION
from onrecord.settings import Settings

CHUNKER_VERSION = "5"  # 3: the speaker's office in the embedded text; 4: title, question first;
# 5: an official answering a moderator or participant has their words as the question
FORMAT_VERSION = "4"  # 3: labels by structure, Reply/Remark roles, the speaker registry;
# 4: roles from conduct (floor, Direct Line, podium guests), office labels by date
LIBRARIES = ("onrecord", "chromadb", "bm25s", "sentence-transformers", "torch")
REINGEST = "Re-ingest: `onrecord ingest PATH --rebuild` (or into a new --index folder)."


class IndexMismatch(Exception):
    """The index was built with another embedding model or chunker: re-ingest."""


@dataclass(frozen=True)
class Shaper:
    """One thing that shapes the index. ``name`` is its key in the identity record; the
    names and ``content`` keys are those every stored hash was made with: keep them."""

    name: str
    label: str  # in messages
    value: Callable[[Settings, int | None], object]  # (settings, embedding dimension) -> value
    identity: bool = True
    vectors: bool = False
    content: str | None = None


SHAPING = (
    Shaper("embedding_model", "embedding model", lambda s, d: s.embedding.model, vectors=True),
    Shaper("embedding_dimension", "embedding dimension", lambda s, d: d, vectors=True),
    Shaper("chunker_version", "chunker version", lambda s, d: CHUNKER_VERSION, content="chunker"),
    Shaper(
        "format_version", "transcript format version", lambda s, d: FORMAT_VERSION, content="format"
    ),
    Shaper("chunk_settings", "chunk settings", lambda s, d: s.chunk.model_dump(), content="chunk"),
    # The keyword index is rebuilt from the catalog by every ingest and read in either
    # layout: its version re-chunks transcripts once but is not part of the identity.
    Shaper(
        "lexical_version",
        "keyword index version",
        lambda s, d: LEXICAL_VERSION,
        identity=False,
        content="lexical",
    ),
)
IDENTITY = tuple(s for s in SHAPING if s.identity)


def content_shaping(settings: Settings) -> dict:
    """What shapes every transcript's passages, keyed as in its content hash."""
    return {s.content: s.value(settings, None) for s in SHAPING if s.content}


def identity_shaping(settings: Settings, dimension: int | None) -> dict:
    """What the identity of an index built now with ``settings`` records (``dimension``: the
    embedding model's)."""
    return {s.name: s.value(settings, dimension) for s in IDENTITY}


def identity_hash(record: dict) -> str:
    """The hash of an identity record's shaping entries (other keys do not count)."""
    shaping = {s.name: record.get(s.name) for s in IDENTITY}
    return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()[:16]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def build_identity(settings: Settings, dimension: int, precisions: list[str] | None = None) -> dict:
    """What built the index. ``precisions``: every number format its vectors were computed
    in (bfloat16 and float32 vectors of one model are interchangeable, cosine ≥ 0.998, so
    this is a record, not part of what must match)."""
    shaping = identity_shaping(settings, dimension)
    return {
        **shaping,
        "identity_hash": identity_hash(shaping),
        "embedding_precisions": sorted(set(precisions or [])),
        "versions": {name: _version(name) for name in LIBRARIES},
    }


def identity_differences(stored: dict, settings: Settings) -> list[tuple[str, object, object]]:
    """(label, recorded, now) for each identity entry of ``stored`` that this code and
    ``settings`` would build otherwise, or for the identity hash when only it differs (an
    edited or damaged record). The embedding dimension is taken as recorded (knowing it takes
    loading the model)."""
    now = identity_shaping(settings, stored.get("embedding_dimension"))
    found = [
        (s.label, stored.get(s.name), now[s.name])
        for s in IDENTITY
        if stored.get(s.name) != now[s.name]
    ]
    if not found and stored.get("identity_hash") != identity_hash(now):
        found.append(("identity hash", stored.get("identity_hash"), identity_hash(now)))
    return found


def check_identity(stored: dict | None, settings: Settings, dimension: int | None = None) -> None:
    """Raise ``IndexMismatch`` when the stored vectors came from another embedding model, or
    when the identity record no longer hashes to its ``identity_hash`` (edited or damaged).

    What shapes only the passages is not checked here: a change in it changes every
    transcript's content hash, so the next ingest re-chunks everything by itself.
    """
    if stored is None:
        return
    now = identity_shaping(settings, dimension or stored["embedding_dimension"])
    problems = [
        f"{s.name} is {stored.get(s.name)!r} in the index but {now[s.name]!r} now"
        for s in SHAPING
        if s.vectors and stored.get(s.name) != now[s.name]
    ]
    if problems:
        raise IndexMismatch(f"this index was built differently: {'; '.join(problems)}. {REINGEST}")
    recorded, actual = stored.get("identity_hash"), identity_hash(stored)
    if recorded != actual:
        raise IndexMismatch(
            f"this index's identity record was changed after it was built: identity_hash is "
            f"{recorded!r} in the index, but what the record says hashes to {actual!r}. {REINGEST}"
        )
