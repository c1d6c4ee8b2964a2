"""When a question asks about: a day, a month, a span of months, "since 2019", a year tied to
an event ("at his 2019 news conference") or to speech ("what did Lavrov say about oil in
2019?"), "last year". A bare year elsewhere ("how big was trade in 2013?") is the topic's."""

from __future__ import annotations

import calendar
import re

from onrecord.reading.result import DatesRead
from onrecord.reading.vocabulary import EVENTS, MONTHS, SPEECH_NOUNS, SPEECH_VERBS, any_of

_MONTH = f"({'|'.join(MONTHS)})"
_YEAR = r"((?:19|20)\d\d)"
_DAY = re.compile(
    rf"\b{_MONTH}\s+(\d{{1,2}}),?\s+{_YEAR}\b|\b(\d{{1,2}})\s+{_MONTH},?\s+{_YEAR}\b", re.I
)
_MONTH_YEAR = re.compile(
    rf"\b(?:early|mid|late|in|of|during|at the (?:start|end) of)?\s*{_MONTH},?\s+{_YEAR}\b", re.I
)
_PART = r"(?:early\s+|mid-?\s*|late\s+)?"
_MONTH_SPAN = re.compile(
    rf"\b(?:between|from)\s+(?:(?:his|her|their|its|the)\s+)?{_PART}{_MONTH}\s+(?:and|to|until|"
    rf"through)\s+{_PART}{_MONTH},?\s+{_YEAR}\b",
    re.I,
)
_EVENT = any_of(EVENTS)
_EVENT_YEAR = re.compile(
    rf"\b(?:at|during|after|before|in)\s+(?:his|her|their|the|its|a)\s+{_YEAR}\s+"
    rf"(?:[\w-]+\s+){{0,2}}?(?:{_EVENT})\b|\b{_YEAR}\s+(?:[\w-]+\s+){{0,2}}?(?:{_EVENT})\b"
    rf"|\b(?:in|during)\s+{_YEAR},?\s+(?:when|as|after|while)\b|\bat\s+the\s+end\s+of\s+{_YEAR}\b",
    re.I,
)
SPEECH = re.compile(rf"\b(?:{any_of(SPEECH_VERBS | SPEECH_NOUNS)})\b", re.I)
_SINCE = re.compile(rf"\bsince\s+(?:(?:early|mid|late)\s+)?(?:{_MONTH}\s+)?{_YEAR}\b", re.I)
_IN_YEAR = re.compile(rf"\b(?:in|during|throughout)\s+{_YEAR}\b(?!\s*[-–/]\d)", re.I)
_ASKING = "how|what|when|why|which|who|whom|whose|did|does|do|is|was|were|has|had"
_CLAUSE_BREAK = re.compile(rf"[;?]|,?\s+and\s+(?=(?:{_ASKING})\b)", re.I)
_RELATIVE_YEAR = re.compile(r"\b(last|this|previous)\s+year\b", re.I)


def _month(name: str, year: int) -> tuple[str, str]:
    number = MONTHS.index(name.lower()) + 1
    last = calendar.monthrange(year, number)[1]
    return f"{year:04d}-{number:02d}-01", f"{year:04d}-{number:02d}-{last:02d}"


def _year(year: str, words: str) -> DatesRead:
    return DatesRead(f"{int(year):04d}-01-01", f"{int(year):04d}-12-31", words)


def _calendar_mentions(question: str) -> list[tuple[str, str, str]]:
    """Every day and every month the question names, as (since, until, words)."""
    found: list[tuple[str, str, str]] = []
    days = list(_DAY.finditer(question))
    for match in days:
        month, day, year = match.group(1, 2, 3) if match.group(1) else match.group(5, 4, 6)
        number = MONTHS.index(month.lower()) + 1
        if 1 <= int(day) <= calendar.monthrange(int(year), number)[1]:
            iso = f"{int(year):04d}-{number:02d}-{int(day):02d}"
            found.append((iso, iso, match.group(0)))
    for match in _MONTH_YEAR.finditer(question):
        if not any(d.start() <= match.end(1) and match.start(1) <= d.end() for d in days):
            found.append((*_month(match.group(1), int(match.group(2))), match.group(0).strip()))
    for match in _MONTH_SPAN.finditer(question):
        year = int(match.group(3))
        found += [(*_month(match.group(i), year), match.group(0)) for i in (1, 2)]
    return found


def read_dates(question: str, newest: str | None = None) -> DatesRead | None:
    """The dates a question confidently asks about, else None. Several days or months named
    ("between May and November 2019") make one range, first to last: a narrower one would
    hide an answer the question asks for."""
    if match := _SINCE.search(question):
        month, year = match.group(1, 2)
        start = _month(month, int(year))[0] if month else f"{int(year):04d}-01-01"
        return DatesRead(start, None, match.group(0))
    if mentions := _calendar_mentions(question):
        first, last = min(mentions), max(mentions, key=lambda m: m[1])
        words = first[2] if first[2] == last[2] else f"{first[2]} … {last[2]}"
        return DatesRead(first[0], last[1], words)
    if match := _EVENT_YEAR.search(question):
        return _year(next(g for g in match.groups() if g), match.group(0))
    for clause in _CLAUSE_BREAK.split(question):
        # A year in a clause with a verb of saying is when it was said.
        if SPEECH.search(clause) and (match := _IN_YEAR.search(clause)):
            return _year(match.group(1), match.group(0))
    if newest and SPEECH.search(question) and (match := _RELATIVE_YEAR.search(question)):
        year = int(newest[:4]) - (match.group(1).lower() != "this")
        words = match.group(0).lower()
        return DatesRead(f"{year:04d}-01-01", f"{year:04d}-12-31", words, counted_from=newest)
    return None
