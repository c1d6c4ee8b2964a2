"""The sidebar's choices, from the index, and the ``SearchFilters`` they make."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from onrecord.index.catalog import Catalog
from onrecord.types import SearchFilters

ANYONE = "Anyone"


@dataclass(frozen=True)
class TranscriptChoice:
    doc_id: str
    title: str
    date: str | None

    @property
    def label(self) -> str:
        """What the multiselect shows (plain text: widget options are not Markdown)."""
        title = self.title if len(self.title) <= 90 else self.title[:89] + "…"
        return f"{self.date or 'undated'} · {title}"


def speaker_options(stats: dict) -> dict[str, str]:
    """``"Name (passages)"`` -> name, most quoted first, "Anyone" first of all."""
    options = {ANYONE: ""}
    for row in stats["speakers"]:
        options[f"{row['name']} ({row['passages']})"] = row["name"]
    return options


def transcript_choices(catalog: Catalog, doc_ids: list[str]) -> list[TranscriptChoice]:
    """The indexed transcripts, newest first."""
    choices = []
    for doc_id in doc_ids:
        info = catalog.transcript_info(doc_id)
        if info is not None:
            choices.append(TranscriptChoice(doc_id, info.title, info.date))
    return sorted(choices, key=lambda c: (c.date or "", c.doc_id), reverse=True)


def index_bounds(stats: dict) -> tuple[date, date] | None:
    first, last = stats["date_range"]
    if not (first and last):
        return None
    return date.fromisoformat(first), date.fromisoformat(last)


def date_filter(picked: object, bounds: tuple[date, date] | None) -> tuple[str | None, str | None]:
    """(since, until) from the date widget; (None, None) for the whole range, so undated
    transcripts are not excluded when the user did not narrow anything."""
    if bounds is None or not isinstance(picked, tuple | list) or len(picked) != 2:
        return None, None
    low, high = picked
    since = low.isoformat() if low and low > bounds[0] else None
    until = high.isoformat() if high and high < bounds[1] else None
    return since, until


def user_filters(
    speaker: str, dates: tuple[str | None, str | None], doc_ids: list[str]
) -> SearchFilters:
    return SearchFilters(
        speaker=speaker or None, since=dates[0], until=dates[1], doc_ids=doc_ids or None
    )


def describe_filters(filters: SearchFilters, titles: dict[str, str] | None = None) -> list[str]:
    """Plain-text lines such as ``speaker: Sergey Lavrov``."""
    lines = []
    if filters.speaker:
        lines.append(f"speaker: {filters.speaker}")
    if filters.since or filters.until:
        lines.append(f"dates: {filters.since or 'start'} to {filters.until or 'end'}")
    if filters.doc_ids:
        names = [(titles or {}).get(d, d) for d in filters.doc_ids]
        lines.append("transcripts: " + "; ".join(names))
    return lines
