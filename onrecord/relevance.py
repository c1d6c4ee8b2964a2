"""How likely a passage answers a question: one calibrated number per candidate.

Ranks say which passage is better than another for one question; they say nothing about
whether any passage answers it, and rank fusion ignores by how much one passage beats the
next. The relevance here is built from signals that mean the same thing for every question:

* ``dense``: cosine of the question's vector and the passage's (what it is about);
* ``coverage``: the share of the question's informative words, weighted by how rare they are
  in the index (BM25's idf), that the passage's answer field holds: the speaker's words, name
  and office;
* ``question_coverage``: the same share in the journalist's question the passage answers
  (context: a user often asks what the journalist asked).

``P(answers) = sigmoid(bias + Σ weight × signal)``: a logistic regression fitted on the
candidates of the sample question set (``bench/calibrate_relevance.py`` prints the weights
below; the dev set is never used for it). Pure functions; no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

SIGNALS = ("dense", "coverage", "question_coverage")


@dataclass(frozen=True)
class RelevanceModel:
    weights: Mapping[str, float]
    bias: float

    def logit(self, signals: Mapping[str, float]) -> float:
        return self.bias + sum(w * signals.get(name, 0.0) for name, w in self.weights.items())

    def probability(self, signals: Mapping[str, float]) -> float:
        """P(this passage answers the question), between 0 and 1."""
        return 1.0 / (1.0 + math.exp(-self.logit(signals)))


def coverage(query_weights: Mapping[str, float], terms: set[str]) -> float:
    """Share of the query's term weight (idf) that ``terms`` holds; 0 for an empty query."""
    total = sum(query_weights.values())
    if total <= 0:
        return 0.0
    return sum(w for term, w in query_weights.items() if term in terms) / total


# Fitted by `.venv/bin/python bench/calibrate_relevance.py` (sample set, 2026-12-05).
DEFAULT_MODEL = RelevanceModel(
    weights={"dense": 3.04, "coverage": 3.03, "question_coverage": 1.90}, bias=-5.46
)
