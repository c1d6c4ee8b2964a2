"""Content words: the stemmed words of a text that carry its meaning, without the small words
every question and answer share. Used to weigh how much of a question a sentence holds."""

from __future__ import annotations

import re

import Stemmer

_STEMMER = Stemmer.Stemmer("english")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with about as is are was were be been
    being do does did has have had he she it they we you i his her its their our your this that
    these those what which who whom when where why how not no yes say said says tell told
    according would could should will can may might than then there here also just so such from
    into over after before during up down out whether any some all more most""".split()
)


def terms(text: str) -> set[str]:
    """Stemmed content words."""
    words = [w.lower().strip("'’-") for w in _WORD.findall(text)]
    return set(_STEMMER.stemWords([w for w in words if w and w not in STOPWORDS]))
