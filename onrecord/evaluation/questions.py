"""Question sets: the JSONL format of ``data/questions/README.md``, or CSV with
``question,doc_id,quote,speaker,answerable`` columns. Problems are reported, not scored."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Evidence:
    doc_id: str
    speaker: str
    quote: str
    start: int = -1  # located in the transcript by ``resolve``
    end: int = -1


@dataclass
class Question:
    id: str
    question: str
    answerable: bool
    evidence: list[Evidence] = field(default_factory=list)
    reference_answer: str = ""
    filters: dict = field(default_factory=dict)
    history: list[dict] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class QuestionSet:
    questions: list[Question]
    errors: list[str]  # "file:line: what is wrong" — the question is left out


def load_questions(path: Path) -> QuestionSet:
    """Read JSONL or CSV; a broken line is reported with its number and skipped."""
    if path.suffix.lower() == ".csv":
        return _load_csv(path)
    questions, errors = [], []
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                questions.append(_question(json.loads(line), number))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
                errors.append(f"{path}:{number}: {_reason(err)}")
    return QuestionSet(questions, errors)


def _reason(err: Exception) -> str:
    if isinstance(err, json.JSONDecodeError):
        return f"not valid JSON ({err.msg})"
    if isinstance(err, KeyError):
        return f"missing field {err}"
    return str(err)


def _question(row: dict, number: int) -> Question:
    if not isinstance(row, dict):
        raise TypeError("a line must be a JSON object")
    text = str(row["question"]).strip()
    if not text:
        raise ValueError("empty question")
    evidence = [
        Evidence(str(e["doc_id"]), str(e.get("speaker", "")), str(e["quote"]))
        for e in row.get("evidence") or []
    ]
    answerable = bool(row.get("answerable", bool(evidence)))
    if answerable and not evidence:
        raise ValueError("answerable question without evidence")
    return Question(
        id=str(row.get("id") or f"line-{number}"),
        question=text,
        answerable=answerable,
        evidence=evidence,
        reference_answer=str(row.get("reference_answer", "")),
        filters=dict(row.get("filters") or {}),
        history=list(row.get("history") or []),
        tags=[str(t) for t in row.get("tags") or []],
        line=number,
    )


def _load_csv(path: Path) -> QuestionSet:
    questions, errors = [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                answerable = str(row.get("answerable", "true")).strip().lower() in {
                    "true",
                    "1",
                    "yes",
                    "y",
                }
                evidence = (
                    [
                        {
                            "doc_id": row["doc_id"],
                            "quote": row["quote"],
                            "speaker": row.get("speaker", ""),
                        }
                    ]
                    if answerable and (row.get("quote") or "").strip()
                    else []
                )
                questions.append(
                    _question(
                        {
                            "id": row.get("id") or f"line-{number}",
                            "question": row["question"],
                            "answerable": answerable,
                            "evidence": evidence,
                        },
                        number,
                    )
                )
            except (KeyError, TypeError, ValueError) as err:
                errors.append(f"{path}:{number}: {_reason(err)}")
    return QuestionSet(questions, errors)


def resolve(question_set: QuestionSet, transcript_text: Callable[[str], str | None]) -> None:
    """Locate every gold quote in its transcript; a question whose ``doc_id`` is unknown or
    whose quote is not in the transcript is a question-set error and is left out."""
    kept = []
    for q in question_set.questions:
        located, problem = [], None
        for ev in q.evidence:
            text = transcript_text(ev.doc_id)
            if text is None:
                problem = f"unknown doc_id {ev.doc_id!r} (not in the index)"
                break
            start = text.find(ev.quote)
            if start < 0:
                problem = f"quote not found in {ev.doc_id}: {ev.quote[:60]!r}"
                break
            located.append(Evidence(ev.doc_id, ev.speaker, ev.quote, start, start + len(ev.quote)))
        if problem:
            question_set.errors.append(f"line {q.line} ({q.id}): {problem}")
        else:
            q.evidence = located
            kept.append(q)
    question_set.questions = kept
