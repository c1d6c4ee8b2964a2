"""What a quote check refuses, each with one message (the CLI exits 2; the app shows it)."""

from __future__ import annotations

import unicodedata

from onrecord.check.text import claim_words
from onrecord.settings import CheckSettings

ARCHIVE_SCRIPT = "LATIN"  # the transcripts are English pages


class CheckInputError(ValueError):
    """Words that cannot be checked; ``str(err)`` says why, for the user."""


def check_input(words: str, limits: CheckSettings) -> str:
    """``words`` stripped, or ``CheckInputError``: empty, too short, too long, or in a
    script the transcripts are not written in."""
    text = (words or "").strip()
    if not text:
        raise CheckInputError("nothing to check: paste the words someone is said to have said")
    if len(text) > limits.max_chars:
        raise CheckInputError(
            f"too long to check: {len(text):,} characters (at most {limits.max_chars:,}); "
            "paste the passage in parts"
        )
    script = main_script(text)
    if script and script != ARCHIVE_SCRIPT:
        raise CheckInputError(
            f"these words are in {script.title() if len(script) > 3 else script} script; the "
            "transcripts are in English: paste an English version of the quote"
        )
    count = len(claim_words(text))
    if count < limits.min_words:
        raise CheckInputError(
            f"too short to check: {count} word{'s' * (count != 1)} (at least {limits.min_words}); "
            "a shorter phrase is too common to say who said it"
        )
    return text


def main_script(text: str) -> str | None:
    """The script most of ``text``'s letters are written in (``LATIN``, ``CYRILLIC``, ...)."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None
