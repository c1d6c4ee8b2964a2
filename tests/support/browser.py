"""The app in a real browser: ``streamlit run app.py`` (``bench.launch``) opened in Debian's
headless Chromium, driven by playwright. Importing this module needs neither: only tests
marked ``needs_browser`` do, and they are skipped, saying why, when one is missing."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from bench.launch import CHROMIUM, app_env, chromium
from bench.launch import streamlit_app as launch_app
from onrecord.settings import REPO_ROOT

browser = chromium  # ``with browser() as chromium:``, Debian's headless Chromium
ANSWER_TIMEOUT_MS = 90_000
if not CHROMIUM.exists():
    MISSING = f"{CHROMIUM} is missing (apt-get install chromium)"
elif importlib.util.find_spec("playwright") is None:
    MISSING = "playwright is not installed (pip install playwright)"
else:
    MISSING = ""
needs_browser = pytest.mark.skipif(bool(MISSING), reason=MISSING)


@contextmanager
def streamlit_app(index_dir: Path, secrets: str, tmp_path: Path) -> Iterator[str]:
    """``streamlit run app.py`` from this checkout on ``index_dir``; yields its URL. Secrets
    come only from ``secrets`` (a developer's own secrets.toml is never read); its output goes
    to ``tmp_path/streamlit.log``."""
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(secrets or "# no secrets\n", encoding="utf-8")
    log = tmp_path / "streamlit.log"
    app = launch_app(REPO_ROOT, app_env(index_dir), secrets_file=secrets_file, log_path=log)
    with app as (url, _):
        yield url


def open_page(page, url: str) -> None:
    """Load the page and wait for the status line (the index is open)."""
    page.goto(url)
    page.get_by_text("transcripts ·").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=ANSWER_TIMEOUT_MS)


def ask(page, question: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    page.locator("[class*='st-key-card-']").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    wait_until_idle(page)


def wait_until_idle(page) -> None:
    """The run is over when the chat box is enabled again (``submit_mode="disable"``)."""
    page.wait_for_function(
        "() => { const box = document.querySelector('[data-testid=stChatInputTextArea]');"
        " return box && !box.disabled; }",
        timeout=ANSWER_TIMEOUT_MS,
    )
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=ANSWER_TIMEOUT_MS)


TALLEST_SCROLL = """() => Math.max(...Array.from(document.querySelectorAll('*'),
    (el) => el.scrollHeight))"""


def screenshot(page, path: Path, width: int) -> None:
    """The whole conversation at ``width`` px: the viewport is made as tall as the content
    (Streamlit scrolls inside the page, so a "full page" shot would cut it off)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(500)
    height = min(page.evaluate(TALLEST_SCROLL) + 120, 12_000)
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(800)
    page.screenshot(path=path)


class LeakCounter(BaseHTTPRequestHandler):
    """Counts every request it gets (the injected image URLs point here)."""

    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        LeakCounter.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def leak_listener() -> Iterator[int]:
    """A real listening socket on a free port (yielded) that counts what it is sent in
    ``LeakCounter.hits``."""
    LeakCounter.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), LeakCounter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
