"""Shared fixtures: real transcripts, the real embedding model, real Chroma indexes."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from filelock import FileLock

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from onrecord.embeddings import load_embedder
from onrecord.settings import EmbeddingSettings, Settings
from tests.support.chroma_server import (  # noqa: F401 - fixtures, used by name
    chroma_server,
    module_chroma_server,
    onrecord_cli,
)
from tests.support.fake_openai import FakeOpenAI
from tests.support.replies import reading_like_the_rules

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "data"
# Transcripts for the attribution tests (test_attribution_invariant.py, test_labels.py,
# test_registry.py), kept out of the fixture corpus the index fixtures ingest.
# Transcripts named in issue 24 (attribution cases and refused pages), apart from the fixture
# corpus that the index fixtures ingest whole.
ATTRIBUTION = REPO / "tests" / "attribution_data"
NOT_IN_FIXTURE_CORPUS = shutil.ignore_patterns("README.md")
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
    shutil.copytree(FIXTURES, target, ignore=NOT_IN_FIXTURE_CORPUS)
    return target


def _built_once(name: str, factory: pytest.TempPathFactory, build: Callable[[Path], None]) -> Path:
    """An index ``build`` writes once per test run, whatever the number of pytest-xdist
    workers: the first worker builds it under a file lock, every worker then works on its own
    copy (two processes must not open one Chroma folder). Without xdist: built in place, as
    the folder above the base temp is then shared by every run, not by one run's workers."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        target = factory.mktemp(name)
        build(target)
        return target
    shared = factory.getbasetemp().parent / f"shared-{name}"
    with FileLock(f"{shared}.lock"):
        if not (shared / ".built").is_file():
            shutil.rmtree(shared, ignore_errors=True)
            shared.mkdir()
            build(shared)
            (shared / ".built").touch()
    copy = factory.mktemp(name)
    shutil.copytree(shared, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".built"))
    return copy


def _ingest_into(sources: Path, embedder) -> Callable[[Path], None]:
    def build(index_dir: Path) -> None:
        from ingest.pipeline import ingest_paths

        settings = make_settings(index_dir)
        report = ingest_paths([sources], settings, embedder=embedder, progress=False)
        assert not report.failed, report.failed

    return build


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """An index of the fixture transcripts, built once; tests must not write to it."""
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copytree(FIXTURES, corpus, dirs_exist_ok=True, ignore=NOT_IN_FIXTURE_CORPUS)
    return _built_once("index", tmp_path_factory, _ingest_into(corpus, embedder))


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The bundled sample corpus (44 transcripts), indexed once; tests must not write to it."""
    return _built_once("sample-index", tmp_path_factory, _ingest_into(SAMPLE, embedder))


@pytest.fixture
def index_copy(built_index: Path, tmp_path: Path) -> Path:
    """A writable copy of the fixture index (an ingest may publish into it; feedback is
    written next to it)."""
    target = tmp_path / "index"
    shutil.copytree(built_index, target)
    return target


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A started local OpenAI-compatible server whose question reader reads as the rules do
    (set ``fake_openai.reader`` to test the reading itself)."""
    with FakeOpenAI() as server:
        server.reader = reading_like_the_rules
        yield server
