"""Retrieval benchmark: OnRecord's retriever against the tutorial baseline and BM25, in one run.

Relevance is judged by gold-quote offsets (``onrecord.metrics``): a retrieved passage or chunk
hits when it is in the gold document and covers at least half of the quote's characters.

Methods, all over the same corpus and with the same embedding model (through a SQLite cache,
``bench/embedding_cache.py``, so re-runs only embed what changed):

* ``onrecord``: the corpus ingested with ``ingest_paths`` (always re-chunked; vectors come from
  the cache) and each question sent to ``Assistant.retrieve`` with its history, top 10. The
  gold ``filters`` are not passed: the assistant reads filters from the question itself.
* ``tutorial``: LangChain ``RecursiveCharacterTextSplitter(1000, 200, add_start_index=True)``
  over each transcript's file text, a plain Chroma collection (cosine), similarity top 10 for
  the raw question.
* ``bm25``: bm25s (``onrecord.index.lexical``: stemmed English, stop words removed) on the
  same 1000-character chunks.
* ``rrf``: reciprocal-rank fusion of ``tutorial`` and ``bm25`` (50 candidates each), for
  reference.

Corpus sets: ``paper`` = the MFA transcript, all Kremlin transcripts and 145 White House
briefings (every one a dev question cites, plus an evenly spaced sample of the rest by id);
``full`` = the whole corpus. Run from the repo root:

    .venv/bin/python bench/retrieval.py [--corpus-set paper|full] [--precision P] [--json PATH]
        [--index DIR]

Prints Markdown: the metrics table, per-tag hit@5, and the questions ``onrecord`` misses at 10
(with the gold passage's fate in the index), the list to improve retrieval from.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

# Run as a script, this folder comes first on sys.path, where a module could shadow
# the ``ingest`` package: put the repo root there instead (``bench.embedding_cache`` imports).
_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _HERE:
    sys.path[0] = str(_HERE.parent)

import chromadb  # noqa: E402
import numpy as np  # noqa: E402
from chromadb.config import Settings as ChromaSettings  # noqa: E402
from langchain_text_splitters import RecursiveCharacterTextSplitter  # noqa: E402

from bench.embedding_cache import CachedEmbedder  # noqa: E402
from ingest.discover import MANIFEST, SourceFile, discover  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from onrecord.assistant import Assistant  # noqa: E402
from onrecord.embeddings import Embedder, load_embedder  # noqa: E402
from onrecord.fusion import reciprocal_rank_fusion  # noqa: E402
from onrecord.index.lexical import LexicalIndex  # noqa: E402
from onrecord.index.reader import IndexReader  # noqa: E402
from onrecord.metrics import Span, aggregate, exact_span, first_hit_ranks, span_hits  # noqa: E402
from onrecord.retrieval import search  # noqa: E402
from onrecord.settings import REPO_ROOT, EmbeddingSettings, Settings  # noqa: E402
from onrecord.types import Answer, Passage, SearchFilters  # noqa: E402

K = 10
CANDIDATES = 50  # per retriever, before fusion (as OnRecord's default)
CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200
EMBED_BATCH = 512
PAPER_WHITEHOUSE = 145  # every briefing the dev set cites (45) and an even sample of the rest
# Parts of the dev set reported on their own (a choice that helps only one part is fitted to it).
PARTS = {"dev-001…060": range(1, 61), "dev-061…150": range(61, 151)}
SAMPLED_FOLDER = "whitehouse"
METHODS = {
    "onrecord": "OnRecord retriever (Assistant, k=10)",
    "dense": "OnRecord passages, dense search alone (no keywords, no filters)",
    "tutorial": "tutorial: RecursiveCharacterTextSplitter(1000, 200) + Chroma similarity",
    "bm25": "BM25 (bm25s) on the same 1000-char chunks",
    "rrf": "RRF(tutorial dense, BM25) on the same chunks",
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- data -----------------------------------------------------------------------------------------
@dataclass
class Doc:
    doc_id: str
    path: Path
    text: str


@dataclass
class Retrieved:
    """One ranked result: where it is, and what to show about it."""

    doc_id: str
    start: int
    end: int
    speaker: str = ""
    text: str = ""

    @property
    def span(self) -> Span:
        return (self.doc_id, self.start, self.end)


@dataclass
class MethodRun:
    name: str
    units: int  # passages or chunks indexed
    label: str = ""
    ranked: dict[str, list[Retrieved]] = field(default_factory=dict)  # question id -> results
    notes: dict[str, dict] = field(default_factory=dict)  # question id -> what was searched


def load_questions(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def read_text(path: Path) -> str:
    """The file's text exactly (no newline translation), as the gold offsets assume."""
    return path.read_bytes().decode("utf-8")


