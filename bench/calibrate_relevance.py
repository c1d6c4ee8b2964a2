"""Fit the relevance model's weights (``onrecord/relevance.py``) on the sample question set.

For every question of ``data/questions/sample.jsonl`` (never the dev set), the sample index is
searched as ``Assistant.retrieve`` does (filters read from the question), the best
``search.relevance_depth`` fused candidates get their signals, and each is labelled by the gold
quotes (a passage answers when it covers half of a gold quote). A logistic regression (a few
Newton steps, L2 on the weights) maps the signals to P(answers). Prints the weights as Python,
to paste into ``DEFAULT_MODEL``, and the answer gate ``answer.min_answer_relevance``: halfway
between the best relevance of the lowest answerable question and that of the highest
unanswerable one below it.

    .venv/bin/python bench/calibrate_relevance.py [--index DIR] [--questions PATH]

``--index`` defaults to a fresh index of ``data/sample`` built in a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

# Run as a script, this folder is first on sys.path and this file would shadow ``ingest``.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import numpy as np

from bench.retrieval import gold_spans, load_questions
from ingest.pipeline import ingest_paths
from onrecord.assistant import Assistant
from onrecord.embeddings import load_embedder
from onrecord.index.reader import IndexReader
from onrecord.metrics import span_hits
from onrecord.relevance import SIGNALS
from onrecord.retrieval import by_relevance, search
from onrecord.settings import REPO_ROOT, Settings

L2 = 1.0


def labelled_signals(settings: Settings, questions: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """One row of signals per (question, candidate), and whether the candidate answers."""
    reader = IndexReader.open(settings.index_dir, settings)
    embedder = load_embedder(settings.embedding)
    assistant = Assistant(settings, reader, embedder)
    gold = gold_spans(questions, reader.catalog.transcript_text)
    depth = settings.search.relevance_depth
    fusion_only = settings.search.model_copy(update={"relevance_depth": 0})
    rows, labels = [], []
    for q in questions:
        asked = assistant.retrieve(q["question"], history=q.get("history"), k=1)
        vector = embedder.embed([asked.query])[0]
        hits = search(
            reader, embedder, asked.query, asked.filters, fusion_only, depth, vector=vector
        )
        for hit in by_relevance(reader, asked.query, vector, hits, depth):
            rows.append([hit.scores[name] for name in SIGNALS])
            span = (hit.doc_id, hit.start, hit.end)
            labels.append(any(span_hits(span, g) for g in gold[q["id"]]))
    return np.asarray(rows, dtype=float), np.asarray(labels, dtype=float)


def gate_threshold(settings: Settings, questions: list[dict]) -> tuple[float, list[tuple]]:
    """The answer gate (``answer.min_answer_relevance``): each question's best relevance
    through ``Assistant.retrieve``, and the threshold halfway between the lowest answerable
    question's and the highest unanswerable one's below it (no answerable question refused)."""
    reader = IndexReader.open(settings.index_dir, settings)
    assistant = Assistant(settings, reader, load_embedder(settings.embedding))
    best = []
    for q in questions:
        asked = assistant.retrieve(q["question"], history=q.get("history"))
        top = max((h.relevance or 0.0 for h in asked.passages), default=0.0)
        best.append((top, bool(q.get("answerable", True)), q["id"]))
    lowest = min(b for b, answerable, _ in best if answerable)
    below = [b for b, answerable, _ in best if not answerable and b < lowest]
    return (lowest + max(below)) / 2 if below else lowest, sorted(best)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an index of data/sample (default: build one)")
    parser.add_argument(
        "--questions", type=Path, default=REPO_ROOT / "data" / "questions" / "sample.jsonl"
    )
    args = parser.parse_args()
    questions = load_questions(args.questions)
    with tempfile.TemporaryDirectory(prefix="onrecord-cal-") as temp:
        index = args.index or Path(temp)
        settings = Settings(index_dir=index)
        if args.index is None:
            ingest_paths([REPO_ROOT / "data" / "sample"], settings, progress=False)
        x, y = labelled_signals(settings, questions)
        threshold, best = gate_threshold(settings, questions)
    w = fit_logistic(x, y)
    weights = ", ".join(f'"{name}": {value:.2f}' for name, value in zip(SIGNALS, w, strict=False))
    print(f"{len(questions)} questions, {len(y)} candidates, {int(y.sum())} answering")
    print(f"RelevanceModel(weights={{{weights}}}, bias={w[-1]:.2f})")
    refused = sum(1 for b, answerable, _ in best if not answerable and b < threshold)
    print(
        f"answer.min_answer_relevance = {threshold:.3f} (with the weights in use): refuses "
        f"{refused} of {sum(not a for _, a, _ in best)} unanswerable sample questions, "
        "no answerable one"
    )


if __name__ == "__main__":
    main()
