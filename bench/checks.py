"""The quote check on the development check set: verdicts, first matches, latency.

Builds (once, cached under bench/out/checks/) an index of exactly the transcripts listed in
../shared/checks/dev-transcripts.txt, runs every item of ../shared/checks/dev.jsonl through
``onrecord.check.service.run_check`` (what ``onrecord check`` runs) and prints a table:
per-verdict accuracy, whether the first match lies on the true words (same transcript,
overlapping span) and is the true speaker's, not_found accuracy with the count of false
``verbatim``/``close`` verdicts, and check latency (p50/p95, after two warm-up checks).

    .venv/bin/python bench/checks.py [--part fit|check|all] [--index DIR] [--band C,S] [--json PATH]

``--part``: ``fit`` is the odd-numbered items of each verdict (dev-close-001, -003, ...), on
which the `close` band was chosen; ``check`` the even-numbered ones. ``--index DIR`` runs
against another index (e.g. a copy of the full corpus's, for latency at scale; items whose
transcripts it lacks are scored all the same). ``--features`` prints, for close and not_found
items, the coverage and similarity of the best near match by the claimed speaker (the band
is fitted on these). Embeddings come from bench/out/embeddings.sqlite3 (CachedEmbedder).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _HERE:
    sys.path[0] = str(_HERE.parent)

from bench.embedding_cache import CachedEmbedder  # noqa: E402
from bench.retrieval import copy_corpus  # noqa: E402
from ingest.discover import discover  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from onrecord.check.engine import CheckRequest  # noqa: E402
from onrecord.check.service import run_check  # noqa: E402
from onrecord.embeddings import load_embedder  # noqa: E402
from onrecord.index.reader import IndexReader  # noqa: E402
from onrecord.names import speaker_matches  # noqa: E402
from onrecord.settings import Settings  # noqa: E402

SHARED = _HERE.parent.parent / "shared"
CHECKS = SHARED / "checks"
OUT = _HERE / "out"
KINDS = ("verbatim", "close", "other_speaker", "journalist", "not_found")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_corpus(listing: Path, into: Path) -> Path:
    """Copy the listed transcripts (paths relative to shared/), with their manifest rows."""
    wanted = {(SHARED / line.strip()).resolve() for line in listing.read_text().splitlines()}
    wanted.discard(SHARED.resolve())
    sources, _, _ = discover([SHARED / "corpus"])
    kept = [s for s in sources if s.path.resolve() in wanted]
    if len(kept) != len(wanted):
        raise SystemExit(f"{len(wanted) - len(kept)} listed transcripts not found")
    shutil.rmtree(into, ignore_errors=True)
    return copy_corpus(kept, {s.doc_id for s in kept}, SHARED / "corpus", into)


def dev_index(embedder: CachedEmbedder) -> Path:
    """The index of the dev transcripts, built once (re-ingested as a no-op after)."""
    index_dir = OUT / "checks" / "onrecord-index"
    corpus = OUT / "checks" / "corpus"
    if not corpus.exists():
        build_corpus(CHECKS / "dev-transcripts.txt", corpus)
    started = time.perf_counter()
    report = ingest_paths(
        [corpus], Settings(index_dir=index_dir), embedder=embedder, progress=False
    )
    log(f"dev index: {report.transcripts_total} transcripts ({time.perf_counter() - started:.0f}s)")
    return index_dir


def item_number(item: dict) -> int:
    return int(re.search(r"(\d+)$", item["id"]).group(1))


def in_part(item: dict, part: str) -> bool:
    return part == "all" or (item_number(item) % 2 == 1) == (part == "fit")


def score(item: dict, result) -> dict:
    """One item's outcome: verdict right, first match on the true words and speaker."""
    check = result.sentences[0]
    first = check.matches[0] if check.matches else None
    at_words = bool(
        first
        and item["doc_id"] == first.doc_id
        and first.start < item["end"]
        and item["start"] < first.end
    )
    speaker = bool(first and item["true_speaker"] and _same(item["true_speaker"], first.speaker))
    near = check.matches[0] if check.verdict == "close" else (check.related or [None])[0]
    return {
        "id": item["id"],
        "expect": item["expect"],
        "verdict": result.verdict,
        "correct": result.verdict == item["expect"],
        "at_words": at_words,
        "speaker": speaker,
        "seconds": result.timings["total"],
        "coverage": near.coverage if near else None,
        "similarity": near.similarity if near else None,
        "near_speaker": near.speaker if near else None,
    }