def load_docs(corpus: Path) -> dict[str, Doc]:
    """Every transcript under ``corpus`` by id, found the way ingest finds them."""
    sources, _, _ = discover([corpus])
    return {s.doc_id: Doc(s.doc_id, s.path, read_text(s.path)) for s in sources}


# --- corpus sets ----------------------------------------------------------------------------------
def cited_docs(questions: Sequence[dict]) -> set[str]:
    return {e["doc_id"] for q in questions for e in q.get("evidence", [])}


def evenly_spaced(items: Sequence[str], count: int) -> list[str]:
    """``count`` items spread evenly over ``items`` (all of them when there are fewer)."""
    if count >= len(items):
        return list(items)
    return [items[i * len(items) // count] for i in range(max(count, 0))]


def paper_selection(sources: Sequence[SourceFile], cited: set[str]) -> set[str]:
    """All non-White House transcripts, plus cited and evenly sampled White House ones."""
    sampled = sorted(s.doc_id for s in sources if s.path.parent.name == SAMPLED_FOLDER)
    keep = {s.doc_id for s in sources if s.path.parent.name != SAMPLED_FOLDER}
    chosen = [d for d in sampled if d in cited]
    rest = [d for d in sampled if d not in cited]
    chosen += evenly_spaced(rest, PAPER_WHITEHOUSE - len(chosen))
    return keep | set(chosen)


def copy_corpus(sources: Sequence[SourceFile], keep: set[str], corpus: Path, into: Path) -> Path:
    """Copy the kept transcripts, with their manifest rows, keeping the folder layout."""
    rows: dict[Path, list[dict]] = {}
    for source in sources:
        if source.doc_id not in keep:
            continue
        folder = into / source.path.parent.relative_to(corpus)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source.path, folder / source.path.name)
        if source.manifest:
            rows.setdefault(folder, []).append(source.manifest)
    for folder, manifest in rows.items():
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in manifest)
        (folder / MANIFEST).write_text(text, encoding="utf-8")
    return into


def corpus_for(corpus_set: str, corpus: Path, questions: Sequence[dict], temp: Path) -> Path:
    if corpus_set == "full":
        return corpus
    sources, _, _ = discover([corpus])
    keep = paper_selection(sources, cited_docs(questions))
    return copy_corpus(sources, keep, corpus, temp)


# --- gold -----------------------------------------------------------------------------------------
def gold_spans(questions: Sequence[dict], text_of: Callable[[str], str | None]) -> dict[str, list]:
    """Question id -> gold spans, each quote located by exact search in its document."""
    gold: dict[str, list[Span]] = {}
    for q in questions:
        spans: list[Span] = []
        for item in q.get("evidence", []):
            text = text_of(item["doc_id"])
            if text is None:
                raise SystemExit(f"{q['id']}: gold document {item['doc_id']} is not in the corpus")
            found = exact_span(text, item["quote"])
            if found is None:
                raise SystemExit(f"{q['id']}: gold quote not found in {item['doc_id']}")
            spans.append((item["doc_id"], *found))
        gold[q["id"]] = spans
    return gold


