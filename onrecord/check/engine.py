"""The one call behind ``onrecord check`` and the app's "Check a quote": words (and who is
said to have said them, and when) in, a verdict per sentence with its matches out."""

from __future__ import annotations

import time
from dataclasses import dataclass

from onrecord.check.archive import Archive
from onrecord.check.exact import exact_matches
from onrecord.check.limits import check_input
from onrecord.check.lines import overall_line, sentence_line
from onrecord.check.near import Embed, meaning_matches, word_matches
from onrecord.check.speakers import resolve_speakers
from onrecord.check.text import claim_words, clean_claim
from onrecord.check.types import CheckResult, Match, SentenceCheck
from onrecord.check.verdict import decide
from onrecord.index.reader import IndexReader
from onrecord.sentences import sentence_spans
from onrecord.settings import CheckSettings


@dataclass(frozen=True)
class CheckRequest:
    words: str
    speaker: str | None = None  # a name or an office ("the foreign minister")
    since: str | None = None  # YYYY-MM-DD, inclusive
    until: str | None = None


def check_quote(
    reader: IndexReader,
    request: CheckRequest,
    settings: CheckSettings,
    embed: Embed | None,
    exact_dense_max: int = 300_000,
) -> CheckResult:
    """Check ``request`` against the index. Raises ``CheckInputError`` for words that
    cannot be checked. ``embed`` (optional) finds statements close in meaning, by dense
    search as answers do it (``exact_dense_max``: ``search.exact_dense_max``)."""
    began = time.perf_counter()
    text = check_input(request.words, settings)
    archive = Archive(reader, request.since, request.until, exact_dense_max)
    named = (request.speaker or "").strip() or None  # a blank name names no one
    resolved = resolve_speakers(reader, named, request.since, request.until)
    claimed = None if named is None else set(resolved.speakers)
    checks = []
    for claim in split_claim(text, settings.min_words):
        check = check_sentence(archive, claim, claimed, settings, embed)
        check.summary = sentence_line(check, named, resolved.speakers, archive)
        checks.append(check)
    result = CheckResult(
        claim=text,
        speaker=named,
        speakers=resolved.speakers,
        since=request.since,
        until=request.until,
        transcripts_searched=archive.transcripts_searched(),
        sentences=checks,
        overall="",
        warnings=resolved.warnings,
    )
    result.overall = overall_line(result)
    result.timings["total"] = round(time.perf_counter() - began, 4)
    return result


def split_claim(text: str, min_words: int) -> list[str]:
    """A paste as the sentences to check, each cleaned (``clean_claim``); a sentence too
    short to check on its own stays with the one before it."""
    parts: list[str] = []
    for s, e in sentence_spans(text, 0, len(text)):
        piece = text[s:e]
        if parts and len(claim_words(clean_claim(piece))) < min_words:
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    cleaned = [clean_claim(p) for p in parts]
    if len(cleaned) > 1 and len(claim_words(cleaned[0])) < min_words:
        cleaned[:2] = [f"{cleaned[0]} {cleaned[1]}"]
    return [c for c in cleaned if c] or [clean_claim(text)]


def check_sentence(
    archive: Archive,
    claim: str,
    claimed: set[str] | None,
    settings: CheckSettings,
    embed: Embed | None,
) -> SentenceCheck:
    """One sentence's verdict: the exact lookup first; near matches only when it finds
    nothing that decides."""
    exact = exact_matches(archive, claim)
    if exact:
        check = decide(claim, exact, [], claimed, settings)
        if check.verdict != "not_found":
            if check.verdict == "journalist":
                check.matches += _answers(archive, check.matches[:1])
            return check
    speakers = sorted(claimed) if claimed is not None else None
    near = word_matches(archive, claim, speakers, settings.candidates)
    check = decide(claim, [], near, claimed, settings)
    if check.verdict == "not_found":
        check.related = _related(archive, claim, speakers, near, settings, embed)
    return check


def _related(
    archive: Archive,
    claim: str,
    speakers: list[str] | None,
    near: list[Match],
    settings: CheckSettings,
    embed: Embed | None,
) -> list[Match]:
    """The closest statements of the claimed speaker (of anyone, when none is named): the
    closest by words, the closest by meaning (a reworded translation), then the next ones;
    each span once."""
    if not settings.related:
        return []
    by_words = [m for m in near if m.role != "journalist"]
    by_meaning = []
    if settings.meaning and embed is not None and speakers != []:
        by_meaning = meaning_matches(archive, claim, speakers, embed, settings.related)
    unique: list[Match] = []
    for match in [*by_words[:1], *by_meaning[:1], *by_words[1:], *by_meaning[1:]]:
        same = next((i for i, kept in enumerate(unique) if _overlap(match, kept)), None)
        if same is None:
            unique.append(match)
        elif unique[same].cosine is None and match.cosine is not None:
            unique[same] = match  # the whole sentence, with its closeness in meaning too
    return unique[: settings.related]


def _overlap(a: Match, b: Match) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def _answers(archive: Archive, questions: list[Match]) -> list[Match]:
    """The official's answer to a reporter's question: the first sentences of the next
    official turn of that transcript."""
    found = []
    for question in questions:
        turns = archive.reader.catalog.turns(question.doc_id)
        nxt = next(
            (t for t in turns[question.turn_index + 1 :] if t.role.value == "official"), None
        )
        if nxt is None:
            continue
        text = archive.text(question.doc_id)
        spans = sentence_spans(text, nxt.start, nxt.end)[:2]
        ref = archive.turn(question.doc_id, nxt.index)
        found.append(archive.match(ref, "answer", (spans[0][0], spans[-1][1]), similarity=0.0))
    return found
