"""The ``onrecord`` command: a thin shell over the library calls.

Exit codes: 0 success; 1 some files failed (ingest), nothing usable (search) or the quality
gate failed (eval); 2 usage errors (and invalid settings); 3 the index is busy, missing,
damaged, was built with another embedding model, or its Chroma server cannot be used; 4 some
evaluation questions failed to run (the rest were scored).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from functools import partial
from pathlib import Path

from pydantic import ValidationError

from onrecord import payloads
from onrecord.cli_args import build_parser
from onrecord.settings import REPO_ROOT, Settings, load_settings
from onrecord.sqlite_guard import ensure_modern_sqlite
from onrecord.types import Request, SearchFilters

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INDEX, EXIT_QUESTIONS_FAILED = 0, 1, 2, 3, 4
NEEDS_KEY = "needs OPENAI_API_KEY (and OPENAI_BASE_URL for another server)"


def main(argv: list[str] | None = None) -> int:
    """The ``onrecord`` command. With ``argv`` None this process is the command (the console
    script, ``python -m onrecord.cli``), and an ingest may lower this process's priority;
    called with arguments from other code (tests, scripts), it leaves the caller's alone."""
    ensure_modern_sqlite()  # before any command imports chromadb
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser(RUNS).parse_args(argv)
    args.own_process = argv is None
    from onrecord.index.open import INDEX_ERRORS  # heavy imports wait: --help must be instant

    wait, root = getattr(args, "wait", None), getattr(args, "root", None)  # ingest's flags
    ingest = {"root": root, "lock_wait": None if wait is None else max(wait, 0.0)}
    ingest = {key: value for key, value in ingest.items() if value is not None}
    try:  # the flags that are settings, over the environment's values
        settings = load_settings(index_dir=args.index, ingest=ingest)
    except ValidationError as err:  # values are not repeated: they may be secrets
        return _error(f"invalid setting: {err}", EXIT_USAGE)
    try:
        return args.run(args, settings)
    except INDEX_ERRORS as err:
        return _error(str(err), EXIT_INDEX)


def _error(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _json(payload: object) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False)


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    if args.own_process and settings.ingest.niceness and hasattr(os, "nice"):
        # Batch work: answers on the same machine come first, from the imports and the
        # check of the published index (a child process, which inherits it) on.
        os.nice(settings.ingest.niceness)
    from ingest.pipeline import ingest_paths
    from onrecord.index.generations import current_generation
    from onrecord.index.open import probe_current

    if args.if_empty and current_generation(settings.index_dir):
        print(f"index {settings.index_dir} already exists; nothing to do (--if-empty)")
        return EXIT_OK
    if not args.rebuild:  # the run starts from a copy of the published index: it must be readable
        probe_current(settings)
    report = ingest_paths(
        args.paths, settings, prune=args.prune, rebuild=args.rebuild, progress=sys.stderr.isatty()
    )
    print(_json(payloads.report_dict(report)) if args.json else payloads.report_text(report))
    return EXIT_FAILED if report.failed else EXIT_OK


