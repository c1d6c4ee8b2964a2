"""What the commands print: the ``--json`` payloads and their plain-text forms (and the
one JSON file a command reads, ``ask --history``).

Pure functions of library objects (no streamlit, no network), so the CLI, the evaluation's
results file and the app's feedback file share one shape of an answer.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from onrecord.types import Mode

if TYPE_CHECKING:
    from onrecord.types import Answer, EventPassage, SearchHit

INFO_SPEAKERS = 30  # speakers listed by `onrecord info` (--json lists all)


class IngestReport(Protocol):
    """What the ingest payload reads of an ``ingest.report.IngestReport``: described here,
    not imported, as the ask side of the library does not import ingest (nor it this)."""

    files: list[Any]  # FileResult: path, status, reason, warnings
    removed: list[str]
    passages_written: int
    sentences_written: int
    transcripts_total: int
    passages_total: int
    warnings: list[str]
    seconds: dict[str, float]
    generation: str | None

    @property
    def failed(self) -> list[Any]: ...

    def count(self, status: str) -> int: ...


def answer_dict(answer: Answer) -> dict:
    """The ``ask --json`` payload (also a record of the evaluation and of the feedback file)."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "mode": Mode(answer.mode).value,
        "kind": answer.kind.value,
        "reading": answer.reading.as_json() if answer.reading else None,
        "found": answer.found,
        "claim_unshown": answer.claim_unshown,
        "query": answer.query,
        "filters": {
            "speaker": answer.filters.speaker,
            "since": answer.filters.since,
            "until": answer.filters.until,
            "doc_ids": answer.filters.doc_ids,
        },
        "auto_filters": answer.auto_filters,
        "citations": [
            {
                "n": c.n,
                "doc_id": c.doc_id,
                "title": c.title,
                "date": c.date,
                "speaker": c.speaker,
                "office": c.office,
                "role": c.role.value,
                "quote": c.quote,
                "start": c.start,
                "end": c.end,
                "url": c.url,
                "verified": c.verified,
            }
            for c in answer.citations
        ],
        "passages": [_passage_dict(h) for h in answer.passages],
        "also_from_events": [_event_passage_dict(e) for e in answer.also_from_events],
        "timings": {k: round(v, 4) for k, v in answer.timings.items()},
        "usage": answer.usage,
        "warnings": answer.warnings,
    }


def _passage_dict(hit: SearchHit) -> dict:
    """A passage an answer was drawn from: where it is and how it scored."""
    return {
        "doc_id": hit.doc_id,
        "start": hit.start,
        "end": hit.end,
        "speaker": hit.speaker,
        "role": hit.role.value,
        "score": round(hit.score, 6),
        "relevance": None if hit.relevance is None else round(hit.relevance, 4),
        "scores": hit.scores,
    }


def _event_passage_dict(more: EventPassage) -> dict:
    """A next best answer of a cited event: one sentence, an exact span."""
    c = more.citation
    return {
        "doc_id": c.doc_id,
        "passage_id": c.passage_id,
        "speaker": c.speaker,
        "role": c.role.value,
        "date": c.date,
        "title": c.title,
        "quote": c.quote,
        "start": c.start,
        "end": c.end,
        "url": c.url,
        "relevance": None if more.relevance is None else round(more.relevance, 4),
    }


def answer_text(answer: Answer) -> str:
    """``onrecord ask`` without ``--json``: the answer, its sources, and (when nothing was
    found) the passages that came closest. Warnings are not part of it: they go to stderr."""
    lines = [answer.text]
    if answer.auto_filters:
        lines.append(f"\n(filters read from the question: {'; '.join(answer.auto_filters)})")
    if answer.citations:
        lines.append("\nSources:")
    for c in answer.citations:
        mark, quote = "verified" if c.verified else "NOT VERIFIED", textwrap.shorten(c.quote, 300)
        lines.append(f"[{c.n}] {c.who} ({c.role.value}), {c.date}: “{quote}”")
        lines.append(f"    {c.title} · {c.doc_id} [{c.start}:{c.end}] · {mark}")
        if c.url:
            lines.append(f"    {c.url}")
    if answer.also_from_events:
        events = len({more.citation.doc_id for more in answer.also_from_events})
        lines.append(
            f"\nAlso from {'these press conferences' if events > 1 else 'this press conference'}:"
        )
    for more in answer.also_from_events:
        c = more.citation
        lines.append(f"  - {c.who}, {c.date}: “{c.quote}”")
    if not answer.found and not answer.citations and answer.passages:
        lines.append("\nRelated passages (not an answer):")
        for hit in answer.passages[:3]:
            lines.append(f"  - {hit.speaker}, {hit.date}: {textwrap.shorten(hit.text, 160)}")
    return "\n".join(lines)


def hit_dict(hit: SearchHit) -> dict:
    """One passage of the ``search --json`` payload."""
    return {
        "doc_id": hit.doc_id,
        "title": hit.title,
        "date": hit.date,
        "speaker": hit.speaker,
        "role": hit.role.value,
        "start": hit.start,
        "end": hit.end,
        "text": hit.text,
        "score": round(hit.score, 6),
        "passage_id": hit.passage_id,
        "url": hit.url,
        "question": hit.question,
        "scores": hit.scores,
    }


