"""The "Why this answer?" panel under an answer: how the question was read, the search that
ran, the filters, the passages in rank order with their scores, the timings."""

from __future__ import annotations

import streamlit as st

from onrecord.ui import render
from onrecord.ui.filters import describe_filters
from onrecord.ui.session import Exchange
from onrecord.ui.why import passage_rows, reading_text, timing_text

PASSAGE_COLUMNS = ("rank", "cited", "speaker", "date", "relevance", "fused", "dense", "keyword")
PASSAGE_COLUMNS += ("text",)


def passage_columns() -> dict:
    """Narrow fixed columns (pixels) so the passage text gets the remaining room."""
    number = st.column_config.NumberColumn
    return {
        "rank": number("#", width=36),
        "cited": st.column_config.CheckboxColumn("cited", width=48),
        "speaker": st.column_config.TextColumn("speaker", width=130),
        "date": st.column_config.TextColumn("date", width=88),
        "relevance": number("relevance", format="%.3f", width=70, help="P(answers): the order"),
        "fused": number("fused", format="%.4f", width=62, help="Reciprocal-rank fusion"),
        "dense": number("dense", format="%.2f", width=54, help="Cosine similarity"),
        "keyword": number("keyword", format="%.1f", width=62, help="BM25"),
        "text": st.column_config.TextColumn("passage", width="large"),
    }


def why(item: Exchange) -> None:
    answer = item.answer
    assert answer is not None
    with st.expander("Why this answer?", icon=":material/manage_search:"):
        if answer.reading is not None:
            st.markdown(
                "**How the question was read:** " + render.inline(reading_text(answer.reading))
            )
        st.caption("The search that was run (after follow-up rewriting)")
        st.code(answer.query, language=None, wrap_lines=True)
        yours = describe_filters(item.user_filters)
        st.markdown(
            "**Your filters:** "
            + (render.inline("; ".join(yours)) if yours else "none")
            + "  \n**Read from the question:** "
            + (render.inline("; ".join(answer.auto_filters)) if answer.auto_filters else "none")
            + "  \n**Searched with:** "
            + (render.inline("; ".join(describe_filters(answer.filters))) or "no filter")
        )
        st.caption(f"{len(answer.passages)} passages retrieved, best first")
        if answer.passages:
            st.dataframe(
                passage_rows(answer),
                hide_index=True,
                width="stretch",
                column_order=PASSAGE_COLUMNS,
                column_config=passage_columns(),
            )
        st.caption("Timings: " + timing_text(answer.timings))
        if answer.usage:
            used = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in answer.usage.items())
            st.caption(f"LLM tokens: {used}")
