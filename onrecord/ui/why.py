""" "Why this answer?": the search that ran, what it found, and how long each step took."""

from __future__ import annotations

from onrecord.reading.result import Reading
from onrecord.types import Answer

SNIPPET_CHARS = 220
# Steps in the order they happen; anything else the engine timed is listed after them.
STEP_NAMES = {
    "read": "reading the question",
    "embed_query": "embed query",
    "dense": "vector search",
    "lexical": "keyword search",
    "relevance": "relevance",
    "retrieve": "retrieval",
    "compose": "quote selection",
    "llm": "LLM",
    "total": "total",
}


def passage_rows(answer: Answer) -> list[dict]:
    """The retrieved passages in rank order with their scores (for a table)."""
    cited = {c.passage_id for c in answer.citations}
    rows = []
    for rank, hit in enumerate(answer.passages, start=1):
        text = " ".join(hit.text.split())
        rows.append(
            {
                "rank": rank,
                "cited": hit.passage_id in cited,
                "speaker": hit.speaker,
                "date": hit.date or "",
                "transcript": hit.title,
                "relevance": None if hit.relevance is None else round(hit.relevance, 3),
                "fused": round(hit.score, 4),
                "dense": round(hit.scores["dense"], 3) if "dense" in hit.scores else None,
                "keyword": round(hit.scores["lexical"], 3) if "lexical" in hit.scores else None,
                "text": text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…",
            }
        )
    return rows


def reading_text(reading: Reading) -> str:
    """``a timeline · topic: gas, supplies · context: putin · read by the rules``."""
    parts = [
        {"answer": "a question", "timeline": "a timeline", "claim": "a claim to check"}[
            reading.kind.value
        ]
    ]
    if reading.topic_words:
        parts.append("topic: " + ", ".join(reading.topic_words))
    if reading.context_words:
        parts.append("context: " + ", ".join(reading.context_words))
    if reading.claim:
        parts.append(f"claim: “{reading.claim.text}”")
    parts.append("read by the model" if reading.reader == "model" else "read by the rules")
    return " · ".join(parts)


def timing_text(timings: dict[str, float]) -> str:
    """``embed query 12 ms · vector search 4 ms · … · total 0.31 s``."""
    names = [n for n in STEP_NAMES if n in timings] + sorted(set(timings) - set(STEP_NAMES))
    return " · ".join(f"{STEP_NAMES.get(n, n)} {_duration(timings[n])}" for n in names)


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"
