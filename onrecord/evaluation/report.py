"""Readable reports of an evaluation run: ``report.md`` and ``report.html``."""

from __future__ import annotations

import html
from collections.abc import Sequence

from onrecord.evaluation.summary import HIGHER_IS_BETTER, LOWER_IS_BETTER, _fmt

WORST = 10


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def report_markdown(summary: dict, records: Sequence[dict], title: str) -> str:
    keys = ("hit@5", "mrr@10", "citation_recall", "attribution_accuracy", "refusal_accuracy")
    metrics = [[m, _fmt(summary.get(m))] for m in (*HIGHER_IS_BETTER, *LOWER_IS_BETTER)]
    tags = [
        [tag, str(row["questions"]), *(_fmt(row.get(k)) for k in keys)]
        for tag, row in summary["by_tag"].items()
    ]
    latency = [[stage, _fmt(v["p50"]), _fmt(v["p95"])] for stage, v in summary["latency"].items()]
    worst_rows = [[r["id"], r["question"][:90], "; ".join(problems(r))] for r in worst(records)]
    parts = [
        f"# {title}",
        "",
        f"{summary['questions']} questions, {summary['answerable']} answerable, "
        f"{summary['failed']} failed; mode {summary.get('mode', '?')}.",
        "",
        "## Metrics",
        "",
        markdown_table(["metric", "value"], metrics),
        "",
        "## By tag",
        "",
        markdown_table(["tag", "questions", *keys], tags),
        "",
        "## Speed and cost",
        "",
        markdown_table(["stage", "p50 s", "p95 s"], latency),
        "",
        f"Tokens in/out: {summary['input_tokens']}/{summary['output_tokens']}; "
        f"estimated cost ${summary['estimated_cost_usd']:.4f}.",
        "",
        "## Worst questions",
        "",
        markdown_table(["id", "question", "what went wrong"], worst_rows),
    ]
    return "\n".join(parts) + "\n"


def problems(record: dict) -> list[str]:
    """What went wrong with one question, in words."""
    if record["failed"]:
        return [f"failed: {record['error']}"]
    cited = record["citations"]
    if record["answerable"]:
        found = _answerable_problems(record)
    elif not (record["refused"] or record.get("claim_unshown")):
        found = ["answered a question the transcripts do not answer"]
    else:
        found = []
    if cited["exact"] < cited["citations"]:
        found.append("a citation is not verbatim")
    if cited["journalist_quotes"]:
        found.append("quotes a journalist's words")
    return found


def _answerable_problems(record: dict) -> list[str]:
    retrieval, cited = record["retrieval"], record["citations"]
    found: list[str] = []
    if record["refused"]:
        found.append("said not found, but it is answerable")
    if retrieval and not retrieval["hit@10"]:
        found.append("gold passage not in the top 10")
    elif retrieval and not retrieval["hit@1"]:
        found.append("gold passage retrieved, not first")
    if cited["gold"] and cited["gold_cited"] < cited["gold"]:
        found.append(f"cites {cited['gold_cited']} of {cited['gold']} gold passages")
    if cited["on_gold"] > cited["attributed"]:
        found.append("a citation names the wrong speaker")
    return found


def worst(records: Sequence[dict]) -> list[dict]:
    def badness(r: dict) -> tuple:
        return (
            len(problems(r)),
            -(r["retrieval"] or {}).get("mrr@10", 1.0) if not r["failed"] else 1,
        )

    return sorted((r for r in records if problems(r)), key=badness, reverse=True)[:WORST]


def report_html(markdown: str) -> str:
    """The Markdown report in a minimal, script-free HTML page (escaped, preformatted)."""
    return (
        "<!doctype html><meta charset='utf-8'><title>OnRecord evaluation</title>"
        "<pre style='font: 14px/1.4 ui-monospace, monospace; white-space: pre-wrap'>"
        + html.escape(markdown)
        + "</pre>\n"
    )
