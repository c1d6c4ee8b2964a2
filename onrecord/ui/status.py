"""The status line, the note on how to enable LLM mode, and settings from Streamlit secrets."""

from __future__ import annotations

from collections.abc import Callable

from onrecord.ui.render import display_date, escape_markdown

SECRET_NAMES = {"openai_api_key": "OPENAI_API_KEY", "openai_base_url": "OPENAI_BASE_URL"}

LLM_HINT = (
    "**Quotes mode**: answers are made only of verified quotes; no language model is used. "
    "To let a model write answers (every quote it uses is still checked against the "
    'transcript), add `OPENAI_API_KEY = "sk-…"` to `.streamlit/secrets.toml` or set the '
    "`OPENAI_API_KEY` environment variable (and `OPENAI_BASE_URL` for another "
    "OpenAI-compatible server). A secrets change shows on the next page load; an "
    "environment change needs a restart of the app."
)


def secret_overrides(read: Callable[[str], object]) -> dict[str, str]:
    """``load_settings`` overrides from secrets; ``read(name)`` returns None when missing.
    Values are passed on, never shown."""
    found = {}
    for field, name in SECRET_NAMES.items():
        value = read(name)
        if isinstance(value, str) and value.strip():
            found[field] = value.strip()
    return found


def mode_label(mode: str, model: str | None) -> str:
    if mode == "llm":
        return f":material/auto_awesome: **LLM mode** · {escape_markdown(model or 'no model')}"
    return ":material/format_quote: **Quotes mode**"


def status_line(stats: dict, mode: str, model: str | None) -> str:
    """``Quotes mode · 7 transcripts · 73 passages · 15 June 2010 – 18 April 2024``."""
    first, last = stats["date_range"]
    parts = [
        mode_label(mode, model),
        f"{stats['transcripts']:,} transcripts",
        f"{stats['passages']:,} passages",
    ]
    if first or last:
        parts.append(f"{display_date(first)} – {display_date(last)}")
    return " · ".join(parts)