def _same(true: str, found: str) -> bool:
    return true == found or speaker_matches(true, found) or speaker_matches(found, true)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else 0


def table(rows: list[dict]) -> str:
    """Per-verdict accuracy, first match on the true words, and latency."""
    lines = [
        "| expected | items | verdict right | first match at the true words | its speaker right |",
        "|---|---|---|---|---|",
    ]
    for kind in KINDS:
        part = [r for r in rows if r["expect"] == kind]
        if not part:
            continue
        right = sum(r["correct"] for r in part)
        if kind == "not_found":
            at, who = "-", "-"
        else:
            at = f"{sum(r['at_words'] for r in part) / len(part):.3f}"
            who = f"{sum(r['speaker'] for r in part) / len(part):.3f}"
        lines.append(f"| {kind} | {len(part)} | {right / len(part):.3f} | {at} | {who} |")
    found = [r for r in rows if r["expect"] != "not_found"]
    if found:
        at = sum(r["at_words"] for r in found) / len(found)
        lines.append(f"| all but not_found | {len(found)} | | {at:.3f} | |")
    false = [
        r for r in rows if r["expect"] == "not_found" and r["verdict"] in ("verbatim", "close")
    ]
    seconds = [r["seconds"] for r in rows]
    lines += [
        "",
        f"false verbatim/close on not_found items: {len(false)} {[r['id'] for r in false]}",
        f"overall verdict accuracy: {sum(r['correct'] for r in rows) / len(rows):.3f}",
        f"latency: p50 {1000 * statistics.median(seconds):.0f} ms, "
        f"p95 {1000 * percentile(seconds, 95):.0f} ms, max {1000 * max(seconds):.0f} ms "
        f"({len(rows)} checks)",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["fit", "check", "all"], default="all")
    parser.add_argument("--index", type=Path, help="an existing index (default: build dev's)")
    parser.add_argument("--items", type=Path, default=CHECKS / "dev.jsonl")
    parser.add_argument("--band", help="COVERAGE,SIMILARITY: the close band to use")
    parser.add_argument("--features", action="store_true", help="print near-match features")
    words_only = "check.meaning off: related statements by words only (no claim embedding)"
    parser.add_argument("--words-only", action="store_true", help=words_only)
    parser.add_argument("--json", type=Path, help="write each item's outcome here")
    args = parser.parse_args()
    if not args.items.is_file():
        raise SystemExit(f"no check set at {args.items}")
    embedder = CachedEmbedder(load_embedder(Settings().embedding), OUT / "embeddings.sqlite3")
    index_dir = args.index or dev_index(embedder)
    settings = Settings(index_dir=index_dir)
    if args.band:
        coverage, similarity = (float(v) for v in args.band.split(","))
        band = {"close_coverage": coverage, "close_similarity": similarity}
        settings = settings.model_copy(update={"check": settings.check.model_copy(update=band)})
    if args.words_only:
        check = settings.check.model_copy(update={"meaning": False})
        settings = settings.model_copy(update={"check": check})
    reader = IndexReader.open(index_dir, settings)
    items = [json.loads(line) for line in args.items.read_text().splitlines() if line.strip()]
    items = [i for i in items if in_part(i, args.part)]
    for warm in (items[0], items[-1]):  # load the model and the in-memory vectors first
        run_check(reader, CheckRequest(warm["claim"], warm["speaker"]), settings, embedder.embed)
    rows = []
    for item in items:
        request = CheckRequest(item["claim"], item["speaker"])
        rows.append(score(item, run_check(reader, request, settings, embedder.embed)))
    print(f"index: {index_dir} ({reader.catalog.counts()[0]} transcripts); part: {args.part}")
    print(table(rows))
    if args.features:
        for r in rows:
            if r["expect"] in ("close", "not_found"):
                print(r["id"], r["verdict"], r["coverage"], r["similarity"], r["near_speaker"])
    if args.json:
        args.json.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


if __name__ == "__main__":
    main()