# --- embedding helpers ----------------------------------------------------------------------------
def embed_all(embedder: Embedder, texts: Sequence[str], what: str) -> np.ndarray:
    """Embed in length-sorted batches (each batch is cached as soon as it is done)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    started = time.perf_counter()
    for offset in range(0, len(order), EMBED_BATCH):
        part = order[offset : offset + EMBED_BATCH]
        out[part] = embedder.embed([texts[i] for i in part])
        done = offset + len(part)
        if done % (EMBED_BATCH * 8) == 0 or done == len(order):
            log(f"{what}: {done}/{len(order)} ({time.perf_counter() - started:.0f}s)")
    return out


# --- (a) OnRecord ---------------------------------------------------------------------------------
def build_index(corpus: Path, index_dir: Path, embedder: Embedder) -> Settings:
    """Re-chunk the whole corpus into ``index_dir`` (vectors come from the cache)."""
    settings = Settings(index_dir=index_dir)
    started = time.perf_counter()
    report = ingest_paths([corpus], settings, rebuild=True, embedder=embedder, progress=False)
    for failed in report.failed:
        log(f"not indexed: {Path(failed.path).name}: {failed.reason}")
    log(
        f"onrecord index: {report.transcripts_total} transcripts, {report.passages_total} "
        f"passages ({time.perf_counter() - started:.0f}s)"
    )
    return settings


def retrieve(assistant: Assistant, question: dict) -> Answer:
    """``Assistant.retrieve`` when the engine has it; else the same steps via a quotes-mode
    answer (no model, no network), whose ``passages`` are the retrieved hits."""
    history = question.get("history")
    method = getattr(assistant, "retrieve", None)
    if method is not None:
        return method(question["question"], history=history, k=K)
    return assistant.answer(question["question"], history=history, mode="quotes", k=K)


def run_onrecord(
    settings: Settings, embedder: Embedder, questions: Sequence[dict]
) -> tuple[MethodRun, IndexReader]:
    reader = IndexReader.open(settings.index_dir, settings)
    assistant = Assistant(settings, reader, embedder)
    how = "retrieve" if hasattr(assistant, "retrieve") else "answer, quotes mode"
    label = f"OnRecord retriever (Assistant.{how}, k={K})"
    run = MethodRun("onrecord", reader.stats()["passages"], label)
    for q in questions:
        answer = retrieve(assistant, q)
        run.ranked[q["id"]] = [
            Retrieved(h.doc_id, h.start, h.end, f"{h.speaker} ({h.role.value})", h.text)
            for h in answer.passages
        ]
        run.notes[q["id"]] = {
            "query": answer.query,
            "auto_filters": list(answer.auto_filters),
            "warnings": list(answer.warnings),
            "found": answer.found,
            "filters": answer.filters,
        }
    return run, reader


def run_dense(reader: IndexReader, embedder: Embedder, questions: Sequence[dict]) -> MethodRun:
    """The same passages ranked by their vectors alone: what the embedded text is worth."""
    dense = reader.dense()
    passages = reader.catalog.passages_by_id(reader.lexical.ids)
    run = MethodRun("dense", len(dense.ids))
    for q in questions:
        top = dense.search(embedder.embed([q["question"]])[0], K)
        run.ranked[q["id"]] = [
            Retrieved(p.doc_id, p.start, p.end, f"{p.speaker} ({p.role.value})", p.text)
            for p in (passages[pid] for pid, _ in top)
        ]
    return run


# --- (b) tutorial, (c) BM25, RRF ------------------------------------------------------------------
def split_chunks(docs: dict[str, Doc]) -> list[Retrieved]:
    """The tutorial's 1000/200 chunks with their character offsets in the file text."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    chunks: list[Retrieved] = []
    for doc in sorted(docs.values(), key=lambda d: d.doc_id):
        for piece in splitter.create_documents([doc.text]):
            start = int(piece.metadata["start_index"])
            text = piece.page_content
            if start < 0 or doc.text[start : start + len(text)] != text:
                raise SystemExit(f"splitter offset wrong in {doc.doc_id} at {start}")
            chunks.append(Retrieved(doc.doc_id, start, start + len(text), "", text))
    return chunks


