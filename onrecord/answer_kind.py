"""Whether a sentence states an amount: what a question asking for a quantity ("how many",
"what share": ``Reading.asks_amount``) is answered by. The relevance's tried ``number`` signal
reads it (``onrecord.relevance.tried_signals``); a date or a name is in most sentences of a
transcript, so other kinds of answer are left to the words and the vectors.
"""

from __future__ import annotations

import re

# Digits (not a bare year: "in 2020" is a date, not an amount), a percent sign, or a number word.
_NUMBER = re.compile(
    r"(?<![\w.])(?!(?:19|20)\d\d(?![\d,.%]))\d[\d,.]*|%"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|"
    r"trillions?|dozens?|half|third|quarter|percent|per\s+cent|double|twice|tripled?)\b",
    re.IGNORECASE,
)


def holds_number(text: str) -> bool:
    """True when ``text`` states an amount (digits other than a bare year, or number words)."""
    return bool(_NUMBER.search(text))
