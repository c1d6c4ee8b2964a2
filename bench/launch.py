"""Local servers for the benchmarks and the tests: ``streamlit run app.py`` (headless, on
127.0.0.1 and a free port) or ``chroma run``, started as a child process, waited for until its
health URL answers, and stopped by its pid; and Debian's headless Chromium to open the app.

One launcher for ``bench/app_start.py``, ``bench/scale.py``, ``bench/deploy_footprint.py`` and
the browser and Cloud tests (which import it as ``bench.launch``). It lives with the
benchmarks, not under ``onrecord/``: the app never starts itself, and nothing here ships.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

START_TIMEOUT = 120.0
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; a browser is never downloaded
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(
    command: list[str],
    health_url: str,
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    log_path: Path | None = None,
    timeout: float = START_TIMEOUT,
) -> Iterator[subprocess.Popen]:
    """Run ``command`` until ``health_url`` answers, then yield the process; it is stopped by
    its pid afterwards (SIGTERM, then SIGKILL). Its output goes to ``log_path`` (or nowhere)."""
    with open(log_path or os.devnull, "wb") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_answers(health_url, process, timeout, log_path)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_answers(
    url: str, process: subprocess.Popen, timeout: float, log_path: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            exited = f"{process.args[0]} exited with {process.returncode}"
            raise RuntimeError(exited + _tail(log_path))
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - a loopback http URL
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s{_tail(log_path)}")


def _tail(log_path: Path | None) -> str:
    if log_path is None or not log_path.is_file():
        return ""
    return ":\n" + log_path.read_text(encoding="utf-8", errors="replace")[-2000:]


def app_env(index_dir: Path) -> dict[str, str]:
    """This machine's environment without a developer's OpenAI or OnRecord settings, the app
    reading ``index_dir``, offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ONRECORD_"))}
    return env | {"ONRECORD_INDEX_DIR": str(index_dir), "HF_HUB_OFFLINE": "1"}


@contextmanager
def streamlit_app(
    app_dir: Path,
    env: dict[str, str],
    *,
    python: str = sys.executable,
    secrets_file: Path | None = None,
    log_path: Path | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``python -m streamlit run app.py`` in ``app_dir``, headless on 127.0.0.1 and a free
    port; yields its URL and process once ``/_stcore/health`` answers. ``secrets_file``: the
    only secrets file read (None: Streamlit's own search, ``.streamlit/secrets.toml``)."""
    port = free_port()
    command = [
        python, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
        "--server.port", str(port), "--server.address", "127.0.0.1",
    ]  # fmt: skip
    if secrets_file is not None:
        command += ["--secrets.files", str(secrets_file)]
    url = f"http://127.0.0.1:{port}"
    with serving(
        command, f"{url}/_stcore/health", cwd=app_dir, env=env, log_path=log_path
    ) as process:
        yield url, process


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's headless Chromium, driven by playwright (imported here: only what opens a
    page needs it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
