"""How likely a passage answers a question: one calibrated number per candidate.

Ranks say which passage is better than another for one question; they say nothing about
whether any passage answers it, and rank fusion ignores by how much one passage beats the
next. The relevance here is built from signals that mean the same thing for every question.

A question names its event by context (who, where, when, at which meeting) and its topic by a
few words. The context words are in every passage of that event, so among the candidates of
one search they tell nothing apart. Each question word therefore weighs its rarity in the
index (BM25's idf) times its rarity among the candidates: ``log(1 + n / (0.5 + df))``, where
``df`` of the ``n`` candidates hold it (``distinctive_weights``). Nothing in it is fitted.

The model reads three signals:

* ``dense``: cosine of the question's vector and the passage's (what it is about);
* ``coverage``: the share of the question's distinctive word weight that the passage's answer
  field holds (the speaker's words, name and office);
* ``question_coverage``: the same share in the journalist's question the passage answers.

``tried_signals`` gives signals that were measured and not kept (docs/retrieval.md,
"Relevance signals"; ``bench/relevance_variants.py`` fits them): the two coverages with index
idf alone (``*_idf``, the design before), ``sentence_coverage`` (the share in the passage's best
one or two consecutive sentences) and ``number`` (for a question asking for a quantity, that
share in the best run holding a number).

``P(answers) = sigmoid(bias + Σ weight × signal)``: the weights put each question's answering
candidates first (a softmax fit), then one logistic regression scales them to a probability;
both fitted on the candidates of the *fit* questions only (the sample set and dev-001…060;
``bench/calibrate_relevance.py`` prints the weights below). Pure functions; no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SIGNALS = ("dense", "coverage", "question_coverage")  # what DEFAULT_MODEL reads
WINDOW = 2  # sentences a passage answers in, at most, for the sentence signals


@dataclass(frozen=True)
class RelevanceModel:
    weights: Mapping[str, float]
    bias: float

    def logit(self, signals: Mapping[str, float]) -> float:
        return self.bias + sum(w * signals.get(name, 0.0) for name, w in self.weights.items())

    def probability(self, signals: Mapping[str, float]) -> float:
        """P(this passage answers the question), between 0 and 1."""
        return 1.0 / (1.0 + math.exp(-self.logit(signals)))


@dataclass(frozen=True)
class CandidateTerms:
    """What the lexical signals read of one candidate passage (stemmed terms)."""

    answer: frozenset[str]  # the answer field: speaker, office and the official's words
    question: frozenset[str]  # the journalist's question it answers
    # Read only for the signals that were tried (``tried_signals``): each sentence of the
    # answer, in order, and whether it holds a number.
    sentences: tuple[frozenset[str], ...] = ()
    numbers: tuple[bool, ...] = ()


def coverage(query_weights: Mapping[str, float], terms: set[str] | frozenset[str]) -> float:
    """Share of the query's term weight that ``terms`` holds; 0 for an empty query."""
    total = sum(query_weights.values())
    if total <= 0:
        return 0.0
    return sum(w for term, w in query_weights.items() if term in terms) / total


def distinctive_weights(
    query_weights: Mapping[str, float], candidates: Sequence[CandidateTerms]
) -> dict[str, float]:
    """Each query term's weight times its rarity among ``candidates``: a word every candidate
    holds counts for little, one a single candidate holds for most."""
    n = len(candidates)
    if not n:
        return dict(query_weights)
    weights = {}
    for term, weight in query_weights.items():
        df = sum(1 for c in candidates if term in c.answer or term in c.question)
        weights[term] = weight * math.log(1 + n / (0.5 + df))
    return weights


def best_run_coverage(
    weights: Mapping[str, float], sentences: Sequence[frozenset[str]], only: Sequence[bool] = ()
) -> float:
    """The highest ``coverage`` of a run of up to ``WINDOW`` consecutive sentences (only runs
    with a sentence where ``only`` is true, when given)."""
    best = 0.0
    for i in range(len(sentences)):
        for j in range(i, min(i + WINDOW, len(sentences))):
            if only and not any(only[i : j + 1]):
                continue
            best = max(best, coverage(weights, frozenset().union(*sentences[i : j + 1])))
    return best


def signals_of(
    query_weights: Mapping[str, float],
    candidates: Sequence[CandidateTerms],
    cosines: Sequence[float],
) -> list[dict[str, float]]:
    """The model's signals (``SIGNALS``) of every candidate, the words weighed by what sets
    the candidates apart."""
    weights = distinctive_weights(query_weights, candidates)
    return [
        {
            "dense": float(cosine),
            "coverage": coverage(weights, found.answer),
            "question_coverage": coverage(weights, found.question),
        }
        for found, cosine in zip(candidates, cosines, strict=True)
    ]


def tried_signals(
    query_weights: Mapping[str, float], candidates: Sequence[CandidateTerms], wants_number: bool
) -> list[dict[str, float]]:
    """Signals measured and not kept (``bench/relevance_variants.py``): the coverages with
    index idf alone, the best sentence run's coverage, and for a quantity question the
    best run holding a number. The candidates need their sentences."""
    weights = distinctive_weights(query_weights, candidates)
    return [
        {
            "coverage_idf": coverage(query_weights, found.answer),
            "question_coverage_idf": coverage(query_weights, found.question),
            "sentence_coverage_idf": best_run_coverage(query_weights, found.sentences),
            "sentence_coverage": best_run_coverage(weights, found.sentences),
            "number": best_run_coverage(weights, found.sentences, found.numbers)
            if wants_number
            else 0.0,
        }
        for found in candidates
    ]


# Fitted by `.venv/bin/python bench/calibrate_relevance.py` (fit questions, 2026-12-07).
DEFAULT_MODEL = RelevanceModel(
    weights={"dense": 8.42, "coverage": 7.38, "question_coverage": 5.66}, bias=-9.35
)
