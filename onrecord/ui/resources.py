"""What the page loads once per process (``st.cache_resource``): the open index with what
the page shows about it, and the embedding model; plus the settings, secrets included.

A finished ingest is picked up without a restart: its generation opens in the background
while the sessions answer from the one in service (``index_switch.py``). The model loads in
a background thread once the first page is drawn (importing torch takes seconds). What is
loaded is then frozen out of the cycle collector's way (``memory.py``).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from onrecord.embeddings import Embedder, load_embedder
from onrecord.index.chroma_server import VectorServerUnavailable
from onrecord.index.deploy import DeployIndexError, install_artifact, pending_artifact
from onrecord.index.generations import IndexBusy, current_generation
from onrecord.index.identity import IndexMismatch
from onrecord.index.open import open_checked_index
from onrecord.index.probe import IndexDamaged
from onrecord.index.reader import IndexReader, IndexUnavailable
from onrecord.settings import EmbeddingSettings, Settings, load_settings
from onrecord.ui import memory
from onrecord.ui.examples import example_questions
from onrecord.ui.filters import TranscriptChoice, transcript_choices
from onrecord.ui.index_switch import GenerationSwitch
from onrecord.ui.render import escape_markdown
from onrecord.ui.status import secret_overrides

log = logging.getLogger(__name__)


@dataclass
class IndexView:
    """An open index and what the page shows about it, built once per generation."""

    reader: IndexReader
    stats: dict
    transcripts: list[TranscriptChoice]
    examples: list[str]


class ModelUnavailable(Exception):
    """The embedding model could not be loaded; ``str(err)`` says why."""


def read_secret(name: str) -> object:
    """A Streamlit secret, or None (no secrets file is normal: never an error)."""
    try:
        return st.secrets.get(name)
    except Exception:  # StreamlitSecretNotFoundError, or a secrets file that does not parse
        return None


def current_settings() -> Settings:
    """Settings from the environment, with the API key and base URL from secrets if set."""
    return load_settings(**secret_overrides(read_secret))


def open_view(index_dir: str, model: str) -> IndexView:
    """The published generation's reader and what the page shows about it, opened only after
    a child process has read it safely."""
    reader = open_checked_index(
        load_settings(index_dir=Path(index_dir), embedding={"model": model})
    )
    stats = reader.stats()
    return IndexView(
        reader,
        stats,
        transcript_choices(reader.catalog, reader.docs),
        example_questions(reader.catalog.all_passages(), stats["speakers"]),
    )


@st.cache_resource(show_spinner=False)
def index_switch(index_dir: str, model: str) -> GenerationSwitch[IndexView]:
    """One per index folder and model for the whole process: every session answers from the
    generation in service while a newer one opens (``onrecord/ui/index_switch.py``)."""
    return GenerationSwitch(lambda generation: open_view(index_dir, model))


def get_index(settings: Settings, generation: str) -> IndexView:
    """The view to answer from; a newer generation that could not be opened is said."""
    switch = index_switch(str(settings.index_dir), settings.embedding.model)
    if switch.serving() is None:
        with st.spinner("Opening the index…"):
            return switch.view(generation)
    view = switch.view(generation)
    if (failure := switch.failure(generation)) is not None:  # logged once by the switch
        st.warning(
            f"The newest index is unavailable ({escape_markdown(str(failure))}); answers come "
            f"from the previous one ({view.stats['transcripts']:,} transcripts) until it can "
            "be opened.",
            icon=":material/history:",
        )
    return view


def install_deploy_index(settings: Settings) -> bool:
    """Install the deploy artifact when the index folder needs it (at every wake on Streamlit
    Community Cloud, whose disk starts empty). False after telling the user why it cannot be
    used; a changed artifact that fails its checks leaves an installed one in service."""
    artifact = pending_artifact(settings)
    if artifact is None:
        return True
    serving = current_generation(settings.index_dir) is not None
    try:
        with st.spinner("Installing the deployed index…"):
            manifest = install_artifact(artifact, settings)
    except Exception as err:  # refused, busy, unwritable, or unexpected: a message, no traceback
        known = isinstance(err, DeployIndexError | IndexBusy | OSError)
        log.log(logging.WARNING if known else logging.ERROR, "deploy index not installed: %s", err)
        message = escape_markdown(str(err) if known else f"{type(err).__name__}: {err}")
        if serving:
            st.warning(f"The deploy index was not updated: {message}", icon=":material/warning:")
            return True
        st.error(f"The deployed index cannot be used: {message}", icon=":material/block:")
        return False
    if manifest is not None:
        log.info("installed deploy index %s (sha256 %s)", artifact, manifest["sha256"][:12])
    return True


def open_index(settings: Settings, conversation: bool) -> IndexView | None:
    """The index view, or None after telling the user what is wrong and what to do."""
    if not install_deploy_index(settings):
        return None
    generation = current_generation(settings.index_dir)
    try:
        if generation is None:
            raise IndexUnavailable(f"no index at {settings.index_dir}")
        index = get_index(settings, generation.name)
    except IndexUnavailable:
        index = None
    except IndexMismatch as err:
        st.error(f"This index cannot be used: {escape_markdown(str(err))}", icon=":material/block:")
        return None
    except VectorServerUnavailable as err:  # not cached: the next page run tries again
        st.error(
            f"The index cannot be read right now: {escape_markdown(str(err))}",
            icon=":material/cloud_off:",
        )
        return None
    except IndexDamaged as err:
        kept = " Your conversation is kept below." if conversation else ""
        st.error(
            f"The index is unavailable: {escape_markdown(str(err))}{kept}",
            icon=":material/broken_image:",
        )
        return None
    except Exception as err:  # a damaged or unreadable index: a message, never a traceback
        log.exception("opening the index failed")
        st.error(
            f"The index could not be opened ({type(err).__name__}: {escape_markdown(str(err))}).",
            icon=":material/error:",
        )
        return None
    if index is not None and index.stats["transcripts"]:
        return index
    missing(settings.index_dir, conversation)
    return None


def missing(index_dir: Path, conversation: bool) -> None:
    """Say that there is no index: how to build one, or (mid-conversation) that it went away."""
    where = escape_markdown(str(index_dir))
    if conversation:
        st.error(
            f"The index at `{where}` is not available right now. Your conversation is kept "
            "below; reload the page when the index is back.",
            icon=":material/cloud_off:",
        )
    else:
        st.info(
            f"The index at `{where}` is empty. Add transcripts with "
            f"`onrecord ingest PATH --index {where}` (or `make index` for the bundled "
            "sample), then reload this page.",
            icon=":material/inbox:",
        )


@st.cache_resource(show_spinner=False)
def embedder_loading(model: str, device: str, batch_size: int) -> Future[Embedder]:
    """The model, loading in a background thread."""
    settings = EmbeddingSettings(model=model, device=device, batch_size=batch_size)
    return ThreadPoolExecutor(1, thread_name_prefix="embedder").submit(_load_settled, settings)


def _load_settled(settings: EmbeddingSettings) -> Embedder:
    embedder = load_embedder(settings)
    memory.settle()  # the model's objects out of the collector's way (memory.py)
    return embedder


def start_embedder(settings: Settings) -> Future[Embedder]:
    e = settings.embedding
    return embedder_loading(e.model, e.device, e.batch_size)


def get_embedder(settings: Settings) -> Embedder:
    """The loaded model (waiting for it if needed); a failed load is retried next time."""
    future = start_embedder(settings)
    try:
        if future.done():
            return future.result()
        with st.spinner("Loading the embedding model…"):
            return future.result()
    except Exception as err:
        embedder_loading.clear()
        raise ModelUnavailable(
            f"The embedding model {settings.embedding.model!r} could not be loaded "
            f"({type(err).__name__}: {err})."
        ) from err
