"""What each passage should embed: dense search alone over the same passages, text varied.

For the passages of an index (as ``bench/retrieval.py`` leaves it), each variant's text is
embedded (bench cache: ``bench/out/embeddings.sqlite3``) and every question of the set is
answered by cosine alone over all passages, no keywords, no filters:

* ``v2``: ``Speaker: answer`` / ``Question: …`` / ``(title)``, as before offices were read;
* ``v3``: ``Speaker (office): answer`` / ``Question: …`` / ``(title)``;
* ``v4``: ``title`` / ``Question: …`` / ``Speaker (office): answer``, what ingest embeds now;
* ``answer``: the answer alone; ``speaker_answer``: ``Speaker (office): answer``;
* ``title_first``: ``title (date)`` / ``Speaker (office): answer`` / ``Question: …``;
* ``edges``: ``v4`` with the last sentence of the turn's previous piece and the first of its
  next piece around the answer (passages cut from one long turn overlap a little);
* ``windows``: ``v4``, and a passage scores the best of its own vector and those of its
  three-sentence windows (every second sentence), ``Speaker (office): sentences``.

    .venv/bin/python bench/embedded_text.py INDEX [--questions PATH] [--variants v2,v3,...]

Prints hit@1, hit@5, hit@10 and MRR@10 per variant, on the whole set and on each part.
"""

from __future__ import annotations

import argparse
import sys
from itertools import pairwise
from pathlib import Path

if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import numpy as np

from bench.embedding_cache import CachedEmbedder
from bench.retrieval import embed_all, gold_spans, load_questions, question_parts
from ingest.offices import speaker_offices
from onrecord.embeddings import load_embedder
from onrecord.index.reader import IndexReader
from onrecord.metrics import aggregate
from onrecord.sentences import sentence_spans
from onrecord.settings import REPO_ROOT, Settings
from onrecord.types import Passage, Transcript, named

VARIANTS = ("v2", "v3", "v4", "answer", "speaker_answer", "title_first", "edges")
WINDOW, STRIDE = 3, 2


def text_of(variant: str, p: Passage, title: str, office: str, before: str, after: str) -> str:
    who = named(p.speaker, office)
    question = f"\nQuestion: {p.question[:400]}" if p.question else ""
    return {
        "v2": f"{p.speaker}: {p.text}{question}\n({title})",
        "v3": f"{who}: {p.text}{question}\n({title})",
        "v4": f"{title}{question}\n{who}: {p.text}",
        "answer": p.text,
        "speaker_answer": f"{who}: {p.text}",
        "title_first": f"{title} ({p.date})\n{who}: {p.text}{question}",
        "edges": f"{title}{question}\n{who}: {f'{before} ' if before else ''}{p.text}"
        f"{f' {after}' if after else ''}",
    }[variant]


def windows(p: Passage, office: str) -> list[str]:
    spans = sentence_spans(p.text, 0, len(p.text))
    if len(spans) <= WINDOW:
        return []
    who = named(p.speaker, office)
    return [
        f"{who}: {p.text[spans[i][0] : spans[i + WINDOW - 1][1]]}"
        for i in range(0, len(spans) - WINDOW + 1, STRIDE)
    ]


def neighbours(passages: list[Passage]) -> tuple[list[str], list[str]]:
    """The previous piece's last sentence and the next piece's first, within one turn."""
    before, after = [""] * len(passages), [""] * len(passages)
    order = sorted(range(len(passages)), key=lambda i: (passages[i].doc_id, passages[i].start))
    for a, b in pairwise(order):
        pa, pb = passages[a], passages[b]
        if (pa.doc_id, pa.turn_index) != (pb.doc_id, pb.turn_index):
            continue
        last = sentence_spans(pa.text, 0, len(pa.text))[-1]
        first = sentence_spans(pb.text, 0, len(pb.text))[0]
        before[b], after[a] = pa.text[slice(*last)], pb.text[slice(*first)]
    return before, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument(
        "--questions", type=Path, default=REPO_ROOT.parent / "shared/questions/dev.jsonl"
    )
    parser.add_argument("--variants", default=",".join((*VARIANTS, "windows")))
    args = parser.parse_args()
    settings = Settings(index_dir=args.index)
    reader = IndexReader.open(args.index, settings)
    embedder = CachedEmbedder(
        load_embedder(settings.embedding), REPO_ROOT / "bench/out/embeddings.sqlite3"
    )
    by_id = {p.id: p for p in reader.catalog.all_passages()}
    passages = [by_id[pid] for pid in reader.lexical.ids]
    titles, offices = {}, {}
    for doc in reader.docs:
        info = reader.catalog.transcript_info(doc)
        text = reader.catalog.transcript_text(doc) or ""
        turns = reader.catalog.turns(doc)
        titles[doc] = info.title
        offices[doc] = speaker_offices(
            Transcript(doc, info.title, info.date, text, turns, info.source)
        )
    office = [offices[p.doc_id].get(p.speaker, "") for p in passages]
    before, after = neighbours(passages)
    questions = load_questions(args.questions)
    gold = gold_spans(questions, reader.catalog.transcript_text)
    query = embedder.embed([q["question"] for q in questions])
    for variant in args.variants.split(","):
        base = "v4" if variant == "windows" else variant
        texts = [
            text_of(base, p, titles[p.doc_id], office[i], before[i], after[i])
            for i, p in enumerate(passages)
        ]
        similarity = query @ embed_all(embedder, texts, variant).T
        if variant == "windows":
            owner, pieces = [], []
            for i, p in enumerate(passages):
                for piece in windows(p, office[i]):
                    owner.append(i)
                    pieces.append(piece)
            by_window = query @ embed_all(embedder, pieces, "windows").T
            for row in range(len(questions)):
                np.maximum.at(similarity[row], np.asarray(owner), by_window[row])
        ranked = {
            q["id"]: [
                (passages[j].doc_id, passages[j].start, passages[j].end)
                for j in np.argsort(-similarity[row])[:10]
            ]
            for row, q in enumerate(questions)
        }
        for part, ids in question_parts(questions).items():
            r = aggregate([(ranked[i], gold[i]) for i in ids])
            print(
                f"| {variant} | {part} | {r['hit@1']:.2f} | {r['hit@5']:.2f} | "
                f"{r['hit@10']:.2f} | {r['mrr@10']:.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
