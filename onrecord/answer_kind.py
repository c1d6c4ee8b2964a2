"""The kind of answer a question asks for, and whether a sentence can give it.

A question asking for a quantity ("how many", "how much", "what share", "by how much", "how
far") is answered by a sentence with a number near the thing asked about; the relevance reads
that (``onrecord.relevance``, signal ``number``) and so does quote choice. Other kinds (when,
who) are left to the words and the vectors: a date or a name is in most sentences of a
transcript, so it would not set the answering one apart.
"""

from __future__ import annotations

import re

_ASKS_NUMBER = re.compile(
    r"\b(?:how\s+(?:many|much|far|long|big|large|high|low|often|fast|deep|steep)"
    r"|by\s+how\s+much"
    r"|what\s+(?:(?:is|was|are|were)\s+the\s+)?(?:(?:\w+\s+)?(?:share|percentage|proportion|number|amount|figure|sum|rate|"
    r"volume|size|price|cost|level|total|count|percent|fraction)s?)\b)",
    re.IGNORECASE,
)
# Digits (not a bare year: "in 2020" is a date, not an amount), a percent sign, or a number word.
_NUMBER = re.compile(
    r"(?<![\w.])(?!(?:19|20)\d\d(?![\d,.%]))\d[\d,.]*|%"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|"
    r"trillions?|dozens?|half|third|quarter|percent|per\s+cent|double|twice|tripled?)\b",
    re.IGNORECASE,
)


def asks_for_number(question: str) -> bool:
    """True when the question asks for a quantity."""
    return bool(_ASKS_NUMBER.search(question))


def holds_number(text: str) -> bool:
    """True when ``text`` states an amount (digits other than a bare year, or number words)."""
    return bool(_NUMBER.search(text))
