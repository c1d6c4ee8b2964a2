"""Fit the relevance model (``onrecord/relevance.py``) and the answer gate on the *fit*
questions only: the sample set (``data/questions/sample.jsonl`` over ``data/sample``) and
dev-001…060 (over the paper corpus index that ``bench/retrieval.py --corpus-set paper``
leaves). The *choose* part, dev-061…150, is never read here.

For every fit question the index is searched as ``Assistant.retrieve`` does (filters read from
the question), and each of the ``search.relevance_depth`` candidates gets the signals of
``relevance.SIGNALS`` and a label from the gold quotes (a passage answers when it covers half
of a gold quote). A logistic regression (Newton steps, L2 on the weights) maps the signals to
P(answers). The gate ``answer.min_answer_relevance`` refuses at most ``MAX_REFUSED`` of the
answerable fit questions: it sits halfway between the best relevance of the answerable
question at that place and that of the highest unanswerable one below it.

    .venv/bin/python bench/calibrate_relevance.py [--sample-index DIR] \\
        [--dev-index bench/out/paper/onrecord-index]

Without ``--sample-index`` a fresh index of ``data/sample`` is built in a temporary folder;
without a dev index (none at the default path) the fit uses the sample set alone.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Run as a script, this folder is first on sys.path and this file would shadow ``ingest``.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import numpy as np

from bench.retrieval import gold_spans, load_questions
from ingest.pipeline import ingest_paths
from onrecord.assistant import Assistant
from onrecord.embeddings import Embedder, load_embedder
from onrecord.index.reader import IndexReader
from onrecord.metrics import span_hits
from onrecord.reading.kinds import asks_amount
from onrecord.relevance import SIGNALS, RelevanceModel, tried_signals
from onrecord.retrieval import best_windows, candidate_terms
from onrecord.settings import REPO_ROOT, Settings

L2 = 1.0
FIT_DEV = range(1, 61)  # dev-001…060; dev-061…150 is the choose part, never fitted on
MAX_REFUSED = 0.0  # share of answerable fit questions the gate may refuse (none)
DEV_QUESTIONS = REPO_ROOT.parent / "shared" / "questions" / "dev.jsonl"
SAMPLE_QUESTIONS = REPO_ROOT / "data" / "questions" / "sample.jsonl"


@dataclass
class Candidates:
    """One question's candidates: their signals, spans, and which of them answer."""

    question: dict
    signals: list[dict[str, float]]
    spans: list[tuple[str, int, int]]
    answers: list[bool]

    @property
    def answerable(self) -> bool:
        return bool(self.question.get("answerable", True))


def collect(index: Path, questions: list[dict], embedder: Embedder) -> list[Candidates]:
    """Every question's candidates as the product ranks them (``Assistant.retrieve``)."""
    settings = Settings(index_dir=index)
    reader = IndexReader.open(index, settings)
    assistant = Assistant(settings, reader, embedder)
    gold = gold_spans(questions, reader.catalog.transcript_text)
    found = []
    for q in questions:
        asked = assistant.retrieve(
            q["question"], history=q.get("history"), k=settings.search.relevance_depth
        )
        hits = [h for h in asked.passages if h.relevance is not None]
        spans = [(h.doc_id, h.start, h.end) for h in hits]
        extra = extra_signals(reader, assistant, asked.query, hits)
        found.append(
            Candidates(
                q | {"gold": gold[q["id"]]},
                [{**h.scores, **more} for h, more in zip(hits, extra, strict=True)],
                spans,
                [any(span_hits(s, g) for g in gold[q["id"]]) for s in spans],
            )
        )
    return found


def extra_signals(reader: IndexReader, assistant: Assistant, query: str, hits: list) -> list:
    """Signals tried beside ``relevance.SIGNALS``: ``relevance.tried_signals`` (over the same
    candidates), the fused score and the best stored sentence-pair cosine."""
    vector = assistant.embedder.embed([query])[0]
    windows = best_windows(reader.catalog.sentence_vectors([h.passage_id for h in hits]), vector)
    passages = reader.catalog.passages_by_id([h.passage_id for h in hits])
    found = [candidate_terms(passages[h.passage_id], sentences=True) for h in hits]
    tried = tried_signals(reader.lexical.query_weights(query), found, asks_amount(query))
    return [
        {
            **more,
            "fused": hit.score * 60,
            "sentence_dense": windows.get(hit.passage_id, hit.scores["dense"]),
        }
        for hit, more in zip(hits, tried, strict=True)
    ]


def fit_questions(sample_index: Path, dev_index: Path | None, embedder: Embedder) -> list:
    """The fit part's candidates: the sample set, then dev-001…060 when a dev index is given."""
    found = collect(sample_index, load_questions(SAMPLE_QUESTIONS), embedder)
    if dev_index is not None:
        dev = [q for q in load_questions(DEV_QUESTIONS) if number(q["id"]) in FIT_DEV]
        found += collect(dev_index, dev, embedder)
    return found


