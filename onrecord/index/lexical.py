"""Keyword search over passages with bm25s (stemmed, English stop words removed).

Two fields, scored apart and added: the *answer* (speaker and the official's words) and the
*question* it answers (the journalist's words, context only). The question field counts
``question_weight`` times (0.5 by default): a passage whose answer matches the query outranks
one that matches only through the question put to the speaker. Measured on both question sets
(README, "Retrieval quality"): one field for both, as before, ranked the right passage lower.

On disk: the answer field at the folder's root (where an index from before the split keeps
its single combined field, still searched as it was), the question field in ``question/``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import bm25s
import numpy as np

from onrecord.reading.vocabulary import MANNER_WORDS
from onrecord.reading.words import STEMMER, stems, tokens
from onrecord.types import Passage

logging.getLogger("bm25s").setLevel(logging.WARNING)
QUESTION_FIELD = "question"
LEXICAL_VERSION = "2"  # two fields; part of each transcript's content hash


def lexical_fields(passage: Passage) -> tuple[str, str]:
    """What keyword search indexes, as two fields: the speaker (with their office) and the
    answer, and the question (weighted lower at search time: it is context, not the
    speaker's words)."""
    return f"{passage.named} {passage.text}", passage.question


def _tokenize(texts: list[str]) -> bm25s.tokenization.Tokenized:
    return bm25s.tokenize(texts, stopwords="en", stemmer=STEMMER, show_progress=False)


def _build_field(texts: list[str]) -> bm25s.BM25 | None:
    """A BM25 index of ``texts``, or None when they hold no searchable word at all."""
    tokenized = _tokenize(texts)
    if not tokenized.vocab:
        return None
    retriever = bm25s.BM25()
    retriever.index(tokenized, show_progress=False)
    return retriever


def _field_scores(retriever: bm25s.BM25 | None, query: str, n: int) -> np.ndarray:
    if retriever is None:
        return np.zeros(n, dtype=np.float32)
    tokenized = _tokenize([query])
    vocab = {v: k for k, v in tokenized.vocab.items()}
    tokens = [vocab[i] for i in tokenized.ids[0]]
    if not tokens:
        return np.zeros(n, dtype=np.float32)
    return np.asarray(retriever.get_scores(tokens), dtype=np.float32)


HOW_TO_ANSWER = frozenset(STEMMER.stemWords(sorted(MANNER_WORDS)))  # "please be brief"


class LexicalIndex:
    """BM25 over a fixed, ordered list of passage ids, with an answer and a question field."""

    def __init__(
        self,
        answers: bm25s.BM25 | None,
        ids: list[str],
        questions: bm25s.BM25 | None = None,
    ) -> None:
        self.retriever = answers
        self.questions = questions
        self.ids = ids
        self.idf = _idf(answers, len(ids))
        self.question_idf = _idf(questions, len(ids))

    def knows(self, word: str) -> bool:
        """True when every token of ``word`` (``Jean-Pierre`` is two, stemmed as the index
        stems them) occurs in some passage, answer or question."""
        found = tokens(word)
        return bool(found) and all(
            stem in self.idf or stem in self.question_idf for stem in STEMMER.stemWords(found)
        )

    def query_weights(self, query: str) -> dict[str, float]:
        """The query's terms and their weights (idf in the answers): what coverage counts.
        Words that say how to answer ("please be thorough") are not what is asked about."""
        return {term: self.term_weight(term) for term in stems(query) if term not in HOW_TO_ANSWER}

    def term_weight(self, stemmed: str) -> float:
        """Inverse document frequency of a stemmed term in the answers (rare words weigh more)."""
        return self.idf.get(stemmed, self.idf.get("", 1.0))

    @classmethod
    def build(
        cls, ids: list[str], answers: list[str], questions: list[str] | None = None
    ) -> LexicalIndex:
        if not ids:
            return cls(None, [])
        return cls(_build_field(answers), ids, _build_field(questions) if questions else None)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.retriever is not None:
            self.retriever.save(str(folder), show_progress=False)
        if self.questions is not None:
            self.questions.save(str(folder / QUESTION_FIELD), show_progress=False)
        (folder / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        if not ids:
            return cls(None, [])
        answers = bm25s.BM25.load(str(folder), mmap=False, show_progress=False)
        questions = None
        if (folder / QUESTION_FIELD).is_dir():
            questions = bm25s.BM25.load(str(folder / QUESTION_FIELD), show_progress=False)
        return cls(answers, ids, questions)

    def scores(self, query: str, question_weight: float = 0.5) -> np.ndarray:
        """BM25 score of every passage (aligned with ``ids``) for ``query``: the answer
        field's plus ``question_weight`` times the question field's."""
        if self.retriever is None:
            return np.zeros(0, dtype=np.float32)
        n = len(self.ids)
        scores = _field_scores(self.retriever, query, n)
        if self.questions is not None and question_weight:
            scores = scores + question_weight * _field_scores(self.questions, query, n)
        return scores

    def search(
        self,
        query: str,
        k: int,
        mask: np.ndarray | None = None,
        question_weight: float = 0.5,
    ) -> list[tuple[str, float]]:
        """Top ``k`` (id, score) with a positive score, among passages where ``mask`` is true."""
        scores = self.scores(query, question_weight)
        if scores.size == 0:
            return []
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, int(np.count_nonzero(scores > 0)))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top]


def _idf(retriever: bm25s.BM25 | None, n_docs: int) -> dict[str, float]:
    """BM25's idf per vocabulary term, from the index's column pointers (document counts);
    the empty key holds the weight of a term the index has never seen."""
    if retriever is None or not n_docs:
        return {}
    indptr = np.asarray(retriever.scores["indptr"])
    df = np.diff(indptr)
    weights = np.log(1 + (n_docs - df + 0.5) / (df + 0.5))
    idf = {token: float(weights[i]) for token, i in retriever.vocab_dict.items() if i < len(df)}
    idf[""] = float(np.log(1 + (n_docs + 0.5) / 0.5))
    return idf
