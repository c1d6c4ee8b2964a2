"""An evaluation in one call: open the index, run a question set through the app's
``Assistant``, score it, write the four result files, and hold the figures against a
baseline and thresholds (``onrecord eval`` prints what this returns)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from onrecord.assistant import Assistant
from onrecord.embeddings import load_embedder
from onrecord.evaluation.outputs import write_run
from onrecord.evaluation.questions import Question, load_questions, resolve
from onrecord.evaluation.report import markdown_table
from onrecord.evaluation.runner import RunOptions, run_questions
from onrecord.evaluation.summary import compare, summarise
from onrecord.index.open import open_checked_index
from onrecord.index.reader import IndexReader
from onrecord.settings import Settings


@dataclass
class EvalOptions(RunOptions):
    limit: int | None = None  # only the first N questions
    out: Path = Path("eval-out")  # folder of results.jsonl, summary.json, report.md/.html
    baseline: Path | None = None  # a summary.json to compare with
    tolerance: float = 0.02  # allowed drop of a rate against the baseline
    fail_under: dict[str, float] = field(default_factory=dict)  # metric -> lowest passing value


@dataclass
class EvalRun:
    summary: dict
    records: list[dict]  # one a question, as in results.jsonl
    rows: list[list[str]]  # metric, baseline, now, change
    failures: list[str]  # why the run fails its baseline or thresholds; empty: it passes

    def table(self) -> str:
        """The rows as a Markdown table."""
        return markdown_table(["metric", "baseline", "now", "change"], self.rows)


class ResultsNotWritten(Exception):
    """The result files could not be written; the ones already there are unchanged."""


def parse_gates(values: list[str]) -> dict[str, float]:
    """``["hit@5=0.75", ...]`` as ``{metric: lowest passing value}``; raises ``ValueError``
    naming the value that is not ``METRIC=VALUE``."""
    gates: dict[str, float] = {}
    for value in values:
        metric, _, number = value.partition("=")
        try:
            gates[metric.strip().lower()] = float(number)
        except ValueError:
            raise ValueError(f"takes METRIC=VALUE, not {value!r}") from None
    return gates


def evaluate(
    settings: Settings,
    questions_path: Path,
    options: EvalOptions,
    *,
    progress: bool = False,
    warn: Callable[[str], None] | None = None,
) -> EvalRun:
    """Run and score every question of ``questions_path`` (.jsonl or .csv); a question that
    fails is recorded as failed and the run goes on. ``progress``: a progress bar on stderr;
    ``warn`` is told each question-set error (a question left out) before the run starts.
    Raises the index's errors (``open_checked_index``) and ``ResultsNotWritten``."""
    reader = open_checked_index(settings)
    questions, errors = _questions(questions_path, reader, options.limit)
    if warn is not None:
        for error in errors:
            warn(error)
    assistant = Assistant(settings, reader, load_embedder(settings.embedding))
    records = list(run_questions(questions, assistant, options, progress=progress))
    summary = summarise(
        records, settings.llm.price_per_million_input, settings.llm.price_per_million_output
    )
    summary.update(
        mode=settings.effective_mode(options.mode),
        question_file=str(questions_path),
        question_set_errors=errors,
        embedding_model=reader.identity.get("embedding_model"),
    )
    _write(options.out, summary, records, f"Evaluation of {questions_path.name}")
    baseline = (
        json.loads(options.baseline.read_text(encoding="utf-8")) if options.baseline else None
    )
    rows, failures = compare(summary, baseline, options.fail_under, options.tolerance)
    return EvalRun(summary, records, rows, failures)


def _questions(
    path: Path, reader: IndexReader, limit: int | None
) -> tuple[list[Question], list[str]]:
    """The questions to run (gold quotes located in the index) and the question-set errors."""
    question_set = load_questions(path)
    resolve(question_set, reader.catalog.transcript_text)
    questions = question_set.questions
    return (questions[:limit] if limit else questions), question_set.errors


def _write(out: Path, summary: dict, records: list[dict], title: str) -> None:
    """All four result files, or none (the previous ones stay)."""
    try:
        write_run(out, summary, records, title)
    except OSError as err:
        raise ResultsNotWritten(
            f"cannot write the results to {out} ({err.strerror or err}); "
            "the files already there are unchanged"
        ) from err
