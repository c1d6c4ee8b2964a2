"""Ingest benchmark: how fast a corpus goes into a fresh index, against the raw model speed.

In one process, with the embedding model loaded once (load time reported apart), it measures:
a first ingest of CORPUS through ``ingest.pipeline.ingest_paths`` into a fresh temporary
index (or ``--index DIR``), with the pipeline's own parse / embed / write / total seconds; the
raw speed of the same model (``embedder.embed`` on every indexed passage's ``embed_text``,
read back from the catalog) and end to end / raw (target ≥ 0.80; also by process CPU time,
which other programs competing for the CPU disturb less); and a second, unchanged re-ingest
(target: ≥ 50× faster). Tokens are counted with the embedder's ``count_tokens``.

    .venv/bin/python bench/ingest_speed.py [CORPUS] [--limit N] [--index DIR] [--json]

CORPUS defaults to ../shared/corpus (next to the repo). ``--limit N`` takes only the first N
transcripts (manifest order) of each folder, copied with their manifest rows to a temporary
folder. Prints a Markdown table (for the README); ``--json`` adds the numbers as JSON.
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

# Run as a script, this folder is first on sys.path and this file would shadow ``ingest``.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

from ingest.discover import MANIFEST
from ingest.pipeline import CATALOG, ingest_paths
from onrecord.embeddings import load_embedder
from onrecord.index.catalog import Catalog
from onrecord.index.generations import current_generation
from onrecord.settings import REPO_ROOT, EmbeddingSettings, Settings

RAW_TARGET, RESCAN_TARGET = 0.80, 50.0
PHASES = ("parse", "embed", "write")  # keys of IngestReport.seconds, besides "total"


def subset(corpus: Path, limit: int, into: Path) -> Path:
    """Copy the first ``limit`` transcripts of every manifest folder (with their rows)."""
    for manifest in sorted(corpus.rglob(MANIFEST)):
        source, folder = manifest.parent, into / manifest.parent.relative_to(corpus)
        folder.mkdir(parents=True, exist_ok=True)
        lines = manifest.read_text(encoding="utf-8").splitlines()
        rows = [r for r in lines if r.strip() and (source / json.loads(r)["file"]).is_file()]
        for row in rows[:limit]:
            shutil.copy2(source / json.loads(row)["file"], folder)
        (folder / MANIFEST).write_text("".join(r + "\n" for r in rows[:limit]), encoding="utf-8")
    return into


def run(corpus: Path, index_dir: Path) -> dict[str, float | int | str]:
    started = time.perf_counter()
    embedder = load_embedder(EmbeddingSettings())
    embedder.embed(["warm-up"])  # first call pays one-off torch set-up; keep it out of both runs
    load = time.perf_counter() - started
    settings = Settings(index_dir=index_dir)
    cpu = time.process_time()
    first = ingest_paths([corpus], settings, embedder=embedder, progress=False)
    first_cpu = time.process_time() - cpu
    for failed in first.failed:
        print(f"failed: {failed.path}: {failed.reason}", file=sys.stderr)
    gen = current_generation(index_dir)
    assert gen is not None, "the first ingest published no index"
    catalog = Catalog(gen / CATALOG, readonly=True)
    texts = [p.embed_text for p in catalog.all_passages()]
    catalog.close()
    t0, cpu = time.perf_counter(), time.process_time()
    embedder.embed(texts)
    raw, raw_cpu = time.perf_counter() - t0, time.process_time() - cpu
    t0 = time.perf_counter()
    second = ingest_paths([corpus], settings, embedder=embedder, progress=False)
    rescan = time.perf_counter() - t0
    if second.count("unchanged") != first.transcripts_total or second.passages_written:
        print(f"re-ingest was not a no-op: {second.count('unchanged')} unchanged", file=sys.stderr)
    n, secs = len(texts), first.seconds
    result: dict[str, float | int | str] = dict(
        model=embedder.name, transcripts=first.transcripts_total, passages=n,
        passages_embedded=first.passages_written, tokens=embedder.count_tokens(texts),
        failed=len(first.failed), model_load_s=load,
    )  # fmt: skip
    for key, value in secs.items():
        result |= {f"{key}_s": value, f"{key}_passages_per_s": n / value if value else 0.0}
    return result | dict(
        raw_s=raw, raw_passages_per_s=n / raw, end_to_end_over_raw=raw / secs["total"],
        total_cpu_s=first_cpu, raw_cpu_s=raw_cpu, end_to_end_over_raw_cpu=raw_cpu / first_cpu,
        reingest_s=rescan, reingest_speedup=secs["total"] / rescan,
        reingest_unchanged=second.count("unchanged"),
    )  # fmt: skip


def table(r: dict) -> str:
    def row(label: str, value: str = "", key: str = "") -> str:
        sec = f"{r[key + '_s']:.2f}" if key else ""
        per = f"{r[key + '_passages_per_s']:,.1f}" if f"{key}_passages_per_s" in r else ""
        return f"| {label} | {value} | {sec} | {per} |"

    def verdict(value: float, target: float, unit: str = "") -> str:
        return f"target ≥ {target:g}{unit}: {'met' if value >= target else 'NOT met'}"

    ratio, speedup = r["end_to_end_over_raw"], r["reingest_speedup"]
    return "\n".join([
        "| measure | value | seconds | passages/s |",
        "|---|---:|---:|---:|",
        row("transcripts", f"{r['transcripts']:,}"),
        row("passages", f"{r['passages']:,}"),
        row("tokens (count_tokens)", f"{r['tokens']:,}"),
        row(f"model load ({r['model']})", key="model_load"),
        *(row(f"first ingest: {p}", key=p) for p in PHASES if f"{p}_s" in r),
        row("first ingest: end to end", key="total"),
        row("raw embedding (embedder.embed)", key="raw"),
        row("end to end / raw", f"{ratio:.2f} ({verdict(ratio, RAW_TARGET)})"),
        row("end to end / raw, by CPU time", f"{r['end_to_end_over_raw_cpu']:.2f} "
            f"({r['total_cpu_s']:.1f} vs {r['raw_cpu_s']:.1f} CPU-s)"),
        row("re-ingest, unchanged", f"{speedup:,.0f}× faster "
            f"({verdict(speedup, RESCAN_TARGET, '×')})", "reingest"),
    ])  # fmt: skip


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
            temp = stack.enter_context(tempfile.TemporaryDirectory(prefix="onrecord-c-"))
            corpus = subset(corpus, args.limit, Path(temp))
        temp = args.index or stack.enter_context(tempfile.TemporaryDirectory(prefix="onrecord-ix-"))
        index_dir = Path(temp)
        if current_generation(index_dir):
            parser.error(f"{index_dir} already holds an index; the benchmark needs a fresh one")
        result = run(corpus, index_dir)
    limit = f" (first {args.limit} per folder)" if args.limit else ""
    print(f"Corpus: {args.corpus}{limit}\n\n{table(result)}")
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
