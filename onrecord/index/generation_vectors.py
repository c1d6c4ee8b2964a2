"""Where a generation's vectors live: in its folder (embedded Chroma) or on a Chroma server.

In server mode the index folder keeps everything but the vectors (``CURRENT``, the writer
lock, and per generation the SQLite catalog with the full texts, the bm25s index and the
identity), and each generation's vectors are one server collection, named after the index
and the generation::

    index_dir/CHROMA_NAMESPACE     "3f9a1c2b7d4e": this index's prefix on the server
    index_dir/gen-000007/          catalog (meta "vectors" = {"collection": ...}), lexical/
    server: onrecord-3f9a1c2b7d4e-gen-000007

An ingest copies the current generation's collection into a new one, changes the copy,
checks it, and only then switches ``CURRENT`` (the same crash-safe switch as the folders).
A collection lives exactly as long as its generation folder: after each publish, and at
the start of each ingest, collections under this index's prefix whose folder is gone
(superseded, or left by a killed ingest) are deleted. The catalog records where its
vectors are, so a reader in the wrong mode gets a clear message instead of empty results.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from onrecord.index import layout
from onrecord.index.catalog import Catalog
from onrecord.index.chroma_server import connect, server_errors
from onrecord.index.identity import IndexMismatch
from onrecord.index.vectors import VectorStore
from onrecord.settings import Settings

META = "vectors"  # catalog meta key: {"collection": name} when the vectors are on a server
PAGE = 100  # collections listed per request


def check_vector_mode(recorded: dict | None, settings: Settings) -> None:
    """Refuse to use a generation's vectors from the other mode (``IndexMismatch``)."""
    if recorded and not settings.chroma_url:
        raise IndexMismatch(
            f"this index keeps its vectors on a Chroma server (collection "
            f"{recorded.get('collection')!r}): set ONRECORD_CHROMA_URL to that server."
        )
    if not recorded and settings.chroma_url:
        raise IndexMismatch(
            "this index keeps its vectors in its folder (embedded Chroma), but "
            "ONRECORD_CHROMA_URL is set: unset it, or move the index to the server with "
            "`onrecord ingest PATH --rebuild`."
        )


def open_for_reading(settings: Settings, generation: Path, catalog: Catalog) -> VectorStore:
    recorded = catalog.get_meta(META)
    check_vector_mode(recorded, settings)
    folder = layout.chroma_path(generation)
    if not recorded:
        return VectorStore(folder, create=False)
    return VectorStore(folder, create=False, settings=settings, name=recorded["collection"])


def open_for_writing(
    settings: Settings, index_dir: Path, generation: Path, catalog: Catalog
) -> VectorStore:
    """The new generation's store: the copied embedded folder, or a fresh server collection
    filled with the previous generation's vectors (``catalog`` is the new generation's copy)."""
    folder = layout.chroma_path(generation)
    if not settings.chroma_url:
        return VectorStore(folder)
    name = layout.collection_name(namespace(index_dir), generation.name)
    source = (catalog.get_meta(META) or {}).get("collection")
    # Recorded before the collection exists: whatever a kill leaves behind is findable.
    catalog.set_meta(META, {"collection": name})
    catalog.commit()
    store = VectorStore(folder, settings=settings, name=name, replace=True)
    if source:
        previous = VectorStore(folder, create=False, settings=settings, name=source)
        store.copy_from(previous, catalog.passage_ids())
    return store


def namespace(index_dir: Path) -> str:
    """This index's prefix on the server, created once (by an ingest holding the lock)."""
    path = layout.namespace_file(index_dir)
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    value = uuid.uuid4().hex[:12]
    tmp = layout.temp_file(path)
    tmp.write_text(value + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return value


def drop_unused_collections(settings: Settings, index_dir: Path) -> list[str]:
    """Delete this index's server collections whose generation folder no longer exists."""
    path = layout.namespace_file(index_dir)
    if not settings.chroma_url or not path.is_file():
        return []
    ours = path.read_text(encoding="utf-8").strip()
    client = connect(settings)
    with server_errors(settings.chroma_url):
        found = {n: layout.collection_generation(ours, n) for n in _collection_names(client)}
        unused = [n for n, g in found.items() if g is not None and not (index_dir / g).is_dir()]
        for name in unused:
            client.delete_collection(name)
    return unused


def _collection_names(client) -> list[str]:
    names: list[str] = []
    while True:
        page = client.list_collections(limit=PAGE, offset=len(names))
        names.extend(c.name for c in page)
        if len(page) < PAGE:
            return names
