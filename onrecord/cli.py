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
from datetime import date
from functools import partial
from pathlib import Path

from pydantic import ValidationError

from onrecord import payloads
from onrecord.settings import REPO_ROOT, Settings, load_settings
from onrecord.sqlite_guard import ensure_modern_sqlite
from onrecord.types import Request, SearchFilters

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INDEX, EXIT_QUESTIONS_FAILED = 0, 1, 2, 3, 4
NEEDS_KEY = "needs OPENAI_API_KEY (and OPENAI_BASE_URL for another server)"


def main(argv: list[str] | None = None) -> int:
    ensure_modern_sqlite()  # before any command imports chromadb
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onrecord", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    ingest = commands.add_parser("ingest", help="parse transcripts and add them to the index")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    for flag, text in (
        ("--prune", "drop indexed transcripts whose file was not among PATHs"),
        ("--rebuild", "build the index from scratch (e.g. after changing the model)"),
        ("--if-empty", "do nothing when the index already holds transcripts"),
    ):
        ingest.add_argument(flag, action="store_true", help=text)
    ingest.add_argument("--root", type=Path, help="refuse paths resolving outside this folder")
    wait = "if another ingest is writing the index, wait for it up to SECONDS (default: exit 3)"
    ingest.add_argument("--wait", type=float, metavar="SECONDS", help=wait)
    info = commands.add_parser("info", help="what the index holds and what built it")
    search = commands.add_parser("search", help="best passages for a query (hybrid search)")
    search.add_argument("query")
    _add_filters(search, "number of passages", "speaker name, e.g. 'Psaki' or 'Vladimir Putin'")
    ask = commands.add_parser("ask", help="answer a question with verified, attributed quotes")
    ask.add_argument("question")
    _add_filters(ask, "passages to retrieve", "only this speaker's words")
    ask.add_argument("--history", type=Path, help="JSON list of {role, content} messages")
    ask.add_argument("--mode", choices=["quotes", "llm"], help="default: llm when a key is set")
    evaluate = _add_eval(commands)
    _add_deploy(commands)
    index = "index folder (default: vectorstore/ or ONRECORD_INDEX_DIR)"
    runs = {ingest: _ingest, info: _info, search: _search, ask: _ask, evaluate: _eval}
    as_json = {ingest: "print the report as JSON", evaluate: "print the summary as JSON"}
    for sub, run in runs.items():  # each ends with --json and --index
        sub.set_defaults(run=run)
        sub.add_argument("--json", action="store_true", help=as_json.get(sub))
        sub.add_argument("--index", type=Path, default=None, help=index)
    return parser


def _add_filters(sub: argparse.ArgumentParser, k_help: str, speaker_help: str) -> None:
    sub.add_argument("-k", type=int, default=None, help=k_help)
    sub.add_argument("--speaker", help=speaker_help)
    sub.add_argument("--since", type=_iso_date, help="YYYY-MM-DD, inclusive")
    sub.add_argument("--until", type=_iso_date, help="YYYY-MM-DD, inclusive")
    sub.add_argument("--doc", action="append", dest="doc_ids", help="transcript id (repeat)")


def _add_eval(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    sub = commands.add_parser("eval", help="score answers on a question set")
    sub.add_argument("questions", type=Path, metavar="QUESTIONS", help=".jsonl or .csv")
    sub.add_argument("--mode", choices=["quotes", "llm"])
    sub.add_argument("-k", type=int, default=10, help="passages retrieved per question")
    sub.add_argument("--out", type=Path, default=Path("eval-out"), help="output folder")
    sub.add_argument("--baseline", type=Path, help="a summary.json to compare with")
    tolerance = "allowed drop of a rate against the baseline"
    sub.add_argument("--tolerance", type=float, default=0.02, help=tolerance)
    gate = "fail when METRIC (e.g. hit@5) is below VALUE (repeat)"
    sub.add_argument("--fail-under", action="append", default=[], metavar="METRIC=VALUE", help=gate)
    sub.add_argument("--limit", type=int, help="only the first N questions")
    judge = "also grade answers with the LLM (prompts/judge.txt; needs a key)"
    sub.add_argument("--judge", action="store_true", help=judge)
    return sub


def _add_deploy(commands: argparse._SubParsersAction) -> None:
    about = "build an index artifact (manifest + checksum) for a deployed app"
    text = "Ingest PATHs from scratch into a self-contained artifact that the app installs at "
    text += "start when its index folder is empty (e.g. on Streamlit Community Cloud)."
    deploy = commands.add_parser("build-deploy-index", help=about, description=text)
    paths = "files or folders (default: data/sample, the bundled sample corpus)"
    deploy.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=paths)
    out = "artifact folder (default: deploy/index or ONRECORD_DEPLOY_INDEX)"
    deploy.add_argument("--out", type=Path, help=out)
    deploy.add_argument("--json", action="store_true", help="print the manifest as JSON")
    deploy.set_defaults(run=_build_deploy_index, index=None)


def _iso_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from err


def _error(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _json(payload: object) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False)


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
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

    stats = open_checked_index(settings).stats()
    print(_json(stats) if args.json else payloads.info_text(stats))
    return EXIT_OK


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


if __name__ == "__main__":
    sys.exit(main())
