"""When each cited statement was made, by speaker: data and an Altair chart."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from onrecord.types import Citation

if TYPE_CHECKING:
    import altair as alt


PICK = "pick"  # the chart's click selection: the citation clicked, e.g. {"n": "[2]"}


def picked_citation(selection: Mapping | None) -> int | None:
    """The citation number clicked on the chart, from Streamlit's selection state
    (``{"selection": {"pick": [{"n": "[2]", ...}]}}``)."""
    for point in ((selection or {}).get("selection") or {}).get(PICK) or []:
        label = str(point.get("n", "")).strip("[]")
        if label.isdigit():
            return int(label)
    return None


def timeline_rows(citations: list[Citation]) -> list[dict]:
    """One row per dated citation; empty unless the citations span two dates or more."""
    rows = [
        {
            "n": f"[{c.n}]",
            "date": c.date,
            "speaker": c.speaker,
            "event": c.title if len(c.title) <= 80 else c.title[:79] + "…",
            "quote": c.quote if len(c.quote) <= 240 else c.quote[:239] + "…",
        }
        for c in citations
        if c.date
    ]
    return rows if len({row["date"] for row in rows}) >= 2 else []


def timeline_chart(rows: list[dict]) -> alt.LayerChart:
    """Dots on a time axis, one line per speaker, labelled with the citation numbers."""
    import altair as alt
    import pandas as pd

    speakers = sorted({row["speaker"] for row in rows})
    days = (date.fromisoformat(max(r["date"] for r in rows))
            - date.fromisoformat(min(r["date"] for r in rows))).days  # fmt: skip
    axis = alt.Axis(format="%Y" if days > 2 * 365 else "%b %Y", labelOverlap=True, grid=False)
    base = alt.Chart(pd.DataFrame(rows)).encode(
        x=alt.X("date:T", title=None, axis=axis, scale=alt.Scale(padding=28)),
        y=alt.Y("speaker:N", title=None, sort=speakers, axis=alt.Axis(labelLimit=180)),
        tooltip=[
            alt.Tooltip("n:N", title="source"),
            alt.Tooltip("speaker:N"),
            alt.Tooltip("date:T", format="%d %B %Y"),
            alt.Tooltip("event:N"),
            alt.Tooltip("quote:N"),
        ],
    )
    pick = alt.selection_point(name=PICK, fields=["n"], on="click")
    dots = (
        base.mark_circle(size=140, opacity=0.85)
        .encode(color=alt.Color("speaker:N", legend=None))
        .add_params(pick)
    )
    labels = base.mark_text(dy=-14, fontSize=11).encode(text="n:N")
    return (dots + labels).properties(height=60 + 40 * len(speakers))
