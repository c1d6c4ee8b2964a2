"""Timeline benchmark: does ``build_timeline`` find every event, and how fast, on a big index.

For a fixed list of (topic, speaker) pairs, chosen from what officials are generally asked
about (not from any question set), on the index ``--index`` (default: the full dev corpus
index, ``bench/out/full/onrecord-index``):

* the events the timeline finds: the transcripts of its entries (``build_timeline`` in quotes
  mode, one entry per event, no date filter);
* an exhaustive scan: every official passage of that speaker (the speaker filter's mask over
  every passage), each given its relevance once by ``retrieval.by_relevance`` itself (same
  signals, same model), and the transcripts holding one at or above
  ``answer.min_answer_relevance``, the timeline's gate;
* recall of events, |timeline ∩ scan| / |scan|, per pair and overall (target ≥ 0.9), and the
  timeline events the scan does not have (should be none);
* wall time of ``build_timeline`` per timeline, p50 / p95 over the pairs after one warm-up
  call (target p95 ≤ 2 s), and the scan's, for comparison.

    .venv/bin/python bench/timeline.py [--index DIR] [--depth N]

``--depth`` overrides ``onrecord.timeline.DEPTH`` for the run: what a deeper search would find.

Prints a Markdown table (one row per pair, then the totals) and the command line.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _HERE:
    sys.path[0] = str(_HERE.parent)

import numpy as np  # noqa: E402

from onrecord import timeline as timeline_module  # noqa: E402
from onrecord.embeddings import Embedder, load_embedder  # noqa: E402
from onrecord.index.reader import IndexReader  # noqa: E402
from onrecord.retrieval import by_relevance  # noqa: E402
from onrecord.settings import REPO_ROOT, Settings  # noqa: E402
from onrecord.timeline import build_timeline  # noqa: E402
from onrecord.types import Role, SearchFilters, SearchHit  # noqa: E402

DEFAULT_INDEX = REPO_ROOT / "bench" / "out" / "full" / "onrecord-index"
# (topic, speaker as a user types it). "Karine Jean-Pierre" in full: "Jean-Pierre" alone
# also matches a "Jean-Pierre Chevenement" in the Kremlin transcripts.
PAIRS = [
    ("NATO", "Putin"),
    ("sanctions", "Putin"),
    ("gas", "Putin"),
    ("Ukraine", "Putin"),
    ("China", "Putin"),
    ("oil prices", "Putin"),
    ("Afghanistan", "Psaki"),
    ("inflation", "Psaki"),
    ("China", "Psaki"),
    ("COVID vaccines", "Psaki"),
    ("Ukraine", "Psaki"),
    ("inflation", "Karine Jean-Pierre"),
    ("Ukraine", "Karine Jean-Pierre"),
    ("China", "Karine Jean-Pierre"),
    ("Afghanistan", "Kirby"),
    ("China", "Kirby"),
    ("Ukraine", "Kirby"),
    ("the CSTO", "Lavrov"),
    ("the United States", "Lavrov"),
]


@dataclass
class PairResult:
    topic: str
    speaker: str
    passages: int  # the speaker's official passages: what the scan scores
    timeline: set[str]  # transcripts of the timeline's entries
    scan: set[str]  # transcripts with a passage at or above the gate
    timeline_s: float
    search_s: float  # of timeline_s: the deep search with relevance
    quotes_s: float  # of timeline_s: choosing each event's quote
    scan_s: float

    @property
    def found(self) -> int:
        return len(self.timeline & self.scan)

    @property
    def extra(self) -> int:
        return len(self.timeline - self.scan)


def timeline_events(
    reader: IndexReader, embedder: Embedder, settings: Settings, topic: str, speaker: str
) -> tuple[set[str], float, dict[str, float]]:
    """The transcripts of the timeline's entries, how long building it took, its timings."""
    started = time.perf_counter()
    timeline = build_timeline(reader, embedder, settings, topic, SearchFilters(speaker=speaker))
    took = time.perf_counter() - started
    return {entry.citation.doc_id for entry in timeline.entries}, took, timeline.timings


def speaker_hits(reader: IndexReader, speaker: str) -> list[SearchHit]:
    """Every official passage of ``speaker``, as a search hit (title and url left out)."""
    mask = reader.filter_mask(SearchFilters(speaker=speaker))
    ids = [reader.lexical.ids[i] for i in np.flatnonzero(mask)]
    passages = reader.catalog.passages_by_id(ids)
    return [
        SearchHit.from_passage(passage, passage.doc_id, None, 0.0, {})
        for passage in (passages[pid] for pid in ids if pid in passages)
        if passage.role is Role.OFFICIAL
    ]


def scan_events(
    reader: IndexReader, embedder: Embedder, settings: Settings, topic: str, speaker: str
) -> tuple[set[str], float, int]:
    """The transcripts where some passage of ``speaker`` passes the gate, scored
    exhaustively; the scan's time (topic embedding included) and the passages scored."""
    started = time.perf_counter()
    vector = embedder.embed([topic])[0]
    hits = speaker_hits(reader, speaker)
    scored = by_relevance(reader, topic, vector, hits, depth=len(hits))
    gate = settings.answer.min_answer_relevance
    events = {hit.doc_id for hit in scored if (hit.relevance or 0.0) >= gate}
    return events, time.perf_counter() - started, len(hits)


