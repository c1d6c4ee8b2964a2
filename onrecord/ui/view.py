"""Drawing one exchange with Streamlit: the answer, its source cards, the timeline, "Why this
answer?" and the feedback and export buttons. All text goes through ``render``: nothing
from a transcript or a model reaches the page as Markdown or HTML."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from onrecord.roles import GENERIC_QUESTION_LABELS
from onrecord.timeline_export import timeline_csv, timeline_markdown
from onrecord.types import Answer, Citation
from onrecord.ui import render
from onrecord.ui.check_view import check_body
from onrecord.ui.context import QuoteContext
from onrecord.ui.export import exchange_markdown
from onrecord.ui.session import Exchange
from onrecord.ui.timeline import picked_citation, timeline_chart, timeline_rows
from onrecord.ui.why_panel import why

CLOSEST_PASSAGES = 3
INTERRUPTED = "Not answered: the page changed while this question was being answered. Ask it again."


@dataclass(frozen=True)
class Actions:
    """Callbacks of the buttons under an answer; each receives the exchange id."""

    feedback: Callable[[str], None]
    drop_auto_filters: Callable[[str], None]


def user_message(question: str) -> None:
    with st.chat_message("user"):
        st.markdown(render.text_block(question))


def exchange(item: Exchange, actions: Actions, last: bool) -> None:
    user_message(item.question)
    with st.chat_message("assistant"):
        answer_body(item, actions, last)


def streaming_slot() -> tuple[Callable[[str], None], st.delta_generator.DeltaGenerator]:
    """A placeholder showing a model's words as they arrive (escaped like everything else);
    the verified answer replaces it."""
    slot = st.empty()

    def show(partial: str) -> None:
        slot.markdown(render.streaming_markdown(partial))

    return show, slot


def answer_body(item: Exchange, actions: Actions, last: bool) -> None:
    if item.error:
        st.error(render.escape_markdown(item.error), icon=":material/error:")
        return
    if item.check is not None:
        check_body(item)
        return
    if item.answer is None:
        st.info(INTERRUPTED, icon=":material/pause_circle:")
        return
    answer = item.answer
    warnings(answer.warnings)
    st.markdown(render.answer_markdown(answer.text))
    st.caption(answer_caption(item))
    if answer.auto_filters:
        auto_filter_note(item, actions, last)
    if answer.citations:
        sources(item)
    elif answer.passages:
        closest_passages(answer)
    also_from_events(answer)
    timeline(item)
    timeline_exports(item)
    why(item)
    action_row(item, actions)


def warnings(items: list[str]) -> None:
    if items:
        body = "\n".join(f"- {render.inline(w)}" for w in items)
        st.warning(body, icon=":material/warning:")


def answer_caption(item: Exchange) -> str:
    answer = item.answer
    assert answer is not None
    documents = len({c.doc_id for c in answer.citations})
    count = f"{len(answer.citations)} source{'s' * (len(answer.citations) != 1)}"
    where = f"{documents} transcript{'s' * (documents != 1)}"
    if answer.mode == "llm":
        model = render.escape_markdown(item.model or "the LLM")
        return (
            f":material/auto_awesome: Written by **{model}** · {count} from {where}, every "
            "quote checked word for word against the transcript"
        )
    if not answer.citations:
        return ":material/format_quote: Quotes mode · no quote answers this"
    if not answer.found:
        return (
            f":material/format_quote: Quotes mode · no passage clearly answers this · the "
            f"closest {count} from {where}, quoted verbatim"
        )
    return f":material/format_quote: Quotes mode · {count} from {where}, quoted verbatim"


def auto_filter_note(item: Exchange, actions: Actions, last: bool) -> None:
    assert item.answer is not None
    read = render.inline("; ".join(item.answer.auto_filters))
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.caption(f":material/filter_alt: Filters read from your question: {read}")
        if last:
            st.button(
                "Search without them",
                key=f"drop-auto-{item.id}",
                icon=":material/filter_alt_off:",
                type="tertiary",
                on_click=actions.drop_auto_filters,
                args=(item.id,),
            )


def sources(item: Exchange) -> None:
    assert item.answer is not None
    st.markdown("**Sources**")
    for citation in item.answer.citations:
        card(item, citation)


def card(item: Exchange, citation: Citation) -> None:
    with st.container(border=True, key=f"card-{item.id}-{citation.n}"):
        st.markdown(render.card_heading(citation))
        about = render.inline(citation.title)
        link = render.source_link("open at the quoted words", citation.url)
        st.caption(f"{about} · {link} :material/open_in_new:" if link else about)
        st.markdown(render.quote_markdown(citation.quote))
        context = item.contexts.get(citation.n)
        if context is not None:
            picked = picked_citation(st.session_state.get(chart_key(item))) == citation.n
            label = "The question and the whole answer"
            with st.expander(label, icon=":material/article:", expanded=picked):
                context_body(citation, context)


def context_body(citation: Citation, context: QuoteContext) -> None:
    if context.question:
        st.caption(
            f"{question_heading(context.question_label)}: a journalist's words, not the official's"
        )
        st.markdown(render.block_quote(context.question))
    st.caption(
        f"**{render.inline(context.label)}** ({context.role.value}), the whole answer; the "
        "quoted words are highlighted"
    )
    st.markdown(render.highlighted(context.turn_text, context.quote_start, context.quote_end))
    st.caption(
        f"Transcript {render.escape_markdown(citation.doc_id)}, characters "
        f"{citation.start}–{citation.end}"
    )


def question_heading(label: str) -> str:
    """``**Question**``, naming who asked when the transcript says more than "Question"."""
    words = label.strip().rstrip(":").strip()
    if not words or words.lower().split(" (")[0] in GENERIC_QUESTION_LABELS:
        return "**Question**"
    return f"**Question** from {render.inline(words)}"


def closest_passages(answer: Answer) -> None:
    with st.expander("Closest passages (they do not answer the question)"):
        for hit in answer.passages[:CLOSEST_PASSAGES]:
            st.markdown(
                f"**{render.inline(hit.speaker)}** · {render.display_date(hit.date)} · "
                f"{render.inline(hit.title)}"
            )
            st.markdown(render.block_quote(hit.text))


def also_from_events(answer: Answer) -> None:
    """The next best answers of the cited events, one line each, collapsed: where the ranker
    picked the wrong answer of the right press conference, the right one is usually here."""
    if not answer.also_from_events:
        return
    events = len({more.citation.doc_id for more in answer.also_from_events})
    label = "Also from " + ("these press conferences" if events > 1 else "this press conference")
    with st.expander(f"{label} ({len(answer.also_from_events)})", icon=":material/list:"):
        for more in answer.also_from_events:
            c = more.citation
            link = render.source_link("open", c.url)
            st.markdown(
                f"**{render.inline(c.who)}** · {render.display_date(c.date)}: "
                f"“{render.inline(c.quote)}”" + (f" · {link}" if link else "")
            )


def timeline(item: Exchange) -> None:
    """The cited statements on a time axis; hovering shows a quote, clicking opens its card."""
    assert item.answer is not None
    if not item.answer.found:
        return  # the closest quotes of a question nothing answers: no story to draw
    rows = timeline_rows(item.answer.citations)
    if rows:
        st.caption("When each cited statement was made (click a point to open its source)")
        chart = timeline_chart(rows)
        st.altair_chart(chart, width="stretch", on_select="rerun", key=chart_key(item))


def chart_key(item: Exchange) -> str:
    return f"chart-{item.id}"


def timeline_exports(item: Exchange) -> None:
    """Markdown and CSV downloads of an answer that is a timeline."""
    found = item.answer.timeline if item.answer is not None else None
    if not found or not found.entries:
        return
    with st.container(horizontal=True, gap="small"):
        for label, data, kind, ext in (
            ("Timeline (Markdown)", timeline_markdown(found), "text/markdown", "md"),
            ("Timeline (CSV)", timeline_csv(found), "text/csv", "csv"),
        ):
            st.download_button(
                label, data, file_name=f"onrecord-timeline.{ext}", mime=kind,
                key=f"timeline-{ext}-{item.id}", icon=":material/download:",
            )  # fmt: skip


def action_row(item: Exchange, actions: Actions) -> None:
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        st.feedback(
            "thumbs",
            key=f"feedback-{item.id}",
            on_change=actions.feedback,
            args=(item.id,),
        )
        st.download_button(
            "Export this answer",
            data=exchange_markdown(item),
            file_name=f"onrecord-answer-{item.id}.md",
            mime="text/markdown",
            key=f"export-{item.id}",
            on_click="ignore",
            icon=":material/download:",
            type="tertiary",
        )
