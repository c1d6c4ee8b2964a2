"""Who a question asks about by name: an official's name counts only when the question ties
speech to it ("what did Psaki say", "according to Lavrov", "Putin's reaction"), not in "the
White House's response to Lavrov's hints"; and the capitalised names no transcript holds."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping

from onrecord.names import normalise_person
from onrecord.reading import vocabulary as v
from onrecord.reading.result import SpeakerRead

SURNAME_SHARE = 0.8
MIN_PASSAGES = 3  # an official with fewer passages is not read from a question
_VERBS = "|".join(sorted(v.SPEECH_VERBS))
_NOUNS = "|".join(sorted(v.SPEECH_NOUNS))
_OFFICES = "|".join(sorted(v.OFFICE_CLASS))
_OTHER_NAMES = r"(?:[A-Z][\w’'-]+\s+){1,3}"
# How a question ties speech to NAME: {n} is the name, escaped.
_TIES = [
    r"\b(?i:did|does|do|has|had|would|will|was|is)\s+{n}\b",
    rf"\b{{n}}\s+(?:{_VERBS})\b",
    r"\b(?i:according)\s+to\s+{n}\b",
    rf"\b{{n}}['’]s?\s+(?:\w+\s+)?(?:{_NOUNS})\b",
    r"\b(?i:what)\s+(?:did|does|has)\s+{n}\b",
    # "what Putin and Erdogan said", "did Putin and Erdogan give": both are speaking.
    rf"\b{{n}}\s+and\s+{_OTHER_NAMES}(?:{_VERBS})\b",
    rf"\b(?i:did|do|does|have|had|would|will)\s+{_OTHER_NAMES}and\s+{{n}}\b",
]
_CAPITALISED = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]{2,}(?:[-’'][A-Za-z]+)?)\b")


def _ties_speech(question: str, name: str) -> bool:
    n = re.escape(name)
    return any(re.search(p.replace("{n}", n), question) for p in _TIES)


def _named_as_speaker(question: str, name: str) -> bool:
    """``name`` occurs other than as the owner of an office: in "Putin's press secretary" or
    "Russia's human rights commissioner" the speaker is the office holder."""
    n = re.escape(name)
    mentions = len(re.findall(rf"\b{n}\b", question))
    owned = len(re.findall(rf"\b{n}['’]s\s+(?:[\w-]+\s+){{0,3}}?(?:{_OFFICES})\b", question))
    return mentions > owned


def read_speaker(question: str, officials: Mapping[str, int]) -> SpeakerRead | None:
    """The one official (canonical name -> passage count) the question asks about, or None.
    A surname alone names whoever holds most (80%+) of the passages under it."""
    by_surname: Counter[str] = Counter()
    for speaker, count in officials.items():
        by_surname[(normalise_person(speaker) or [""])[-1]] += count
    found: dict[str, str] = {}
    for speaker in (s for s, count in officials.items() if count >= MIN_PASSAGES):
        count, tokens = officials[speaker], speaker.split()
        names = [speaker] + ([tokens[-1]] if len(tokens) > 1 and len(tokens[-1]) >= 4 else [])
        for name in (n for n in names if n in question):  # every pattern below needs it
            if name != speaker and count < SURNAME_SHARE * by_surname.get(name.lower(), 0):
                continue
            if _named_as_speaker(question, name) and _ties_speech(question, name):
                found.setdefault(speaker, name)
    return _one_person(found)


def _one_person(found: dict[str, str]) -> SpeakerRead | None:
    """The single person named: "Jen Psaki" and "Psaki" are one person, and the shortest
    spelling is kept (the speaker filter matches every spelling of a surname)."""
    if not found:
        return None
    longest = max(found, key=len)
    if any(normalise_person(o)[-1:] != normalise_person(longest)[-1:] for o in found):
        return None
    name = min((f for f in found if f != longest), key=len, default=longest)
    return SpeakerRead(name, found[name])


def unknown_names(question: str, known: Callable[[str], bool]) -> tuple[str, ...]:
    """Capitalised words inside the question (not starting a sentence) the index has never
    seen: the transcripts cannot be about them."""
    skip = v.STOPWORDS | v.TITLES
    words = dict.fromkeys(_CAPITALISED.findall(question))
    return tuple(w for w in words if w.lower() not in skip and not known(w))
