"""LLM mode, the pure half: the passages block of the prompt, and the strict check of what
the model wrote (every quote verified word for word, every [n] a passage it was given)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from onrecord.citations import citation_for
from onrecord.constants import NOT_FOUND
from onrecord.quotes_answer import best_window
from onrecord.reading.words import terms
from onrecord.types import Citation, SearchHit
from onrecord.verify import is_verbatim, locate_quote

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_QUOTED = re.compile(r"“([^”\n]{2,}?)”|\"([^\"\n]{2,}?)\"")
# The journalist's question shown with a passage in the prompt: more than is embedded with it
# (chunk.question_chars, 400) since the model reads the question as context, not as a match.
QUESTION_CHARS = 600


def passages_block(hits: list[SearchHit], max_chars: int) -> tuple[str, int]:
    """Numbered passages for the prompt, cut to ``max_chars``; returns (block, passages used)."""
    blocks: list[str] = []
    used = 0
    for n, hit in enumerate(hits, start=1):
        question = hit.question[:QUESTION_CHARS] + (
            "…" if len(hit.question) > QUESTION_CHARS else ""
        )
        lines = [
            f"<<<PASSAGE [{n}]",
            f"Speaker: {hit.speaker} ({hit.role.value})",
            f"Date: {hit.date or 'unknown'}",
            f"Event: {hit.title}",
        ]
        if question:
            lines.append(f"Question (a journalist's words, not the speaker's): {question}")
        lines += [f"Answer ({hit.speaker}'s words):", hit.text, f"PASSAGE [{n}]>>>"]
        block = "\n".join(lines)
        if blocks and sum(len(b) for b in blocks) + len(block) > max_chars:
            break
        blocks.append(block)
        used = n
    return "\n\n".join(blocks), used


@dataclass
class CheckedAnswer:
    text: str
    citations: list[Citation]
    problems: list[str] = field(default_factory=list)
    refused: bool = False


def check_llm_answer(raw: str, hits: list[SearchHit], transcripts: dict[str, str]) -> CheckedAnswer:
    """Verify the model's answer against the passages it was given.

    Quotes must be exact spans (up to typography) of the cited passage's answer text;
    ``transcripts`` maps doc ids to full text, for offsets. Returns the answer renumbered
    with our citation numbers, and a list of problems (empty when all is well).
    """
    text = raw.strip()
    checked = CheckedAnswer(text="", citations=[], refused=text.startswith(NOT_FOUND))
    markers = list(_MARKER.finditer(text))
    quotes = list(_QUOTED.finditer(text))
    numbers_by_marker: dict[int, list[int]] = {m.start(): [] for m in markers}
    for quote in quotes:
        words = quote.group(1) or quote.group(2)
        marker = next((m for m in markers if m.start() >= quote.end()), None)
        if marker is None or _gap_has_sentence_end(text, quote.end(), marker.start()):
            checked.problems.append(f"quote without a passage number: “{words}”")
            continue
        for n in _numbers(marker):
            citation = _quote_citation(checked, n, words, hits, transcripts)
            if citation:
                numbers_by_marker[marker.start()].append(citation.n)
    for marker in markers:
        if numbers_by_marker[marker.start()]:
            continue
        for n in _numbers(marker):
            if 1 <= n <= len(hits):
                sentence = _sentence_before(text, marker.start())
                numbers_by_marker[marker.start()].append(
                    _paraphrase_citation(checked, hits[n - 1], sentence).n
                )
            else:
                checked.problems.append(f"cites passage [{n}], which it was not given")
    checked.text = _renumber(text, markers, numbers_by_marker)
    if not checked.refused and not checked.citations:
        checked.problems.append("the answer cites no passage")
    return checked


def _numbers(marker: re.Match[str]) -> list[int]:
    return [int(x) for x in re.split(r"\s*[,;]\s*", marker.group(1))]


def _gap_has_sentence_end(text: str, start: int, end: int) -> bool:
    return bool(re.search(r"[.!?]\s+[A-Z]", text[start:end])) or end - start > 200


def _quote_citation(
    checked: CheckedAnswer, n: int, words: str, hits: list[SearchHit], transcripts: dict[str, str]
) -> Citation | None:
    if not 1 <= n <= len(hits):
        checked.problems.append(f"cites passage [{n}], which it was not given")
        return None
    hit = hits[n - 1]
    source = transcripts[hit.doc_id]
    span = locate_quote(source, words, hit.start, hit.end)
    if span is None:
        if hit.question and is_verbatim(hit.question, words):
            checked.problems.append(
                f"quotes a journalist's question as {hit.speaker}'s words: “{words}”"
            )
        else:
            checked.problems.append(f"quote not found verbatim in passage [{n}]: “{words}”")
        return None
    for existing in checked.citations:
        if (existing.doc_id, existing.start, existing.end) == (hit.doc_id, *span):
            return existing
    citation = citation_for(
        len(checked.citations) + 1, hit, span[0], span[1], source[span[0] : span[1]]
    )
    checked.citations.append(citation)
    return citation


def _paraphrase_citation(checked: CheckedAnswer, hit: SearchHit, sentence: str) -> Citation:
    """A paraphrase cites the passage; its quote is the passage's best-matching words."""
    best = best_window(hit, terms(sentence), lambda _: 1.0)
    start, end = (best[0], best[1]) if best else (hit.start, hit.end)
    for existing in checked.citations:
        if (existing.doc_id, existing.start, existing.end) == (hit.doc_id, start, end):
            return existing
    quote = hit.text[start - hit.start : end - hit.start]
    citation = citation_for(len(checked.citations) + 1, hit, start, end, quote)
    checked.citations.append(citation)
    return citation


def _sentence_before(text: str, position: int) -> str:
    start = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position), 0)
    return text[start:position]


def _renumber(text: str, markers: list[re.Match[str]], numbers: dict[int, list[int]]) -> str:
    out, cursor = [], 0
    for marker in markers:
        out.append(text[cursor : marker.start()])
        mine = numbers[marker.start()]
        out.append("".join(f"[{n}]" for n in dict.fromkeys(mine)))
        cursor = marker.end()
    out.append(text[cursor:])
    return "".join(out)
