"""The one-line verdicts a check says, for a sentence and for a whole paste."""

from __future__ import annotations

from onrecord.check.archive import Archive
from onrecord.check.types import CheckResult, Match, SentenceCheck

NAMES = {
    "verbatim": "verbatim",
    "close": "close",
    "other_speaker": "someone else's words",
    "journalist": "a reporter's words",
    "not_found": "not found",
}


def sentence_line(
    check: SentenceCheck, given: str | None, speakers: list[str], archive: Archive
) -> str:
    """What the check found, in one line."""
    first = check.matches[0] if check.matches else None
    if check.verdict == "verbatim" and first:
        return f"Verbatim: {first.speaker} said these words {_when(first)}."
    if check.verdict == "close" and first:
        said = f"{first.speaker} said nearly this {_when(first)}"
        return f"Close, not verbatim: {said}; {check.summary}."
    if check.verdict == "other_speaker" and first:
        return f"Not {given}'s words: {first.speaker} said them {_when(first)}."
    if check.verdict == "journalist" and first:
        return _journalist_line(check, given, first)
    return _not_found_line(given, speakers, archive)


def _when(match: Match) -> str:
    return f"on {match.date or 'an unknown date'} ({match.title})"


def _journalist_line(check: SentenceCheck, given: str | None, question: Match) -> str:
    answer = next((m for m in check.matches if m.kind == "answer"), None)
    line = f"These words are the reporter's ({question.speaker}), {_when(question)}"
    if answer is None:
        return line + "."
    quote = " ".join(answer.quote.split())
    return f"{line}, put to {answer.speaker}; the answer: \u201c{quote}\u201d"


def _not_found_line(given: str | None, speakers: list[str], archive: Archive) -> str:
    if given is None:
        who = "anyone"
    elif speakers:
        who = " / ".join(speakers)
    else:
        who = f"{given} (no one of that name or office in the transcripts)"
    dates = _dates(archive.since, archive.until)
    n = archive.transcripts_searched()
    return (
        f"Not found: nothing close to these words by {who} in the {n:,} transcripts "
        f"searched ({dates})."
    )


def _dates(since: str | None, until: str | None) -> str:
    if since and until:
        return f"{since} to {until}"
    if since or until:
        return f"since {since}" if since else f"until {until}"
    return "all dates"


def overall_line(result: CheckResult) -> str:
    """The first sentence's line for one sentence; else a count of the verdicts."""
    if len(result.sentences) == 1:
        return result.sentences[0].summary
    counts: dict[str, int] = {}
    for check in result.sentences:
        counts[check.verdict] = counts.get(check.verdict, 0) + 1
    parts = ", ".join(f"{n} {NAMES[v]}" for v, n in counts.items())
    return f"{len(result.sentences)} sentences checked: {parts}."
