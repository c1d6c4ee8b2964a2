"""What the shells call: a check with the embedding model loaded only when needed."""

from __future__ import annotations

import numpy as np

from onrecord.check.engine import CheckRequest, check_quote
from onrecord.check.types import CheckResult
from onrecord.embeddings import Embedder, load_embedder
from onrecord.index.identity import check_identity
from onrecord.index.reader import IndexReader
from onrecord.settings import Settings


class LazyEmbed:
    """Loads the embedding model on the first call (a check that finds the exact words
    never needs it), checked against the index like any query."""

    def __init__(self, reader: IndexReader, settings: Settings) -> None:
        self.reader, self.settings = reader, settings
        self.embedder: Embedder | None = None

    def __call__(self, texts: list[str]) -> np.ndarray:
        if self.embedder is None:
            self.embedder = load_embedder(self.settings.embedding)
            check_identity(self.reader.identity or None, self.settings, self.embedder.dimension)
        return self.embedder.embed(texts)


def run_check(
    reader: IndexReader, request: CheckRequest, settings: Settings, embed=None
) -> CheckResult:
    """``check_quote`` with ``settings.check`` and, unless given, a lazily loaded model."""
    embed = embed or LazyEmbed(reader, settings)
    return check_quote(reader, request, settings.check, embed, settings.search.exact_dense_max)