def hits_text(hits: list[SearchHit]) -> str:
    """``onrecord search`` without ``--json``: rank, score, who, where, and the text."""
    lines = [] if hits else ["no passages found"]
    for n, hit in enumerate(hits, start=1):
        lines.append(
            f"[{n}] {hit.score:.4f}  {hit.date}  {hit.speaker} ({hit.role.value})  "
            f"{hit.doc_id} [{hit.start}:{hit.end}]"
        )
        lines.append(f"    {hit.title}")
        lines.append(textwrap.indent(textwrap.shorten(hit.text, 500), "    "))
    return "\n".join(lines)


def info_text(stats: dict) -> str:
    """``onrecord info`` without ``--json`` (``stats`` is ``IndexReader.stats()``)."""
    identity = stats["identity"]
    sources = ", ".join(f"{k} {v}" for k, v in stats["sources"].items())
    lines = [
        f"index: {stats['index']} ({stats['generation']})",
        f"transcripts: {stats['transcripts']}  passages: {stats['passages']}  sources: {sources}",
        f"dates: {stats['date_range'][0]} to {stats['date_range'][1]}",
    ]
    vectors = stats.get("vectors", {})
    if vectors.get("backend") == "server":
        lines.append(f"vectors: Chroma server {vectors['url']}, collection {vectors['collection']}")
    lines += [
        f"embedding model: {identity.get('embedding_model')} "
        f"({identity.get('embedding_dimension')} dimensions)",
        f"chunker v{identity.get('chunker_version')}, formats v{identity.get('format_version')}, "
        f"chunk settings {identity.get('chunk_settings')}",
        "built with: " + ", ".join(f"{k} {v}" for k, v in identity.get("versions", {}).items()),
        f"speakers ({len(stats['speakers'])}):",
    ]
    for row in stats["speakers"][:INFO_SPEAKERS]:
        lines.append(f"  {row['passages']:6d}  {row['name']} ({row['role']})")
    if len(stats["speakers"]) > INFO_SPEAKERS:
        more = len(stats["speakers"]) - INFO_SPEAKERS
        lines.append(f"  ... and {more} more (--json lists all)")
    return "\n".join(lines)


def report_dict(report: IngestReport) -> dict:
    """The ``ingest --json`` payload."""
    return {
        "files_read": len(report.files),
        "added": report.count("added"),
        "updated": report.count("updated"),
        "unchanged": report.count("unchanged"),
        "failed": [{"path": f.path, "reason": f.reason} for f in report.failed],
        "removed": report.removed,
        "passages_written": report.passages_written,
        "sentences_written": report.sentences_written,
        "transcripts_total": report.transcripts_total,
        "passages_total": report.passages_total,
        "warnings": [f"{f.path}: {w}" for f in report.files for w in f.warnings] + report.warnings,
        "seconds": {k: round(v, 2) for k, v in report.seconds.items()},
        "generation": report.generation,
    }


def report_text(report: IngestReport) -> str:
    """``onrecord ingest`` without ``--json``: warnings, failures, counts and time."""
    data = report_dict(report)
    lines = [f"warning: {warning}" for warning in data["warnings"]]
    lines += [f"failed: {failed['path']}: {failed['reason']}" for failed in data["failed"]]
    lines += [
        f"files read: {data['files_read']}  added: {data['added']}  updated: {data['updated']}  "
        f"unchanged: {data['unchanged']}  failed: {len(data['failed'])}  "
        f"removed: {len(data['removed'])}",
        f"passages written: {data['passages_written']}  index now holds "
        f"{data['transcripts_total']} transcripts, {data['passages_total']} passages",
    ]
    if data["sentences_written"]:
        lines.append(f"sentence vectors written (for picking quotes): {data['sentences_written']}")
    lines.append(f"time: {data['seconds'].get('total', 0):.1f}s")
    return "\n".join(lines)


def manifest_text(out: Path, manifest: dict) -> str:
    """``onrecord build-deploy-index`` without ``--json``: what was written where."""
    return (
        f"wrote {out}/{manifest['archive']} ({manifest['bytes'] / 1e6:.1f} MB, sha256 "
        f"{manifest['sha256'][:16]}…) and {out}/manifest.json: {manifest['transcripts']} "
        f"transcripts, {manifest['passages']} passages, "
        f"model {manifest['identity']['embedding_model']}"
    )


def load_history(path: Path) -> list[dict]:
    """The ``ask --history`` file: a JSON list of ``{"role", "content"}`` messages.
    Raises ``ValueError`` saying what is wrong with it."""
    try:
        history = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"cannot read history {path}: {err}") from err
    valid = isinstance(history, list) and all(
        isinstance(m, dict) and m.get("role") in {"user", "assistant"} and "content" in m
        for m in history
    )
    if not valid:
        raise ValueError(  # the doubled }} is what the command has always printed
            f'{path} must be a JSON list of {{"role": "user"|"assistant", '
            '"content": ...}} messages'
        )
    return history
