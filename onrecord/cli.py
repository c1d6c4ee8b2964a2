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
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from onrecord.settings import Settings, load_settings
from onrecord.sqlite_guard import ensure_modern_sqlite

if TYPE_CHECKING:  # heavy imports stay lazy: `onrecord --help` must be instant
    from ingest.pipeline import IngestReport
    from onrecord.index.reader import IndexReader
    from onrecord.types import Answer, SearchHit

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INDEX, EXIT_QUESTIONS_FAILED = 0, 1, 2, 3, 4


def main(argv: list[str] | None = None) -> int:
    ensure_modern_sqlite()  # before any command imports chromadb
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = _parser()
    args = parser.parse_args(argv)
    from pydantic import ValidationError

    from onrecord.index.chroma_server import VectorServerUnavailable
    from onrecord.index.generations import IndexBusy
    from onrecord.index.identity import IndexMismatch
    from onrecord.index.probe import IndexDamaged
    from onrecord.index.reader import IndexUnavailable

    try:
        settings = load_settings(index_dir=args.index)
    except ValidationError as err:  # values are not repeated: they may be secrets
        print(f"error: invalid setting: {err}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.run(args, settings)
    except (
        IndexBusy,
        IndexMismatch,
        IndexUnavailable,
        IndexDamaged,
        VectorServerUnavailable,
    ) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_INDEX


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onrecord", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="parse transcripts and add them to the index")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    ingest.add_argument(
        "--prune",
        action="store_true",
        help="drop indexed transcripts whose file was not among PATHs",
    )
    ingest.add_argument(
        "--rebuild",
        action="store_true",
        help="build the index from scratch (e.g. after changing the model)",
    )
    ingest.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing when the index already holds transcripts",
    )
    ingest.add_argument("--root", type=Path, help="refuse paths resolving outside this folder")
    ingest.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="if another ingest is writing the index, wait for it up to SECONDS (default: exit 3)",
    )
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")
    ingest.set_defaults(run=_ingest)

    info = commands.add_parser("info", help="what the index holds and what built it")
    info.add_argument("--json", action="store_true")
    info.set_defaults(run=_info)

    search = commands.add_parser("search", help="best passages for a query (hybrid search)")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=None, help="number of passages")
    search.add_argument("--speaker", help="speaker name, e.g. 'Psaki' or 'Vladimir Putin'")
    search.add_argument("--since", type=_iso_date, help="YYYY-MM-DD, inclusive")
    search.add_argument("--until", type=_iso_date, help="YYYY-MM-DD, inclusive")
    search.add_argument("--doc", action="append", dest="doc_ids", help="transcript id (repeat)")
    search.add_argument("--json", action="store_true")
    search.set_defaults(run=_search)

    ask = commands.add_parser("ask", help="answer a question with verified, attributed quotes")
    ask.add_argument("question")
    ask.add_argument("-k", type=int, default=None, help="passages to retrieve")
    ask.add_argument("--speaker", help="only this speaker's words")
    ask.add_argument("--since", type=_iso_date, help="YYYY-MM-DD, inclusive")
    ask.add_argument("--until", type=_iso_date, help="YYYY-MM-DD, inclusive")
    ask.add_argument("--doc", action="append", dest="doc_ids", help="transcript id (repeat)")
    ask.add_argument("--history", type=Path, help="JSON list of {role, content} messages")
    ask.add_argument("--mode", choices=["quotes", "llm"], help="default: llm when a key is set")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(run=_ask)

    evaluate = commands.add_parser("eval", help="score answers on a question set")
    evaluate.add_argument("questions", type=Path, metavar="QUESTIONS", help=".jsonl or .csv")
    evaluate.add_argument("--mode", choices=["quotes", "llm"])
    evaluate.add_argument("-k", type=int, default=10, help="passages retrieved per question")
    evaluate.add_argument("--out", type=Path, default=Path("eval-out"), help="output folder")
    evaluate.add_argument("--baseline", type=Path, help="a summary.json to compare with")
    evaluate.add_argument(
        "--tolerance", type=float, default=0.02, help="allowed drop of a rate against the baseline"
    )
    evaluate.add_argument(
        "--fail-under",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="fail when METRIC (e.g. hit@5) is below VALUE (repeat)",
    )
    evaluate.add_argument("--limit", type=int, help="only the first N questions")
    evaluate.add_argument(
        "--judge",
        action="store_true",
        help="also grade answers with the LLM (prompts/judge.txt; needs a key)",
    )
    evaluate.add_argument("--json", action="store_true", help="print the summary as JSON")
    evaluate.set_defaults(run=_eval)

    deploy = commands.add_parser(
        "build-deploy-index",
        help="build an index artifact (manifest + checksum) for a deployed app",
        description="Ingest PATHs from scratch into a self-contained artifact that the app "
        "installs at start when its index folder is empty (e.g. on Streamlit Community Cloud).",
    )
    deploy.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: data/sample, the bundled sample corpus)",
    )
    deploy.add_argument(
        "--out", type=Path, help="artifact folder (default: deploy/index or ONRECORD_DEPLOY_INDEX)"
    )
    deploy.add_argument("--json", action="store_true", help="print the manifest as JSON")
    deploy.set_defaults(run=_build_deploy_index, index=None)

    for sub in (ingest, info, search, ask, evaluate):
        sub.add_argument(
            "--index",
            type=Path,
            default=None,
            help="index folder (default: vectorstore/ or ONRECORD_INDEX_DIR)",
        )
    return parser


