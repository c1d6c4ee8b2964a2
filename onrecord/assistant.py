"""The answer engine: one entry point for the CLI, the app and the evaluation.

``Assistant.answer(Request(question, history, filters))`` (or ``answer(question, history=…)``)
returns an ``Answer``; ``Assistant.stream(...)`` yields text pieces as the model writes them,
then the ``Answer``.
Quotes mode needs no model and no network; LLM mode falls back to it on any failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import lru_cache
from typing import Any

import numpy as np

from onrecord.constants import NO_CLEAR_ANSWER, NOT_FOUND
from onrecord.embeddings import Embedder
from onrecord.event_more import also_from_events
from onrecord.index.identity import check_identity
from onrecord.index.reader import IndexReader
from onrecord.llm_client import ChatClient, LLMError
from onrecord.llm_mode import stream_llm_answer, timeline_summary
from onrecord.llm_reading import model_reading
from onrecord.quotes_answer import choose_quotes, compose_quotes_answer
from onrecord.reading.read import Facts, read
from onrecord.reading.result import Kind, Reading
from onrecord.retrieval import search, stored_similarities
from onrecord.settings import Settings
from onrecord.timeline import build_timeline, compose_timeline_answer
from onrecord.timing import timed
from onrecord.types import Answer, Mode, Request, SearchFilters, SearchHit, as_request


def filters_for(reading: Reading, given: SearchFilters | None) -> SearchFilters:
    """``given`` completed with who and when as read."""
    out = replace(given) if given else SearchFilters()
    if reading.speaker:
        out.speaker = reading.speaker.name
    if reading.dates:
        out.since, out.until = reading.dates.since, reading.dates.until
    return out


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

    def answer(self, request: Request | str, **options: Any) -> Answer:
        """The whole answer. ``request`` may be the question alone, with ``options`` the
        other fields of a ``Request`` (``history=``, ``filters=``, ``mode=``, ``k=``)."""
        result = None
        for item in self.stream(request, **options):
            if isinstance(item, Answer):
                result = item
        assert result is not None
        return result

    def retrieve(self, request: Request | str, **options: Any) -> Answer:
        """The retrieval half of an answer: the question read (a follow-up made standalone;
        who and when read from it unless ``read_filters`` is False), hybrid search. The
        ``Answer`` has ``reading``, ``passages``, ``query`` and ``filters``, and no text yet."""
        asked = as_request(request, options)
        answer = self.read(asked)
        answer.passages = self._retrieve(answer, asked.k)
        return answer

    def read(self, asked: Request) -> Answer:
        """An ``Answer`` with the question read and nothing searched yet: in LLM mode the model
        reads it (the rules when it cannot), else the rules."""
        mode = self.settings.effective_mode(asked.mode)
        answer = Answer(question=asked.question, text="", mode=mode)
        answer.question = self._checked_question(asked.question, answer)
        with timed(answer.timings, "read"):
            reading = self._reading(answer, asked)
        if not asked.read_filters:
            reading = replace(reading, speaker=None, dates=None)
        answer.reading, answer.query = reading, reading.query
        answer.warnings += list(reading.warnings)
        answer.filters = filters_for(reading, asked.filters)
        return answer

    def stream(self, request: Request | str, **options: Any) -> Iterator[str | Answer]:
        """Text pieces while an LLM writes, then the final, verified ``Answer``. A question
        about how a position changed over time is answered by a timeline."""
        timings: dict[str, float] = {}
        asked = as_request(request, options)
        with timed(timings, "total"):
            answer = self.read(asked)
            if answer.kind is Kind.TIMELINE:
                self._timeline(answer, answer.reading.topic, asked)
            else:
                answer.passages = self._retrieve(answer, asked.k)
                yield from self._compose(answer)
        answer.timings.update(timings)
        yield answer

    def timeline(self, request: Request | str, topic: str, per_event: int = 1) -> Answer:
        """One entry per event where the speaker the question names (or the user's filter)
        spoke about ``topic``, oldest first, as an answer with one citation per entry."""
        asked = as_request(request, {})
        answer = self.read(replace(asked, mode=Mode.QUOTES))
        answer.mode = self.settings.effective_mode(asked.mode)
        self._timeline(answer, topic, asked, per_event)
        return answer

    # --- steps ----------------------------------------------------------------------------
    def _reading(self, answer: Answer, asked: Request) -> Reading:
        facts, question = self._facts(), answer.question
        if answer.mode is Mode.LLM and self.settings.llm.read_questions:
            try:  # a reading that does not hold falls back to the rules inside
                return model_reading(self.chat, question, asked.history, facts, asked.filters)
            except LLMError as err:  # the endpoint failed: the answer would fail alike
                answer.warnings.append(
                    f"{err} The question was read without the model; showing the quotes-mode "
                    "answer instead."
                )
                answer.mode = Mode.QUOTES
        return read(question, asked.history, facts, asked.filters)

    def _facts(self) -> Facts:
        stats = self.reader.stats()
        officials = {r["name"]: r["passages"] for r in stats["speakers"] if r["role"] == "official"}
        return Facts(
            officials=officials,
            newest=stats["date_range"][1],
            offices=self.reader.official_offices,
            knows=self.reader.lexical.knows,
            read_offices=self.settings.search.office_speakers,
        )

    def _compose(self, answer: Answer) -> Iterator[str]:
        """Refuse, show the closest quotes, or answer (the model streams its text)."""
        hits = answer.passages
        refusal = self._refusal(answer)
        if refusal == "unknown":
            self._not_found(answer)
        elif refusal == "weak":
            self._closest_quotes(hits, answer)
        elif answer.mode is Mode.LLM:
            yield from stream_llm_answer(
                self.chat, self.settings, self.reader, hits, answer, self._quotes_answer
            )
        else:
            self._quotes_answer(hits, answer)
        answer.also_from_events = also_from_events(
            answer.candidates, answer.citations, answer.query, self.reader.lexical.term_weight
        )

    def _timeline(self, answer: Answer, topic: str, asked: Request, per_event: int = 1) -> None:
        answer.query = topic
        found = build_timeline(
            self.reader, self.embedder, self.settings, topic, answer.filters, per_event
        )
        answer.timings.update(found.timings)
        answer.timeline = found
        answer.text, answer.citations = compose_timeline_answer(found)
        answer.found = bool(found.entries)
        if found.entries and answer.mode is Mode.LLM:
            summary, warnings = timeline_summary(self.chat, self.reader, found)
            answer.warnings += warnings
            answer.mode = Mode.LLM if summary else Mode.QUOTES
            if summary:
                answer.text = f"{summary}\n\n{answer.text}"
        else:
            answer.mode = Mode.QUOTES

    def _checked_question(self, question: str, answer: Answer) -> str:
        question = " ".join(question.split())
        limit = self.settings.answer.max_question_chars
        if len(question) > limit:
            answer.warnings.append(f"The question was cut to its first {limit} characters.")
            question = question[:limit]
        return question

    def _embed_query(self, query: str) -> np.ndarray:
        vector = self.embedder.embed([query])[0]
        vector.setflags(write=False)  # shared by every caller of the cache
        return vector

    def _retrieve(self, answer: Answer, k: int | None) -> list[SearchHit]:
        k = k or self.settings.search.k
        # Every candidate that relevance orders, so that the gate below sees the same
        # passages fusion puts first as it did before that order existed.
        wanted = max(k, self.settings.search.relevance_depth)
        with timed(answer.timings, "retrieve"):
            with timed(answer.timings, "embed_query"):
                vector = self._query_vector(answer.query)
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
        answer.candidates = hits
        fused_first = sorted(hits, key=lambda h: -h.score)[:k]
        answer.closest = max((h.scores.get("dense", -1.0) for h in fused_first), default=-1.0)
        return hits[:k]

    def _refusal(self, answer: Answer) -> str | None:
        """Why nothing answers, if so. ``"unknown"``: the question is about a name the
        transcripts never mention and no passage is a close match (Kyiv/Kiev still gets
        through); the index can check that, and says it. ``"weak"``: no passage is likely to
        answer (its calibrated relevance; the cosine where relevance is off), however few the
        filters leave; that is what the search found, not a fact about the archive."""
        best = answer.closest
        unknown = answer.reading.unknown_names if answer.reading else ()
        if unknown and best < self.settings.answer.strong_relevance:
            answer.warnings.append("The transcripts never mention " + ", ".join(unknown) + ".")
            return "unknown"
        relevance = [h.relevance for h in answer.passages if h.relevance is not None]
        if relevance:
            if max(relevance) < self.settings.answer.min_answer_relevance:
                return "weak"
        elif best < self.settings.answer.min_relevance:
            return "weak"
        return None

    def _similarity(self, query: str) -> Callable[[list[str]], list[float]]:
        def score(texts: list[str]) -> list[float]:
            return [float(v) for v in self.embedder.embed(texts) @ self._query_vector(query)]

        return score

    def _not_found(self, answer: Answer) -> None:
        answer.found = False
        answer.text = NOT_FOUND

    def _quotes_answer(self, hits: list[SearchHit], answer: Answer, lead: str = "") -> None:
        with timed(answer.timings, "compose"):
            choices = choose_quotes(
                answer.query,
                hits,
                self._similarity(answer.query),
                self.reader.lexical.term_weight,
                self.settings.answer.scored_sentences,
                known=stored_similarities(self.reader, self._query_vector(answer.query), hits),
            )
            if not choices:
                self._not_found(answer)
            else:
                claim = answer.reading.claim if answer.reading else None
                answer.text, answer.citations, answer.claim_unshown = compose_quotes_answer(
                    choices, claim, lead
                )
            answer.mode = Mode.QUOTES

    def _closest_quotes(self, hits: list[SearchHit], answer: Answer) -> None:
        """No passage is likely to answer: the closest quotes, under a lead that says so."""
        self._quotes_answer(hits, answer, lead=NO_CLEAR_ANSWER)
        answer.found = False
