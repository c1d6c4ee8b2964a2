"""Dense vectors in Chroma (embedded ``PersistentClient``); Chroma never embeds anything itself.

Chroma's default embedding function downloads a model, so every collection is opened with
``embedding_function=None`` and given vectors computed by our own ``Embedder``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from onrecord.types import Passage

COLLECTION = "passages"


def open_client(folder: Path) -> chromadb.ClientAPI:
    return chromadb.PersistentClient(
        path=str(folder), settings=ChromaSettings(anonymized_telemetry=False)
    )


def date_number(iso: str | None) -> int:
    """``2020-05-26`` -> 20200526 (0 when unknown), for range filters in Chroma."""
    return int(iso.replace("-", "")) if iso else 0


class VectorStore:
    def __init__(self, folder: Path, create: bool = True) -> None:
        self.client = open_client(folder)
        if create:
            self.collection = self.client.get_or_create_collection(
                COLLECTION, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        else:
            self.collection = self.client.get_collection(COLLECTION, embedding_function=None)

    def batches(self, n: int) -> Iterator[slice]:
        size = self.client.get_max_batch_size()
        for start in range(0, n, size):
            yield slice(start, min(n, start + size))

    def add(self, passages: list[Passage], vectors: np.ndarray) -> None:
        for part in self.batches(len(passages)):
            chunk = passages[part]
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
            self.collection.delete(ids=ids[part])

    def existing(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for part in self.batches(len(ids)):
            found.update(self.collection.get(ids=ids[part], include=[])["ids"])
        return found

    def count(self) -> int:
        return self.collection.count()

    def query(self, vector: np.ndarray, k: int, where: dict | None) -> list[tuple[str, float]]:
        """Top ``k`` (id, cosine similarity)."""
        k = min(k, self.count())
        if k == 0:
            return []
        result = self.collection.query(
            query_embeddings=vector.reshape(1, -1), n_results=k, where=where, include=["distances"]
        )
        return [
            (pid, 1.0 - dist)
            for pid, dist in zip(result["ids"][0], result["distances"][0], strict=True)
        ]