def _build_deploy_index(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.build_deploy_index import build_deploy_index

    out = args.out or settings.deploy_index
    if out is None:
        return _error("give --out DIR (ONRECORD_DEPLOY_INDEX is empty)", EXIT_USAGE)
    # Paths as the catalog and manifest will record them: relative when under this folder.
    cwd, given = Path.cwd().resolve(), args.paths or [REPO_ROOT / "data" / "sample"]
    paths = [p.resolve().relative_to(cwd) if p.resolve().is_relative_to(cwd) else p for p in given]
    build = build_deploy_index(paths, out, settings, progress=sys.stderr.isatty())
    if build.manifest is None:
        print(payloads.report_text(build.report))
        return _error(f"{out} not written: a deploy index needs every file indexed", EXIT_FAILED)
    print(_json(build.manifest) if args.json else payloads.manifest_text(out, build.manifest))
    return EXIT_OK


def _info(args: argparse.Namespace, settings: Settings) -> int:
    from onrecord.index.open import open_checked_index
    from onrecord.index.speaker_registry import people_rows

    reader = open_checked_index(settings)
    if args.speakers:
        rows = people_rows(reader.people)
        print(_json(rows) if args.json else "\n".join(map(_person_line, rows)))
        return EXIT_OK
    stats = reader.stats()
    print(_json(stats) if args.json else payloads.info_text(stats))
    return EXIT_OK


def _person_line(row: dict) -> str:
    """``Jeff Zients: 461 turns in 52 transcripts (official 461); also Zients (425)``."""
    roles = ", ".join(f"{r} {n}" for r, n in row["roles"].items())
    line = f"{row['name']}: {row['turns']} turns in {row['transcripts']} transcripts ({roles})"
    aliases = "; ".join(f"{a} ({n})" for a, n in row["aliases"].items())
    return line + (f"; also {aliases}" if aliases else "")


def _search(args: argparse.Namespace, settings: Settings) -> int:
    from onrecord.embeddings import load_embedder
    from onrecord.index.identity import check_identity
    from onrecord.index.open import open_checked_index
    from onrecord.retrieval import search

    reader = open_checked_index(settings)
    if args.speaker and not reader.matching_speakers(args.speaker):
        speaker = f"no speaker matching {args.speaker!r} in the index (`onrecord info` lists them)"
        return _error(speaker, EXIT_FAILED)
    embedder = load_embedder(settings.embedding)
    check_identity(reader.identity or None, settings, embedder.dimension)  # before any query
    filters = SearchFilters(args.speaker, args.since, args.until, args.doc_ids)
    hits = search(reader, embedder, args.query, filters, settings.search, k=args.k)
    print(_json([payloads.hit_dict(h) for h in hits]) if args.json else payloads.hits_text(hits))
    return EXIT_OK


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from onrecord.assistant import Assistant
    from onrecord.embeddings import load_embedder
    from onrecord.index.open import open_checked_index

    try:
        history = payloads.load_history(args.history) if args.history else []
    except ValueError as err:
        return _error(str(err), EXIT_USAGE)
    if args.mode == "llm" and not settings.llm_enabled():
        return _error(f"LLM mode {NEEDS_KEY}", EXIT_USAGE)
    assistant = Assistant(settings, open_checked_index(settings), load_embedder(settings.embedding))
    filters = SearchFilters(args.speaker, args.since, args.until, args.doc_ids)
    answer = assistant.answer(Request(args.question, history, filters, args.mode, args.k))
    print(_json(payloads.answer_dict(answer)) if args.json else payloads.answer_text(answer))
    if not args.json:  # the payload holds them
        for warning in answer.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from onrecord.evaluation.run import EvalOptions, ResultsNotWritten, evaluate, parse_gates

    if args.judge and not settings.llm_enabled():
        return _error(f"--judge {NEEDS_KEY}", EXIT_USAGE)
    try:
        gates = parse_gates(args.fail_under)
    except ValueError as err:
        return _error(f"--fail-under {err}", EXIT_USAGE)
    if not args.questions.is_file():
        return _error(f"no such question file: {args.questions}", EXIT_USAGE)
    options = EvalOptions(
        args.mode, args.k, args.judge, args.limit, args.out, args.baseline, args.tolerance, gates
    )
    warn = partial(print, "question-set error:", file=sys.stderr)
    try:
        run = evaluate(settings, args.questions, options, progress=sys.stderr.isatty(), warn=warn)
    except ResultsNotWritten as err:
        return _error(str(err), EXIT_FAILED)
    written = f"\n\nwrote {args.out}/results.jsonl, summary.json, report.md, report.html"
    print(_json(run.summary) if args.json else run.table() + written)
    for failure in run.failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if run.failures:
        return EXIT_FAILED
    return EXIT_QUESTIONS_FAILED if run.summary["failed"] else EXIT_OK


def _timeline(args: argparse.Namespace, settings: Settings) -> int:
    from onrecord.assistant import Assistant
    from onrecord.embeddings import load_embedder
    from onrecord.index.open import open_checked_index
    from onrecord.timeline_export import timeline_dict, timeline_text

    reader = open_checked_index(settings)
    if args.speaker and not reader.matching_speakers(args.speaker):
        speaker = f"no speaker matching {args.speaker!r} in the index (`onrecord info` lists them)"
        return _error(speaker, EXIT_FAILED)
    assistant = Assistant(settings, reader, load_embedder(settings.embedding))
    filters = SearchFilters(args.speaker, args.since, args.until)
    asked = Request(args.topic, filters=filters, read_filters=False)
    timeline = assistant.timeline(asked, args.topic, max(1, args.per_event)).timeline
    print(_json(timeline_dict(timeline)) if args.json else timeline_text(timeline))
    return EXIT_OK


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from onrecord.check.engine import CheckRequest
    from onrecord.check.limits import CheckInputError, check_input
    from onrecord.check.payload import check_dict, check_text
    from onrecord.check.service import run_check
    from onrecord.index.open import open_checked_index

    words = sys.stdin.read() if args.words == "-" else args.words
    if args.since and args.until and args.since > args.until:
        return _error(f"--since {args.since} is after --until {args.until}", EXIT_USAGE)
    try:
        check_input(words, settings.check)  # before the index is opened: bad input is quick
        request = CheckRequest(words, args.speaker, args.since, args.until)
        result = run_check(open_checked_index(settings), request, settings)
    except CheckInputError as err:
        return _error(str(err), EXIT_USAGE)
    print(_json(check_dict(result)) if args.json else check_text(result))
    return EXIT_OK


RUNS = {
    "ingest": _ingest,
    "info": _info,
    "search": _search,
    "ask": _ask,
    "eval": _eval,
    "timeline": _timeline,
    "check": _check,
    "build-deploy-index": _build_deploy_index,
}


if __name__ == "__main__":
    sys.exit(main())
