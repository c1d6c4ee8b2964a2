"""Dense vectors in Chroma: embedded (``PersistentClient`` in the generation folder) or on a
Chroma server (``HttpClient``, when ``settings.chroma_url`` is set). Chroma never embeds
anything itself.

Chroma's default embedding function downloads a model, so every collection is opened with
``embedding_function=None`` and given vectors computed by our own ``Embedder``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext, suppress
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from onrecord.index import chroma_server
from onrecord.settings import Settings
from onrecord.types import Passage

COLLECTION = "passages"
COPY_BATCH = 1000  # vectors per request when copying a collection on the server


def open_client(settings: Settings | None, folder: Path) -> chromadb.ClientAPI:
    """The Chroma server's client when ``settings.chroma_url`` is set, else the embedded
    client persisting in ``folder``."""
    if settings is not None and settings.chroma_url:
        return chroma_server.connect(settings)
    return chromadb.PersistentClient(
        path=str(folder), settings=ChromaSettings(anonymized_telemetry=False)
    )


def date_number(iso: str | None) -> int:
    """``2020-05-26`` -> 20200526 (0 when unknown), for range filters in Chroma."""
    return int(iso.replace("-", "")) if iso else 0


class VectorStore:
    """One collection of passage vectors: ``passages`` in an embedded generation folder, or
    the collection ``name`` on the server. ``replace`` starts that collection afresh."""

    def __init__(
        self,
        folder: Path,
        create: bool = True,
        *,
        settings: Settings | None = None,
        name: str = COLLECTION,
        replace: bool = False,
    ) -> None:
        self.url = settings.chroma_url if settings is not None else None
        self.name = name
        self.client = open_client(settings, folder)
        with self.errors():
            if replace:
                self._drop(name)
            if create:
                self.collection = self.client.get_or_create_collection(
                    name, embedding_function=None, metadata={"hnsw:space": "cosine"}
                )
            else:
                self.collection = self._existing(name)

    def _existing(self, name: str) -> chromadb.Collection:
        from chromadb.errors import NotFoundError

        try:
            return self.client.get_collection(name, embedding_function=None)
        except NotFoundError as err:
            if not self.url:
                raise
            raise chroma_server.VectorServerUnavailable(
                f"the Chroma server at {chroma_server.shown_url(self.url)} has no collection "
                f"{name!r}, which this index generation was built into: is it the server "
                "(and `--path`) the index was built on? Else re-ingest with `--rebuild`."
            ) from err

    def _drop(self, name: str) -> None:
        from chromadb.errors import NotFoundError

        with suppress(NotFoundError):
            self.client.delete_collection(name)

    def errors(self) -> AbstractContextManager[None]:
        """Server errors as ``VectorServerUnavailable`` with a message (embedded: as they are)."""
        return chroma_server.server_errors(self.url) if self.url else nullcontext()

    def describe(self) -> dict:
        """Where the vectors live, for ``info`` (never with credentials)."""
        if not self.url:
            return {"backend": "embedded"}
        return {
            "backend": "server",
            "url": chroma_server.shown_url(self.url),
            "collection": self.name,
        }

    def batches(self, n: int, limit: int | None = None) -> Iterator[slice]:
        with self.errors():
            size = self.client.get_max_batch_size()
        size = min(size, limit) if limit else size
        for start in range(0, n, size):
            yield slice(start, min(n, start + size))

    def copy_from(self, source: VectorStore, ids: list[str]) -> None:
        """Copy the vectors and metadata of ``ids`` from ``source`` (another collection)."""
        for part in self.batches(len(ids), COPY_BATCH):
            with self.errors():
                got = source.collection.get(ids=ids[part], include=["embeddings", "metadatas"])
                if got["ids"]:
                    self.collection.add(
                        ids=got["ids"], embeddings=got["embeddings"], metadatas=got["metadatas"]
                    )

    def add(self, passages: list[Passage], vectors: np.ndarray) -> None:
        for part in self.batches(len(passages)):
            chunk = passages[part]
            with self.errors():
                self.collection.add(
                    ids=[p.id for p in chunk],
                    embeddings=vectors[part],
                    metadatas=[
                        {
                            "doc_id": p.doc_id,
                            "speaker": p.speaker,
                            "role": p.role.value,
                            "date": date_number(p.date),
                        }
                        for p in chunk
                    ],
                )

    def delete(self, ids: list[str]) -> None:
        for part in self.batches(len(ids)):
            with self.errors():
                self.collection.delete(ids=ids[part])

    def existing(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for part in self.batches(len(ids)):
            with self.errors():
                found.update(self.collection.get(ids=ids[part], include=[])["ids"])
        return found

    def count(self) -> int:
        with self.errors():
            return self.collection.count()

    def query(self, vector: np.ndarray, k: int, where: dict | None) -> list[tuple[str, float]]:
        """Top ``k`` (id, cosine similarity)."""
        k = min(k, self.count())
        if k == 0:
            return []
        with self.errors():
            result = self.collection.query(
                query_embeddings=vector.reshape(1, -1),
                n_results=k,
                where=where,
                include=["distances"],
            )
        return [
            (pid, 1.0 - dist)
            for pid, dist in zip(result["ids"][0], result["distances"][0], strict=True)
        ]
