"""Which signals the relevance model should use: each signal set fitted on the *fit* questions
(sample set + dev-001…060), scored on the fit part, and on the *choose* part (dev-061…150)
only when asked (``--choose``): a design is chosen on the fit part and kept only if it helps
on the choose part too, scored once.

Every question's candidates are the product's (``Assistant.retrieve``, the
``search.relevance_depth`` best fused passages, filters read from the question) with every
signal ``bench/calibrate_relevance.py`` collects: ``relevance.SIGNALS`` (question words weighed
by what sets the candidates apart), the same coverage with index idf alone (``*_idf``, the
design before 2026-12-07), the fused score and the best stored sentence-pair cosine. Each
variant is refitted (logistic regression) and the candidates put in its order; the Markdown
table gives hit@1 / hit@5 / MRR@10 per part.

    .venv/bin/python bench/relevance_variants.py [--sample-index DIR] \\
        [--dev-index bench/out/paper/onrecord-index] [--choose VARIANT]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import numpy as np

from bench.calibrate_relevance import (
    DEV_QUESTIONS,
    FIT_DEV,
    Candidates,
    collect,
    default_dev_index,
    fit_model,
    fit_questions,
    number,
)
from bench.retrieval import load_questions
from ingest.pipeline import ingest_paths
from onrecord.embeddings import load_embedder
from onrecord.metrics import aggregate
from onrecord.settings import REPO_ROOT, Settings

BEFORE = ("dense", "coverage_idf", "question_coverage_idf")
VARIANTS = {
    "before: dense, coverage, question coverage (index idf)": BEFORE,
    "distinctive weights: dense, coverage, question coverage": (
        "dense",
        "coverage",
        "question_coverage",
    ),
    "+ best 1-2 sentences' coverage": (
        "dense",
        "coverage",
        "question_coverage",
        "sentence_coverage",
    ),
    "+ number for a quantity question": (
        "dense",
        "coverage",
        "question_coverage",
        "sentence_coverage",
        "number",
    ),
    "+ best sentence-pair cosine": (
        "dense",
        "coverage",
        "question_coverage",
        "sentence_coverage",
        "number",
        "sentence_dense",
    ),
    "distinctive weights + best sentence-pair cosine": (
        "dense",
        "coverage",
        "question_coverage",
        "sentence_dense",
    ),
    "best sentence-pair cosine instead of the passage's": (
        "sentence_dense",
        "coverage",
        "question_coverage",
    ),
    "idf coverage + distinctive coverage": (
        "dense",
        "coverage_idf",
        "question_coverage_idf",
        "coverage",
        "question_coverage",
    ),
    "idf coverage + distinctive sentence coverage + number": (
        "dense",
        "coverage_idf",
        "question_coverage_idf",
        "sentence_coverage",
        "number",
    ),
    "idf coverage + idf sentence coverage": (
        "dense",
        "coverage_idf",
        "question_coverage_idf",
        "sentence_coverage_idf",
    ),
    "all lexical, both weightings, + number": (
        "dense",
        "coverage_idf",
        "question_coverage_idf",
        "sentence_coverage_idf",
        "coverage",
        "question_coverage",
        "sentence_coverage",
        "number",
    ),
    "+ fused score": (
        "dense",
        "coverage",
        "question_coverage",
        "sentence_coverage",
        "number",
        "fused",
    ),
}


def ranked_scores(found: list[Candidates], model) -> dict[str, float | int | None]:
    """hit@k and MRR@10 when each question's candidates are put in ``model``'s order."""
    runs = []
    for c in found:
        if not c.question["gold"]:
            continue
        keys = np.asarray([model.logit(s) for s in c.signals]) if c.signals else np.zeros(0)
        order = np.argsort(-keys, kind="stable")[:10]
        runs.append(([c.spans[i] for i in order], c.question["gold"]))
    return aggregate(runs)


def parts(found: list[Candidates]) -> dict[str, list[Candidates]]:
    return {
        "sample": [c for c in found if c.question["id"].startswith("sample")],
        "dev-001…060": [c for c in found if c.question["id"].startswith("dev")],
    }


def cell(scores: dict) -> str:
    return f"{scores['hit@1']:.2f} / {scores['hit@5']:.2f} / {scores['mrr@10']:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample-index", type=Path)
    parser.add_argument("--dev-index", type=Path, default=default_dev_index())
    parser.add_argument(
        "--choose",
        metavar="VARIANT",
        help="also score dev-061…150, once, for the first variant and this one (chosen on "
        "the fit part; its name as in the table, or its number from 1)",
    )
    args = parser.parse_args()
    embedder = load_embedder(Settings().embedding)
    with tempfile.TemporaryDirectory(prefix="onrecord-rel-") as temp:
        index = args.sample_index or Path(temp)
        if args.sample_index is None:
            ingest_paths([REPO_ROOT / "data" / "sample"], Settings(index_dir=index), progress=False)
        fit = fit_questions(index, args.dev_index, embedder)
    groups = parts(fit) | {"fit part": fit}
    if args.choose and args.dev_index:  # only the first and the chosen variant are scored
        chosen = [q for q in load_questions(DEV_QUESTIONS) if number(q["id"]) not in FIT_DEV]
        groups["dev-061…150 (choose)"] = collect(args.dev_index, chosen, embedder)
    names = list(VARIANTS)
    chosen = names[int(args.choose) - 1] if (args.choose or "").isdigit() else args.choose
    print("| signals (hit@1 / hit@5 / MRR@10) | " + " | ".join(groups) + " |")
    print("|---|" + "---|" * len(groups))
    for name, signals in VARIANTS.items():
        model = fit_model(fit, signals)
        cells = [
            cell(ranked_scores(found, model))
            if "choose" not in part or name in (names[0], chosen)
            else "–"
            for part, found in groups.items()
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
