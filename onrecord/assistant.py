"""The answer engine: one entry point for the CLI, the app and the evaluation.

``Assistant.answer(question, history, filters)`` returns an ``Answer``;
``Assistant.stream(...)`` yields text pieces as the model writes them, then the ``Answer``.
Quotes mode needs no model and no network; LLM mode falls back to it on any failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import replace
from functools import lru_cache

import numpy as np

from onrecord.constants import NOT_FOUND
from onrecord.embeddings import Embedder
from onrecord.followup import (
    EARLIER,
    LATER,
    heuristic_query,
    history_text,
    is_follow_up,
    naming,
    previous_user_questions,
    refers_to_a_person,
)
from onrecord.index.identity import check_identity
from onrecord.index.reader import IndexReader
from onrecord.llm_answer import check_llm_answer, passages_block
from onrecord.llm_client import ChatClient, Completion, LLMError
from onrecord.office_speaker import speaker_by_office
from onrecord.prompt_guard import PromptGuard
from onrecord.prompts import render
from onrecord.query import analyse_question, unknown_names
from onrecord.quotes_answer import choose_quotes, compose_quotes_answer
from onrecord.retrieval import search
from onrecord.settings import Settings
from onrecord.types import Answer, Role, SearchFilters, SearchHit


class Assistant:
    def __init__(
        self,
        settings: Settings,
        reader: IndexReader,
        embedder: Embedder,
        chat: ChatClient | None = None,
    ) -> None:
        # Refuse before any query: vectors of another model or size would search nonsense.
        check_identity(reader.identity or None, settings, embedder.dimension)
        self.settings = settings
        self.reader = reader
        self.embedder = embedder
        self._chat = chat
        # Retrieval and quote selection both need the query's vector: embedded once.
        self._query_vector = lru_cache(maxsize=64)(self._embed_query)

    @property
    def chat(self) -> ChatClient:
        if self._chat is None:
            self._chat = ChatClient(self.settings)
        return self._chat

    def answer(
        self,
        question: str,
        history: list[dict] | None = None,
        filters: SearchFilters | None = None,
        mode: str | None = None,
        k: int | None = None,
        auto_filters: bool = True,
    ) -> Answer:
        result = None
        for item in self.stream(question, history, filters, mode, k, auto_filters):
            if isinstance(item, Answer):
                result = item
        assert result is not None
        return result

    def retrieve(
        self,
        question: str,
        history: list[dict] | None = None,
        filters: SearchFilters | None = None,
        mode: str | None = None,
        k: int | None = None,
        auto_filters: bool = True,
    ) -> Answer:
        """The retrieval half of an answer: follow-up rewriting, filters read from the
        question (unless ``auto_filters`` is False), hybrid search. The ``Answer`` has
        ``passages``, ``query`` and ``filters``, and no text yet."""
        mode = self.settings.effective_mode(mode)
        answer = Answer(question=question, text="", mode=mode)
        question = answer.question = self._checked_question(question, answer)
        history = list(history or [])
        answer.query = self._standalone_query(question, history, mode, answer)
        if auto_filters:
            # An LLM's rewrite of a follow-up is standalone: read who and when from it. Without
            # one, the question's own filters come first and the conversation lends the rest.
            condensed = "condense" in answer.timings
            answer.filters = self._filters(answer.query if condensed else question, filters, answer)
            if not condensed and is_follow_up(question, history):
                self._inherit_filters(question, history, answer)
        else:
            answer.filters = replace(filters) if filters else SearchFilters()
        answer.passages = self._retrieve(answer, k)
        return answer

    def stream(
        self,
        question: str,
        history: list[dict] | None = None,
        filters: SearchFilters | None = None,
        mode: str | None = None,
        k: int | None = None,
        auto_filters: bool = True,
    ) -> Iterator[str | Answer]:
        """Text pieces while an LLM writes, then the final, verified ``Answer``."""
        started = time.perf_counter()
        answer = self.retrieve(question, history, filters, mode, k, auto_filters)
        hits = answer.passages
        if not self._relevant(answer):
            self._not_found(answer)
        elif answer.mode == "llm":
            yield from self._llm_answer(answer.question, hits, answer)
        else:
            self._quotes_answer(hits, answer)
        answer.timings["total"] = time.perf_counter() - started
        yield answer

    # --- steps ----------------------------------------------------------------------------
    def _checked_question(self, question: str, answer: Answer) -> str:
        question = " ".join(question.split())
        limit = self.settings.answer.max_question_chars
        if len(question) > limit:
            answer.warnings.append(f"The question was cut to its first {limit} characters.")
            question = question[:limit]
        return question

    def _standalone_query(
        self, question: str, history: list[dict], mode: str, answer: Answer
    ) -> str:
        if not history:
            return question
        if mode == "llm":
            started = time.perf_counter()
            try:
                prompt = render("condense", history=history_text(history), question=question)
                rewritten = self.chat.complete("You rewrite search queries.", prompt).text
                answer.timings["condense"] = time.perf_counter() - started
                if rewritten.strip():
                    return " ".join(rewritten.split())[:500]
            except LLMError as err:  # one message: the answer would fail the same way
                answer.warnings.append(f"{err} Showing the quotes-mode answer instead.")
                answer.mode = "quotes"
        return heuristic_query(question, history)

    def _filters(self, question: str, given: SearchFilters | None, answer: Answer) -> SearchFilters:
        filters = replace(given) if given else SearchFilters()
        stats = self.reader.stats()
        official_counts = {
            row["name"]: row["passages"]
            for row in stats["speakers"]
            if row["role"] == Role.OFFICIAL.value
        }
        intent = analyse_question(question, official_counts, newest=stats["date_range"][1])
        named = intent.speaker if not filters.speaker else None
        dates_read = bool(intent.since and not (filters.since or filters.until))
        if dates_read:
            filters.since, filters.until = intent.since, intent.until
        held = None
        if self.settings.search.office_speakers and not filters.speaker and filters.since:
            # "the industry minister in March 2016": whoever held that office then. Without a
            # date an office is too often someone the question is about ("al-Qaeda leader").
            held = speaker_by_office(question, self.reader.official_offices(filters))
        if held and named and held.speaker != named:
            # "what did Gazprom's chief say, and what time limit did Medvedev give": two people
            # are asked about, and a filter on either one would hide the other's answer.
            named = held = None
        if named:
            filters.speaker = named
            answer.auto_filters.append(f"speaker: {named}")
        if dates_read:
            said = next((n for n in intent.notes if "counted from" in n), "")  # "last year"
            answer.auto_filters.append(
                f"dates: {intent.since} to {intent.until or '…'}" + (f" ({said})" if said else "")
            )
        if held and not named:
            filters.speaker = held.speaker
            answer.auto_filters.append(f"speaker: {held.speaker} ({held.office})")
        return filters

    def _inherit_filters(self, question: str, history: list[dict], answer: Answer) -> None:
        """Who and when of the most recent earlier question that names them, for what the
        follow-up leaves open; a follow-up moving on in time ("a month later") keeps only
        the start of the earlier dates, one moving back only the end."""
        filters = answer.filters
        for previous in previous_user_questions(history):
            if filters.speaker and (filters.since or filters.until):
                break
            earlier = self._filters(previous, None, Answer(question=previous, text="", mode=""))
            if earlier.speaker and not filters.speaker:
                filters.speaker = earlier.speaker
                answer.auto_filters.append(f"speaker: {earlier.speaker} (from the conversation)")
                if answer.query == question:
                    answer.query = naming(question, earlier.speaker)
            if (earlier.since or earlier.until) and not (filters.since or filters.until):
                since, until = earlier.since, earlier.until
                if LATER.search(question):
                    until = None
                elif EARLIER.search(question):
                    since = None
                filters.since, filters.until = since, until
                answer.auto_filters.append(
                    f"dates: {since or '…'} to {until or '…'} (from the conversation)"
                )
        if not filters.speaker and answer.query == question and refers_to_a_person(question):
            # "Did he also say which economies emit the most?": who "he" is, and what he was
            # asked about, are in the previous question only.
            answer.query = heuristic_query(question, history, force=True)

    def _embed_query(self, query: str) -> np.ndarray:
        vector = self.embedder.embed([query])[0]
        vector.setflags(write=False)  # shared by every caller of the cache
        return vector

    def _retrieve(self, answer: Answer, k: int | None) -> list[SearchHit]:
        started = time.perf_counter()
        k = k or self.settings.search.k
        # Every candidate that relevance orders, so that the gate below sees the same
        # passages fusion puts first as it did before that order existed.
        wanted = max(k, self.settings.search.relevance_depth)
        vector = self._query_vector(answer.query)
        answer.timings["embed_query"] = time.perf_counter() - started
        hits = search(
            self.reader,
            self.embedder,
            answer.query,
            answer.filters,
            self.settings.search,
            k=wanted,
            timings=answer.timings,
            vector=vector,
        )
        if not hits and answer.auto_filters:
            # The question said who or when; an answer from someone else or another time
            # would not be an answer to it.
            answer.warnings.append(
                "Nothing in the transcripts matches what the question asks for ("
                + "; ".join(answer.auto_filters)
                + "); nothing outside that was searched."
            )
        answer.timings["retrieve"] = time.perf_counter() - started
        fused_first = sorted(hits, key=lambda h: -h.score)[:k]
        answer.closest = max((h.scores.get("dense", -1.0) for h in fused_first), default=-1.0)
        return hits[:k]

    def _relevant(self, answer: Answer) -> bool:
        """Is there anything to answer from? No when no passage is likely to answer the
        question (its calibrated relevance; the cosine where relevance is off), however few
        passages the filters leave, or when the question is about a name the transcripts
        never mention and no passage is a close match (Kyiv/Kiev still gets through)."""
        best = answer.closest
        relevance = [h.relevance for h in answer.passages if h.relevance is not None]
        if relevance:
            if max(relevance) < self.settings.answer.min_answer_relevance:
                return False
        elif best < self.settings.answer.min_relevance:
            return False
        unknown = unknown_names(answer.question, self.reader.lexical.knows)
        if unknown and best < self.settings.answer.strong_relevance:
            answer.warnings.append("The transcripts never mention " + ", ".join(unknown) + ".")
            return False
        return True

    def _similarity(self, query: str) -> Callable[[list[str]], list[float]]:
        def score(texts: list[str]) -> list[float]:
            return [float(v) for v in self.embedder.embed(texts) @ self._query_vector(query)]

        return score

    def _stored_similarities(self, query: str, hits: list[SearchHit]) -> dict:
        """Cosine to the query of every sentence of ``hits`` whose vector was stored at
        ingest, keyed ``(passage_id, start, end)``; quote selection embeds only the rest."""
        quotable = {h.passage_id: h.start for h in hits if h.role is not Role.JOURNALIST}
        stored = self.reader.catalog.sentence_vectors(list(quotable))
        vector = self._query_vector(query)
        known: dict[tuple[str, int, int], float] = {}
        for pid, found in stored.items():
            if found.vectors.shape[1:] != vector.shape:
                continue  # no sentences, or another model's vectors: never compared
            at = quotable[pid]  # stored offsets are in the passage, keys in the transcript
            cosines = found.vectors @ vector
            known.update(
                {
                    (pid, at + s, at + e): float(c)
                    for (s, e), c in zip(found.spans, cosines, strict=True)
                }
            )
        return known

    def _not_found(self, answer: Answer) -> None:
        answer.found = False
        answer.text = NOT_FOUND

    def _quotes_answer(self, hits: list[SearchHit], answer: Answer) -> None:
        started = time.perf_counter()
        choices = choose_quotes(
            answer.query,
            hits,
            self._similarity(answer.query),
            self.reader.lexical.term_weight,
            self.settings.answer.scored_sentences,
            known=self._stored_similarities(answer.query, hits),
        )
        if not choices:
            self._not_found(answer)
        else:
            answer.text, answer.citations, answer.claim_unshown = compose_quotes_answer(
                choices, answer.question
            )
        answer.mode = "quotes"
        answer.timings["compose"] = time.perf_counter() - started

    def _llm_answer(self, question: str, hits: list[SearchHit], answer: Answer) -> Iterator[str]:
        started = time.perf_counter()
        guard = PromptGuard(_system_prompt(), allowed=[NOT_FOUND])
        try:
            completion, given = yield from guard.stream(self._complete(question, hits, answer))
        except LLMError as err:
            answer.warnings.append(f"{err} Showing the quotes-mode answer instead.")
            self._quotes_answer(hits, answer)
            return
        answer.usage = completion.usage
        answer.timings["llm"] = time.perf_counter() - started
        leak = guard.leak(completion.text)
        if leak:  # checked first: the other checks quote the model's words in warnings
            answer.warnings.append(f"LLM answer rejected: {leak}.")
            answer.warnings.append("Showing the quotes-mode answer instead.")
            self._quotes_answer(hits, answer)
            return
        transcripts = {h.doc_id: self.reader.catalog.transcript_text(h.doc_id) or "" for h in given}
        checked = check_llm_answer(completion.text, given, transcripts)
        if checked.problems:
            answer.warnings += [f"LLM answer rejected: {p}." for p in checked.problems]
            answer.warnings.append("Showing the quotes-mode answer instead.")
            self._quotes_answer(hits, answer)
            return
        answer.text, answer.citations = checked.text, checked.citations
        answer.found = not checked.refused
        if completion.finish_reason == "length":
            answer.warnings.append("The model hit its length limit; the answer may be short.")

    def _complete(
        self, question: str, hits: list[SearchHit], answer: Answer
    ) -> Generator[str, None, tuple[Completion, list[SearchHit]]]:
        """Stream one completion. The passages are trimmed so that the whole prompt fits
        ``llm.max_prompt_chars``; on a context-length error, retry once with half of them
        (only possible before any text arrived)."""
        given = hits[: self.settings.llm.passages]
        system = _system_prompt()
        framing = len(system) + len(render("answer_user", passages="", question=question))
        room = max(0, self.settings.llm.max_prompt_chars - framing)
        for attempt in range(2):
            block, used = passages_block(given, room)
            given = given[:used]
            user = render("answer_user", passages=block, question=question)
            try:
                completion = yield from self.chat.stream(system, user)
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


def _system_prompt() -> str:
    return render("answer_system", not_found=NOT_FOUND)