def chroma_collection(folder: Path, vectors: np.ndarray) -> chromadb.Collection:
    """A fresh plain Chroma collection (cosine space) holding ``vectors`` as ids ``0..n-1``."""
    client = chromadb.PersistentClient(
        path=str(folder), settings=ChromaSettings(anonymized_telemetry=False)
    )
    if "chunks" in [c.name for c in client.list_collections()]:
        client.delete_collection("chunks")
    collection = client.create_collection(
        "chunks", embedding_function=None, metadata={"hnsw:space": "cosine"}
    )
    size = client.get_max_batch_size()
    for start in range(0, len(vectors), size):
        stop = min(len(vectors), start + size)
        collection.add(ids=[str(i) for i in range(start, stop)], embeddings=vectors[start:stop])
    return collection


def dense_ids(collection: chromadb.Collection, vector: np.ndarray, n: int) -> list[str]:
    result = collection.query(query_embeddings=vector.reshape(1, -1), n_results=n, include=[])
    return list(result["ids"][0])


def run_chunk_methods(
    chunks: list[Retrieved], folder: Path, embedder: Embedder, questions: Sequence[dict]
) -> list[MethodRun]:
    """``tutorial``, ``bm25`` and ``rrf`` over the same chunks."""
    vectors = embed_all(embedder, [c.text for c in chunks], "tutorial chunks")
    collection = chroma_collection(folder, vectors)
    ids = [str(i) for i in range(len(chunks))]
    lexical = LexicalIndex.build(ids, [c.text for c in chunks])
    runs = {name: MethodRun(name, len(chunks)) for name in ("tutorial", "bm25", "rrf")}
    for q in questions:
        vector = embedder.embed([q["question"]])[0]
        dense = dense_ids(collection, vector, CANDIDATES)
        keyword = [pid for pid, _ in lexical.search(q["question"], CANDIDATES)]
        fused = [pid for pid, _ in reciprocal_rank_fusion({"d": dense, "l": keyword}, k=60)]
        for name, ranking in (("tutorial", dense), ("bm25", keyword), ("rrf", fused)):
            runs[name].ranked[q["id"]] = [chunks[int(pid)] for pid in ranking[:K]]
    return list(runs.values())


# --- scoring --------------------------------------------------------------------------------------
def question_parts(questions: Sequence[dict]) -> dict[str, list[str]]:
    """``all`` and each part of ``PARTS`` that holds a question of this set, in file order."""
    parts = {"all": [q["id"] for q in questions]}
    for name, numbers in PARTS.items():
        ids = [q["id"] for q in questions if _number(q["id"]) in numbers]
        if ids and name.split("-")[0] == questions[0]["id"].split("-")[0]:
            parts[name] = ids
    return parts


def _number(question_id: str) -> int:
    tail = question_id.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def scores(run: MethodRun, gold: dict[str, list[Span]], ids: Sequence[str]) -> dict:
    return aggregate([([r.span for r in run.ranked[i]], gold[i]) for i in ids])


def ranks(run: MethodRun, question_id: str, gold: list[Span]) -> list[int | None]:
    return first_hit_ranks([r.span for r in run.ranked[question_id]], gold)


def tags_of(questions: Sequence[dict]) -> list[str]:
    return sorted({t for q in questions for t in q.get("tags", [])})


def per_tag(runs: Sequence[MethodRun], questions: Sequence[dict], golds: dict) -> dict:
    """Tag -> {method: hit@5, "n": answerable questions with the tag}."""
    table: dict[str, dict] = {}
    for tag in tags_of(questions):
        ids = [q["id"] for q in questions if tag in q.get("tags", [])]
        row = {run.name: scores(run, golds[run.name], ids)["hit@5"] for run in runs}
        row["n"] = sum(1 for i in ids if golds["onrecord"][i])
        table[tag] = row
    return table


# --- why a question is missed: the gold passage in OnRecord's index -------------------------------
DEEP = 1000  # the whole fused list (at most twice the candidates per retriever)


@dataclass
class GoldFate:
    """Ranks of the passage holding a gold quote: unfiltered, within the filters read from the
    question (None when there were none), and in the whole fused list as OnRecord searches
    (None: in neither retriever's candidates)."""

    passage: Passage
    passes_filters: bool
    dense: tuple[int, int | None]  # (unfiltered rank, rank within the filters)
    lexical: tuple[int, int | None]  # 0 = no query term in the passage
    fused: int | None


