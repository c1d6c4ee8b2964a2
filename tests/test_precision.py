"""embedding.precision: bfloat16 weights give the same vectors to three digits, the index
records which precision computed its vectors, and `auto` follows the CPU."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from ingest.pipeline import ingest_paths
from onrecord.embeddings import load_embedder, resolve_precision
from onrecord.index.reader import IndexReader
from onrecord.settings import EmbeddingSettings, Settings
from tests.conftest import FIXTURES, MFA_FILE


def _passages() -> list[str]:
    text = MFA_FILE.read_text(encoding="utf-8")
    return [text[i : i + 700] for i in range(0, 14_000, 700)]


def cpu_flags() -> set[str]:
    """The CPU's flags as the kernel reports them (not as torch detects them: the expected
    value must not repeat the implementation's own expression)."""
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.is_file():
        pytest.skip("no /proc/cpuinfo on this system")
    for line in cpuinfo.read_text(encoding="utf-8").splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    pytest.skip("/proc/cpuinfo lists no CPU flags")


def test_auto_takes_bfloat16_exactly_when_the_cpu_has_bf16_instructions():
    has_bf16 = bool(cpu_flags() & {"avx512_bf16", "amx_bf16", "amx_tile"})
    assert resolve_precision("auto") == ("bfloat16" if has_bf16 else "float32")
    assert resolve_precision("auto", device="cuda") == "float32"
    assert resolve_precision("float32") == "float32"
    assert resolve_precision("bfloat16") == "bfloat16"


def test_bfloat16_vectors_match_float32_and_are_unit_length():
    texts = _passages()
    full = load_embedder(EmbeddingSettings(precision="float32"))
    half = load_embedder(EmbeddingSettings(precision="bfloat16"))
    assert (full.precision, half.precision) == ("float32", "bfloat16")
    assert next(half.model.parameters()).dtype == torch.bfloat16
    a, b = full.embed(texts), half.embed(texts)
    assert a.dtype == b.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(a * b, axis=1)
    assert cosines.min() >= 0.998
    assert not np.array_equal(a, b)  # the weights really ran in bfloat16
    # Same ranking of passages for a question as float32 gives.
    question = full.embed(["What did Lavrov say about the biological weapons convention?"])[0]
    assert np.argmax(a @ question) == np.argmax(b @ question)


def test_the_index_records_every_precision_its_vectors_came_from(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "generic" / "lavrov_cst_excerpt.txt", corpus)
    settings = Settings(index_dir=tmp_path / "index")
    settings.embedding = settings.embedding.model_copy(update={"precision": "float32"})
    assert not ingest_paths([corpus], settings, progress=False).failed
    reader = IndexReader.open(settings.index_dir, settings)
    assert reader.identity["embedding_precisions"] == ["float32"]
    shutil.copy(MFA_FILE, corpus)  # a new transcript, embedded in bfloat16 this time
    settings.embedding = settings.embedding.model_copy(update={"precision": "bfloat16"})
    assert not ingest_paths([corpus], settings, progress=False).failed
    reader = IndexReader.open(settings.index_dir, settings)
    assert reader.identity["embedding_precisions"] == ["bfloat16", "float32"]


@pytest.mark.parametrize("value", ["float16", "fp32", ""])
def test_an_unknown_precision_is_refused(value: str):
    with pytest.raises(ValueError, match="precision"):
        EmbeddingSettings(precision=value)
