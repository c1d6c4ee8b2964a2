"""Scale benchmark: ingest, index size, answer latency and app memory, embedded vs Chroma server.

For each mode (``embedded``: Chroma inside the index folder; ``server``: a real
``chroma run`` on 127.0.0.1, started and stopped here), in a fresh temporary index:

* ingest of CORPUS (default ``../shared/corpus``) through ``ingest.pipeline.ingest_paths``,
  with the pipeline's own parse / embed (passages, then sentence vectors) / write seconds.
  ``--cache`` (default on) takes vectors from the benchmark's embedding cache
  (``bench/out/embeddings.sqlite3``), so both modes measure the index writes rather than
  the same CPU-bound embedding twice; the embed column then says how much was embedded for
  real. ``--no-cache`` embeds everything.
* index size on disk (the index folder, plus the server's data folder in server mode);
* quotes-mode answer latency, end to end (``Assistant.answer``: question embedding, hybrid
  search, quote selection, composition), p50 / p95 over the question set, with no filter,
  with a speaker filter (the five officials with most passages, in turn) and with a one-year
  date range (the years with most transcripts, in turn); filters are given, not read from
  the question, so every query is filtered;
* the resident memory of a fresh process that opens the index and the model and answers
  five questions, as the app does (``VmHWM``, peak resident set).

    .venv/bin/python bench/scale.py [CORPUS] [--modes embedded server] [--questions FILE]
                                    [--no-cache] [--json PATH]

Prints a Markdown table per mode.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _HERE:
    sys.path[0] = str(_HERE.parent)

from bench.embedding_cache import CachedEmbedder  # noqa: E402
from bench.launch import free_port, serving  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from onrecord.assistant import Assistant  # noqa: E402
from onrecord.embeddings import Embedder, load_embedder  # noqa: E402
from onrecord.index.reader import IndexReader  # noqa: E402
from onrecord.settings import REPO_ROOT, EmbeddingSettings, Settings  # noqa: E402
from onrecord.types import SearchFilters  # noqa: E402

SHARED = REPO_ROOT.parent / "shared"
CACHE = REPO_ROOT / "bench" / "out" / "embeddings.sqlite3"
MEMORY_PROBE = """
import json, sys
from pathlib import Path
from onrecord.assistant import Assistant
from onrecord.embeddings import load_embedder
from onrecord.index.reader import IndexReader
from onrecord.settings import Settings
settings = Settings(index_dir=Path(sys.argv[1]), chroma_url=sys.argv[2] or None)
assistant = Assistant(settings, IndexReader.open(settings.index_dir, settings),
                      load_embedder(settings.embedding))
for question in json.loads(sys.argv[3]):
    assistant.answer(question, mode="quotes")
