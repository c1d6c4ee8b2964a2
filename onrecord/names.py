"""Speaker names: from labels as written to canonical names, matching a name asked for
against the names indexed, and a name as it reads in a sentence.

Labels come as written: ``President of Russia Vladimir Putin``, ``MS.  JEAN-PIERRE``,
``Question (retranslated)``, ``Q``. The canonical name drops titles, honorifics and
parenthetical notes, so that one person has one name inside a transcript; for an upper-case
surname label it takes the full name when the transcript itself spells it out. Used when
transcripts are parsed and when a question names someone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache

from onrecord.roles import (
    JOURNALIST_LABELS,
    MODERATOR_LABELS,
    OTHER_LABELS,
    PRESS_WORDS,
    QUESTION_OPENERS,
    ROLE_LABEL_NAMES,
    ROLE_WORDS,
    UPPER_ROLE_NOUNS,
)

_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)\s*$")
_NAME_TOKEN = re.compile(r"^[A-Z][\w'’.\-]*$")
NAME_PARTICLES = {"van", "von", "der", "de", "da", "del", "bin", "al", "le", "la", "di"}

HONORIFICS = {
    "mr",
    "ms",
    "mrs",
    "miss",
    "dr",
    "mx",
    "sir",
    "madam",
    "the",
    "hon",
    "honorable",
    "doctor",
    "doctors",
    "drs",
}
TITLE_WORDS = set(
    """president vice prime minister deputy secretary press principal senior assistant acting
    administrator ambassador director chair chairman chairwoman chief governor mayor
    senator representative general admiral colonel captain commander surgeon advisor
    adviser coordinator counselor head ceo cfo chancellor king queen prince emir sheikh
    speaker leader officer spokesperson spokesman official federal foreign defence defense
    state national host programme program ombudsperson commissioner envoy special executive
    first lieutenant major sergeant judge justice attorney patriarch metropolitan anchor
    moderator presenter member co-chair rector editor editor-in-chief chairperson aide
    presidential director-general secretary-general auditor prosecutor founder producer
    hero commentator governor-general pope cardinal archbishop bishop""".split()
)


def clean_label(label: str) -> str:
    """Label with whitespace collapsed and no trailing colon or parenthetical note."""
    label = _SPACES.sub(" ", label).strip().rstrip(":").strip()
    return _PARENTHETICAL.sub("", label).strip()


def label_head(label: str) -> str:
    """The name part of a label with a comma: ``Sergei Mironov, Leader of ...`` ->
    ``Sergei Mironov``; ``Panel moderator, NBC host Megyn Kelly`` -> ``NBC host Megyn Kelly``;
    ``Construction, Housing and Utilities Minister Mikhail Men`` -> the part after the comma;
    ``Research Director of the … Valdai Discussion Club, moderator Fyodor Lukyanov`` -> the
    part after the comma too: a name right after a post (``moderator Fyodor Lukyanov``) is the
    person, the capitalised end of a description (``… Valdai Discussion Club``) is not."""
    head, _, tail = clean_label(label).partition(",")
    head, tail = head.strip(), tail.strip()
    if tail and _ends_with_name(tail.split()):
        if not _ends_with_name(head.split()):
            return tail
        if _name_after_post(tail.split()) and not _name_after_post(head.split()):
            return tail
    return head


def _name_after_post(words: list[str]) -> bool:
    """The two-word name at the end right after a title word (``moderator Fyodor Lukyanov``)."""
    return len(words) >= 3 and _bare(words[-3]) in TITLE_WORDS


def _ends_with_name(words: list[str]) -> bool:
    """Two capitalised, non-title words at the end (``Mikhail Men``, ``Megyn Kelly``), not
    right after "of"/"the" (``Hero of the Russian Federation`` does not end with a name)."""
    last = [
        w
        for w in words[-2:]
        if w[:1].isupper() and _bare(w) not in TITLE_WORDS and _bare(w) not in HONORIFICS
    ]
    before = _bare(words[-3]) if len(words) >= 3 else ""
    return len(words) >= 2 and len(last) == 2 and before not in {"of", "the", "for", "from"}


def label_words(label: str) -> list[str]:
    return [w for w in label.replace("’", "'").split(" ") if w]


def _bare(word: str) -> str:
    return word.strip(".,").lower()


def has_title(words: list[str]) -> bool:
    return any(_bare(w) in TITLE_WORDS or _bare(w) in HONORIFICS for w in words) or any(
        w.islower() for w in words
    )


def _smart_title(word: str) -> str:
    """``JEAN-PIERRE`` -> ``Jean-Pierre``, ``O’CONNELL`` -> ``O’Connell``."""
    return re.sub(
        r"(^|[-'’])([^\W\d_])([^\W\d_]*)",
        lambda m: m.group(1) + m.group(2).upper() + m.group(3).lower(),
        word,
    )


def _trailing_name(words: list[str]) -> list[str]:
    """The personal name at the end of a titled label: last two capitalised tokens."""
    name: list[str] = []
    for word in reversed(words):
        if _bare(word) in NAME_PARTICLES and name:
            name.insert(0, word)
            continue
        if not _NAME_TOKEN.match(word) or _bare(word) in TITLE_WORDS or _bare(word) in HONORIFICS:
            break
        if word.isupper() and len(word) > 1 and not word.endswith(".") and name:
            break  # an acronym such as FSB or CEO ends the name
        name.insert(0, word)
        if sum(1 for w in name if _bare(w) not in NAME_PARTICLES) == 2:
            break
    return name or words[-1:]


def _full_name_in(surname: str, sources: Iterable[str]) -> str | None:
    """``Karine Jean-Pierre`` when the text spells out the given name before ``Jean-Pierre``."""
    pattern = re.compile(
        r"\b([A-Z][a-z]+(?:\s[A-Z]\.)?)[\s\u00a0]+(" + re.escape(surname) + r")\b", re.I
    )
    counts: Counter[str] = Counter()
    for weight, source in zip((3, 1), sources, strict=False):
        for match in pattern.finditer(source):
            first, last = match.group(1), match.group(2)
            if (
                first[0].isupper()
                and first[1:2].islower()
                and _bare(first) not in TITLE_WORDS
                and _bare(first) not in HONORIFICS
                and last[1:2].islower()
            ):
                counts[f"{first} {last}"] += weight
    if not counts:
        return None
    name, score = counts.most_common(1)[0]
    return name if score >= 2 else None


_JOINED = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z]{2}|[A-Z]{3,}\b)")
_ODD_CASE = re.compile(r"[a-z][A-Z]+$|[a-z][A-Z]{2,}")


def _tidy_name(name: str) -> str:
    """Undo typos in names as published: ``VladimirPutin``, ``Dmitry PeskoV``, ``MAXIM TOPILIN``."""
    tokens = []
    for token in _JOINED.sub(" ", name).split():
        if _ODD_CASE.search(token) or (token.isupper() and len(token) >= 4):
            token = _smart_title(token)
        tokens.append(token)
    return " ".join(tokens)


def canonical_names(labels: Iterable[str], title: str = "", text: str = "") -> dict[str, str]:
    """Map each raw label of one transcript to its canonical speaker name."""
    cleaned = {label: label_head(label) for label in labels}
    known = set(cleaned.values())
    result: dict[str, str] = {}
    for raw, label in cleaned.items():
        words = label_words(label)
        lowered = label.lower()
        if not words:
            result[raw] = ""
        elif lowered == "q":
            result[raw] = "Question"
        elif lowered in JOURNALIST_LABELS | MODERATOR_LABELS | OTHER_LABELS | ROLE_LABEL_NAMES:
            result[raw] = label if not label.isupper() else label.title()
        elif words[0].lower() in QUESTION_OPENERS:
            result[raw] = _smart_title(words[0])  # ``Question from Perm Territory``
        elif label.isupper():
            result[raw] = _upper_label_name(words, title, text)
        else:
            result[raw] = _mixed_label_name(words, known)
    return result


def _mixed_label_name(words: list[str], known: set[str]) -> str:
    """``President of Russia Vladimir Putin`` -> ``Vladimir Putin`` (or the longer name the
    transcript uses elsewhere); ``Patriarch Kirill of Moscow and All Russia`` -> ``Patriarch
    Kirill``: a single name keeps the title it is known by."""
    suffixes = [" ".join(words[i:]) for i in range(1, len(words))]
    in_transcript = [s for s in suffixes if s in known and len(label_words(s)) >= 2]
    if in_transcript:
        return _tidy_name(in_transcript[0])
    described = has_title(words) or any(_bare(w) in PRESS_WORDS for w in words)
    if not described:  # a press word describes too: ``Journalist Mikhail Leontyev``
        return _tidy_name(" ".join(words))
    words = _without_see(_tidy_name(" ".join(words)).split())
    name = _trailing_name(words)
    single = len([w for w in name if not _ROMAN.match(w)]) == 1
    if single and len(words) > len(name) and _bare(words[-len(name) - 1]) in TITLE_WORDS:
        name = [words[-len(name) - 1].capitalize(), *name]
    return " ".join(name)


_ROMAN = re.compile(r"^[IVX]+$")


def _without_see(words: list[str]) -> list[str]:
    """``King Abdullah II of Jordan`` -> ``King Abdullah II``: a title, one name (and a regnal
    number), then ``of`` and the see or country it is held in."""
    if len(words) >= 4 and "of" in words[2:4] and _bare(words[0]) in TITLE_WORDS:
        cut = words.index("of", 2)
        if all(w[:1].isupper() and _bare(w) not in TITLE_WORDS for w in words[1:cut]):
            return words[:cut]
    return words


_ORDINALS = {"one", "two", "three", "four", "#1", "#2", "#3", "1", "2", "3", "4"}


def _upper_label_name(words: list[str], title: str, text: str) -> str:
    """``MS. JEAN-PIERRE`` -> ``Karine Jean-Pierre`` (or ``Jean-Pierre``); role labels such
    as ``SENIOR ADMINISTRATION OFFICIAL TWO`` or ``AIR FORCE ONE CREW MEMBER`` stay whole."""
    core = [w for w in words if w.lower() not in _ORDINALS] or words
    if any(close_to(core[-1].lower().strip("."), noun) for noun in UPPER_ROLE_NOUNS):
        return " ".join(_smart_title(w) for w in words)
    name_words = [w for w in words if _bare(w) not in HONORIFICS and _bare(w) not in TITLE_WORDS]
    if not name_words:
        return " ".join(_smart_title(w) for w in words)
    if _bare(words[0]) in HONORIFICS and len(name_words) == len(words) - 1 in (2, 3):
        return " ".join(_smart_title(w) for w in name_words)  # MR. FERNÁNDEZ HERNÁNDEZ
    surname = _smart_title(name_words[-1].strip("."))
    return _full_name_in(surname, (title, text)) or surname


def close_to(word: str, target: str) -> bool:
    """Equal up to a typo (``MODEARTOR``, ``OFFIAL``)."""
    return word == target or (len(word) >= 5 and SequenceMatcher(None, word, target).ratio() >= 0.8)


def normalise_person(name: str) -> list[str]:
    """Lower-case name tokens without titles, for matching a filter to a speaker: the
    canonical name of ``name`` read as a label (``President of Russia Vladimir Putin`` ->
    ``vladimir putin``, ``MS. PSAKI`` -> ``psaki``)."""
    return list(_normalised(name))


@lru_cache(maxsize=65_536)
def _normalised(name: str) -> tuple[str, ...]:
    """Cached: every filtered search matches the filter against every indexed speaker."""
    words = label_words(canonical_names([name]).get(name) or clean_label(name))
    return tuple(
        _bare(w) for w in words if _bare(w) not in HONORIFICS and _bare(w) not in TITLE_WORDS
    )


def speaker_matches(query: str, speaker: str) -> bool:
    """``Psaki`` matches ``Jen Psaki``; ``President Putin`` matches ``Vladimir Putin``."""
    wanted, have = normalise_person(query), normalise_person(speaker)
    if not wanted or not have:
        return bool(query.strip()) and query.strip().lower() == speaker.strip().lower()
    return (
        wanted == have[-len(wanted) :]
        or wanted == have
        or (set(wanted) <= set(have) and len(wanted) > 1)
    )


def spoken_name(name: str) -> str:
    """``name`` as it reads inside a sentence: "a senior administration official" for a role
    label, the name itself for a person."""
    words = name.split()
    if words and words[-1].lower() in ROLE_WORDS:
        return "a " + name.lower()
    return name
