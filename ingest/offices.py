"""Who a speaker is, in the words of the transcript: the office that goes with the name.

Readers name officials by office at least as often as by name ("the industry minister",
"Gazprom's chief", "the national security adviser"), but a speaker label often carries the name
alone (``Denis Manturov``, ``MR. SULLIVAN``). The office is usually written somewhere else in
the same transcript: on the person's first, longer label (``Minister of Industry and Trade
Denis Manturov``), in the title (``Meeting with Gazprom CEO Alexei Miller``, ``Press Briefing by
Press Secretary Jen Psaki and National Security Advisor Jake Sullivan``) or in the opening lines
(``… a working meeting with Chairman of Gazprom Management Board Alexei Miller.``).

``speaker_offices`` collects those phrases for every official of one transcript, so that the
passage can carry them into what is embedded and keyword-indexed, and a question that names
the office can find the person. Only phrases that contain an office word count; a phrase is the
run of capitalised words (with ``of``, ``the``, ``and``…) just before the person's name, cut at
another speaker's name, a lower-case word or punctuation.
"""

from __future__ import annotations

import re
import unicodedata

from ingest.speakers import is_role_label
from onrecord.names import HONORIFICS, TITLE_WORDS, clean_label, label_head
from onrecord.types import Role, Transcript

MAX_PHRASES = 3  # per speaker and transcript
MAX_PHRASE_WORDS = 9
LEAD_CHARS = 1500  # how much of the text before the first turn is read for offices
# Office words beyond the title words of labels: what an organisation's head is called.
OFFICE_WORDS = TITLE_WORDS | {
    "ceo", "chairwoman", "commissioner", "general", "inspector", "manager", "managing",
    "minister", "ombudsman", "premier", "rector", "surgeon", "treasurer", "czar", "tsar",
}  # fmt: skip
# Posts outside government, which do not make a podium guest an official (``NBA Head Coach``,
# ``Lucasfilm Producer``, ``CNN Anchor``).
PRIVATE_POSTS = {
    "anchor", "ceo", "cfo", "commentator", "editor", "editor-in-chief", "founder", "head", "hero",
    "host", "manager", "managing", "presenter", "producer",
}  # fmt: skip
_CONNECTORS = {"of", "the", "and", "for", "on", "in", "to", "&"}
_TOKEN = re.compile(r"[\w’'.&-]+|[^\w\s]")


def speaker_offices(transcript: Transcript) -> dict[str, str]:
    """Canonical name -> the offices the transcript gives that official (``;``-separated,
    longest-known first), for every official with at least one; others are absent."""
    people = {t.speaker for t in transcript.turns if t.role is Role.OFFICIAL and t.speaker}
    stop_names = {w.lower().strip(".") for name in people for w in name.split()}
    lead = transcript.text[: transcript.turns[0].start if transcript.turns else 0][:LEAD_CHARS]
    found: dict[str, list[str]] = {}
    for turn in transcript.turns:
        if turn.speaker in people:
            phrase = _label_office(turn.label, turn.speaker)
            if phrase:
                found.setdefault(turn.speaker, []).append(phrase)
    for speaker in sorted(people):
        for source in (transcript.title, lead):
            found.setdefault(speaker, []).extend(_offices_before(source, speaker, stop_names))
    return {s: "; ".join(_distinct(p)) for s, p in found.items() if p}


def given_an_office(labels: dict[str, set[str]], title: str, text: str) -> set[str]:
    """The speakers (name -> their labels) whom the transcript gives an office: a label with
    an office word (``SECRETARY WALSH``, ``THE PRESIDENT``, ``SENIOR ADMINISTRATION
    OFFICIAL``), or an office phrase just before their surname in the title or the text
    (``… and Secretary of Transportation Pete Buttigieg``, ``turn it over to Admiral Kirby``)
    or right after it (``Luisana Pérez is the White House Hispanic Media Director``).
    ``Coach Steve Kerr``, ``Mr. Curry`` and ``Matthew McConaughey`` hold none. A page "by …
    Public Health Officials" gives everyone one: it says its speakers are officials without
    naming them."""
    if _BY_OFFICIALS.search(title):
        return set(labels)
    plain_title, plain_text = _plain(title), _plain(text)
    people = [name for name in labels if not is_role_label(name)]
    words = {w.lower().strip(".") for name in people for w in _plain(name).split()}
    found = set()
    for name, written in labels.items():
        surname = _plain(name).split()[-1] if name.split() else ""
        stop = words - {w.lower().strip(".") for w in _plain(name).split()}
        if any(_state_office(clean_label(label).split()) for label in written) or (
            surname
            and (
                any(
                    _state_office(phrase.split())
                    for src in (plain_title, plain_text)
                    for phrase in _offices_before(src, surname, stop)
                )
                or _state_office(_office_after(plain_text, surname))
            )
        ):
            found.add(name)
    return found


_BY_OFFICIALS = re.compile(r"\bby\b.*\bOfficials\b")
_AFTER = re.compile(r"(?:,|\s+is\s+(?:the|our|a|an)\b)\s+")  # matched at the name's end


