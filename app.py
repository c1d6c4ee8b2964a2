"""OnRecord's Streamlit chat: ask what officials said, read the verified quotes in context.

Only UI here: session state, layout, and the flow of one page run. What is shown is built
by ``onrecord.ui`` (tested without a browser); answers come from ``onrecord.assistant``.
"""

from __future__ import annotations

from onrecord.sqlite_guard import ensure_modern_sqlite

# First, before anything imports chromadb: Streamlit Community Cloud's SQLite is too old for it.
ensure_modern_sqlite()

import logging
import os
from dataclasses import dataclass

import streamlit as st

from onrecord.index.identity import IndexMismatch
from onrecord.settings import Settings
from onrecord.types import SearchFilters
from onrecord.ui import view
from onrecord.ui.feedback import append_feedback, feedback_path, feedback_record
from onrecord.ui.render import escape_markdown
from onrecord.ui.resources import (
    IndexView,
    ModelUnavailable,
    current_settings,
    get_embedder,
    open_index,
    start_embedder,
)
from onrecord.ui.session import Exchange, history_for
from onrecord.ui.sidebar import (
    CHECK_SPEAKER,
    CHECK_WORDS,
    OVER_TIME_TOPIC,
    Choices,
    export_button,
    sidebar,
)
from onrecord.ui.status import LLM_HINT, status_line

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
log = logging.getLogger("onrecord.app")


@dataclass
class Pending:
    """A question asked by a button (an example, or "search without them")."""

    question: str
    read_filters: bool = True
    replace_last: bool = False
    filters: SearchFilters | None = None
    k: int | None = None
    timeline_topic: str | None = None  # the sidebar's "Over time": a timeline of this topic
    check: tuple[str, str] | None = None  # the sidebar's "Check a quote": (words, speaker)


def state() -> dict:
    st.session_state.setdefault("exchanges", [])
    st.session_state.setdefault("pending", None)
    return st.session_state


def find_exchange(exchange_id: str) -> Exchange | None:
    return next((e for e in state()["exchanges"] if e.id == exchange_id), None)


# --- callbacks ---------------------------------------------------------------------------------
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


def show_timeline() -> None:
    """The sidebar's "Over time" box: a timeline question on its topic (the speaker filter
    of the sidebar applies)."""
    topic = " ".join(str(st.session_state.get(OVER_TIME_TOPIC) or "").split())
    if topic:
        question = f"How has the position on {topic} changed over time?"
        state()["pending"] = Pending(question, timeline_topic=topic)


def check_quote() -> None:
    """The sidebar's "Check a quote" box: a check of the pasted words (shown as asked)."""
    words = str(st.session_state.get(CHECK_WORDS) or "")
    speaker = " ".join(str(st.session_state.get(CHECK_SPEAKER) or "").split())
    shown = " ".join(words.split()) + (f" — {speaker}" if speaker else "")
    state()["pending"] = Pending(f"Check: {shown}", check=(words, speaker))


def save_feedback(exchange_id: str) -> None:
    item = find_exchange(exchange_id)
    if item is None or item.answer is None:
        return
    rating = st.session_state.get(f"feedback-{item.id}")
    try:
        append_feedback(feedback_path(current_settings()), feedback_record(item, rating))
    except OSError as err:
        st.toast(f"Feedback not saved: {escape_markdown(str(err))}", icon=":material/error:")
        return
    st.toast("Thanks: your rating is saved for review.", icon=":material/check:")


ACTIONS = view.Actions(feedback=save_feedback, drop_auto_filters=drop_auto_filters)


# --- the page ----------------------------------------------------------------------------------
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
    # Imported here: the answer engine pulls in the OpenAI client (~0.6 s), which the first
    # page view does not need.
    from onrecord.ui.asking import ask, make_assistant
    from onrecord.ui.checking import routed, run

    view.user_message(item.question)
    with st.chat_message("assistant"):
        show, slot = view.streaming_slot()
        try:
            embedder = get_embedder(settings)
            check = routed(item)
            if check is not None:  # a pasted quotation: checked, not answered
                with st.spinner("Checking the transcripts…"):
                    run(item, check, index.reader, settings, embedder)
            else:
                assistant = make_assistant(settings, index.reader, embedder)
                with st.spinner("Searching the transcripts…"):
                    ask(assistant, item, history, mode, on_text=show)
        except ModelUnavailable as err:
            item.error = str(err)
        except IndexMismatch as err:  # the model now loaded is not the one that built it
            item.error = f"This index cannot be used: {err}"
        except Exception as err:  # the index failed mid-question: say so, keep the chat
            log.exception("answering failed")
            item.error = (
                "The index could not be searched "
                f"({type(err).__name__}: {err}). Your conversation is kept; try again shortly."
            )
        slot.empty()
        view.answer_body(item, ACTIONS, last=True)


def new_exchange(prompt: str | None, pending: Pending | None, choices: Choices) -> Exchange:
    from onrecord.ui.checking import check_request

    if prompt:
        return Exchange(prompt, choices.filters, choices.k)
    assert pending is not None
    if pending.check is not None:
        words, speaker = pending.check
        request = check_request(words, speaker, choices.filters)
        return Exchange(pending.question, choices.filters, check_request=request)
    return Exchange(
        pending.question,
        pending.filters or choices.filters,
        pending.k or choices.k,
        read_filters=pending.read_filters,
        timeline_topic=pending.timeline_topic,
    )


def main() -> None:
    st.set_page_config(page_title="OnRecord", page_icon=":material/format_quote:")
    session = state()
    settings = current_settings()
    exchanges: list[Exchange] = session["exchanges"]
    st.title("OnRecord", anchor=False)
    index = open_index(settings, conversation=bool(exchanges))
    choices, export_slot = sidebar(index, settings, new_conversation, show_timeline, check_quote)
    if index is not None:
        st.caption(status_line(index.stats, choices.mode, settings.llm.model))
    prompt = st.chat_input(
        "Ask what an official said…",
        key="question",
        disabled=index is None,
        # One more than the limit: Streamlit cuts silently at max_chars, the assistant cuts at
        # the limit and says so, so an over-long paste is cut *with* a message.
        max_chars=settings.answer.max_question_chars + 1,
        submit_mode="disable",  # no second question while one is being answered
    )
    pending: Pending | None = session["pending"]
    session["pending"] = None
    asking = index is not None and bool(prompt or pending)
    if asking and pending is not None and pending.replace_last and exchanges:
        exchanges.pop()
    if index is not None and not exchanges and not asking:
        empty_page(index, settings)
    for n, item in enumerate(exchanges):
        latest = n == len(exchanges) - 1 and not asking and index is not None
        view.exchange(item, ACTIONS, last=latest)
    if asking and index is not None:
        item = new_exchange(prompt, pending, choices)
        history = history_for(exchanges)
        exchanges.append(item)  # first: a rerun that interrupts the answer keeps the question
        answer_new(index, settings, item, choices.mode, history)
    export_button(export_slot, exchanges, index)
    if index is not None:  # once the page is drawn, so that it does not slow the first render
        start_embedder(settings)


main()
