"""Recognising speaker labels at the start of a line."""

from __future__ import annotations

import re

from onrecord.names import clean_label, label_head
from onrecord.roles import JOURNALIST_LABELS, MODERATOR_LABELS, OTHER_LABELS

_SP = r"[ \t\u00a0]"
# Mixed case, as on kremlin.ru and mid.ru: "President of Russia Vladimir Putin: ...".
MIXED_LABEL = re.compile(
    r"^(?P<label>[A-Za-z][\w.'’\-,]*(?:"
    + _SP
    + r"+[\w.'’\-,()–&]+){0,20}?(?:"
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
    + r"+)?[A-Z][A-Z.'’\-]*(?:"
    + _SP
    + r"+[A-Z.'’\-]+){0,7}(?:"
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
# Capitalised single words that open sentences or lists rather than name a speaker.
NOT_NAMES = {
    "first",
    "firstly",
    "second",
    "secondly",
    "third",
    "thirdly",
    "finally",
    "note",
    "yes",
    "no",
    "well",
    "now",
    "so",
    "today",
    "here",
    "therefore",
    "however",
    "ps",
    "update",
    "example",
    "result",
    "conclusion",
    "summary",
    "source",
    "subject",
    "quote",
    "translation",
    "objective",
    "goal",
    "one",
    "two",
    "three",
    "four",
}
_ROLE_WORDS = JOURNALIST_LABELS | MODERATOR_LABELS | OTHER_LABELS | {"answer"}


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
        if self.mixed_case and not looks_like_mixed_label(label):
            return None
        return label, match.end()


def looks_like_mixed_label(label: str) -> bool:
    """Reject sentence openings such as ``In conclusion:`` or ``I would like to add:``.

    A label is a name, optionally after a title (``Finance Minister Anton Siluanov``,
    ``chairman of the ... Boris Gryzlov``), optionally followed by ``, <description>``. It
    contains no pronoun, verb or article that would make it a sentence.
    """
    cleaned = clean_label(label)
    if not cleaned or len(cleaned) > 160 or any(ch in cleaned for ch in '?!;"“”[]'):
        return False
    if cleaned.lower() in _ROLE_WORDS:
        return True
    head, _, tail = cleaned.partition(",")
    words, tail_words = head.split(), tail.split()
    if not words or len(words) > 20 or len(tail_words) > 8:
        return False
    if len(words) == 1 and not tail_words and words[0].lower() in NOT_NAMES:
        return False
    if any(
        w == "I" or (w.islower() and w.strip("().–") in SENTENCE_WORDS) for w in words + tail_words
    ):
        return False
    name = label_head(cleaned).split()
    return bool(name) and any(ch.isupper() for ch in name[-1])


MIXED = LabelMatcher(MIXED_LABEL, mixed_case=True)
UPPER = LabelMatcher(UPPER_LABEL, mixed_case=False)
