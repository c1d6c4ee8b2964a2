"""An ``Embedder`` that remembers vectors in SQLite, so benchmark re-runs do not re-embed.

Vectors are keyed by sha256(model name, text), the name carrying the precision unless it is
float32 (so the float32 vectors of earlier runs stay valid): a re-run, or a run after only
some passage texts changed, embeds only the texts never seen with that model. ``calls``
counts only the calls that reached the real model.

    embedder = CachedEmbedder(load_embedder(EmbeddingSettings()), Path("bench/out/cache.sqlite3"))
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from onrecord.embeddings import Embedder

LOOKUP_BATCH = 500  # keys per SELECT (under SQLite's default limit on bound parameters)
_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
_SELECT = "SELECT key, vector FROM vectors WHERE key IN (SELECT value FROM json_each(?))"
_INSERT = "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)"


def cache_key(model: str, text: str) -> str:
    """sha256 of the model name and the text (NUL-separated, so the pair is unambiguous)."""
    digest = hashlib.sha256(model.encode("utf-8"))
    digest.update(b"\0")
    digest.update(text.encode("utf-8", errors="surrogatepass"))
    return digest.hexdigest()


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class CachedEmbedder:
    """Same interface as ``Embedder``; wraps a real one and a SQLite file of vectors."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.precision = inner.precision
        self._key_name = (
            inner.name if inner.precision == "float32" else (f"{inner.name}@{inner.precision}")
        )
        self.dimension = inner.dimension
        self.calls = 0
        self.hits = 0
        self.misses = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute(_SCHEMA)
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Normalised float32 vectors, one row per text, from the cache or the real model."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        keys = [cache_key(self._key_name, text) for text in texts]
        found = self._lookup(set(keys))
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
        self.hits += len(texts) - sum(1 for key in keys if key in missing)
        if missing:
            found |= self._embed_and_store(missing)
        for row, key in enumerate(keys):
            out[row] = found[key]
        return out

    def count_tokens(self, texts: list[str]) -> int:
        return self.inner.count_tokens(texts)

    def _lookup(self, keys: set[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for batch in _batches(sorted(keys), LOOKUP_BATCH):
            for key, blob in self.db.execute(_SELECT, (json.dumps(batch),)):
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (self.dimension,):
                    found[key] = vector
        return found

    def _embed_and_store(self, missing: dict[str, str]) -> dict[str, np.ndarray]:
        keys = list(missing)
        vectors = np.asarray(self.inner.embed([missing[key] for key in keys]), dtype=np.float32)
        self.calls += 1
        self.misses += len(keys)
        with self.db:
            self.db.executemany(
                _INSERT, [(key, vectors[i].tobytes()) for i, key in enumerate(keys)]
            )
        return {key: vectors[i] for i, key in enumerate(keys)}
