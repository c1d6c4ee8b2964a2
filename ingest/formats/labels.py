"""Recognising speaker labels at the start of a line."""

from __future__ import annotations

import re

from onrecord.names import HONORIFICS, NAME_PARTICLES, TITLE_WORDS, clean_label
from onrecord.roles import JOURNALIST_LABELS, MODERATOR_LABELS, OTHER_LABELS, QUESTION_OPENERS

_SP = r"[ \t\u00a0]"
# Mixed case, as on kremlin.ru and mid.ru: "President of Russia Vladimir Putin: ...".
MIXED_LABEL = re.compile(
    r"^(?P<label>[A-Za-z][\w.'’\-,]*(?:"
    + _SP
    + r"+[\w.'’\-,()–—&]+){0,40}?(?:"
    + _SP
    + r"*\([^()\n]{1,40}\))?)"
    + _SP
    + r"*:"
    + _SP
    + r"+"
)
# Upper case, as on whitehouse.gov: "MS. PSAKI:  ...", and the bare reporter "Q  ...".
UPPER_LABEL = re.compile(
    r"^[*_]?(?:(?P<q>Q)(?:"
    + _SP
    + r"*[:–—`]?"
    + _SP
    + r"+)|(?P<label>(?:(?i:mr|ms|mrs|dr)\."
    + _SP
    + r"+)?[A-Z][A-ZÀ-ÖØ-Þ.'’\-]*(?:"
    + _SP
    + r"+[A-ZÀ-ÖØ-Þ.'’\-]+){0,7}(?:"
    + _SP
    + r"*\([^()\n]{1,40}\))?)"
    + _SP
    + r"*:(?:"
    + _SP
    + r"+|(?=[A-Z])))"
)
# Words that make a line a sentence rather than a speaker label.
SENTENCE_WORDS = {
    "i",
    "me",
    "my",
    "we",
    "us",
    "our",
    "you",
    "your",
    "he",
    "she",
    "it",
    "they",
    "them",
    "his",
    "her",
    "its",
    "their",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "am",
    "do",
    "does",
    "did",
    "have",
    "has",
    "had",
    "would",
    "will",
    "shall",
    "should",
    "can",
    "could",
    "may",
    "might",
    "must",
    "that",
    "this",
    "these",
    "those",
    "here",
    "there",
    "what",
    "which",
    "who",
    "whom",
    "when",
    "where",
    "why",
    "how",
    "not",
    "very",
    "also",
    "just",
    "like",
    "said",
    "says",
    "a",
    "an",
    "as",
    "if",
    "because",
    "so",
    "than",
    "then",
    "about",
    "let",
    "let’s",
    "let's",
}
_ROLE_WORDS = JOURNALIST_LABELS | MODERATOR_LABELS | OTHER_LABELS | QUESTION_OPENERS | {"answer"}


class LabelMatcher:
    """Callable ``line -> (label, offset of the words) | None`` for one label style."""

    def __init__(self, pattern: re.Pattern[str], mixed_case: bool) -> None:
        self.pattern = pattern
        self.mixed_case = mixed_case

    def __call__(self, line: str) -> tuple[str, int] | None:
        match = self.pattern.match(line)
        if not match or match.end() >= len(line):
            return None
        label = match.groupdict().get("q") or match.group("label")
        if self.mixed_case and not looks_like_mixed_label(label, line[match.end() :]):
            return None
        return label, match.end()


def looks_like_mixed_label(label: str, speech: str = "") -> bool:
    """Whether ``label`` (before the colon) names a speaker, and ``speech`` (after it) is
    what they say.

    A label is a role (``Question``, ``Remark``) or holds a person's name: two or more
    capitalised words that are not titles, anywhere in one of its comma-separated parts
    (``Sergei Mironov, Leader of A Just Russia Faction…``, ``President of Russia Vladimir
    Putin``, ``King Abdullah II of Jordan``), however long the description around it. It
    holds no pronoun, verb or article that would make it a sentence (``Besides, look at the
    totals``), and what follows is speech, not a bare name as in a list of posts
    (``Minister of Defence: Sergei Shoigu.``).
    """
    cleaned = clean_label(label)
    if not cleaned or len(cleaned) > 300 or any(ch in cleaned for ch in '?!;"“”[]'):
        return False
    words = cleaned.replace(",", " ").split()
    if words[0].lower() in SENTENCE_WORDS:
        return False  # ``We cooperate with…``
    if any(w == "I" or (w.islower() and w.strip("().–") in SENTENCE_WORDS) for w in words):
        return False
    if words[0].lower() in _ROLE_WORDS:
        return True  # ``Question from Perm Territory``, ``Response from the hall``
    return any(_names_someone(part.split()) for part in _JOINED.sub(" ", cleaned).split(","))


def _names_someone(words: list[str]) -> bool:
    """Two name words in a row, or one right after a title (``Patriarch Kirill``)."""
    if len(name_run(words)) >= 2:
        return True
    return (
        len(words) >= 2
        and _is_title(words[0])
        and is_name_word(words[1])
        and (len(words) == 2 or words[2] == "of")
    )


def _is_title(word: str) -> bool:
    bare = word.strip(".,").lower()
    return bare != "the" and (bare in TITLE_WORDS or bare in HONORIFICS)


_JOINED = re.compile(r"(?<=[a-z]{3})(?=[A-Z])")  # ``VladimirPutin``, ``VladimirPUTIN``
_CONNECTORS = {"of", "the", "for", "and", "to", "in", "at", "on"}


def name_run(words: list[str]) -> list[str]:
    """The longest run of capitalised non-title words in ``words`` that reads as a person's
    name: ``President of Russia Vladimir Putin`` -> ``Vladimir Putin`` (a run right after
    "of"/"the" loses its first word, the object of the title: ``of Russia``). A name ends
    its part of the label or comes before "of" (``King Abdullah II of Jordan``): a run
    followed by other words is a sentence's subject or object (``the companies Russian
    Railways and … made the decision``)."""
    best: list[str] = []
    run: list[str] = []
    for i, word in enumerate([*words, ""]):
        if is_name_word(word):
            run.append(word)
            continue
        if run and i - len(run) > 0 and words[i - len(run) - 1].lower() in _CONNECTORS:
            run = run[1:]
        if word in ("", "of") or word.startswith("("):
            best = run if len(run) > len(best) else best
        run = []
    return best


_NAME_WORD = re.compile(r"^(?:[a-z]{1,3}[-’'])?[^\W\d_][^\W\d_’'\-]*(?:[-’'][^\W\d_]+)*\.?$")


def is_name_word(word: str) -> bool:
    """``Putin``, ``al-Assad``, ``O’Connell``, ``II``, ``H.``: not a title, a lower-case word
    (except a particle such as "van") or a word ending a sentence (``Third.``)."""
    bare = word.strip(".,()").lower()
    if word.islower() or (word.endswith(".") and len(word) > 3):
        return bare in NAME_PARTICLES
    shaped = bool(_NAME_WORD.match(word)) and (
        word[:1].isupper() or bool(re.match(r"^[a-z]{1,3}[-’'][A-Z]", word))
    )
    return shaped and bare not in TITLE_WORDS and bare not in HONORIFICS


def is_bare_name(speech: str) -> bool:
    """``Sergei Shoigu.``: a name and a full stop, what follows a post in a list of posts."""
    words = speech.strip().rstrip(".").split()
    return speech.strip().endswith(".") and 2 <= len(words) <= 4 and all(map(is_name_word, words))


MIXED = LabelMatcher(MIXED_LABEL, mixed_case=True)
UPPER = LabelMatcher(UPPER_LABEL, mixed_case=False)
