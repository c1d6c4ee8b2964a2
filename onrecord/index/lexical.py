"""Keyword search over passages with bm25s (stemmed, English stop words removed)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

logging.getLogger("bm25s").setLevel(logging.WARNING)
_STEMMER = Stemmer.Stemmer("english")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's default token pattern


def _tokenize(texts: list[str]) -> bm25s.tokenization.Tokenized:
    return bm25s.tokenize(texts, stopwords="en", stemmer=_STEMMER, show_progress=False)


class LexicalIndex:
    """BM25 over a fixed, ordered list of passage ids."""

    def __init__(self, retriever: bm25s.BM25 | None, ids: list[str]) -> None:
        self.retriever = retriever
        self.ids = ids
        self.idf = _idf(retriever, len(ids))

    def knows(self, word: str) -> bool:
        """True when every token of ``word`` (``Jean-Pierre`` is two, stemmed as the index
        stems them) occurs in some passage."""
        tokens = _TOKEN.findall(word.lower())
        return bool(tokens) and all(stem in self.idf for stem in _STEMMER.stemWords(tokens))

    def term_weight(self, stemmed: str) -> float:
        """Inverse document frequency of a stemmed term (rare words weigh more)."""
        return self.idf.get(stemmed, self.idf.get("", 1.0))

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        if not ids:
            return cls(None, [])
        retriever = bm25s.BM25()
        retriever.index(_tokenize(texts), show_progress=False)
        return cls(retriever, ids)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.retriever is not None:
            self.retriever.save(str(folder), show_progress=False)
        (folder / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        if not ids:
            return cls(None, [])
        return cls(bm25s.BM25.load(str(folder), mmap=False, show_progress=False), ids)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage (aligned with ``ids``) for ``query``."""
        if self.retriever is None:
            return np.zeros(0, dtype=np.float32)
        tokenized = _tokenize([query])
        vocab = {v: k for k, v in tokenized.vocab.items()}
        tokens = [vocab[i] for i in tokenized.ids[0]]
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return self.retriever.get_scores(tokens)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top ``k`` (id, score) with a positive score, among passages where ``mask`` is true."""
        scores = self.scores(query)
        if scores.size == 0:
            return []
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, int(np.count_nonzero(scores > 0)))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
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
