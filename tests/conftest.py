"""Shared fixtures: real transcripts, the real embedding model, real Chroma indexes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from onrecord.embeddings import load_embedder
from onrecord.settings import EmbeddingSettings, Settings
from tests.chroma_server import (  # noqa: F401 - fixtures, used by name
    chroma_server,
    module_chroma_server,
    onrecord_cli,
)
from tests.fake_openai import fake_openai  # noqa: F401 - a fixture, used by name

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "data"
SAMPLE = REPO / "data" / "sample"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
MFA_FILE = FIXTURES / "mfa" / "000_5c9d7a97ec4f11db.txt"


@pytest.fixture(scope="session")
def embedder():
    """The real bundled model, loaded once per test session."""
    return load_embedder(EmbeddingSettings())


def make_settings(index_dir: Path, **overrides: object) -> Settings:
    return Settings(index_dir=index_dir, **overrides)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the fixture transcripts (MFA, Kremlin, White House, generic)."""
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURES, target, ignore=shutil.ignore_patterns("README.md"))
    return target


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """An index of the fixture transcripts, built once; tests must not write to it."""
    from ingest.pipeline import ingest_paths

    index_dir = tmp_path_factory.mktemp("index")
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copytree(FIXTURES, corpus, dirs_exist_ok=True)
    report = ingest_paths([corpus], make_settings(index_dir), embedder=embedder, progress=False)
    assert not report.failed, report.failed
    return index_dir


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The bundled sample corpus (44 transcripts), indexed once; tests must not write to it."""
    from ingest.pipeline import ingest_paths

    index_dir = tmp_path_factory.mktemp("sample-index")
    report = ingest_paths([SAMPLE], make_settings(index_dir), embedder=embedder, progress=False)
    assert not report.failed, report.failed
    return index_dir
