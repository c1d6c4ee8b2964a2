"""An evaluation run's figures for parts of its question set, from its ``results.jsonl``.

``onrecord eval`` reports the whole set and its tags. The dev set has two parts written at
different times (dev-001…060 and dev-061…150), and figures are reported for each:

    .venv/bin/python bench/eval_parts.py eval-out/results.jsonl --part 1-60 --part 61-150

Each part is re-summarised with the evaluation's own code (``summarise``), so the figures
mean exactly what they mean in ``summary.json``. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from onrecord.evaluation.summary import summarise

COLUMNS = (
    ("hit@1", "hit@1"),
    ("hit@5", "hit@5"),
    ("MRR@10", "mrr@10"),
    ("verbatim", "verbatim_rate"),
    ("cit. precision", "citation_precision"),
    ("cit. recall", "citation_recall"),
    ("attribution", "attribution_accuracy"),
    ("refusal acc.", "refusal_accuracy"),
    ("false refusals", "false_refusal_rate"),
)


def number(question_id: str) -> int:
    found = re.search(r"(\d+)$", question_id)
    return int(found.group(1)) if found else -1


def table(records: list[dict], parts: list[tuple[int, int]]) -> str:
    rows = [("all", records)] + [
        (f"{lo:03d}…{hi:03d}", [r for r in records if lo <= number(r["id"]) <= hi])
        for lo, hi in parts
    ]
    head = "| part | questions | " + " | ".join(name for name, _ in COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 2)]
    for name, chosen in rows:
        summary = summarise(chosen)
        cells = [_cell(summary.get(key)) for _, key in COLUMNS]
        lines.append(f"| {name} | {len(chosen)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(value: object) -> str:
    return "–" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="results.jsonl of an onrecord eval run")
    parser.add_argument(
        "--part", action="append", default=[], help="an id range such as 1-60 (repeat)"
    )
    args = parser.parse_args(argv)
    records = [json.loads(line) for line in args.results.open(encoding="utf-8") if line.strip()]
    parts = [tuple(int(x) for x in p.split("-", 1)) for p in args.part]
    print(table(records, parts))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
