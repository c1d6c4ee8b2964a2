"""The verbatim lookup: turns holding the claim's words in order (turn-words table), then
the exact characters, typography folded (``text.fold``), mapped back to offsets."""

from __future__ import annotations

from onrecord.check.archive import Archive
from onrecord.check.text import fold, lookup_tokens
from onrecord.check.types import Match
from onrecord.index.turn_words import phrase_turns

MAX_TURNS = 500  # a claim found in more turns than this is a stock phrase; these suffice


def exact_matches(archive: Archive, claim: str) -> list[Match]:
    """Every turn (any role, within the dates) holding ``claim``'s exact words, in
    transcript order."""
    needle, _ = fold(claim)
    if not needle:
        return []
    found = []
    for ref in phrase_turns(archive.db, archive.schema, lookup_tokens(claim), MAX_TURNS):
        if not archive.in_dates(ref.doc_id):
            continue
        span = find_folded(archive.text(ref.doc_id), ref.start, ref.end, needle)
        if span is not None:
            found.append(archive.match(ref, "exact", span))
    return sorted(found, key=lambda m: (m.doc_id, m.start))


def find_folded(text: str, start: int, end: int, needle: str) -> tuple[int, int] | None:
    """Offsets in ``text`` of the first whole-word occurrence of the folded ``needle`` in
    ``text[start:end]``."""
    hay, where = fold(text[start:end])
    pos = hay.find(needle)
    while pos >= 0:
        after = pos + len(needle)
        if (pos == 0 or not hay[pos - 1].isalnum()) and (
            after == len(hay) or not hay[after].isalnum() or not needle[-1].isalnum()
        ):
            return start + where[pos], start + where[after - 1] + 1
        pos = hay.find(needle, pos + 1)
    return None