def rank_of(scores: np.ndarray, i: int, mask: np.ndarray | None = None) -> int:
    """1-based rank of item ``i`` by descending score (among ``mask`` when given)."""
    better = scores > scores[i]
    return int(np.sum(better if mask is None else better & mask)) + 1


class Diagnoser:
    """Where the passage holding a gold quote ranks in OnRecord's index, and whether the
    filters read from the question let it through."""

    def __init__(self, reader: IndexReader, embedder: Embedder, settings: Settings) -> None:
        self.reader = reader
        self.embedder = embedder
        self.settings = settings
        by_id = {p.id: p for p in reader.catalog.all_passages()}
        self.passages = [by_id[pid] for pid in reader.lexical.ids]
        self.vectors = embed_all(embedder, [p.embed_text for p in self.passages], "diagnosis")

    def fates(self, query: str, filters: SearchFilters, gold: Span) -> list[GoldFate]:
        holding = [
            i
            for i, p in enumerate(self.passages)
            if p.doc_id == gold[0] and span_hits((p.doc_id, p.start, p.end), gold)
        ]
        if not holding:
            return []
        dense = self.vectors @ self.embedder.embed([query])[0]
        lexical = self.reader.lexical.scores(query, self.settings.search.question_weight)
        mask = self.reader.filter_mask(filters)
        deep = search(self.reader, self.embedder, query, filters, self.settings.search, DEEP)
        fused = {hit.passage_id: rank for rank, hit in enumerate(deep, 1)}
        return [self._fate(i, dense, lexical, mask, fused) for i in holding]

    def _fate(
        self,
        i: int,
        dense: np.ndarray,
        lexical: np.ndarray,
        mask: np.ndarray | None,
        fused: dict[str, int],
    ) -> GoldFate:
        passes = True if mask is None else bool(mask[i])
        within = mask is not None and passes
        lex_rank = rank_of(lexical, i) if lexical[i] > 0 else 0
        lex_within = (rank_of(lexical, i, mask) if lexical[i] > 0 else 0) if within else None
        return GoldFate(
            self.passages[i],
            passes,
            (rank_of(dense, i), rank_of(dense, i, mask) if within else None),
            (lex_rank, lex_within),
            fused.get(self.passages[i].id),
        )


