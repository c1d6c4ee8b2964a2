"""Transcript formats: detect which one a text is, and parse it into a ``Transcript``."""

from __future__ import annotations

import re

from ingest.formats import generic, kremlin, mfa, whitehouse
from onrecord.types import Transcript

# Order matters: the specific formats first, the generic ``Name:`` format last.
FORMATS = (mfa, kremlin, whitehouse, generic)
# A change to what these read from a transcript bumps ``onrecord.index.identity.FORMAT_VERSION``.
# Formats whose every named speaker stands at the podium, labelled by surname alone: a page
# may not say who a speaker is, another page of the source may (``ingest/registry.py``).
PODIUM_FORMATS = frozenset({whitehouse.NAME})


class UnparseableTranscript(Exception):
    """The text is not a transcript we can split into speaker turns."""


def detect_format(text: str) -> str | None:
    """Name of the first format that recognises ``text``, or None."""
    for fmt in FORMATS:
        if fmt.detect(text):
            return fmt.NAME
    return None


def parse_transcript(doc_id: str, text: str) -> Transcript:
    """Parse ``text`` with the format that recognises it; raise when none yields turns."""
    for fmt in FORMATS:
        if fmt.detect(text):
            transcript = fmt.parse(doc_id, text)
            if not transcript.turns:
                raise UnparseableTranscript(
                    f"{fmt.NAME} page but no speaker turns found: {what_is_missing(text)}"
                )
            return transcript
    raise UnparseableTranscript(
        "no speaker turns found (not an MFA, Kremlin or White House page, and no `Name:` "
        f"turns): {what_is_missing(text)}"
    )


def what_is_missing(text: str) -> str:
    """Why a text has no turns, for the ingest report: how many paragraphs it has, and how
    many of them start with something like a label that was not read as one (with one)."""
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    colon = [p for p in paragraphs[2:] if re.match(r"^[^:]{1,80}:\s+\S", p)]
    said = (
        f"{len(colon)} start with a phrase and a colon but none names a speaker "
        f"(e.g. {colon[0].split(':')[0][:60]!r})"
        if colon
        else "none starts with a speaker label (`Name:`, `NAME:`, `Q`, `Question:`)"
    )
    return f"of its {len(paragraphs)} paragraphs {said}; a notice or statement, not a transcript"
