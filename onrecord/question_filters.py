"""Who and when a question asks about, read into search filters.

"What did the industry minister say in March 2016…" names a speaker by office and a month;
"And what about Afghanistan?" lends who and when from the conversation. Filters given by
the user come first; what the question says fills the rest, and each filter read is noted
in ``answer.auto_filters`` so the user sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from onrecord.followup import (
    EARLIER,
    LATER,
    heuristic_query,
    naming,
    previous_user_questions,
    refers_to_a_person,
)
from onrecord.index.reader import IndexReader
from onrecord.office_speaker import speaker_by_office
from onrecord.query import analyse_question
from onrecord.settings import Settings
from onrecord.types import Answer, Role, SearchFilters


def read_filters(
    question: str,
    given: SearchFilters | None,
    answer: Answer,
    reader: IndexReader,
    settings: Settings,
) -> SearchFilters:
    """``given`` completed with the speaker and dates ``question`` names."""
    filters = replace(given) if given else SearchFilters()
    stats = reader.stats()
    official_counts = {
        row["name"]: row["passages"]
        for row in stats["speakers"]
        if row["role"] == Role.OFFICIAL.value
    }
    intent = analyse_question(question, official_counts, newest=stats["date_range"][1])
    named = intent.speaker if not filters.speaker else None
    dates_read = bool(intent.since and not (filters.since or filters.until))
    if dates_read:
        filters.since, filters.until = intent.since, intent.until
    held = None
    if settings.search.office_speakers and not filters.speaker and filters.since:
        # "the industry minister in March 2016": whoever held that office then. Without a
        # date an office is too often someone the question is about ("al-Qaeda leader").
        held = speaker_by_office(question, reader.official_offices(filters))
    if held and named and held.speaker != named:
        # "what did Gazprom's chief say, and what time limit did Medvedev give": two people
        # are asked about, and a filter on either one would hide the other's answer.
        named = held = None
    if named:
        filters.speaker = named
        answer.auto_filters.append(f"speaker: {named}")
    if dates_read:
        said = next((n for n in intent.notes if "counted from" in n), "")  # "last year"
        answer.auto_filters.append(
            f"dates: {intent.since} to {intent.until or '…'}" + (f" ({said})" if said else "")
        )
    if held and not named:
        filters.speaker = held.speaker
        answer.auto_filters.append(f"speaker: {held.speaker} ({held.office})")
    return filters


def inherit_filters(
    question: str, history: list[dict], answer: Answer, read: Callable[[str], SearchFilters]
) -> None:
    """Who and when of the most recent earlier question that names them (``read`` reads a
    question's own filters), for what the follow-up leaves open; a follow-up moving on in
    time ("a month later") keeps only the start of the earlier dates, one moving back only
    the end."""
    filters = answer.filters
    for previous in previous_user_questions(history):
        if filters.speaker and (filters.since or filters.until):
            break
        earlier = read(previous)
        if earlier.speaker and not filters.speaker:
            filters.speaker = earlier.speaker
            answer.auto_filters.append(f"speaker: {earlier.speaker} (from the conversation)")
            if answer.query == question:
                answer.query = naming(question, earlier.speaker)
        if (earlier.since or earlier.until) and not (filters.since or filters.until):
            since, until = earlier.since, earlier.until
            if LATER.search(question):
                until = None
            elif EARLIER.search(question):
                since = None
            filters.since, filters.until = since, until
            answer.auto_filters.append(
                f"dates: {since or '…'} to {until or '…'} (from the conversation)"
            )
    if not filters.speaker and answer.query == question and refers_to_a_person(question):
        # "Did he also say which economies emit the most?": who "he" is, and what he was
        # asked about, are in the previous question only.
        answer.query = heuristic_query(question, history, force=True)
