"""The sidebar: new conversation, export, filters and the answer mode."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from onrecord.settings import Settings
from onrecord.types import SearchFilters
from onrecord.ui.export import conversation_markdown
from onrecord.ui.filters import date_filter, index_bounds, speaker_options, user_filters
from onrecord.ui.render import escape_markdown
from onrecord.ui.resources import IndexView
from onrecord.ui.session import Exchange
from onrecord.ui.status import LLM_HINT

MAX_PASSAGES = 30


@dataclass
class Choices:
    """What the sidebar says about the next question."""

    filters: SearchFilters = field(default_factory=SearchFilters)
    k: int | None = None
    mode: str = "quotes"


def sidebar(
    index: IndexView | None,
    settings: Settings,
    new_conversation: Callable[[], None],
    show_timeline: Callable[[], None] = lambda: None,
    check_quote: Callable[[], None] = lambda: None,
) -> tuple[Choices, DeltaGenerator]:
    """The sidebar's widgets, and a slot for the export button (filled once the page's
    answer is known, so that the file includes it)."""
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
            over_time_widgets(show_timeline)
            check_widgets(check_quote)
        mode_widgets(settings, choices)
    return choices, export_slot


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


OVER_TIME_TOPIC = "over-time-topic"


def over_time_widgets(show_timeline: Callable[[], None]) -> None:
    """A topic box: the chosen speaker's words on it, one entry per event, oldest first."""
    st.subheader("Over time")
    st.text_input("Topic", key=OVER_TIME_TOPIC, placeholder="e.g. NATO, gas prices")
    st.button(
        "Show how it moved", key="over-time", icon=":material/timeline:", on_click=show_timeline
    )


CHECK_WORDS, CHECK_SPEAKER = "check-words", "check-speaker"


def check_widgets(check_quote: Callable[[], None]) -> None:
    """A box for pasted words and who is said to have said them: the archive's verdict."""
    st.subheader("Check a quote")
    st.text_area("Words", key=CHECK_WORDS, placeholder="Paste the quotation", height=90)
    st.text_input("Said by (optional)", key=CHECK_SPEAKER, placeholder="a name or an office")
    st.button("Check", key="check-quote", icon=":material/fact_check:", on_click=check_quote)


def mode_widgets(settings: Settings, choices: Choices) -> None:
    """A switch for the LLM when a key is set; otherwise how to enable LLM mode."""
    if settings.llm_enabled() and settings.answer.mode != "quotes":
        st.subheader("Answers")
        use_llm = st.toggle(
            f"Written by {escape_markdown(settings.llm.model)}",
            value=True,
            key="use_llm",
            help="Off: answers made only of quotes, with no model.",
        )
        choices.mode = "llm" if use_llm else "quotes"
    else:
        with st.expander("LLM mode is off", icon=":material/key_off:"):
            st.markdown(LLM_HINT)


def export_button(slot: DeltaGenerator, exchanges: list[Exchange], index: IndexView | None) -> None:
    if exchanges:
        slot.download_button(
            "Export",
            data=conversation_markdown(exchanges, export_header(index)),
            file_name=f"onrecord-conversation-{datetime.now(UTC):%Y%m%d-%H%M}.md",
            mime="text/markdown",
            key="export-conversation",
            on_click="ignore",
            icon=":material/download:",
            help="The whole conversation as Markdown, with its sources",
        )


def export_header(index: IndexView | None) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if index is None:
        return f"Exported {now}."
    stats = index.stats
    return (
        f"Exported {now} from an index of {stats['transcripts']} transcripts and "
        f"{stats['passages']} passages ({stats['date_range'][0]} to {stats['date_range'][1]})."
    )
