"""Which signals the relevance model should use: each set fitted on the sample questions,
checked on the dev questions.

For every question the product's candidates (``Assistant.retrieve``, ``search.relevance_depth``
of them) get the three signals of ``onrecord/relevance.py`` and four more that were tried:
``sentence`` (the best cosine of one of the passage's sentences, embedded as the stored
sentence vectors are), ``pair`` (the best mean of two neighbouring sentences), ``office``
(1 when the question names an office sharing a word with the passage speaker's offices) and
``length`` (answer characters / 1000). For each signal set, a logistic regression is fitted on
the sample set's candidates (as ``bench/calibrate_relevance.py`` does) and the candidates of
both sets are put in that order. Prints one Markdown table. (Fusion order alone: run
``bench/retrieval.py`` with ``ONRECORD_SEARCH__RELEVANCE_DEPTH=0``.)

    .venv/bin/python bench/relevance_variants.py --dev-index bench/out/paper/onrecord-index \\
        [--sample-index DIR]

The dev index is the one ``bench/retrieval.py --corpus-set paper`` leaves.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import numpy as np

from bench.calibrate_relevance import fit_logistic
from bench.retrieval import gold_spans, load_questions, question_parts
from ingest.pipeline import ingest_paths
from ingest.sentence_vectors import passage_sentences
from onrecord.assistant import Assistant
from onrecord.embeddings import load_embedder
from onrecord.index.reader import IndexReader
from onrecord.metrics import aggregate, span_hits
from onrecord.office_speaker import office_tokens, question_office_words
from onrecord.settings import REPO_ROOT, Settings
from onrecord.types import Role

SETS = [
    ("dense", "coverage", "question_coverage"),
    ("dense", "coverage", "question_coverage", "sentence"),
    ("dense", "coverage", "question_coverage", "pair"),
    ("dense", "coverage", "question_coverage", "office"),
    ("dense", "coverage", "question_coverage", "length"),
    ("dense", "coverage"),
    ("dense",),
]


def candidates(index: Path, questions: list[dict], embedder) -> list[tuple[dict, list[dict]]]:
    settings = Settings(index_dir=index)
    reader = IndexReader.open(index, settings)
    assistant = Assistant(settings, reader, embedder)
    gold = gold_spans(questions, reader.catalog.transcript_text)
    found = []
    for q in questions:
        answer = assistant.retrieve(
            q["question"], history=q.get("history"), k=settings.search.relevance_depth
        )
        vector = embedder.embed([answer.query])[0]
        roles, near = question_office_words(answer.query)
        passages = reader.catalog.passages_by_id([h.passage_id for h in answer.passages])
        rows = []
        for hit in answer.passages:
            passage = passages[hit.passage_id]
            _, texts = (
                passage_sentences(passage) if passage.role is not Role.JOURNALIST else (0, [])
            )
            cosines = embedder.embed(texts) @ vector if texts else np.asarray([hit.scores["dense"]])
            pairs = (cosines[:-1] + cosines[1:]) / 2 if len(cosines) > 1 else cosines
            office = {t for t, is_role in office_tokens(passage.office) if not is_role}
            rows.append(
                {
                    **{k: hit.scores[k] for k in ("dense", "coverage", "question_coverage")},
                    "sentence": float(cosines.max()),
                    "pair": float(pairs.max()),
                    "office": float(bool(roles and near & office)),
                    "length": len(passage.text) / 1000,
                    "span": (hit.doc_id, hit.start, hit.end),
                    "answers": any(
                        span_hits((hit.doc_id, hit.start, hit.end), g) for g in gold[q["id"]]
                    ),
                }
            )
        found.append((q | {"gold": gold[q["id"]]}, rows))
    return found


def scores(found: list[tuple[dict, list[dict]]], order) -> dict[str, dict]:
    questions = [q for q, _ in found]
    ranked = {}
    for q, rows in found:
        keys = np.asarray([order(r) for r in rows]) if rows else np.zeros(0)
        ranked[q["id"]] = [rows[i]["span"] for i in np.argsort(-keys, kind="stable")][:10]
    return {
        part: aggregate(
            [(ranked[i], next(q["gold"] for q in questions if q["id"] == i)) for i in ids]
        )
        for part, ids in question_parts(questions).items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-index", type=Path, required=True)
    parser.add_argument("--sample-index", type=Path)
    args = parser.parse_args()
    embedder = load_embedder(Settings().embedding)
    shared = REPO_ROOT.parent / "shared" / "questions" / "dev.jsonl"
    with tempfile.TemporaryDirectory(prefix="onrecord-rel-") as temp:
        sample_index = args.sample_index or Path(temp)
        if args.sample_index is None:
            ingest_paths(
                [REPO_ROOT / "data" / "sample"], Settings(index_dir=sample_index), progress=False
            )
        sample = candidates(
            sample_index, load_questions(REPO_ROOT / "data/questions/sample.jsonl"), embedder
        )
    dev = candidates(args.dev_index, load_questions(shared), embedder)
    print(
        "| order | sample MRR@10 | dev all: hit@1 / hit@5 / MRR@10 | dev-001…060 MRR@10 "
        "| dev-061…150 MRR@10 |"
    )
    print("|---|---:|---:|---:|---:|")
    variants = []
    for signals in SETS:
        x = np.asarray([[r[s] for s in signals] for _, rows in sample for r in rows])
        y = np.asarray([r["answers"] for _, rows in sample for r in rows], dtype=float)
        w = fit_logistic(x, y)
        variants.append(
            (
                " + ".join(signals),
                lambda r, s=signals, w=w: sum(r[n] * v for n, v in zip(s, w, strict=False)),
            )
        )
    for name, order in variants:
        s, d = scores(sample, order), scores(dev, order)
        a = d["all"]
        first, added = d["dev-001…060"]["mrr@10"], d["dev-061…150"]["mrr@10"]
        print(
            f"| {name} | {s['all']['mrr@10']:.3f} | {a['hit@1']:.2f} / {a['hit@5']:.2f} / "
            f"{a['mrr@10']:.3f} | {first:.3f} | {added:.3f} |"
        )


if __name__ == "__main__":
    main()
