"""Cold start of the Streamlit app: time to the first rendered page, and memory.

The bundled sample (``data/sample``) is ingested into a temporary index (or ``--index DIR``
is used as is). Then, for each run, a fresh ``streamlit run app.py`` (headless, 127.0.0.1,
a free port, no API key: quotes mode) is started and timed from launch:

* ``health``: ``/_stcore/health`` answers (the server is up; no page yet);
* ``first render``: headless Chromium (Debian's ``/usr/bin/chromium``, driven by playwright)
  opened the page and the status line ("… transcripts · … passages …") is visible;
* ``first answer``: a question submitted as soon as the page rendered, until its answer is
  drawn; it includes loading the embedding model, which starts in the background once the
  first page is drawn (importing torch and sentence-transformers takes most of it);
* ``next answer``: a second question, with everything loaded: the steady-state wait.

Memory is the streamlit process's resident set (``VmRSS`` in ``/proc/PID/status``) at first
render and after the first answer, and its peak (``VmHWM``). Run from the repo root:

    .venv/bin/python bench/app_start.py [--runs 3] [--index DIR] [--json]

Prints a Markdown table (one row per run, then the median).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and a bench module could
# shadow the ``ingest`` package: the repository's root takes that entry.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.launch import CHROMIUM, app_env, chromium, streamlit_app
from onrecord.settings import REPO_ROOT, Settings

QUESTIONS = ("What did Putin say about BRICS?", "What did Jen Psaki say about inflation?")
TIMEOUT_MS = 120_000
COLUMNS = ["health s", "first render s", "first answer s", "next answer s",
           "RSS at render MB", "RSS after answers MB", "peak RSS MB"]  # fmt: skip
IDLE = """() => { const box = document.querySelector('[data-testid=stChatInputTextArea]');
    return box && !box.disabled && !document.querySelector('[data-testid=stSpinner]'); }"""


def sample_index(folder: Path) -> Path:
    """The bundled sample ingested into ``folder`` (a first run's work, not timed)."""
    from ingest.pipeline import ingest_paths

    report = ingest_paths([REPO_ROOT / "data" / "sample"], Settings(index_dir=folder),
                          progress=False)  # fmt: skip
    if report.failed:
        raise SystemExit(f"sample ingest failed: {report.failed}")
    return folder


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            fields[name] = int(value.split()[0]) / 1024
    return fields


def one_run(
    index: Path, workdir: Path, python: str = sys.executable, app_dir: Path = REPO_ROOT
) -> dict[str, float]:
    """Launch ``app_dir/app.py`` with ``python``, render, answer twice; the numbers of
    COLUMNS."""
    secrets = workdir / "secrets.toml"
    secrets.write_text("# none: quotes mode\n", encoding="utf-8")
    started = time.perf_counter()
    app = streamlit_app(app_dir, app_env(index), python=python, secrets_file=secrets)
    with app as (url, process):
        row = {"health s": time.perf_counter() - started}
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.get_by_text("transcripts ·").first.wait_for(timeout=TIMEOUT_MS)
            row["first render s"] = time.perf_counter() - started
            row["RSS at render MB"] = memory_mb(process.pid)["VmRSS"]
            row["first answer s"] = answer(page, QUESTIONS[0])
            row["next answer s"] = answer(page, QUESTIONS[1])
        memory = memory_mb(process.pid)
        row["RSS after answers MB"], row["peak RSS MB"] = memory["VmRSS"], memory["VmHWM"]
        return row


def answer(page, question: str) -> float:
    """Seconds from submitting ``question`` to its answer drawn and the page idle again."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for(timeout=TIMEOUT_MS)
    cards = page.locator("[class*='st-key-card-']").count()
    asked = time.perf_counter()
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        f"() => document.querySelectorAll(\"[class*='st-key-card-']\").length > {cards}",
        timeout=TIMEOUT_MS,
    )
    seconds = time.perf_counter() - asked
    page.wait_for_function(IDLE, timeout=TIMEOUT_MS)
    return seconds


def table(rows: list[dict[str, float]], index_stats: str) -> str:
    lines = [
        f"App cold start ({index_stats}; quotes mode; {os.cpu_count()} CPUs)",
        "",
        "| run | " + " | ".join(COLUMNS) + " |",
        "|---|" + "---:|" * len(COLUMNS),
    ]
    for n, row in enumerate(rows, start=1):
        lines.append(f"| {n} | " + " | ".join(f"{row[c]:.1f}" for c in COLUMNS) + " |")
    median = {c: statistics.median(r[c] for r in rows) for c in COLUMNS}
    lines.append("| **median** | " + " | ".join(f"**{median[c]:.1f}**" for c in COLUMNS) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--index", type=Path, help="an existing index (default: the sample)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install chromium)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    with tempfile.TemporaryDirectory(prefix="onrecord-start-") as tmp:
        workdir = Path(tmp)
        index = args.index or sample_index(workdir / "index")
        from onrecord.index.reader import IndexReader

        stats = IndexReader.open(index, Settings(index_dir=index)).stats()
        described = f"{stats['transcripts']} transcripts, {stats['passages']} passages"
        rows = [one_run(index, workdir) for _ in range(args.runs)]
        if not args.index:
            shutil.rmtree(workdir / "index", ignore_errors=True)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(table(rows, described))


if __name__ == "__main__":
    main()
