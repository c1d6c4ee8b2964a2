"""Read a question once: ``read(question, history, facts, given)`` -> ``Reading``. The user's
filters come first, the question fills the rest, a follow-up borrows who and when from the
conversation. A model reader (``onrecord.llm_reading``) plugs into ``QuestionReader``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from onrecord.reading import conversation as talk
from onrecord.reading import kinds
from onrecord.reading import vocabulary as v
from onrecord.reading.dates import read_dates
from onrecord.reading.offices import read_office
from onrecord.reading.result import DatesRead, Kind, Reading, SpeakerRead
from onrecord.reading.speakers import read_speaker, unknown_names
from onrecord.reading.words import tokens
from onrecord.types import SearchFilters

_CONTEXT = {w for phrase in v.EVENTS for w in phrase.split()} | set(v.OFFICE_CLASS) | v.TITLES


@dataclass(frozen=True)
class Facts:
    """What the index knows that a reading needs (defaults: an empty index): officials' passage
    counts, the newest date, offices held within filters, whether a word occurs at all."""

    officials: Mapping[str, int] = field(default_factory=dict)
    newest: str | None = None
    offices: Callable[[SearchFilters], Mapping[str, set[str]]] = lambda _filters: {}
    knows: Callable[[str], bool] = lambda _word: True
    read_offices: bool = True  # settings.search.office_speakers


class QuestionReader(Protocol):
    def __call__(self, question: str, history, facts: Facts, given=None) -> Reading: ...


def read(
    question: str,
    history: Sequence[dict] | None = None,
    facts: Facts | None = None,
    given: SearchFilters | None = None,
) -> Reading:
    """The rule reader; ``given``: the filters the user set."""
    facts, given = facts or Facts(), given or SearchFilters()
    speaker, dates = who_and_when(question, facts, given)
    reading = Reading(question, talk.search_text(question, history), speaker=speaker, dates=dates)
    if talk.previous_user_questions(history) and talk.leans_back(question):
        reading = _borrow(reading, history or [], facts, given)
    topic = kinds.timeline_topic(question) or _timeline_follow_up(question, reading, history)
    claim = kinds.read_claim(question)
    kind = Kind.TIMELINE if topic else Kind.CLAIM if claim else Kind.ANSWER
    unknown, amount = unknown_names(question, facts.knows), kinds.asks_amount(question)
    return described(
        replace(reading, kind=kind, topic=topic or "", claim=claim, unknown_names=unknown,
                asks_amount=amount)
    )  # fmt: skip


def who_and_when(
    question: str, facts: Facts, given: SearchFilters
) -> tuple[SpeakerRead | None, DatesRead | None]:
    """The speaker and dates the question names, where ``given`` leaves them open. An office
    is read only with dates (whoever held it then; without, it is too often someone the
    question is about); a name and an office naming two people read neither."""
    named = None if given.speaker else read_speaker(question, facts.officials)
    dates = None if (given.since or given.until) else read_dates(question, facts.newest)
    since, until = (dates.since, dates.until) if dates else (given.since, given.until)
    held = None
    if facts.read_offices and not given.speaker and since:
        within = SearchFilters(since=since, until=until, doc_ids=given.doc_ids)
        held = read_office(question, facts.offices(within))
    if held and named and held.name != named.name:
        named = held = None
    return named or held, dates


def _borrow(reading: Reading, history: Sequence[dict], facts: Facts, given) -> Reading:
    """Who and when from the latest earlier question naming them, for what is still open; one
    moving on in time ("a month later") keeps the start of its dates, one moving back the end."""
    question, query = reading.question, reading.query
    speaker, dates = reading.speaker, reading.dates
    for previous in talk.previous_user_questions(history):
        if (speaker or given.speaker) and (dates or given.since or given.until):
            break
        earlier_speaker, earlier_dates = who_and_when(previous, facts, SearchFilters())
        if earlier_speaker and not (speaker or given.speaker):
            speaker = replace(earlier_speaker, source="conversation")
            query = talk.naming(question, speaker.name) if query == question else query
        if earlier_dates and not (dates or given.since or given.until):
            move = talk.moves_in_time(question)
            since = None if move == "earlier" else earlier_dates.since
            until = None if move == "later" else earlier_dates.until
            dates = replace(earlier_dates, since=since, until=until, source="conversation")
    if not (speaker or given.speaker) and query == question and talk.refers_to_a_person(question):
        # "Did he also say…?": who "he" is, and the topic, are in the previous question only.
        query = talk.search_text(question, history, force=True)
    return replace(reading, query=query, speaker=speaker, dates=dates, follows_up=True)


def _timeline_follow_up(question: str, reading: Reading, history) -> str | None:
    """ "And on NATO?" after a timeline question (or a follow-up of one): a timeline too."""
    if not reading.follows_up:
        return None
    for previous in talk.previous_user_questions(history):
        if kinds.timeline_topic(previous):
            return kinds.about(question) or " ".join(talk.own_words(question)) or None
        if not talk.leans_back(previous):
            return None
    return None


def described(reading: Reading) -> Reading:
    """``reading`` with its context words (who, when, which office or kind of event) and its
    topic words (the rest of what it names)."""
    said = " ".join(x.words for x in (reading.speaker, reading.dates) if x is not None)
    name = reading.speaker.name if reading.speaker else ""
    context = set(tokens(f"{said} {name}")) | _CONTEXT
    own = talk.own_words(reading.topic or reading.question)
    return replace(
        reading,
        topic_words=tuple(dict.fromkeys(w for w in own if w not in context)),
        context_words=tuple(
            dict.fromkeys(w for w in talk.own_words(reading.question) if w in context)
        ),
    )