# --- output ---------------------------------------------------------------------------------------
def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def metrics_table(runs: Sequence[MethodRun], results: dict[str, dict]) -> str:
    n = next(iter(results.values()))["n"]
    lines = [
        f"n = {n} answerable questions",
        "",
        "| method | passages/chunks | hit@1 | hit@5 | hit@10 | recall@5 | MRR@10 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        r = results[run.name]
        cells = [fmt(r[key]) for key in ("hit@1", "hit@5", "hit@10", "recall@5", "mrr@10")]
        label = run.label or METHODS[run.name]
        lines.append(f"| {label} | {run.units:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def tag_table(table: dict[str, dict], names: Sequence[str]) -> str:
    lines = [
        "| tag | n | " + " | ".join(f"{name} hit@5" for name in names) + " |",
        "|---|---:|" + "---:|" * len(names),
    ]
    for tag, row in table.items():
        cells = " | ".join(fmt(row[name]) for name in names)
        lines.append(f"| {tag} | {row['n']} | {cells} |")
    return "\n".join(lines)


def short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


@dataclass
class Miss:
    question: dict
    ranks: dict[str, list[int | None]]  # method -> first-hit rank per gold item
    note: dict
    first: Retrieved | None
    fates: list[list[GoldFate]]  # per gold item


def fate_text(fate: GoldFate) -> str:
    p = fate.passage
    parts = [
        f"{p.end - p.start} chars, embedded with a {len(p.question)}-char question",
        f"dense rank {fate.dense[0]}, BM25 rank {fate.lexical[0] or '–'} (unfiltered)",
    ]
    if not fate.passes_filters:
        parts.append("EXCLUDED by the filters")
    elif fate.dense[1] is not None:
        lexical = fate.lexical[1] or "–"
        parts.append(f"within the filters dense {fate.dense[1]}, BM25 {lexical}")
    if fate.passes_filters:
        parts.append(f"fused rank {fate.fused}" if fate.fused else "in neither candidate list")
    return "; ".join(parts)


def miss_lines(miss: Miss) -> Iterator[str]:
    q = miss.question
    kind = "MISS" if all(r is None for r in miss.ranks["onrecord"]) else "PARTIAL"
    yield f"- **{q['id']}** ({kind}; {', '.join(q.get('tags', []))}) {q['question']}"
    if q.get("history"):
        yield f"  - history: {short(' / '.join(m['content'] for m in q['history']), 160)}"
    yield f"  - searched: {short(miss.note['query'], 160)!r}"
    yield f"  - filters read from the question: {'; '.join(miss.note['auto_filters']) or 'none'}"
    for warning in miss.note.get("warnings", []):
        yield f"  - warning: {short(warning, 160)}"
    for n, item in enumerate(q["evidence"]):
        others = ", ".join(f"{m} {r[n] or '–'}" for m, r in miss.ranks.items() if m != "onrecord")
        yield (
            f"  - gold: {item['doc_id']} — {item['speaker']} — {short(item['quote'])!r} "
            f"(onrecord {miss.ranks['onrecord'][n] or '–'}; {others})"
        )
        for fate in miss.fates[n]:
            p = fate.passage
            yield f"    - in index as {p.id}: {p.speaker} ({p.role.value}), " + fate_text(fate)
        if not miss.fates[n]:
            yield "    - no indexed passage covers half of this quote"
    if miss.first is None:
        yield "  - retrieved first: nothing"
    else:
        first = miss.first
        yield f"  - retrieved first: {first.doc_id} — {first.speaker} — {short(first.text)!r}"


def find_misses(
    runs: dict[str, MethodRun], questions: Sequence[dict], golds: dict, diagnoser: Diagnoser
) -> list[Miss]:
    """OnRecord's questions with a gold item not hit in the top 10 (MISS: none hit)."""
    misses = []
    for q in questions:
        spans = golds["onrecord"][q["id"]]
        if not spans:
            continue
        got = {name: ranks(run, q["id"], golds[name][q["id"]]) for name, run in runs.items()}
        if all(r is not None for r in got["onrecord"]):
            continue
        note = runs["onrecord"].notes[q["id"]]
        fates = [diagnoser.fates(note["query"], note["filters"], span) for span in spans]
        ranked = runs["onrecord"].ranked[q["id"]]
        misses.append(Miss(q, got, note, ranked[0] if ranked else None, fates))
    return misses


# --- main -----------------------------------------------------------------------------------------
def run_all(args: argparse.Namespace, temp: Path) -> dict:
    questions = load_questions(args.questions)
    corpus = corpus_for(args.corpus_set, args.corpus.resolve(), questions, temp)
    docs = load_docs(corpus)
    log(f"corpus set {args.corpus_set}: {len(docs)} transcripts; {len(questions)} questions")
    out = args.out / args.corpus_set
    model = load_embedder(EmbeddingSettings(precision=args.precision))
    embedder = CachedEmbedder(model, args.out / "embeddings.sqlite3")
    if args.index:  # an index of this corpus set, already built: only OnRecord is scored
        settings = Settings(index_dir=args.index)
    else:
        settings = build_index(corpus, out / "onrecord-index", embedder)
    onrecord, reader = run_onrecord(settings, embedder, questions)
    log(f"onrecord: {len(questions)} questions retrieved")
    runs = [onrecord]
    if not args.index:
        chunks = split_chunks(docs)
        log(f"tutorial: {len(chunks)} chunks")
        runs += [
            run_dense(reader, embedder, questions),
            *run_chunk_methods(chunks, out / "tutorial-chroma", embedder, questions),
        ]
    gold_files = gold_spans(questions, lambda d: docs[d].text if d in docs else None)
    gold_index = gold_spans(questions, reader.catalog.transcript_text)
    golds = {r.name: gold_index if r.name in ("onrecord", "dense") else gold_files for r in runs}
    parts = question_parts(questions)
    by_part = {
        part: {run.name: scores(run, golds[run.name], ids) for run in runs}
        for part, ids in parts.items()
    }
    results = by_part["all"]
    tag_rows = per_tag(runs, questions, golds)
    diagnoser = Diagnoser(reader, embedder, settings)
    misses = find_misses({r.name: r for r in runs}, questions, golds, diagnoser)
    log(
        f"embedding cache: {embedder.hits} hits, {embedder.misses} embedded "
        f"in {embedder.calls} calls"
    )
    return {
        "corpus_set": args.corpus_set,
        "transcripts": len(docs),
        "runs": runs,
        "results": results,
        "by_part": by_part,
        "per_tag": tag_rows,
        "misses": misses,
        "questions": questions,
        "golds": golds,
        "cache": {"hits": embedder.hits, "embedded": embedder.misses, "calls": embedder.calls},
    }


def report(summary: dict) -> str:
    runs: list[MethodRun] = summary["runs"]
    names = [run.name for run in runs]
    parts = [
        f"## Retrieval, corpus set `{summary['corpus_set']}` ({summary['transcripts']:,} "
        "transcripts)",
        "",
        metrics_table(runs, summary["results"]),
        "",
    ]
    for part, results in summary["by_part"].items():
        if part != "all":
            parts += [f"### Part {part}", "", metrics_table(runs, results), ""]
    parts += [
        "### hit@5 per tag (n = answerable questions with the tag)",
        "",
        tag_table(summary["per_tag"], names),
        "",
        f"### Questions `onrecord` misses at {K} ({len(summary['misses'])})",
        "",
        "Ranks are the first top-10 rank hitting each gold item (– = not in the top 10).",
        "",
    ]
    for miss in summary["misses"]:
        parts.extend(miss_lines(miss))
    return "\n".join(parts)


def json_summary(summary: dict) -> dict:
    runs: list[MethodRun] = summary["runs"]
    golds = summary["golds"]
    per_question = []
    for q in summary["questions"]:
        answerable = bool(golds["onrecord"][q["id"]])
        row = {"id": q["id"], "tags": q.get("tags", []), "answerable": answerable}
        if answerable:
            row["ranks"] = {run.name: ranks(run, q["id"], golds[run.name][q["id"]]) for run in runs}
        note = dict(runs[0].notes[q["id"]])
        note["filters"] = vars(note["filters"]) if note.get("filters") else None
        row["onrecord"] = note
        row["retrieved"] = {run.name: [list(r.span) for r in run.ranked[q["id"]]] for run in runs}
        per_question.append(row)
    return {
        "corpus_set": summary["corpus_set"],
        "transcripts": summary["transcripts"],
        "methods": {
            run.name: {"label": run.label or METHODS[run.name], "passages": run.units}
            | summary["results"][run.name]
            for run in runs
        },
        "by_part": summary["by_part"],
        "per_tag_hit@5": summary["per_tag"],
        "misses": [m.question["id"] for m in summary["misses"]],
        "questions": per_question,
        "embedding_cache": summary["cache"],
    }


def parse_args() -> argparse.Namespace:
    shared = REPO_ROOT.parent / "shared"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=shared / "questions" / "dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=shared / "corpus")
    parser.add_argument("--corpus-set", choices=["paper", "full"], default="paper")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out")
    parser.add_argument("--json", type=Path, help="also write all numbers to this JSON file")
    parser.add_argument(
        "--index",
        type=Path,
        help="score OnRecord alone on this index of the corpus set, as built (no rebuild, "
        "no tutorial, BM25 or dense-alone rows)",
    )
    parser.add_argument(
        "--precision",
        choices=["auto", "float32", "bfloat16"],
        default="auto",
        help="the embedding model's weights (embedding.precision)",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    with ExitStack() as stack:
        temp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="onrecord-bench-")))
        summary = run_all(args, temp)
    print(report(summary))
    log(f"done in {time.perf_counter() - started:.0f}s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(json_summary(summary), indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
