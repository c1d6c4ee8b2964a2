"""The one tokenizer and stemmer, shared by the reading stage, quote choice and the keyword
index: a word is two or more letters or digits (bm25s's pattern), lower-cased; English Snowball
stems."""

from __future__ import annotations

import re

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from onrecord.reading.vocabulary import STOPWORDS

STEMMER = Stemmer.Stemmer("english")
TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's default token pattern
INDEX_STOPWORDS = frozenset(STOPWORDS_EN)  # what bm25s removes for stopwords="en"


def tokens(text: str) -> list[str]:
    """The words of ``text``, lower-cased, in order."""
    return TOKEN.findall(text.lower())


def terms(text: str) -> set[str]:
    """Stemmed content words: what a text is about, without the words every text shares."""
    return set(STEMMER.stemWords([w for w in tokens(text) if w not in STOPWORDS]))


def stems(text: str) -> set[str]:
    """The distinct terms of ``text`` as the keyword index sees them (bm25s's stop words)."""
    return set(STEMMER.stemWords([w for w in tokens(text) if w not in INDEX_STOPWORDS]))
