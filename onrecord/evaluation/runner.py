"""Run a question set through the same ``Assistant`` the app uses, and score every answer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from tqdm import tqdm

from onrecord.assistant import Assistant
from onrecord.evaluation.judge import judge_answer
from onrecord.evaluation.questions import Question
from onrecord.evaluation.scores import CitedSpan, GoldSpan, citation_counts, cosine
from onrecord.metrics import question_scores
from onrecord.payloads import answer_dict
from onrecord.types import Answer, Citation, Role


@dataclass
class RunOptions:
    mode: str | None = None  # quotes | llm | None (settings decide)
    k: int = 10
    judge: bool = False


def run_questions(
    questions: list[Question], assistant: Assistant, options: RunOptions, progress: bool = True
) -> Iterator[dict]:
    """One result record per question; a failure is recorded, and the run goes on."""
    for question in tqdm(questions, desc="evaluating", unit="question", disable=not progress):
        started = time.perf_counter()
        try:
            answer = assistant.answer(
                question.question, history=question.history, mode=options.mode, k=options.k
            )
            record = score_answer(question, answer, assistant)
            if options.judge:
                record["judge"] = judge_answer(
                    assistant.chat, question.question, question.reference_answer, answer
                )
        except Exception as err:  # one broken question must not stop the run
            record = {
                "id": question.id,
                "question": question.question,
                "tags": question.tags,
                "answerable": question.answerable,
                "failed": True,
                "error": f"{type(err).__name__}: {err}",
            }
        record["seconds"] = time.perf_counter() - started
        yield record


def score_answer(question: Question, answer: Answer, assistant: Assistant) -> dict:
    gold = [GoldSpan(e.doc_id, e.start, e.end, e.speaker) for e in question.evidence]
    retrieved = [(h.doc_id, h.start, h.end) for h in answer.passages]
    cited = [_cited_span(c, assistant) for c in answer.citations]
    record = {
        "id": question.id,
        "question": question.question,
        "tags": question.tags,
        "answerable": question.answerable,
        "failed": False,
        "answer": answer_dict(answer),
        "gold": [
            {"doc_id": g.doc_id, "start": g.start, "end": g.end, "speaker": g.speaker} for g in gold
        ],
        "refused": not answer.found,
        "claim_unshown": answer.claim_unshown,
        "retrieval": question_scores(retrieved, [(g.doc_id, g.start, g.end) for g in gold])
        if gold
        else None,
        "citations": citation_counts(cited, gold),
        "similarity": _similarity(answer, question, assistant),
        "timings": answer.timings,
        "usage": answer.usage,
    }
    return record


def _cited_span(citation: Citation, assistant: Assistant) -> CitedSpan:
    text = assistant.reader.catalog.transcript_text(citation.doc_id) or ""
    journalist = any(
        t.role is Role.JOURNALIST and t.start < citation.end and citation.start < t.end
        for t in assistant.reader.catalog.turns(citation.doc_id)
    )
    return CitedSpan(
        citation.doc_id,
        citation.start,
        citation.end,
        citation.speaker,
        citation.quote,
        text[citation.start : citation.end] == citation.quote,
        journalist,
    )


def _similarity(answer: Answer, question: Question, assistant: Assistant) -> float | None:
    """Embedding cosine between the answer and the reference answer (local model)."""
    if not question.reference_answer or not answer.text:
        return None
    vectors = assistant.embedder.embed([answer.text, question.reference_answer])
    return cosine(vectors[0].tolist(), vectors[1].tolist())
