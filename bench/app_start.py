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
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and a bench module could
# shadow the ``ingest`` package: drop that entry before importing it.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

from onrecord.settings import REPO_ROOT, Settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            fields[name] = int(value.split()[0]) / 1024
    return fields


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("streamlit did not become healthy")


def one_run(
    index: Path, workdir: Path, python: str = sys.executable, app_dir: Path = REPO_ROOT
) -> dict[str, float]:
    """Launch ``app_dir/app.py`` with ``python``, render, answer twice; the numbers of
    COLUMNS."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    secrets = workdir / "secrets.toml"
    secrets.write_text("# none: quotes mode\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ONRECORD_"))}
    env |= {"ONRECORD_INDEX_DIR": str(index), "HF_HUB_OFFLINE": "1"}
    command = [
        python, "-m", "streamlit", "run", str(app_dir / "app.py"),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--secrets.files", str(secrets),
    ]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=app_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_healthy(port, process)
        row = {"health s": time.perf_counter() - started}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{port}")
            page.get_by_text("transcripts ·").first.wait_for(timeout=TIMEOUT_MS)
            row["first render s"] = time.perf_counter() - started
            row["RSS at render MB"] = memory_mb(process.pid)["VmRSS"]
            row["first answer s"] = answer(page, QUESTIONS[0])
            row["next answer s"] = answer(page, QUESTIONS[1])
            browser.close()
        memory = memory_mb(process.pid)
        row["RSS after answers MB"], row["peak RSS MB"] = memory["VmRSS"], memory["VmHWM"]
        return row
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


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
    if not Path(CHROMIUM).exists():
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