def _office_after(text: str, surname: str) -> list[str]:
    """The capitalised words right after ``surname`` and a comma or ``is the``: ``Luisana
    Pérez is the White House Hispanic Media Director``, ``Dr. Jha, White House COVID-19
    Response Coordinator``."""
    words: list[str] = []
    for match in re.finditer(rf"\b{re.escape(surname)}\b", text):
        lead = _AFTER.match(text, match.end())
        if not lead:
            continue
        for token in _TOKEN.findall(text[lead.end() : lead.end() + 200])[:MAX_PHRASE_WORDS]:
            if not (token[:1].isupper() or token.lower() in _CONNECTORS or token[:1].isdigit()):
                break
            words.append(token)
    return words


def _plain(text: str) -> str:
    """Without accents (``MR. PEREZ`` is the ``Pérez`` of the text)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _state_office(words: list[str]) -> bool:
    return any(
        w.lower().strip(".,") in OFFICE_WORDS and w.lower().strip(".,") not in PRIVATE_POSTS
        for w in words
    )


def _label_office(label: str, speaker: str) -> str:
    """``Minister of Industry and Trade Denis Manturov`` -> ``Minister of Industry and
    Trade``; ``SURGEON GENERAL MURTHY`` -> ``Surgeon General``; ``MS. PSAKI`` -> ``""``."""
    head = clean_label(label)
    if "," in head:  # ``Sergei Mironov, Leader of …`` or ``Construction, … Minister Mikhail Men``
        name_part = label_head(label)
        rest = head.replace(name_part, "").strip(" ,")
        if _has_office_word(rest.split()):
            return _tidy(rest)
    words = head.split()
    names = {w.lower().strip(".") for w in speaker.split()}
    while words and (words[-1].lower().strip(".") in names or _is_honorific(words[-1])):
        words.pop()
    while words and (_is_honorific(words[0]) or words[0].lower() in _CONNECTORS):
        words.pop(0)
    return _tidy(" ".join(words)) if _has_office_word(words) else ""


def _offices_before(text: str, speaker: str, stop_names: set[str]) -> list[str]:
    """Office phrases written just before ``speaker``'s name (full name, or surname) in
    ``text``: ``… with Gazprom CEO Alexei Miller`` -> ``Gazprom CEO``."""
    names = speaker.split()
    if not names or not text:
        return []
    pattern = (
        re.escape(names[-1]) if len(names) == 1 else r"[\s\u00a0]+".join(map(re.escape, names))
    )
    phrases = []
    for match in re.finditer(rf"\b{pattern}\b", text):
        line_start = text.rfind("\n", 0, match.start()) + 1  # an office is on the name's line
        before = _TOKEN.findall(text[max(line_start, match.start() - 200) : match.start()])
        words: list[str] = []
        for token in reversed(before):
            bare = token.lower().strip(".")
            if (
                bare in stop_names
                or len(words) >= MAX_PHRASE_WORDS
                or not (token[:1].isupper() or bare in _CONNECTORS)
            ):
                break
            words.insert(0, token)
        while words and (words[0].lower() in _CONNECTORS or _is_honorific(words[0])):
            words.pop(0)
        while words and _is_honorific(words[-1]):
            words.pop()
        if len(names) == 1 and words and not _has_office_word(words[-1:]):
            words.pop()  # the given name before a surname-only speaker (``Jen`` Psaki)
        if _has_office_word(words):
            phrases.append(_tidy(" ".join(words)))
    return phrases


def _has_office_word(words: list[str]) -> bool:
    return any(w.lower().strip(".,") in OFFICE_WORDS for w in words)


def _is_honorific(word: str) -> bool:
    return word.lower().strip(".") in HONORIFICS and word.lower() != "the"


def _tidy(phrase: str) -> str:
    """Collapse spaces; an all-capitals phrase (``SURGEON GENERAL``) in title case, short
    words such as ``CEO`` or ``NSC`` kept as they are."""
    phrase = " ".join(phrase.replace("\u00a0", " ").split()).strip(" ,;:")
    if phrase.isupper() and len(phrase) > 4:
        phrase = " ".join(
            w.lower() if w.lower() in _CONNECTORS else w if len(w) <= 3 else w.title()
            for w in phrase.split()
        )
    return phrase


def _distinct(phrases: list[str]) -> list[str]:
    """Unique phrases (case-insensitive), longest first, at most ``MAX_PHRASES``; a phrase
    contained in a longer one kept only when it adds words (``Gazprom CEO`` beside
    ``Chairman of Gazprom Management Board`` stays)."""
    unique: dict[str, str] = {}
    for phrase in phrases:
        unique.setdefault(phrase.lower(), phrase)
    ordered = sorted(unique.values(), key=len, reverse=True)
    kept: list[str] = []
    for phrase in ordered:
        if not any(phrase.lower() in longer.lower() for longer in kept):
            kept.append(phrase)
    return kept[:MAX_PHRASES]
