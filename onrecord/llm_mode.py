"""LLM mode: a fluent answer whose every quote is checked against the transcript.

The model writes from the best passages (trimmed to fit its context); the answer is refused
and the quotes-mode answer shown instead when the call fails, the system prompt leaks, or a
quote is not verbatim or not attributed to who said it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator

from onrecord.constants import NOT_FOUND
from onrecord.index.reader import IndexReader
from onrecord.llm_answer import check_llm_answer, passages_block
from onrecord.llm_client import ChatClient, Completion, LLMError
from onrecord.prompt_guard import PromptGuard
from onrecord.prompts import render
from onrecord.settings import Settings
from onrecord.timing import timed
from onrecord.types import Answer, SearchHit, Timeline

FALLBACK = "Showing the quotes-mode answer instead."
_MARKER = re.compile(r"\[(\d+)\]")
# Writes the quotes-mode answer into the Answer: what the user sees when the model's is refused.
Fallback = Callable[[list[SearchHit], Answer], None]


def stream_llm_answer(
    chat: ChatClient,
    settings: Settings,
    reader: IndexReader,
    hits: list[SearchHit],
    answer: Answer,
    fallback: Fallback,
) -> Iterator[str]:
    """Text pieces as the model writes; then ``answer`` holds the checked answer, or the
    quotes-mode one with a warning saying why."""
    guard = PromptGuard(system_prompt(), allowed=[NOT_FOUND])
    with timed(answer.timings, "llm"):
        try:
            written = guard.stream(_complete(chat, settings, answer.question, hits, answer))
            completion, given = yield from written
        except LLMError as err:
            answer.warnings.append(f"{err} {FALLBACK}")
            fallback(hits, answer)
            return
    answer.usage = completion.usage
    problems = [f"LLM answer rejected: {leak}." for leak in [guard.leak(completion.text)] if leak]
    if not problems:  # the leak first: the other checks quote the model's words in warnings
        transcripts = {h.doc_id: reader.catalog.transcript_text(h.doc_id) or "" for h in given}
        checked = check_llm_answer(completion.text, given, transcripts)
        problems = [f"LLM answer rejected: {p}." for p in checked.problems]
    if problems:
        answer.warnings += [*problems, FALLBACK]
        fallback(hits, answer)
        return
    answer.text, answer.citations = checked.text, checked.citations
    answer.found = not checked.refused
    if completion.finish_reason == "length":
        answer.warnings.append("The model hit its length limit; the answer may be short.")


def _complete(
    chat: ChatClient, settings: Settings, question: str, hits: list[SearchHit], answer: Answer
) -> Generator[str, None, tuple[Completion, list[SearchHit]]]:
    """Stream one completion. The passages are trimmed so that the whole prompt fits
    ``llm.max_prompt_chars``; on a context-length error, retry once with half of them
    (only possible before any text arrived)."""
    given = hits[: settings.llm.passages]
    system = system_prompt()
    framing = len(system) + len(render("answer_user", passages="", question=question))
    room = max(0, settings.llm.max_prompt_chars - framing)
    for attempt in range(2):
        block, used = passages_block(given, room)
        given = given[:used]
        user = render("answer_user", passages=block, question=question)
        try:
            completion = yield from chat.stream(system, user)
        except LLMError as err:
            if not err.context_too_long or attempt == 1 or len(given) <= 1:
                raise
            given = given[: max(1, len(given) // 2)]
            continue
        if attempt:
            answer.warnings.append(
                f"The passages did not fit the model's context window; the answer was "
                f"written from the best {len(given)}."
            )
        return completion, given
    raise RuntimeError("unreachable: the loop returns or raises")


def system_prompt() -> str:
    return render("answer_system", not_found=NOT_FOUND)


SUMMARY_ROOM = 12_000  # characters of passages an LLM summary of a timeline is written from


def timeline_summary(
    chat: ChatClient, reader: IndexReader, timeline: Timeline
) -> tuple[str | None, list[str]]:
    """A short model summary of how the position moved, each ``[n]`` an entry of
    ``timeline``, its quotes checked word for word; ``(None, warnings)`` when the call fails
    or the summary fails a check (the timeline is then shown alone)."""
    hits = [entry.hit for entry in timeline.entries]
    block, used = passages_block(hits, SUMMARY_ROOM)
    hits = hits[:used]
    speakers = list(dict.fromkeys(hit.speaker for hit in hits))
    who = speakers[0] if len(speakers) == 1 else "officials"
    user = render("timeline_summary", passages=block, speaker=who, topic=timeline.topic)
    system = system_prompt()
    try:
        written = chat.complete(system, user).text
    except LLMError as err:
        return None, [f"{err} The timeline is shown without a summary."]
    leak = PromptGuard(system, allowed=[NOT_FOUND]).leak(written)
    transcripts = {h.doc_id: reader.catalog.transcript_text(h.doc_id) or "" for h in hits}
    checked = check_llm_answer(written, hits, transcripts)
    problems = [leak] if leak else checked.problems
    if problems or checked.refused:
        why = "; ".join(problems) or "the model found nothing to say"
        return None, [f"LLM summary left out: {why}."]
    entry_of = {}
    for entry in timeline.entries:  # a summary's source is the first entry of its event
        entry_of.setdefault(entry.citation.doc_id, entry.citation.n)
    number = {c.n: entry_of[c.doc_id] for c in checked.citations}
    return _MARKER.sub(lambda m: f"[{number[int(m.group(1))]}]", checked.text), []
