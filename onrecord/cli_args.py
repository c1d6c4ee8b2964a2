"""The ``onrecord`` command line's parser (``onrecord/cli.py`` runs the commands)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path


def build_parser(runs: Mapping[str, Callable]) -> argparse.ArgumentParser:
    """The parser; ``runs`` maps each command's name to the function that runs it."""
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
    people = "list each person with the other names transcripts give them, roles and counts"
    info.add_argument("--speakers", action="store_true", help=people)
    search = commands.add_parser("search", help="best passages for a query (hybrid search)")
    search.add_argument("query")
    _add_filters(search, "number of passages", "speaker name, e.g. 'Psaki' or 'Vladimir Putin'")
    ask = commands.add_parser("ask", help="answer a question with verified, attributed quotes")
    ask.add_argument("question")
    _add_filters(ask, "passages to retrieve", "only this speaker's words")
    ask.add_argument("--history", type=Path, help="JSON list of {role, content} messages")
    ask.add_argument("--mode", choices=["quotes", "llm"], help="default: llm when a key is set")
    evaluate = _add_eval(commands)
    timeline = _add_timeline(commands)
    _add_deploy(commands, runs["build-deploy-index"])
    index = "index folder (default: vectorstore/ or ONRECORD_INDEX_DIR)"
    named = {"ingest": ingest, "info": info, "search": search, "ask": ask, "eval": evaluate}
    named |= {"timeline": timeline, "check": _add_check(commands)}
    as_json = {ingest: "print the report as JSON", evaluate: "print the summary as JSON"}
    for name, sub in named.items():  # each ends with --json and --index
        sub.set_defaults(run=runs[name])
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


def _add_timeline(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    about = "one speaker's words on a topic across the archive, one entry per event, oldest first"
    sub = commands.add_parser("timeline", help=about)
    sub.add_argument("topic")
    sub.add_argument("--speaker", help="only this speaker's words")
    sub.add_argument("--since", type=_iso_date, help="YYYY-MM-DD, inclusive")
    sub.add_argument("--until", type=_iso_date, help="YYYY-MM-DD, inclusive")
    per_event = "quotes per event (default 1)"
    sub.add_argument("--per-event", type=int, default=1, metavar="N", help=per_event)
    return sub


def _add_check(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    about = "whether the transcripts hold these words, said by whom, and the exact words"
    sub = commands.add_parser("check", help=about)
    sub.add_argument("words", metavar="WORDS", help="the quotation; - reads it from stdin")
    sub.add_argument("--speaker", help="who is said to have said it: a name or an office")
    sub.add_argument("--since", type=_iso_date, help="YYYY-MM-DD, inclusive")
    sub.add_argument("--until", type=_iso_date, help="YYYY-MM-DD, inclusive")
    return sub


def _add_deploy(commands: argparse._SubParsersAction, run: Callable) -> None:
    about = "build an index artifact (manifest + checksum) for a deployed app"
    text = "Ingest PATHs from scratch into a self-contained artifact that the app installs at "
    text += "start when its index folder is empty (e.g. on Streamlit Community Cloud)."
    deploy = commands.add_parser("build-deploy-index", help=about, description=text)
    paths = "files or folders (default: data/sample, the bundled sample corpus)"
    deploy.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=paths)
    out = "artifact folder (default: deploy/index or ONRECORD_DEPLOY_INDEX)"
    deploy.add_argument("--out", type=Path, help=out)
    deploy.add_argument("--json", action="store_true", help="print the manifest as JSON")
    deploy.set_defaults(run=run, index=None)


def _iso_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from err