def _iso_date(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from err


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.pipeline import ingest_paths
    from onrecord.index.generations import current_generation

    if args.root:
        settings.ingest.root = args.root
    if args.wait is not None:
        settings.ingest.lock_wait = max(args.wait, 0.0)
    current = current_generation(settings.index_dir)
    if args.if_empty and current:
        print(f"index {settings.index_dir} already exists; nothing to do (--if-empty)")
        return EXIT_OK
    if current and not args.rebuild:  # the run starts from a copy of it: it must be readable
        from onrecord.index.probe import check_generation

        check_generation(current, settings.probe_timeout)
    report = ingest_paths(
        args.paths, settings, prune=args.prune, rebuild=args.rebuild, progress=sys.stderr.isatty()
    )
    if args.json:
        print(json.dumps(_report_dict(report), indent=2, ensure_ascii=False))
    else:
        _print_report(report)
    return EXIT_FAILED if report.failed else EXIT_OK


def _report_dict(report: IngestReport) -> dict:
    return {
        "files_read": len(report.files),
        "added": report.count("added"),
        "updated": report.count("updated"),
        "unchanged": report.count("unchanged"),
        "failed": [{"path": f.path, "reason": f.reason} for f in report.failed],
        "removed": report.removed,
        "passages_written": report.passages_written,
        "sentences_written": report.sentences_written,
        "transcripts_total": report.transcripts_total,
        "passages_total": report.passages_total,
        "warnings": [f"{f.path}: {w}" for f in report.files for w in f.warnings] + report.warnings,
        "seconds": {k: round(v, 2) for k, v in report.seconds.items()},
        "generation": report.generation,
    }


def _print_report(report: IngestReport) -> None:
    data = _report_dict(report)
    for warning in data["warnings"]:
        print(f"warning: {warning}")
    for failed in data["failed"]:
        print(f"failed: {failed['path']}: {failed['reason']}")
    print(
        f"files read: {data['files_read']}  added: {data['added']}  updated: {data['updated']}  "
        f"unchanged: {data['unchanged']}  failed: {len(data['failed'])}  "
        f"removed: {len(data['removed'])}"
    )
    print(
        f"passages written: {data['passages_written']}  index now holds "
        f"{data['transcripts_total']} transcripts, {data['passages_total']} passages"
    )
    if data["sentences_written"]:
        print(f"sentence vectors written (for picking quotes): {data['sentences_written']}")
    print(f"time: {data['seconds'].get('total', 0):.1f}s")


def _build_deploy_index(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.deploy import build_deploy_index
    from onrecord.settings import REPO_ROOT

    out = args.out or settings.deploy_index
    if out is None:
        print("error: give --out DIR (ONRECORD_DEPLOY_INDEX is empty)", file=sys.stderr)
        return EXIT_USAGE
    # Paths as the catalog and manifest will record them: relative when under this folder.
    paths = [_relative(p) for p in (args.paths or [REPO_ROOT / "data" / "sample"])]
    build = build_deploy_index(paths, out, settings, progress=sys.stderr.isatty())
    if build.manifest is None:
        _print_report(build.report)
        print(f"error: {out} not written: a deploy index needs every file indexed", file=sys.stderr)
        return EXIT_FAILED
    manifest = build.manifest
    if args.json:
        print(json.dumps(manifest, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(
        f"wrote {out}/{manifest['archive']} ({manifest['bytes'] / 1e6:.1f} MB, sha256 "
        f"{manifest['sha256'][:16]}…) and {out}/manifest.json: {manifest['transcripts']} "
        f"transcripts, {manifest['passages']} passages, "
        f"model {manifest['identity']['embedding_model']}"
    )
    return EXIT_OK


def _relative(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _open_reader(settings: Settings) -> IndexReader:
    from onrecord.index.generations import current_generation
    from onrecord.index.probe import check_generation
    from onrecord.index.reader import IndexReader

    generation = current_generation(settings.index_dir)
    if generation is not None:  # a damaged vector file must not crash or hang this process
        check_generation(generation, settings.probe_timeout)
    return IndexReader.open(settings.index_dir, settings)


def _info(args: argparse.Namespace, settings: Settings) -> int:
    stats = _open_reader(settings).stats()
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
        return EXIT_OK
    identity = stats["identity"]
    print(f"index: {stats['index']} ({stats['generation']})")
    print(
        f"transcripts: {stats['transcripts']}  passages: {stats['passages']}  "
        f"sources: {', '.join(f'{k} {v}' for k, v in stats['sources'].items())}"
    )
    print(f"dates: {stats['date_range'][0]} to {stats['date_range'][1]}")
    vectors = stats.get("vectors", {})
    if vectors.get("backend") == "server":
        print(f"vectors: Chroma server {vectors['url']}, collection {vectors['collection']}")
    print(
        f"embedding model: {identity.get('embedding_model')} "
        f"({identity.get('embedding_dimension')} dimensions)"
    )
    print(
        f"chunker v{identity.get('chunker_version')}, formats v{identity.get('format_version')}, "
        f"chunk settings {identity.get('chunk_settings')}"
    )
    print("built with: " + ", ".join(f"{k} {v}" for k, v in identity.get("versions", {}).items()))
    print(f"speakers ({len(stats['speakers'])}):")
    for row in stats["speakers"][:30]:
        print(f"  {row['passages']:6d}  {row['name']} ({row['role']})")
    if len(stats["speakers"]) > 30:
        print(f"  ... and {len(stats['speakers']) - 30} more (--json lists all)")
    return EXIT_OK


def _search(args: argparse.Namespace, settings: Settings) -> int:
    from onrecord.embeddings import load_embedder
    from onrecord.retrieval import search
    from onrecord.types import SearchFilters

    reader = _open_reader(settings)
    filters = SearchFilters(args.speaker, args.since, args.until, args.doc_ids)
    if args.speaker and not reader.matching_speakers(args.speaker):
        print(
            f"error: no speaker matching {args.speaker!r} in the index "
            "(`onrecord info` lists them)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    from onrecord.index.identity import check_identity

    embedder = load_embedder(settings.embedding)
    check_identity(reader.identity or None, settings, embedder.dimension)  # before any query
    hits = search(reader, embedder, args.query, filters, settings.search, k=args.k)
    if args.json:
        print(json.dumps([_hit_dict(h) for h in hits], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not hits:
        print("no passages found")
    for n, hit in enumerate(hits, start=1):
        print(
            f"[{n}] {hit.score:.4f}  {hit.date}  {hit.speaker} ({hit.role.value})  "
            f"{hit.doc_id} [{hit.start}:{hit.end}]"
        )
        print(f"    {hit.title}")
        print(textwrap.indent(textwrap.shorten(hit.text, 500), "    "))
    return EXIT_OK


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from onrecord.assistant import Assistant
    from onrecord.embeddings import load_embedder
    from onrecord.types import SearchFilters

    history = _read_history(args.history) if args.history else []
    if history is None:
        return EXIT_USAGE
    if args.mode == "llm" and not settings.llm_enabled():
        print(
            "error: LLM mode needs OPENAI_API_KEY (and OPENAI_BASE_URL for another server)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    reader = _open_reader(settings)
    assistant = Assistant(settings, reader, load_embedder(settings.embedding))
    filters = SearchFilters(args.speaker, args.since, args.until, args.doc_ids)
    answer = assistant.answer(args.question, history, filters, mode=args.mode, k=args.k)
    if args.json:
        print(json.dumps(answer_dict(answer), indent=2, ensure_ascii=False))
    else:
        _print_answer(answer)
    return EXIT_OK


def _read_history(path: Path) -> list[dict] | None:
    try:
        history = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        print(f"error: cannot read history {path}: {err}", file=sys.stderr)
        return None
    valid = isinstance(history, list) and all(
        isinstance(m, dict) and m.get("role") in {"user", "assistant"} and "content" in m
        for m in history
    )
    if not valid:
        print(
            f'error: {path} must be a JSON list of {{"role": "user"|"assistant", '
            '"content": ...}} messages',
            file=sys.stderr,
        )
        return None
    return history


def answer_dict(answer: Answer) -> dict:
    """The ``ask --json`` payload (also used by the evaluation's results file)."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "mode": answer.mode,
        "found": answer.found,
        "claim_unshown": answer.claim_unshown,
        "query": answer.query,
        "filters": {
            "speaker": answer.filters.speaker,
            "since": answer.filters.since,
            "until": answer.filters.until,
            "doc_ids": answer.filters.doc_ids,
        },
        "auto_filters": answer.auto_filters,
        "citations": [
            {
                "n": c.n,
                "doc_id": c.doc_id,
                "title": c.title,
                "date": c.date,
                "speaker": c.speaker,
                "office": c.office,
                "role": c.role.value,
                "quote": c.quote,
                "start": c.start,
                "end": c.end,
                "url": c.url,
                "verified": c.verified,
            }
            for c in answer.citations
        ],
        "passages": [
            {
                "doc_id": h.doc_id,
                "start": h.start,
                "end": h.end,
                "speaker": h.speaker,
                "role": h.role.value,
                "score": round(h.score, 6),
                "relevance": None if h.relevance is None else round(h.relevance, 4),
                "scores": h.scores,
            }
            for h in answer.passages
        ],
        "timings": {k: round(v, 4) for k, v in answer.timings.items()},
        "usage": answer.usage,
        "warnings": answer.warnings,
    }


def _print_answer(answer: Answer) -> None:
    print(answer.text)
    if answer.auto_filters:
        print(f"\n(filters read from the question: {'; '.join(answer.auto_filters)})")
    if answer.citations:
        print("\nSources:")
    for c in answer.citations:
        mark = "verified" if c.verified else "NOT VERIFIED"
        print(f"[{c.n}] {c.who} ({c.role.value}), {c.date}: “{textwrap.shorten(c.quote, 300)}”")
        print(f"    {c.title} · {c.doc_id} [{c.start}:{c.end}] · {mark}")
        if c.url:
            print(f"    {c.url}")
    if not answer.found and answer.passages:
        print("\nRelated passages (not an answer):")
        for hit in answer.passages[:3]:
            print(f"  - {hit.speaker}, {hit.date}: {textwrap.shorten(hit.text, 160)}")
    for warning in answer.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from onrecord.assistant import Assistant
    from onrecord.embeddings import load_embedder
    from onrecord.evaluation.questions import load_questions, resolve
    from onrecord.evaluation.report import markdown_table
    from onrecord.evaluation.runner import RunOptions, run_questions
    from onrecord.evaluation.summary import compare, summarise

    if args.judge and not settings.llm_enabled():
        print(
            "error: --judge needs OPENAI_API_KEY (and OPENAI_BASE_URL for another server)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    gates = _parse_gates(args.fail_under)
    if gates is None or not args.questions.is_file():
        if gates is not None:
            print(f"error: no such question file: {args.questions}", file=sys.stderr)
        return EXIT_USAGE
    reader = _open_reader(settings)
    question_set = load_questions(args.questions)
    resolve(question_set, reader.catalog.transcript_text)
    for error in question_set.errors:
        print(f"question-set error: {error}", file=sys.stderr)
    questions = question_set.questions[: args.limit] if args.limit else question_set.questions
    assistant = Assistant(settings, reader, load_embedder(settings.embedding))
    records = list(
        run_questions(
            questions,
            assistant,
            RunOptions(args.mode, args.k, args.judge),
            progress=sys.stderr.isatty(),
        )
    )
    summary = summarise(
        records, settings.llm.price_per_million_input, settings.llm.price_per_million_output
    )
    summary.update(
        mode=settings.effective_mode(args.mode),
        question_file=str(args.questions),
        question_set_errors=question_set.errors,
        embedding_model=reader.identity.get("embedding_model"),
    )
    if not _write_results(args, summary, records):
        return EXIT_FAILED
    baseline = json.loads(args.baseline.read_text(encoding="utf-8")) if args.baseline else None
    rows, failures = compare(summary, baseline, gates, args.tolerance)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(markdown_table(["metric", "baseline", "now", "change"], rows))
        print(f"\nwrote {args.out}/results.jsonl, summary.json, report.md, report.html")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if failures:
        return EXIT_FAILED
    return EXIT_QUESTIONS_FAILED if summary["failed"] else EXIT_OK


def _write_results(args: argparse.Namespace, summary: dict, records: list[dict]) -> bool:
    """All four result files, or none (the previous ones stay) with a message."""
    from onrecord.evaluation.outputs import write_run

    try:
        write_run(args.out, summary, records, f"Evaluation of {args.questions.name}")
    except OSError as err:
        print(
            f"error: cannot write the results to {args.out} ({err.strerror or err}); "
            "the files already there are unchanged",
            file=sys.stderr,
        )
        return False
    return True


def _parse_gates(values: list[str]) -> dict[str, float] | None:
    gates: dict[str, float] = {}
    for value in values:
        metric, _, number = value.partition("=")
        try:
            gates[metric.strip().lower()] = float(number)
        except ValueError:
            print(f"error: --fail-under takes METRIC=VALUE, not {value!r}", file=sys.stderr)
            return None
    return gates


def _hit_dict(hit: SearchHit) -> dict:
    return {
        "doc_id": hit.doc_id,
        "title": hit.title,
        "date": hit.date,
        "speaker": hit.speaker,
        "role": hit.role.value,
        "start": hit.start,
        "end": hit.end,
        "text": hit.text,
        "score": round(hit.score, 6),
        "passage_id": hit.passage_id,
        "url": hit.url,
        "question": hit.question,
        "scores": hit.scores,
    }


if __name__ == "__main__":
    sys.exit(main())
