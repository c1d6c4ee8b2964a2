"""How a question walks through the code: traces ``Assistant.answer`` and counts the climbs back.

A *climb back* is a call into ``onrecord/assistant.py`` from another product module (a step
calling back into the assistant) or a call from a product module into one of a higher layer
(the layer map of ``tests/test_layers.py``). The walk of a question should go down, step by
step, and come back only by returning. Prints one row per question kind:

    .venv/bin/python bench/ask_walk.py [--index DIR]

Uses the bundled sample index (``vectorstore``) by default; quotes mode, no network.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _HERE:
    sys.path[0] = str(_HERE.parent)

from onrecord.assistant import Assistant  # noqa: E402
from onrecord.embeddings import load_embedder  # noqa: E402
from onrecord.index.reader import IndexReader  # noqa: E402
from onrecord.settings import REPO_ROOT, Settings  # noqa: E402
from tests.test_layers import layer  # noqa: E402

ASSISTANT = str(REPO_ROOT / "onrecord" / "assistant.py")
QUESTIONS = [
    ("answer", "What did Lavrov say about the CSTO partners?", []),
    ("follow-up", "And what did he say about NATO?", [
        {"role": "user", "content": "What did Lavrov say about the CSTO partners?"},
        {"role": "assistant", "content": "…"},
    ]),
    ("timeline", "How has Putin's position on gas changed?", []),
    ("refused", "What did Lavrov say about Grzegorzewski?", []),
]  # fmt: skip


def module_of(filename: str) -> str | None:
    """The product module a file holds (``onrecord.assistant``), or None outside the product."""
    path = Path(filename)
    if not path.is_relative_to(REPO_ROOT) or "/.venv/" in filename:
        return None
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[0] not in ("onrecord", "ingest") and parts != ["app"]:
        return None
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def walk(assistant: Assistant, question: str, history: list[dict]) -> Counter:
    counts: Counter = Counter()

    def profile(frame, event, _arg):
        if event != "call":
            return
        callee, caller = frame.f_code.co_filename, frame.f_back and frame.f_back.f_code.co_filename
        to, by = module_of(callee), module_of(caller or "")
        if not to or not by or to == by:
            return
        counts["calls between modules"] += 1
        if callee == ASSISTANT and caller != ASSISTANT:
            counts["back into assistant.py"] += 1
        if layer(to)[0] > layer(by)[0]:
            counts["up a layer"] += 1
            counts[f"{by} → {to}.{frame.f_code.co_name}"] += 1

    sys.setprofile(profile)
    try:
        assistant.answer(question, history=history, mode="quotes")
    finally:
        sys.setprofile(None)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=REPO_ROOT / "vectorstore")
    args = parser.parse_args()
    settings = Settings(index_dir=args.index)
    assistant = Assistant(
        settings, IndexReader.open(args.index, settings), load_embedder(settings.embedding)
    )
    print("| question | calls between modules | into assistant.py | up a layer | climbs | where |")
    print("|---|---|---|---|---|---|")
    for kind, question, history in QUESTIONS:
        assistant.answer(question, history=history, mode="quotes")  # warm caches first
        c = walk(assistant, question, history)
        climbs = c["back into assistant.py"] + c["up a layer"]
        where = "; ".join(f"{k} ×{n}" for k, n in c.items() if "→" in k) or "–"
        print(
            f"| {kind} | {c['calls between modules']} | {c['back into assistant.py']} | "
            f"{c['up a layer']} | {climbs} | {where} |"
        )


if __name__ == "__main__":
    main()
