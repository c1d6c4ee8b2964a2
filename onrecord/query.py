"""What the question itself says about who and when: automatic filters, applied only when
confident (pure functions; the answer reports what was applied).

Dates: a day (``on May 26, 2020``), a month (``in January 2020``, ``late November 2021``) or
a year tied to the event (``at his 2019 annual news conference``, ``in 2018, when``) narrow
the search. A bare year elsewhere (``how big was trade in 2013?``) is about the subject, not
about when it was said, and is left alone.

Speakers: an indexed speaker's name counts only when the question ties speech to them
(``what did Psaki say``, ``according to Lavrov``, ``Putin's reaction``, ``did Kirby say``); a
name in ``the White House's response to Lavrov's hints`` does not.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from onrecord.names import normalise_person
from onrecord.office_speaker import ROLE_CLASS

_MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
]  # fmt: skip
_MONTH_RE = "(" + "|".join(_MONTHS) + ")"
_DAY = re.compile(
    rf"\b{_MONTH_RE}\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b|\b(\d{{1,2}})\s+{_MONTH_RE}"
    rf",?\s+((?:19|20)\d\d)\b",
    re.I,
)
_MONTH_YEAR = re.compile(
    rf"\b(?:early|mid|late|in|of|during|at the (?:start|end) of)?\s*"
    rf"{_MONTH_RE},?\s+((?:19|20)\d\d)\b",
    re.I,
)
_EVENT_WORDS = (
    r"(?:annual\s+)?(?:news|press)\s+conference|briefing|gaggle|interview|"
    r"direct\s+line|summit|g20|g7|forum|address|visit|meeting|talks|speech|"
    r"vote|election|re-?election|video\s*link|conference|call"
)
_EVENT_YEAR = re.compile(
    rf"\b(?:at|during|after|before|in)\s+(?:his|her|their|the|its|a)\s+((?:19|20)\d\d)\s+"
    rf"(?:[\w-]+\s+){{0,2}}?(?:{_EVENT_WORDS})\b|\b((?:19|20)\d\d)\s+(?:[\w-]+\s+){{0,2}}?"
    rf"(?:{_EVENT_WORDS})\b|\b(?:in|during)\s+((?:19|20)\d\d),?\s+(?:when|as|after|while)\b"
    rf"|\bat\s+the\s+end\s+of\s+((?:19|20)\d\d)\b",
    re.I,
)
_SPEECH_VERBS = (
    "say|said|says|tell|told|claim|claimed|accept|accepted|promise|promised|suggest|suggested|"
    "explain|explained|describe|described|react|reacted|respond|responded|answer|answered|"
    "reply|replied|admit|admitted|deny|denied|warn|warned|characterise|characterize|"
    "characterised|characterized|justify|justified|mention|mentioned|give|gave|single|singled|"
    "reject|rejected|announce|announced|recall|recalled|point|pointed|blame|blamed|call|called|"
    "think|thought|believe|believed|offer|offered|propose|proposed|concede|conceded|insist|"
    "insisted|comment|commented|argue|argued|acknowledge|acknowledged|confirm|confirmed|"
    "dismiss|dismissed|unveil|unveiled|leave|left|rule|ruled|put|stress|stressed|note|noted|"
    "acknowledge|defend|defended|praise|praised|criticise|criticised|criticize|criticized"
)
_SPEECH_NOUNS = (
    "take|reaction|view|views|answer|response|remarks|comments|words|position|"
    "assessment|explanation|reply|statement|opinion|argument|arguments|account"
)
_SPEECH = re.compile(rf"\b(?:{_SPEECH_VERBS}|{_SPEECH_NOUNS})\b", re.I)


SURNAME_SHARE = 0.8
_OFFICE_WORDS = "|".join(sorted(ROLE_CLASS))


@dataclass
class QueryIntent:
    """Filters found in a question, with a human-readable note per filter."""

    speaker: str | None = None
    since: str | None = None
    until: str | None = None
    notes: list[str] = field(default_factory=list)


_MONTH_SPAN = re.compile(
    rf"\b(?:between|from)\s+(?:(?:his|her|their|its|the)\s+)?(?:early\s+|mid-?\s*|late\s+)?{_MONTH_RE}\s+(?:and|to|until|through)"
    rf"\s+(?:early\s+|mid-?\s*|late\s+)?{_MONTH_RE},?\s+((?:19|20)\d\d)\b",
    re.I,
)


def _calendar_mentions(question: str) -> list[tuple[str, str, str]]:
    """Every day and every month the question names, as (since, until, note)."""
    found: list[tuple[str, str, str]] = []
    days = list(_DAY.finditer(question))
    for match in days:
        if match.group(1):
            month, day, year = match.group(1), int(match.group(2)), int(match.group(3))
        else:
            day, month, year = int(match.group(4)), match.group(5), int(match.group(6))
        number = _MONTHS.index(month.lower()) + 1
        if 1 <= day <= calendar.monthrange(year, number)[1]:
            iso = f"{year:04d}-{number:02d}-{day:02d}"
            found.append((iso, iso, f"date {iso}"))
    for match in _MONTH_YEAR.finditer(question):
        if not any(d.start() <= match.end(1) and match.start(1) <= d.end() for d in days):
            found.append(_month(match.group(1), int(match.group(2))))  # not "3 March 2021"
    for match in _MONTH_SPAN.finditer(question):
        year = int(match.group(3))
        found += [_month(match.group(1), year), _month(match.group(2), year)]
    return found


def _month(name: str, year: int) -> tuple[str, str, str]:
    number = _MONTHS.index(name.lower()) + 1
    last = calendar.monthrange(year, number)[1]
    return (
        f"{year:04d}-{number:02d}-01",
        f"{year:04d}-{number:02d}-{last:02d}",
        f"{name.capitalize()} {year}",
    )


_SINCE = re.compile(
    rf"\bsince\s+(?:(?:early|mid|late)\s+)?(?:{_MONTH_RE}\s+)?((?:19|20)\d\d)\b", re.I
)
_IN_YEAR = re.compile(r"\b(?:in|during|throughout)\s+((?:19|20)\d\d)\b(?!\s*[-–/]\d)", re.I)
_CLAUSE_BREAK = re.compile(
    r"[;?]|,?\s+and\s+(?=(?:how|what|when|why|which|who|whom|whose|did|does|do|is|was|were|"
    r"has|had)\b)",
    re.I,
)
_RELATIVE_YEAR = re.compile(r"\b(last|this|previous)\s+year\b", re.I)


def extract_date_range(
    question: str, newest: str | None = None
) -> tuple[str, str | None, str] | None:
    """(since, until, note) for a confident date in the question, else None.

    A question that names several days or months ("between May and November 2019", "the April
    2017 briefing and the report in October 2018") asks about all of them: the range runs
    from the first to the last, since any narrower one would hide an answer it asks for. A
    year alone counts only as the year of a named event ("at his 2019 news conference")."""
    if match := _SINCE.search(question):
        if match.group(1):
            start = _month(match.group(1), int(match.group(2)))[0]
        else:
            start = f"{int(match.group(2)):04d}-01-01"
        return start, None, f"since {start}"
    if mentions := _calendar_mentions(question):
        first = min(mentions, key=lambda m: m[0])
        last = max(mentions, key=lambda m: m[1])
        if first is last or (first[0], first[1]) == (last[0], last[1]):
            return first
        return first[0], last[1], f"{first[2]} to {last[2]}"
    if match := _EVENT_YEAR.search(question):
        year = int(next(g for g in match.groups() if g))
        return f"{year:04d}-01-01", f"{year:04d}-12-31", f"the year {year}"
    for clause in _CLAUSE_BREAK.split(question):
        # "What did Lavrov say about oil in 2019?": the year it was said. Without a verb of
        # saying in the same clause ("…, and how big was trade in 2013?") the year is the
        # topic's, not the speech's.
        if _SPEECH.search(clause) and (match := _IN_YEAR.search(clause)):
            year = int(match.group(1))
            return f"{year:04d}-01-01", f"{year:04d}-12-31", f"the year {year}"
    if newest and _SPEECH.search(question) and (match := _RELATIVE_YEAR.search(question)):
        year = int(newest[:4]) - (match.group(1).lower() != "this")
        return (
            f"{year:04d}-01-01",
            f"{year:04d}-12-31",
            f"{match.group(1).lower()} year, counted from the newest transcript ({newest})",
        )
    return None


def _name_patterns(speaker: str) -> list[str]:
    """Ways a question names a speaker: full name, and surname for multi-word names."""
    tokens = speaker.split()
    names = [speaker]
    if len(tokens) > 1 and len(tokens[-1]) >= 4:
        names.append(tokens[-1])
    return names


def _ties_speech(question: str, name: str) -> bool:
    n = re.escape(name)
    patterns = [
        rf"\b(?i:did|does|do|has|had|would|will|was|is)\s+{n}\b",
        rf"\b{n}\s+(?:{_SPEECH_VERBS})\b",
        rf"\b(?i:according)\s+to\s+{n}\b",
        rf"\b{n}['’]s?\s+(?:\w+\s+)?(?:{_SPEECH_NOUNS})\b",
        rf"\b(?i:what)\s+(?:did|does|has)\s+{n}\b",
        # "what Putin and Erdogan said", "did Putin and Erdogan give": both are speaking.
        rf"\b{n}\s+and\s+(?:[A-Z][\w’'-]+\s+){{1,3}}(?:{_SPEECH_VERBS})\b",
        rf"\b(?i:did|do|does|have|had|would|will)\s+(?:[A-Z][\w’'-]+\s+){{1,3}}and\s+{n}\b",
    ]
    return any(re.search(p, question) for p in patterns)


def extract_speaker(question: str, speakers: dict[str, int], min_passages: int = 3) -> str | None:
    """The one indexed speaker the question asks about, or None when not confident.

    ``speakers`` maps canonical official names to their passage counts. A surname alone
    names the person who holds most (80%+) of the passages under that surname
    (``Lavrov`` -> ``Sergey Lavrov`` even if a ``Sergei Lavrov`` spelling exists).
    """
    by_surname: dict[str, dict[str, int]] = {}
    for speaker, count in speakers.items():
        tokens = normalise_person(speaker)
        if tokens:
            by_surname.setdefault(tokens[-1], {})[speaker] = count
    found: set[str] = set()
    for speaker, count in speakers.items():
        if count < min_passages:
            continue
        for name in _name_patterns(speaker):
            group = by_surname.get(name.lower(), {})
            if name != speaker and count < SURNAME_SHARE * sum(group.values()):
                continue
            if _named_as_speaker(question, name) and _ties_speech(question, name):
                found.add(speaker)
    return _one_person(found)


def _named_as_speaker(question: str, name: str) -> bool:
    """``name`` occurs other than as the owner of an office: in "Putin's press secretary"
    or "Russia's human rights commissioner" the speaker is the office holder."""
    n = re.escape(name)
    mentions = len(re.findall(rf"\b{n}\b", question))
    owned = len(re.findall(rf"\b{n}['’]s\s+(?:[\w-]+\s+){{0,3}}?(?:{_OFFICE_WORDS})\b", question))
    return mentions > owned


def analyse_question(
    question: str, speakers: dict[str, int], newest: str | None = None
) -> QueryIntent:
    """All confident filters of a question; ``newest`` (the newest transcript's date) is what
    "last year" counts from."""
    intent = QueryIntent()
    if dates := extract_date_range(question, newest):
        intent.since, intent.until, note = dates
        intent.notes.append(note)
    if speaker := extract_speaker(question, speakers):
        intent.speaker = speaker
        intent.notes.append(f"speaker {speaker}")
    return intent


def _one_person(found: set[str]) -> str | None:
    """The single person named: ``Jen Psaki`` and ``Psaki`` are one person; the longest
    spelling is kept so that the filter matches both."""
    if not found:
        return None
    longest = max(found, key=len)
    if all(normalise_person(other)[-1:] == normalise_person(longest)[-1:] for other in found):
        return min((f for f in found if f != longest), key=len, default=longest)
    return None


_CAPITALISED = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]{2,}(?:[-’'][A-Za-z]+)?)\b")


def unknown_names(question: str, known: Callable[[str], bool]) -> list[str]:
    """Capitalised words inside the question (names of places, people, things) that the
    index has never seen: the transcripts cannot be about them. ``known`` answers for a word
    as written; words that start a sentence are ignored."""
    return [
        word
        for word in dict.fromkeys(_CAPITALISED.findall(question))
        if word.lower() not in _NOT_NAMES and not known(word)
    ]


_NOT_NAMES = {
    "what",
    "which",
    "who",
    "why",
    "how",
    "when",
    "where",
    "did",
    "does",
    "was",
    "were",
    "is",
    "are",
    "has",
    "had",
    "and",
    "but",
    "the",
    "president",
    "minister",
    "secretary",
    "press",
    "house",
    "white",
    "kremlin",
}
