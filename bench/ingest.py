"""Ingest benchmark: how fast a corpus goes into a fresh index, against the raw model speed.

Measures, in one process with one embedding model (loaded once, load time reported apart):

* a first ingest of CORPUS into a fresh temporary index (or ``--index DIR``) through
  ``ingest.pipeline.ingest_paths``: the pipeline's own parse / embed / write seconds and
  passages/s, and end-to-end passages/s (the pipeline's ``total``);
* the raw throughput of the same model: ``embedder.embed`` called directly on every indexed
  passage's ``embed_text`` (read back from the catalog), and end-to-end / raw (target ≥ 0.80);
  The same ratio by process CPU time is printed too: it is less sensitive to other
  programs competing for the CPU while the benchmark runs;
* a second, unchanged re-ingest, and the speed-up first / second (target ≥ 50×).

Tokens are counted with the embedder's ``count_tokens`` (truncated at the model's limit).

Run from the repo root (CORPUS defaults to ../shared/corpus):

    .venv/bin/python bench/ingest.py [CORPUS] [--limit N] [--index DIR] [--json]

``--limit N`` ingests only the first N transcripts (manifest order) of each folder, copied
with their manifest rows to a temporary folder. The output is a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and ``bench/ingest.py`` would
# shadow the ``ingest`` package: drop that entry before importing it.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

from ingest.discover import MANIFEST
from ingest.pipeline import CATALOG, ingest_paths
from onrecord.embeddings import load_embedder
from onrecord.index.catalog import Catalog
from onrecord.index.generations import current_generation
from onrecord.settings import REPO_ROOT, EmbeddingSettings, Settings

RAW_TARGET, RESCAN_TARGET = 0.80, 50.0
ORDER = ["parse", "embed", "write"]  # the pipeline's phases, in table order


def subset(corpus: Path, limit: int, into: Path) -> Path:
    """Copy the first ``limit`` transcripts of every manifest folder (with their rows)."""
    for manifest in sorted(corpus.rglob(MANIFEST)):
        folder = into / manifest.parent.relative_to(corpus)
        folder.mkdir(parents=True, exist_ok=True)
        rows = [
            line
            for line in manifest.read_text(encoding="utf-8").splitlines()
            if line.strip() and (manifest.parent / json.loads(line)["file"]).is_file()
        ]
        rows = rows[:limit]
        for line in rows:
            name = json.loads(line)["file"]
            shutil.copy2(manifest.parent / name, folder / name)
        (folder / MANIFEST).write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    return into


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def run(corpus: Path, index_dir: Path) -> dict[str, float | int | str]:
    started = time.perf_counter()
    embedder = load_embedder(EmbeddingSettings())
    embedder.embed(["warm-up"])  # first call pays one-off torch set-up; keep it out of both runs
    load = time.perf_counter() - started
    settings = Settings(index_dir=index_dir)
    cpu = time.process_time()
    first = ingest_paths([corpus], settings, embedder=embedder, progress=False)
    first_cpu = time.process_time() - cpu
    if first.failed:
        print(
            f"{len(first.failed)} files failed, e.g. {first.failed[0].path}: "
            f"{first.failed[0].reason}",
            file=sys.stderr,
        )
    gen = current_generation(index_dir)
    assert gen is not None, "the first ingest published no index"
    catalog = Catalog(gen / CATALOG, readonly=True)
    texts = [p.embed_text for p in catalog.all_passages()]
    catalog.close()
    tokens = embedder.count_tokens(texts)
    t0, cpu = time.perf_counter(), time.process_time()
    embedder.embed(texts)
    raw, raw_cpu = time.perf_counter() - t0, time.process_time() - cpu
    t0 = time.perf_counter()
    second = ingest_paths([corpus], settings, embedder=embedder, progress=False)
    rescan = time.perf_counter() - t0
    if second.count("unchanged") != first.count("added") or second.passages_written:
        print(
            f"re-ingest was not a no-op: {second.count('unchanged')} unchanged, "
            f"{second.passages_written} passages written",
            file=sys.stderr,
        )
    n, secs = len(texts), first.seconds
    result: dict[str, float | int | str] = {
        "model": embedder.name,
        "transcripts": first.transcripts_total,
        "passages": n,
        "passages_embedded": first.passages_written,
        "tokens": tokens,
        "failed": len(first.failed),
        "model_load_s": load,
    }
    for key, value in secs.items():
        result[f"{key}_s"] = value
        result[f"{key}_passages_per_s"] = rate(n, value)
    result |= {
        "raw_s": raw,
        "raw_passages_per_s": rate(n, raw),
        "end_to_end_over_raw": rate(n, secs["total"]) / rate(n, raw),
        "total_cpu_s": first_cpu,
        "raw_cpu_s": raw_cpu,
        "end_to_end_over_raw_cpu": raw_cpu / first_cpu,
        "reingest_s": rescan,
        "reingest_speedup": secs["total"] / rescan,
        "reingest_unchanged": second.count("unchanged"),
    }
    return result


def table(r: dict) -> str:
    def row(label: str, value: str = "", key: str = "") -> str:
        sec = f"{r[key + '_s']:.2f}" if key else ""
        per = f"{r[key + '_passages_per_s']:,.1f}" if f"{key}_passages_per_s" in r else ""
        return f"| {label} | {value} | {sec} | {per} |"

    ratio, speedup = r["end_to_end_over_raw"], r["reingest_speedup"]
    ok = {True: "met", False: "NOT met"}
    phases = sorted(
        (
            k.removesuffix("_passages_per_s")
            for k in r
            if k.endswith("_passages_per_s") and not k.startswith(("total", "raw"))
        ),
        key=lambda k: (ORDER.index(k) if k in ORDER else len(ORDER), k),
    )
    lines = [
        "| measure | value | seconds | passages/s |",
        "|---|---:|---:|---:|",
        row("transcripts", f"{r['transcripts']:,}"),
        row("passages", f"{r['passages']:,}"),
        row("tokens (count_tokens)", f"{r['tokens']:,}"),
        row(f"model load ({r['model']})", key="model_load"),
    ]
    lines += [row(f"first ingest: {p}", key=p) for p in phases]
    lines += [
        row("first ingest: end to end", key="total"),
        row("raw embedding (embedder.embed)", key="raw"),
        row(
            "end to end / raw",
            f"{ratio:.2f} (target ≥ {RAW_TARGET:.2f}: {ok[ratio >= RAW_TARGET]})",
        ),
        row(
            "end to end / raw, by CPU time",
            f"{r['end_to_end_over_raw_cpu']:.2f} "
            f"({r['total_cpu_s']:.0f} vs {r['raw_cpu_s']:.0f} CPU-s)",
        ),
        row(
            "re-ingest, unchanged",
            f"{speedup:,.0f}× faster (target ≥ "
            f"{RESCAN_TARGET:.0f}×: {ok[speedup >= RESCAN_TARGET]})",
            "reingest",
        ),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=REPO_ROOT.parent / "shared/corpus")
    parser.add_argument("--limit", type=int, help="first N transcripts of each folder only")
    parser.add_argument("--index", type=Path, help="index folder (default: a fresh temporary one)")
    parser.add_argument("--json", action="store_true", help="also print the numbers as JSON")
    args = parser.parse_args()
    with ExitStack() as stack:
        corpus = args.corpus.resolve()
        if args.limit:
            temp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="onrecord-c-")))
            corpus = subset(corpus, args.limit, temp)
        index_dir = args.index or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="onrecord-ix-"))
        )
        if current_generation(index_dir):
            parser.error(f"{index_dir} already holds an index; the benchmark needs a fresh one")
        result = run(corpus, index_dir)
    print(f"Corpus: {args.corpus}" + (f" (first {args.limit} per folder)" if args.limit else ""))
    print(table(result))
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
