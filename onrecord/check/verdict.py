"""Which verdict a claimed sentence gets, from its exact and near matches. Pure.

- ``verbatim``: the exact words, in a turn of the claimed speaker (with no speaker given:
  of anyone but a journalist);
- ``other_speaker``: the exact words, but only in other people's turns (not journalists');
- ``journalist``: the exact words only in journalists' turns;
- ``close``: no exact words, but a sentence of the claimed speaker's holds nearly them (the
  band in ``CheckSettings``: coverage and similarity);
- ``not_found``: none of these; the closest statements are shown as related.
"""

from __future__ import annotations

from dataclasses import replace

from onrecord.check.align import summary
from onrecord.check.types import Match, SentenceCheck
from onrecord.settings import CheckSettings

JOURNALIST = "journalist"
SHOWN = 5  # places shown for exact words found more often (a stock phrase)


def is_close(match: Match, band: CheckSettings) -> bool:
    """Nearly the words: most of the claim's words in order, and few others around them; or
    every word of the claim, with one stretch of the transcript left out (a dropped clause,
    however long)."""
    if match.coverage < band.close_coverage:
        return False
    dropped = match.coverage == 1.0 and [d.op for d in match.diffs] == ["delete"]
    return match.similarity >= band.close_similarity or dropped


def decide(
    claim: str,
    exact: list[Match],
    near: list[Match],
    claimed: set[str] | None,
    band: CheckSettings,
) -> SentenceCheck:
    """The verdict for ``claim``: ``exact`` and ``near`` matches over the whole archive (any
    speaker); ``claimed``: the people the claim is attributed to (None: no one named)."""
    mine = [m for m in exact if _theirs(m, claimed)]
    if mine:
        return _exact(claim, "verbatim", _officials_first(mine))
    others = [m for m in exact if m.role != JOURNALIST]
    if others:
        return _exact(claim, "other_speaker", _officials_first(others))
    if exact:
        return _exact(claim, "journalist", [replace(m, kind="question") for m in exact])
    close = [m for m in near if _theirs(m, claimed) and is_close(m, band)]
    if close:
        best = replace(close[0], kind="close")
        return SentenceCheck(claim, "close", summary(best.diffs), [best])
    return SentenceCheck(claim, "not_found", "", [], near)


def _exact(claim: str, verdict: str, found: list[Match]) -> SentenceCheck:
    """A verdict on exact words: the first ``SHOWN`` places, and how many there are."""
    return SentenceCheck(claim, verdict, "", found[:SHOWN], occurrences=len(found))


def _theirs(match: Match, claimed: set[str] | None) -> bool:
    if claimed is None:
        return match.role != JOURNALIST
    return match.speaker in claimed


def _officials_first(matches: list[Match]) -> list[Match]:
    """Officials' turns before others' (a moderator repeating a quote), then in order."""
    return sorted(matches, key=lambda m: m.role != "official")
