"""Where everything of an index lives: the one owner of its paths and file names.

    index_dir/
      CURRENT              name of the generation readers use ("gen-000007")
      ingest.lock          held by the one running ingest (flock: released if it is killed)
      ingest.holder.json   who holds the lock (pid, host, command, since)
      CHROMA_NAMESPACE     server mode: this index's prefix on the Chroma server
      DEPLOYED             which generation was installed from which deploy artifact
      gen-000007/          one generation:
        catalog.sqlite3      transcripts, turns, passages, sentence vectors, meta (identity)
        chroma/              the embedded vector store (chroma.sqlite3 and HNSW segments);
                             absent in server mode, where the vectors are the collection
                             ``onrecord-<namespace>-gen-000007`` on the server
        lexical/             the keyword index

A file is replaced by writing ``.NAME.PID.tmp`` beside it and renaming that over it.
"""

from __future__ import annotations

import os
from pathlib import Path

CURRENT = "CURRENT"
LOCK = "ingest.lock"
HOLDER = "ingest.holder.json"
NAMESPACE = "CHROMA_NAMESPACE"
DEPLOYED = "DEPLOYED"
PREFIX = "gen-"
CATALOG = "catalog.sqlite3"
CHROMA = "chroma"
CHROMA_DATABASE = "chroma.sqlite3"  # Chroma's own SQLite file inside ``chroma/``
LEXICAL = "lexical"
COLLECTION_PREFIX = "onrecord"


# --- the index folder --------------------------------------------------------------------
def current_file(index_dir: Path) -> Path:
    return index_dir / CURRENT


def lock_file(index_dir: Path) -> Path:
    return index_dir / LOCK


def holder_file(index_dir: Path) -> Path:
    return index_dir / HOLDER


def namespace_file(index_dir: Path) -> Path:
    return index_dir / NAMESPACE


def deployed_file(index_dir: Path) -> Path:
    return index_dir / DEPLOYED


def temp_file(target: Path) -> Path:
    """This process's temporary file for replacing ``target``."""
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def temp_files(target: Path) -> list[Path]:
    """Temporary files for ``target`` left by any process (a killed one's included)."""
    return list(target.parent.glob(f".{target.name}.*.tmp"))


# --- generations -------------------------------------------------------------------------
def generation_name(number: int) -> str:
    return f"{PREFIX}{number:06d}"


def generation_number(name: str) -> int | None:
    """``gen-000007`` -> 7; None for a name that is not a numbered generation."""
    digits = name[len(PREFIX) :]
    return int(digits) if name.startswith(PREFIX) and digits.isdigit() else None


def is_generation_name(name: str) -> bool:
    """What ``CURRENT`` may name (any ``gen-`` folder; numbered ones are made by ingest)."""
    return name.startswith(PREFIX)


def generation_entries(index_dir: Path) -> list[Path]:
    """Everything in ``index_dir`` named like a generation (folders, or stray files)."""
    return list(index_dir.glob(PREFIX + "*"))


def next_generation(index_dir: Path) -> Path:
    """The folder for a new generation: one past the highest number present."""
    numbers = [generation_number(p.name) for p in generation_entries(index_dir)]
    return index_dir / generation_name(max((n for n in numbers if n is not None), default=0) + 1)


# --- inside a generation -----------------------------------------------------------------
def catalog_path(generation: Path) -> Path:
    return generation / CATALOG


def chroma_path(generation: Path) -> Path:
    return generation / CHROMA


def chroma_database_path(generation: Path) -> Path:
    return generation / CHROMA / CHROMA_DATABASE


def lexical_path(generation: Path) -> Path:
    return generation / LEXICAL


# --- server mode -------------------------------------------------------------------------
def collection_name(namespace: str, generation: str) -> str:
    """A generation's collection on the Chroma server (``generation``: its folder name)."""
    return f"{COLLECTION_PREFIX}-{namespace}-{generation}"


def collection_generation(namespace: str, collection: str) -> str | None:
    """The generation folder name a collection of this index belongs to, or None when the
    collection is not this index's."""
    prefix = collection_name(namespace, "")
    return collection[len(prefix) :] if collection.startswith(prefix) else None