status = Path("/proc/self/status").read_text()
print(json.dumps({k: int(line.split()[1]) // 1024 for line in status.splitlines()
                  for k in ("VmRSS", "VmHWM") if line.startswith(k + ":")}))
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextmanager
def chroma_server(folder: Path):
    """A real ``chroma run`` on a free loopback port; yields its URL; stopped by pid."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    command = [str(chroma), "run", "--path", str(folder)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with serving(command, f"{url}/api/v2/heartbeat", timeout=60):
        yield url


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def filter_sets(reader: IndexReader) -> dict[str, list[SearchFilters]]:
    """No filter; the five officials with most passages; the five busiest years."""
    stats = reader.stats()
    rows = sorted(stats["speakers"], key=lambda row: -row["passages"])
    officials = [row["name"] for row in rows if row["role"] == "official"]
    years = Counter(str(d)[:4] for d in reader.date_of.tolist() if d)
    return {
        "no filter": [SearchFilters()],
        "speaker filter": [SearchFilters(speaker=name) for name in officials[:5]],
        "date-range filter": [
            SearchFilters(since=f"{y}-01-01", until=f"{y}-12-31") for y, _ in years.most_common(5)
        ],
    }


def latencies(assistant: Assistant, questions: list[str]) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    assistant.answer(questions[0], mode="quotes")  # warm-up: first-call set-up is not a query
    for name, variants in filter_sets(assistant.reader).items():
        totals, searches = [], []
        for i, question in enumerate(questions):
            filters = variants[i % len(variants)]
            assistant._query_vector.cache_clear()  # each query embeds its question afresh
            started = time.perf_counter()
            answer = assistant.answer(question, filters=filters, mode="quotes", read_filters=False)
            totals.append((time.perf_counter() - started) * 1000)
            searches.append(answer.timings.get("retrieve", 0.0) * 1000)
        results[name] = {
            "answer p50 ms": statistics.median(totals),
            "answer p95 ms": percentile(totals, 0.95),
            "search p50 ms": statistics.median(searches),
            "search p95 ms": percentile(searches, 0.95),
        }
    return results


def memory(index_dir: Path, chroma_url: str | None, questions: list[str]) -> dict[str, int]:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            MEMORY_PROBE,
            str(index_dir),
            chroma_url or "",
            json.dumps(questions[:5]),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_mode(
    mode: str, corpus: Path, embedder: Embedder, model: Embedder, questions: list[str], temp: Path
) -> dict:
    """``embedder`` ingests (possibly through the cache); ``model`` answers (never cached:
    a cached quote-selection embedding would make a second run look faster than it is)."""
    folder = temp / mode
    index_dir = folder / "index"
    with chroma_server(folder / "server") if mode == "server" else _nothing() as url:
        settings = Settings(index_dir=index_dir, chroma_url=url)
        calls_before = getattr(embedder, "misses", 0)
        started = time.perf_counter()
        report = ingest_paths([corpus], settings, embedder=embedder, progress=False)
        ingest_s = time.perf_counter() - started
        log(f"{mode}: ingested {report.passages_total} passages in {ingest_s:.0f} s")
        size = folder_mb(folder)
        reader = IndexReader.open(index_dir, settings)
        assistant = Assistant(settings, reader, model)
        lat = latencies(assistant, questions)
        mem = memory(index_dir, url, questions)
    return {
        "mode": mode,
        "transcripts": report.transcripts_total,
        "passages": report.passages_total,
        "ingest s": ingest_s,
        "parse s": report.seconds.get("parse", 0.0),
        "embed s": report.seconds.get("embed", 0.0),
        "sentences": report.sentences_written,
        "embed sentences s": report.seconds.get("embed_sentences", 0.0),
        "write s": report.seconds.get("write", 0.0),
        "embedded for real": getattr(embedder, "misses", 0) - calls_before,
        "index MB": size,
        "latency": lat,
        "memory MB": mem,
    }


@contextmanager
def _nothing():
    yield None


def table(result: dict) -> str:
    lines = [
        f"### {result['mode']}: {result['transcripts']:,} transcripts, "
        f"{result['passages']:,} passages",
        "",
        f"ingest {result['ingest s']:.0f} s (parse {result['parse s']:.0f} s, embed "
        f"{result['embed s']:.0f} s for passages and {result['embed sentences s']:.0f} s for "
        f"{result['sentences']:,} sentence vectors, {result['embedded for real']:,} texts "
        f"embedded for real, write {result['write s']:.0f} s) · index "
        f"{result['index MB']:.0f} MB on disk · "
        f"process with the index loaded after five answers: {result['memory MB']['VmRSS']} MB "
        f"resident, peak {result['memory MB']['VmHWM']} MB",
        "",
        "| queries | answer p50 ms | answer p95 ms | search p50 ms | search p95 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, row in result["latency"].items():
        cells = " | ".join(f"{row[key]:.0f}" for key in row)
        lines.append(f"| {name} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=SHARED / "corpus")
    parser.add_argument("--modes", nargs="+", default=["embedded", "server"])
    parser.add_argument("--questions", type=Path, default=SHARED / "questions" / "dev.jsonl")
    parser.add_argument("--no-cache", action="store_true", help="embed everything for real")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    lines = args.questions.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    model = load_embedder(EmbeddingSettings())
    embedder: Embedder = model if args.no_cache else CachedEmbedder(model, CACHE)
    results = []
    with tempfile.TemporaryDirectory(prefix="onrecord-scale-") as temp:
        for mode in args.modes:
            corpus = args.corpus.resolve()
            results.append(run_mode(mode, corpus, embedder, model, questions, Path(temp)))
            shutil.rmtree(Path(temp) / mode, ignore_errors=True)
    print("\n\n".join(table(r) for r in results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
