"""The role of each speaker in one transcript: official, journalist, moderator or other.

A label may state it ("Question from Perm", "programme host …"); otherwise who spoke most,
titles, what the speaker does (giving the floor to others, asking at a Direct Line), the
offices a White House page gives its podium speakers and the kind of event decide
(``assign_roles``). Names themselves are read in ``onrecord/names.py`` and the role words
live in ``onrecord/roles.py``; the archive-wide view is ``ingest/registry.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from onrecord.names import clean_label, close_to, has_title, label_head, label_words
from onrecord.roles import HOST_WORDS, OTHER_LABELS, PRESS_WORDS, QUESTION_OPENERS, STAFF_WORDS
from onrecord.types import Role


def is_role_label(label: str) -> bool:
    """True for labels that name a role rather than a person (``Q``, ``MODERATOR``...)."""
    return keyword_role(label, upper_case_format=False) is not None


_SPLIT_WORDS = re.compile(r"[\s,.;:()–—]+")
# Titles of Q&A events, where untitled named speakers other than the principal are the press.
QA_EVENT = re.compile(
    r"interview|news conference|press conference|direct line|journalist|"
    r"\bmedia\b|questions|press statements|q&a",
    re.I,
)
# Q&A events where the public asks, not the press: callers, people on video links, guests in
# the studio (the Direct Line). Its hosts are found by what they do (``speaker_stats``).
PUBLIC_EVENT = re.compile(r"direct line", re.I)


def keyword_role(label: str, upper_case_format: bool) -> Role | None:
    """The role a label states outright (``Question from Perm``, ``programme host ...``). What
    a speaker does at the event comes first: ``Plenary session moderator, TV journalist
    Sergei Brilyov`` moderates."""
    words = [w for w in _SPLIT_WORDS.split(clean_label(label).lower()) if w]
    if not words:
        return None
    if words[0] in QUESTION_OPENERS:
        return Role.JOURNALIST
    if any(w in HOST_WORDS or close_to(w, "moderator") for w in words):
        return Role.MODERATOR
    if any(w in PRESS_WORDS for w in words) and "minister" not in words:
        return Role.JOURNALIST
    if " ".join(words) in OTHER_LABELS or (upper_case_format and words[-1] in STAFF_WORDS):
        return Role.OTHER
    return None


@dataclass
class SpeakerStats:
    """What one canonical speaker did in a transcript, for deciding their role."""

    labels: set[str]
    turns: int = 0
    question_turns: int = 0
    words: int = 0
    floor_to: set[str] = field(default_factory=set)  # named speakers they gave the floor to
    office: bool = True  # the transcript gives them an office (read on White House pages)


FLOOR_CHARS = 150  # the end of a turn that hands the floor ("Mr Erlan Karin, please.")
FLOOR_GIVEN = 2  # distinct speakers given the floor that make a speaker a moderator


def speaker_stats(said: list[tuple[str, str, str]]) -> dict[str, SpeakerStats]:
    """Per canonical speaker, what they did, from each turn's (label, speaker, words) in
    order. A turn gives the floor when its last words name the speaker of the next turn (by
    surname), someone other than the principal speaker, whom everyone addresses."""
    stats: dict[str, SpeakerStats] = {}
    for label, speaker, words in said:
        entry = stats.setdefault(speaker, SpeakerStats(set()))
        entry.labels.add(label)
        entry.turns += 1
        entry.question_turns += "?" in words[-300:]
        entry.words += words.count(" ") + 1
    principal = principal_of(stats)
    for (_, speaker, words), (_, following, _) in pairwise(said):
        if following in (speaker, principal) or not _is_named(following):
            continue
        surname = following.split()[-1]
        if re.search(rf"\b{re.escape(surname)}\b", words[-FLOOR_CHARS:]):
            stats[speaker].floor_to.add(following)
    return stats


def assign_roles(
    stats: dict[str, SpeakerStats], title: str, upper_case_format: bool
) -> dict[str, Role]:
    """Role of each canonical speaker in one transcript.

    In order: a role stated by the label (Question, moderator, host, aide); the principal
    speaker (most words) is an official; a title (``Finance Minister ...``) makes an
    official, except on White House pages, where every named speaker stands at the podium and
    ``MR.`` is no office: there one is an official when the transcript gives them an office
    (a label, the title or an introduction: ``Secretary of Labor Marty Walsh``, ``over to
    Admiral Kirby``), else a guest (``other``: ``COACH KERR``, ``MR. CURRY``); an untitled
    speaker who gives the floor to two or more others moderates (``speaker_stats``); at a
    Direct Line, where the public asks, an untitled named speaker other than the principal is
    a participant (``other``: a caller, a guest in the studio); at a press event (interview,
    news conference) the press; elsewhere one whose turns are mostly questions is the press.
    Everyone else is an official. Misfiling an official as press loses a quote; the reverse
    would put a journalist's words in an official's mouth, so doubt goes away from
    "official".
    """
    stated = {s: _stated_role(st.labels, upper_case_format) for s, st in stats.items()}
    named = [s for s, role in stated.items() if role is None]
    principal = max(named, key=lambda s: stats[s].words, default=None)
    qa_event = bool(QA_EVENT.search(title))
    public = bool(PUBLIC_EVENT.search(title))
    roles: dict[str, Role] = {}
    for speaker, st in stats.items():
        share = st.question_turns / st.turns if st.turns else 0.0
        titled = any(_titled(label) for label in st.labels)
        if stated[speaker] is not None:
            roles[speaker] = stated[speaker]
        elif speaker == principal or (titled and not upper_case_format):
            roles[speaker] = Role.OFFICIAL
        elif upper_case_format:
            roles[speaker] = Role.OFFICIAL if st.office else Role.OTHER
        elif len(st.floor_to) >= FLOOR_GIVEN:
            roles[speaker] = Role.MODERATOR
        elif public:
            roles[speaker] = Role.OTHER
        elif qa_event or share >= 0.5:
            roles[speaker] = Role.JOURNALIST
        else:
            roles[speaker] = Role.OFFICIAL
    return roles


FOLLOW_ON = {"reply", "replies", "response", "remark", "remarks", "comment"}


def follow_on_roles(
    speakers: list[str], roles: list[Role], principal: str | None, title: str
) -> list[Role]:
    """Per turn, ``roles`` with each unnamed ``Reply``/``Remark``/``Response`` turn given the
    role of the voice it belongs to. At a Q&A event (news conference, interview, Direct Line)
    that is the press, who ask; elsewhere it is the closest turn before it by someone other
    than the principal speaker: after a journalist's turn the press's, after a participant's
    or a host's not the press's (``other``: the hall answering a host); never an official's,
    since the label names no one. With no such turn, doubt goes to the press."""
    if QA_EVENT.search(title):
        return [
            Role.JOURNALIST if s.lower() in FOLLOW_ON else r
            for s, r in zip(speakers, roles, strict=True)
        ]
    found: list[Role] = []
    voice = Role.JOURNALIST
    for speaker, role in zip(speakers, roles, strict=True):
        if speaker.lower() in FOLLOW_ON:
            found.append(voice)
            continue
        if speaker != principal:
            voice = Role.JOURNALIST if role is Role.JOURNALIST else Role.OTHER
        found.append(role)
    return found


def principal_of(stats: dict[str, SpeakerStats]) -> str | None:
    """The named speaker with the most words."""
    named = [s for s in stats if _is_named(s)]
    return max(named, key=lambda s: stats[s].words, default=None)


def _is_named(speaker: str) -> bool:
    return bool(speaker) and speaker.lower() not in FOLLOW_ON and not is_role_label(speaker)


def _titled(label: str) -> bool:
    """A title in the name part or in the description after it (``Sergei Mironov, Leader of
    A Just Russia Faction``)."""
    head = label_head(label)
    rest = clean_label(label).replace(head, "", 1).strip(" ,")
    return has_title(label_words(head)) or any(
        w[:1].isupper() and has_title([w]) for w in label_words(rest)
    )


def _stated_role(labels: set[str], upper_case_format: bool) -> Role | None:
    found = {keyword_role(label, upper_case_format) for label in labels} - {None}
    for role in (Role.JOURNALIST, Role.MODERATOR, Role.OTHER):
        if role in found:
            return role
    return None
