"""A timeline as the user takes it away: JSON (``onrecord timeline --json``), plain text,
Markdown and CSV (date, speaker, event, quote, url). Pure functions."""

from __future__ import annotations

import csv
import io
import textwrap

from onrecord.constants import NOT_FOUND
from onrecord.quotes_answer import human_date
from onrecord.types import Timeline

CSV_COLUMNS = ("date", "speaker", "event", "quote", "url")


def scope(timeline: Timeline) -> str:
    """ "NATO, Vladimir Putin, since 2014-01-01": what was searched, in one line."""
    parts = [timeline.topic]
    if timeline.filters.speaker:
        parts.append(timeline.filters.speaker)
    if timeline.filters.since:
        parts.append(f"since {timeline.filters.since}")
    if timeline.filters.until:
        parts.append(f"until {timeline.filters.until}")
    return ", ".join(parts)


def completeness(timeline: Timeline) -> str:
    """How many events matched out of how many transcripts searched."""
    events = "event" if timeline.events_matched == 1 else "events"
    return (
        f"{timeline.events_matched} {events} matched; "
        f"{timeline.transcripts_searched} transcripts searched"
    )


def timeline_dict(timeline: Timeline) -> dict:
    """The ``--json`` payload: the query and filters used, the counts, the entries."""
    filters = timeline.filters
    return {
        "topic": timeline.topic,
        "filters": {"speaker": filters.speaker, "since": filters.since, "until": filters.until},
        "events_matched": timeline.events_matched,
        "transcripts_searched": timeline.transcripts_searched,
        "entries": [
            {
                "n": e.citation.n,
                "date": e.date,
                "doc_id": e.citation.doc_id,
                "title": e.citation.title,
                "speaker": e.citation.speaker,
                "office": e.citation.office,
                "quote": e.citation.quote,
                "start": e.citation.start,
                "end": e.citation.end,
                "url": e.citation.url,
                "verified": e.citation.verified,
                "question": e.question,
                "relevance": round(e.relevance, 4),
            }
            for e in timeline.entries
        ],
    }


def timeline_text(timeline: Timeline) -> str:
    """``onrecord timeline`` without ``--json``."""
    lines = [f"Timeline: {scope(timeline)} ({completeness(timeline)})"]
    if not timeline.entries:
        return "\n".join([*lines, "", NOT_FOUND])
    for entry in timeline.entries:
        c = entry.citation
        lines += ["", f"{human_date(c.date)} · {c.who} · {c.title}", f"  “{c.quote}” [{c.n}]"]
        if entry.question:
            lines.append(f"  asked: {textwrap.shorten(entry.question, 200)}")
        lines.append(f"  {c.doc_id} [{c.start}:{c.end}]" + (f" · {c.url}" if c.url else ""))
    return "\n".join(lines)


def timeline_markdown(timeline: Timeline) -> str:
    """The timeline as a Markdown document: a heading, then one section per event."""
    lines = [f"# Timeline: {scope(timeline)}", "", f"_{completeness(timeline)}._"]
    if not timeline.entries:
        return "\n".join([*lines, "", NOT_FOUND, ""])
    for entry in timeline.entries:
        c = entry.citation
        title = f"[{c.title}]({c.url})" if c.url else c.title
        lines += ["", f"## {human_date(c.date)}: {c.who}", "", title, "", f"> “{c.quote}” [{c.n}]"]
        if entry.question:
            lines += ["", f"Asked: {entry.question}"]
    return "\n".join(lines) + "\n"


def timeline_csv(timeline: Timeline) -> str:
    """One row per event: date, speaker, event (the transcript's title), quote, url."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in timeline.entries:
        c = entry.citation
        writer.writerow([c.date or "", c.speaker, c.title, c.quote, c.url or ""])
    return out.getvalue()
