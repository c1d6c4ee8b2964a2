"""Prompt templates from ``prompts/``, checked for their placeholders when loaded."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
PLACEHOLDERS = {
    "answer_system": {"not_found"},
    "answer_user": {"passages", "question"},
    "judge": {"question", "reference", "answer", "sources"},
    "read_question": {"officials", "newest", "history", "question"},
    "timeline_summary": {"passages", "speaker", "topic"},
}


class PromptError(Exception):
    """A template is missing or its placeholders differ from what the code fills."""


@cache
def load_prompt(name: str) -> str:
    path = PROMPTS_DIR / f"{name}.txt"
    try:
        template = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise PromptError(f"prompt template {path} is missing") from err
    found = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    if found != PLACEHOLDERS[name]:
        raise PromptError(
            f"{path} has placeholders {sorted(found)}, expected {sorted(PLACEHOLDERS[name])}"
        )
    return template


def render(name: str, **values: str) -> str:
    """The template filled in; values are inserted as-is (never re-formatted)."""
    return load_prompt(name).format(**values)
