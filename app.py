"""OnRecord's Streamlit chat: ask what officials said, read the verified quotes in context.

Only UI here: session state, layout, and the calls that tie the page to ``onrecord``. What
is shown is built by ``onrecord.ui`` (tested without a browser); answers come from
``onrecord.assistant``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from onrecord.embeddings import Embedder, load_embedder
from onrecord.index.generations import current_generation
from onrecord.index.identity import IndexMismatch
from onrecord.index.reader import IndexReader, IndexUnavailable
from onrecord.settings import EmbeddingSettings, Settings, load_settings
from onrecord.types import SearchFilters
from onrecord.ui import view
from onrecord.ui.asking import ask, make_assistant
from onrecord.ui.examples import example_questions
from onrecord.ui.export import conversation_markdown
from onrecord.ui.feedback import append_feedback, feedback_path, feedback_record
from onrecord.ui.filters import (
    TranscriptChoice,
    date_filter,
    index_bounds,
    speaker_options,
    transcript_choices,
    user_filters,
)
from onrecord.ui.render import escape_markdown
from onrecord.ui.session import Exchange, history_for
from onrecord.ui.status import LLM_HINT, secret_overrides, status_line

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
log = logging.getLogger("onrecord.app")
MAX_PASSAGES = 30


@dataclass
class IndexView:
    """An open index and what the page shows about it, built once per generation."""

    reader: IndexReader
    stats: dict
    transcripts: list[TranscriptChoice]
    examples: list[str]


@dataclass
class Pending:
    """A question asked by a button (an example, or "search without them")."""

    question: str
    auto_filters: bool = True
    replace_last: bool = False
    filters: SearchFilters | None = None
    k: int | None = None


@dataclass
class Choices:
    """What the sidebar says about the next question."""

    filters: SearchFilters = field(default_factory=SearchFilters)
    k: int | None = None
    mode: str = "quotes"


# --- heavy objects, once per process ---------------------------------------------------------
@st.cache_resource(show_spinner="Loading the embedding model…")
def get_embedder(model: str, device: str, batch_size: int) -> Embedder:
    """Seconds of work: loaded once per process and model."""
    return load_embedder(EmbeddingSettings(model=model, device=device, batch_size=batch_size))


@st.cache_resource(show_spinner="Opening the index…", max_entries=2)
def get_index(index_dir: str, generation: str, model: str) -> IndexView:
    """One reader per published generation: a finished ingest is picked up on the next run."""
    del generation  # part of the cache key only
    settings = load_settings(index_dir=Path(index_dir))
    settings.embedding.model = model
    reader = IndexReader.open(Path(index_dir), settings)
    stats = reader.stats()
    return IndexView(
        reader,
        stats,
        transcript_choices(reader.catalog, reader.docs),
        example_questions(reader.catalog.all_passages(), stats["speakers"]),
    )


# --- settings, index, state ------------------------------------------------------------------
def read_secret(name: str) -> object:
    """A Streamlit secret, or None (no secrets file is normal: never an error)."""
    try:
        return st.secrets.get(name)
    except Exception:  # StreamlitSecretNotFoundError, or a secrets file that does not parse
        return None


def open_index(settings: Settings, conversation: bool) -> IndexView | None:
    """The index view, or None after telling the user what is wrong and what to do."""
    generation = current_generation(settings.index_dir)
    try:
        if generation is None:
            raise IndexUnavailable(f"no index at {settings.index_dir}")
        index = get_index(str(settings.index_dir), generation.name, settings.embedding.model)
    except IndexUnavailable:
        index = None
    except IndexMismatch as err:
        st.error(f"This index cannot be used: {escape_markdown(str(err))}", icon=":material/block:")
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
    where = escape_markdown(str(settings.index_dir))
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
    return None


def state() -> dict:
    st.session_state.setdefault("exchanges", [])
    st.session_state.setdefault("pending", None)
    return st.session_state


def find_exchange(exchange_id: str) -> Exchange | None:
    return next((e for e in state()["exchanges"] if e.id == exchange_id), None)


# --- callbacks ---------------------------------------------------------------------------
def new_conversation() -> None:
    state()["exchanges"] = []
    state()["pending"] = None


def ask_example(question: str) -> None:
    state()["pending"] = Pending(question)


def drop_auto_filters(exchange_id: str) -> None:
    item = find_exchange(exchange_id)
    if item is not None:
        state()["pending"] = Pending(
            item.question, False, replace_last=True, filters=item.user_filters, k=item.k
        )


def save_feedback(exchange_id: str) -> None:
    item = find_exchange(exchange_id)
    if item is None or item.answer is None:
        return
    settings = current_settings()
    path = feedback_path(settings)
    try:
        append_feedback(path, feedback_record(item, st.session_state.get(f"feedback-{item.id}")))
    except OSError as err:
        st.toast(f"Feedback not saved: {escape_markdown(str(err))}", icon=":material/error:")
        return
    st.toast("Thanks: your rating is saved for review.", icon=":material/check:")


def current_settings() -> Settings:
    return load_settings(**secret_overrides(read_secret))


# --- layout ----------------------------------------------------------------------------------
def sidebar(index: IndexView | None, settings: Settings) -> tuple[Choices, DeltaGenerator]:
    """The sidebar's widgets, and a slot for the export button (filled once the page's
    answer is known, so the file includes it)."""
    choices = Choices()
    with st.sidebar:
        with st.container(horizontal=True, gap="small"):
            st.button(
                "New conversation",
                key="new-conversation",
                icon=":material/add_comment:",
                on_click=new_conversation,
            )
            export_slot = st.empty()
        if index is not None:
            choices = filter_widgets(index, settings)
        mode_widgets(settings, choices)
    return choices, export_slot


def export_button(slot: DeltaGenerator, exchanges: list[Exchange], header: str) -> None:
    if exchanges:
        slot.download_button(
            "Export",
            data=conversation_markdown(exchanges, header),
            file_name=f"onrecord-conversation-{datetime.now(UTC):%Y%m%d-%H%M}.md",
            mime="text/markdown",
            key="export-conversation",
            on_click="ignore",
            icon=":material/download:",
            help="The whole conversation as Markdown, with its sources",
        )


def filter_widgets(index: IndexView, settings: Settings) -> Choices:
    st.subheader("Filters")
    speakers = speaker_options(index.stats)
    speaker = st.selectbox("Speaker", list(speakers), key="speaker")
    bounds = index_bounds(index.stats)
    dates: object = None
    if bounds is not None:
        dates = st.date_input(
            "Dates",
            value=bounds,
            min_value=bounds[0],
            max_value=bounds[1],
            key="dates",
            format="DD/MM/YYYY",
        )
    labels = {c.label: c.doc_id for c in index.transcripts}
    picked = st.multiselect("Transcripts", list(labels), key="docs", placeholder="All transcripts")
    k = st.slider(
        "Passages to search",
        1,
        MAX_PASSAGES,
        min(settings.search.k, MAX_PASSAGES),
        key="k",
        help="How many passages are retrieved for each question.",
    )
    filters = user_filters(
        speakers[speaker], date_filter(dates, bounds), [labels[p] for p in picked]
    )
    return Choices(filters=filters, k=k)


def mode_widgets(settings: Settings, choices: Choices) -> None:
    if settings.llm_enabled() and settings.answer.mode != "quotes":
        st.subheader("Answers")
        use_llm = st.toggle(
            f"Written by {settings.llm.model}",
            value=True,
            key="use_llm",
            help="Off: answers made only of quotes, with no model.",
        )
        choices.mode = "llm" if use_llm else "quotes"
    else:
        with st.expander("LLM mode is off", icon=":material/key_off:"):
            st.markdown(LLM_HINT)


def export_header(index: IndexView | None, settings: Settings) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if index is None:
        return f"Exported {now}."
    stats = index.stats
    return (
        f"Exported {now} from an index of {stats['transcripts']} transcripts and "
        f"{stats['passages']} passages ({stats['date_range'][0]} to {stats['date_range'][1]})."
    )


def empty_page(index: IndexView, settings: Settings) -> None:
    st.markdown(
        "Ask what an official said at a press conference. Every answer is built from the "
        "speakers' **verbatim, verified quotes**, each with who said it, when, and where."
    )
    if index.examples:
        st.caption("Try one of these, drawn from the indexed transcripts:")
        with st.container(horizontal=True, gap="small"):
            for n, question in enumerate(index.examples):
                st.button(
                    escape_markdown(question),
                    key=f"example-{n}",
                    on_click=ask_example,
                    args=(question,),
                    icon=":material/chat:",
                )
    if not settings.llm_enabled():
        st.info(LLM_HINT, icon=":material/info:")


def answer_new(
    index: IndexView, settings: Settings, item: Exchange, mode: str, history: list[dict]
) -> None:
    """Ask and draw the answer in place (a model's words stream in, then are replaced)."""
    view.user_message(item.question)
    with st.chat_message("assistant"):
        show, slot = view.streaming_slot()
        embedder = get_embedder(
            settings.embedding.model, settings.embedding.device, settings.embedding.batch_size
        )
        assistant = make_assistant(settings, index.reader, embedder, item.auto_filters)
        try:
            with st.spinner("Searching the transcripts…"):
                ask(assistant, item, history, mode, on_text=show)
        except Exception as err:  # the index failed mid-question: say so, keep the chat
            log.exception("answering failed")
            item.error = (
                "The index could not be searched "
                f"({type(err).__name__}: {err}). Your conversation is kept; try again shortly."
            )
        slot.empty()
        view.answer_body(item, ACTIONS, last=True)


ACTIONS = view.Actions(feedback=save_feedback, drop_auto_filters=drop_auto_filters)


def main() -> None:
    st.set_page_config(page_title="OnRecord", page_icon=":material/format_quote:")
    session = state()
    settings = current_settings()
    exchanges: list[Exchange] = session["exchanges"]
    st.title("OnRecord", anchor=False)
    index = open_index(settings, conversation=bool(exchanges))
    choices, export_slot = sidebar(index, settings)
    if index is not None:
        st.caption(status_line(index.stats, choices.mode, settings.llm.model))
    prompt = st.chat_input(
        "Ask what an official said…", key="question", disabled=index is None, max_chars=2000
    )
    pending: Pending | None = session["pending"]
    session["pending"] = None
    if pending is not None and pending.replace_last and exchanges:
        exchanges.pop()
    asking = index is not None and bool(prompt or pending)
    if index is not None and not exchanges and not asking:
        empty_page(index, settings)
    for n, item in enumerate(exchanges):
        view.exchange(item, ACTIONS, last=n == len(exchanges) - 1 and not asking)
    if asking and index is not None:
        item = new_exchange(prompt, pending, choices)
        answer_new(index, settings, item, choices.mode, history_for(exchanges))
        exchanges.append(item)
    export_button(export_slot, exchanges, export_header(index, settings))
    if index is not None:  # warm the model after the page is drawn: the first answer is quicker
        get_embedder(
            settings.embedding.model, settings.embedding.device, settings.embedding.batch_size
        )


def new_exchange(prompt: str | None, pending: Pending | None, choices: Choices) -> Exchange:
    if prompt:
        return Exchange(prompt, choices.filters, choices.k)
    assert pending is not None
    return Exchange(
        pending.question,
        pending.filters or choices.filters,
        pending.k or choices.k,
        auto_filters=pending.auto_filters,
    )


main()