def number(question_id: str) -> int:
    tail = question_id.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def fit_model(found: list[Candidates], signals: tuple[str, ...] = SIGNALS) -> RelevanceModel:
    """Two fits, each for what it is good at. The *order*: weights that put a question's
    answering candidates above its others (a softmax over each question's candidates), so
    that a signal counts for how it ranks passages of one question, not for how many
    candidates of all questions it separates. The *scale*: a logistic regression of the
    answers on that one score, so the relevance is a probability the gate can read."""
    x = [np.asarray([[row[s] for s in signals] for row in c.signals]) for c in found]
    y = [np.asarray(c.answers, dtype=float) for c in found]
    order = fit_listwise(x, y)
    scores = np.concatenate([rows @ order for rows in x if len(rows)])[:, None]
    scale, bias = fit_logistic(scores, np.concatenate(y))
    weights = {s: float(scale * w) for s, w in zip(signals, order, strict=True)}
    return RelevanceModel(weights, float(bias))


def fit_listwise(
    x: list[np.ndarray], y: list[np.ndarray], l2: float = L2, steps: int = 30
) -> np.ndarray:
    """Weights maximising, over the questions with an answering candidate, the softmax share
    of their answering candidates (Newton's method, L2 on the weights)."""
    pairs = [(rows, hits / hits.sum()) for rows, hits in zip(x, y, strict=True) if hits.sum()]
    w = np.zeros(pairs[0][0].shape[1])
    for _ in range(steps):
        gradient, hessian = l2 * w, l2 * np.eye(len(w))
        for rows, target in pairs:
            logits = rows @ w
            p = np.exp(logits - logits.max())
            p /= p.sum()
            gradient += rows.T @ (p - target)
            hessian += rows.T @ (np.diag(p) - np.outer(p, p)) @ rows
        w -= np.linalg.solve(hessian, gradient)
    return w


def gate_threshold(found: list[Candidates], model: RelevanceModel) -> float:
    """Refuses at most ``MAX_REFUSED`` of the answerable questions (by their best relevance)."""
    best = [(max((model.probability(s) for s in c.signals), default=0.0), c) for c in found]
    answerable = sorted(b for b, c in best if c.answerable)
    lowest = answerable[int(MAX_REFUSED * len(answerable))]
    below = [b for b, c in best if not c.answerable and b < lowest]
    return (lowest + max(below)) / 2 if below else lowest


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> np.ndarray:
    """Weights then bias, by Newton's method on the L2-penalised log-likelihood."""
    a = np.hstack([x, np.ones((len(x), 1))])
    penalty = np.diag(np.r_[np.full(x.shape[1], l2), 0.0])
    w = np.zeros(a.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-a @ w))
        gradient = a.T @ (p - y) + penalty @ w
        hessian = (a * (p * (1 - p))[:, None]).T @ a + penalty
        w -= np.linalg.solve(hessian, gradient)
    return w


def default_dev_index() -> Path | None:
    path = REPO_ROOT / "bench" / "out" / "paper" / "onrecord-index"
    return path if path.is_dir() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample-index", type=Path, help="an index of data/sample")
    parser.add_argument("--dev-index", type=Path, default=default_dev_index())
    args = parser.parse_args()
    embedder = load_embedder(Settings().embedding)
    with tempfile.TemporaryDirectory(prefix="onrecord-cal-") as temp:
        index = args.sample_index or Path(temp)
        if args.sample_index is None:
            ingest_paths([REPO_ROOT / "data" / "sample"], Settings(index_dir=index), progress=False)
        found = fit_questions(index, args.dev_index, embedder)
    model = fit_model(found)
    weights = ", ".join(f'"{name}": {value:.2f}' for name, value in model.weights.items())
    rows, answering = sum(len(c.answers) for c in found), sum(sum(c.answers) for c in found)
    print(f"{len(found)} fit questions, {rows} candidates, {answering} answering")
    print(f"RelevanceModel(weights={{{weights}}}, bias={model.bias:.2f})")
    threshold = gate_threshold(found, model)
    best = [(max((model.probability(s) for s in c.signals), default=0.0), c) for c in found]
    refused = sum(1 for b, c in best if not c.answerable and b < threshold)
    wrong = sum(1 for b, c in best if c.answerable and b < threshold)
    print(
        f"answer.min_answer_relevance = {threshold:.3f}: refuses {refused} of "
        f"{sum(not c.answerable for c in found)} unanswerable fit questions and {wrong} of "
        f"{sum(c.answerable for c in found)} answerable ones"
    )


if __name__ == "__main__":
    main()
