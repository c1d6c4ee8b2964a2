"""Ingest benchmark: how fast a corpus goes into a fresh index, against the raw model speed.

In one process, for each precision asked for (``--precision``, default both ``float32`` and
``bfloat16``, one after the other into separate fresh indexes), with the embedding model loaded
once per precision (load time reported apart), it measures: a first ingest of CORPUS through
``ingest.pipeline.ingest_paths`` into a fresh temporary index (or under ``--index DIR``), with
the pipeline's own parse / embed / write / total seconds; the
raw speed of the same model (``embedder.embed`` on every indexed passage's ``embed_text``,
read back from the catalog) and end to end / raw (target ≥ 0.80; also by process CPU time,
which other programs competing for the CPU disturb less); and a second, unchanged re-ingest
(target: ≥ 50× faster). Tokens are counted with the embedder's ``count_tokens``. With two
precisions it adds bfloat16's first-ingest speed-up over float32 (target ≥ 2.5×) and the lowest
cosine between the two precisions' vectors of the same passage.

    .venv/bin/python bench/ingest_speed.py [CORPUS] [--limit N] [--precision P,...] [--json]

CORPUS defaults to ../shared/corpus (next to the repo). ``--limit N`` takes only the first N
transcripts (manifest order) of each folder, copied with their manifest rows to a temporary
folder. Prints a Markdown table per precision; ``--json`` adds the numbers as JSON.
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

import numpy as np

from ingest.discover import MANIFEST
from ingest.pipeline import ingest_paths
from onrecord.embeddings import load_embedder
from onrecord.index.catalog import Catalog
from onrecord.index.generations import current_generation
from onrecord.index.layout import CATALOG
from onrecord.settings import REPO_ROOT, Settings

RAW_TARGET, RESCAN_TARGET, BF16_TARGET = 0.80, 50.0, 2.5
PHASES = (
    "parse",
    "embed",
    "embed_sentences",
    "write",
)  # keys of IngestReport.seconds, besides "total"


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


def run(corpus: Path, index_dir: Path, precision: str) -> tuple[dict, np.ndarray]:
    """The numbers of one precision, and the raw vectors of every passage (in catalog order)."""
    started = time.perf_counter()
    settings = Settings(index_dir=index_dir)
    settings.embedding = settings.embedding.model_copy(update={"precision": precision})
    embedder = load_embedder(settings.embedding)
    embedder.embed(["warm-up"])  # first call pays one-off torch set-up; keep it out of both runs
    load = time.perf_counter() - started
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
    vectors = embedder.embed(texts)
    raw, raw_cpu = time.perf_counter() - t0, time.process_time() - cpu
    t0 = time.perf_counter()
    second = ingest_paths([corpus], settings, embedder=embedder, progress=False)
    rescan = time.perf_counter() - t0
    if second.count("unchanged") != first.transcripts_total or second.passages_written:
        print(f"re-ingest was not a no-op: {second.count('unchanged')} unchanged", file=sys.stderr)
    n, secs = len(texts), first.seconds
    result: dict[str, float | int | str] = dict(
        model=embedder.name, precision=embedder.precision,
        transcripts=first.transcripts_total, passages=n,
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
    ), vectors  # fmt: skip


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


def comparison(results: dict[str, dict], vectors: dict[str, np.ndarray]) -> str:
    """bfloat16 against float32: first-ingest speed-up and agreement of the vectors."""
    fp32, bf16 = results["float32"], results["bfloat16"]
    speedup = fp32["total_s"] / bf16["total_s"]
    raw = fp32["raw_s"] / bf16["raw_s"]
    cosines = np.sum(vectors["float32"] * vectors["bfloat16"], axis=1)
    met = "met" if speedup >= BF16_TARGET else "NOT met"
    return "\n".join([
        "| bfloat16 against float32 | value |",
        "|---|---:|",
        f"| first ingest, end to end | {speedup:.2f}× faster (target ≥ {BF16_TARGET:g}×: {met}) |",
        f"| raw embedding | {raw:.2f}× faster |",
        f"| cosine of the same passage's vectors | min {cosines.min():.4f}, "
        f"mean {cosines.mean():.5f} |",
    ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=REPO_ROOT.parent / "shared/corpus")
    parser.add_argument("--limit", type=int, help="first N transcripts of each folder only")
    parser.add_argument(
        "--index", type=Path, help="parent of the fresh index folders (default: temp)"
    )
    parser.add_argument(
        "--precision", default="float32,bfloat16", help="comma-separated, run in this order"
    )
    parser.add_argument("--json", action="store_true", help="also print the numbers as JSON")
    args = parser.parse_args()
    precisions = [p.strip() for p in args.precision.split(",") if p.strip()]
    results: dict[str, dict] = {}
    vectors: dict[str, np.ndarray] = {}
    with ExitStack() as stack:
        corpus = args.corpus.resolve()
        if args.limit:
            temp = stack.enter_context(tempfile.TemporaryDirectory(prefix="onrecord-c-"))
            corpus = subset(corpus, args.limit, Path(temp))
        parent = args.index or stack.enter_context(
            tempfile.TemporaryDirectory(prefix="onrecord-ix-")
        )
        for precision in precisions:
            index_dir = Path(parent) / precision
            if current_generation(index_dir):
                parser.error(f"{index_dir} already holds an index; the benchmark needs a fresh one")
            results[precision], vectors[precision] = run(corpus, index_dir, precision)
    limit = f" (first {args.limit} per folder)" if args.limit else ""
    print(f"Corpus: {args.corpus}{limit}")
    for precision, result in results.items():
        print(f"\n### {precision}\n\n{table(result)}")
    if {"float32", "bfloat16"} <= set(results):
        print(f"\n{comparison(results, vectors)}")
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