def measure(
    reader: IndexReader, embedder: Embedder, settings: Settings, topic: str, speaker: str
) -> PairResult:
    found, timeline_s, timings = timeline_events(reader, embedder, settings, topic, speaker)
    scan, scan_s, passages = scan_events(reader, embedder, settings, topic, speaker)
    log(f"{topic} / {speaker}: {len(found)} events in {timeline_s:.1f} s; scan {len(scan)}")
    search_s, quotes_s = timings.get("search", 0.0), timings.get("quotes", 0.0)
    return PairResult(topic, speaker, passages, found, scan, timeline_s, search_s, quotes_s, scan_s)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def p50_p95(values: list[float]) -> str:
    """Seconds as "p50 a / p95 b" milliseconds."""
    ms = [v * 1000 for v in values]
    return f"p50 {statistics.median(ms):,.0f} / p95 {percentile(ms, 0.95):,.0f}"


def recall(found: int, wanted: int) -> str:
    return f"{found / wanted:.2f}" if wanted else "–"


def row(r: PairResult) -> str:
    return (
        f"| {r.topic} | {r.speaker} | {r.passages:,} | {len(r.scan)} | {len(r.timeline)} | "
        f"{r.found} | {recall(r.found, len(r.scan))} | {r.extra} | "
        f"{r.timeline_s * 1000:,.0f} | {r.search_s * 1000:,.0f} | {r.quotes_s * 1000:,.0f} | "
        f"{r.scan_s * 1000:,.0f} |"
    )


def table(results: list[PairResult]) -> str:
    """One row per pair, then the totals (recall over all events, times as p50 / p95)."""
    head = [
        "| topic | speaker | speaker's passages | scan events | timeline events | found "
        "| recall | timeline events not in scan | timeline ms | of which search | of which quotes "
        "| scan ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    found = sum(r.found for r in results)
    wanted = sum(len(r.scan) for r in results)
    total = (
        f"| **all {len(results)} pairs** | | {sum(r.passages for r in results):,} | {wanted} | "
        f"{sum(len(r.timeline) for r in results)} | {found} | **{recall(found, wanted)}** | "
        f"{sum(r.extra for r in results)} | {p50_p95([r.timeline_s for r in results])} | "
        f"{p50_p95([r.search_s for r in results])} | {p50_p95([r.quotes_s for r in results])} | "
        f"{p50_p95([r.scan_s for r in results])} |"
    )
    return "\n".join([*head, *(row(r) for r in results), total])


def some(doc_ids: set[str], shown: int = 3) -> str:
    """A few of ``doc_ids`` (names cut to 60 characters), and how many more."""
    names = [d[:60] for d in sorted(doc_ids)[:shown]]
    more = f" and {len(doc_ids) - shown} more" if len(doc_ids) > shown else ""
    return (", ".join(names) + more) or "none"


def missed(results: list[PairResult]) -> str:
    """The scan's events each timeline left out, and the timeline's the scan has not."""
    return "\n".join(
        f"- {r.topic} / {r.speaker}: missed {some(r.scan - r.timeline)}; "
        f"not in scan {some(r.timeline - r.scan)}"
        for r in results
        if r.scan - r.timeline or r.extra
    )


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def open_index(index: Path) -> tuple[IndexReader, Settings]:
    settings = Settings(index_dir=index)
    return IndexReader.open(index, settings), settings


def describe(reader: IndexReader) -> str:
    """The index's size, and whether quotes can use sentence vectors stored at ingest."""
    transcripts, passages = reader.catalog.counts()
    stored = 0
    if reader.catalog.has_sentence_vectors():
        stored = reader.catalog.db.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0]
    return (
        f"{transcripts:,} transcripts, {passages:,} passages, "
        f"{stored:,} passages with stored sentence vectors"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    parser.add_argument(
        "--depth", type=int, help="override onrecord.timeline.DEPTH for this run (what-if)"
    )
    args = parser.parse_args(argv)
    if args.depth:
        timeline_module.DEPTH = args.depth
    reader, settings = open_index(args.index)
    embedder = load_embedder(settings.embedding)
    print(f"- index: {args.index}: {describe(reader)}; timeline depth {timeline_module.DEPTH}")
    for speaker in dict.fromkeys(speaker for _, speaker in PAIRS):
        names = reader.matching_speakers(speaker)
        if not names:
            raise SystemExit(f"no speaker matching {speaker!r} in {args.index}")
        print(f"- {speaker}: {', '.join(names)}")
    warm_topic, warm_speaker = PAIRS[0]  # loads the vectors into memory, warms the model
    timeline_events(reader, embedder, settings, warm_topic, warm_speaker)
    results = [measure(reader, embedder, settings, t, s) for t, s in PAIRS]
    print()
    print(table(results))
    print()
    print(missed(results) or "- every scan event found; no timeline event outside the scan")
    print()
    depth = f" --depth {args.depth}" if args.depth else ""
    print(f"`.venv/bin/python bench/timeline.py --index {args.index}{depth}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
