"""The page in a real browser: ``streamlit run app.py`` on 127.0.0.1 and Debian's headless
Chromium driven by playwright (never a downloaded browser).

It asks a question, waits for the source cards, opens one, and saves screenshots at 1280 and
800 px wide under the test's tmp dir. The injection test puts a Markdown image and an
``<img>`` tag into a transcript and into the model's answer and checks, with a real
listening socket, that the browser requests nothing from them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import REPO, make_settings
from tests.support.fake_openai import FakeOpenAI, Reply

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"
)
START_TIMEOUT = 90
ANSWER_TIMEOUT_MS = 90_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_app(index_dir: Path, secrets: str, tmp_path: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free port; yields its URL. Secrets come only from
    ``secrets`` (a developer's own secrets.toml is never read)."""
    port = free_port()
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(secrets or "# no secrets\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ONRECORD_"))}
    env |= {"ONRECORD_INDEX_DIR": str(index_dir), "HF_HUB_OFFLINE": "1"}
    command = [
        sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--secrets.files", str(secrets_file),
    ]  # fmt: skip
    with serving(command, REPO, env, port, tmp_path / "streamlit.log"):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def serving(
    command: list[str], cwd: Path, env: dict, port: int, log_path: Path
) -> Iterator[subprocess.Popen]:
    """Run ``command`` (a streamlit server on ``port``) until it is healthy, then yield it;
    stopped by its pid afterwards. Its output goes to ``log_path``."""
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_healthy(port, process)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_healthy(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("streamlit did not become healthy")


@contextmanager
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


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


def squash(text: str) -> str:
    return " ".join(text.replace("\u2060", "").split())


@pytest.fixture
def index_copy(built_index: Path, tmp_path: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(built_index, target)
    return target


def test_ask_read_the_cards_open_one_and_screenshot(index_copy, tmp_path, built_index):
    from onrecord.index.reader import IndexReader

    reader = IndexReader.open(built_index, make_settings(built_index))
    with streamlit_app(index_copy, "", tmp_path) as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        open_page(page, url)
        page.screenshot(path=tmp_path / "empty-1280.png", full_page=True)
        ask(page, "What did Medvedev tell Miller to do about the Belarus gas debt?")
        card = page.locator("[class*='st-key-card-']").first
        assert "Dmitry Medvedev" in card.inner_text() and "verified" in card.inner_text()
        quote = squash(card.locator("blockquote").first.inner_text()).strip("“”")
        source = squash(reader.catalog.transcript_text("kremlin_en_8055"))
        assert quote and quote in source
        card.get_by_text("The question and the whole answer").click()
        highlight = card.locator(".stMarkdownColoredBackground").first
        highlight.wait_for()
        assert squash(highlight.inner_text()) in source
        page.get_by_text("Why this answer?").first.click()
        screenshot(page, tmp_path / "chat-1280.png", 1280)
        screenshot(page, tmp_path / "chat-800.png", 800)
        assert page.get_by_test_id("stException").count() == 0
    assert (tmp_path / "chat-1280.png").stat().st_size > 10_000
    assert (tmp_path / "chat-800.png").stat().st_size > 10_000


class Counter(BaseHTTPRequestHandler):
    """Counts every request it gets (the injected image URLs point here)."""

    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Counter.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def leak_listener() -> Iterator[int]:
    Counter.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def injected_transcript(folder: Path, port: int) -> Path:
    folder.mkdir()
    (folder / "lighthouse_briefing.txt").write_text(
        "Title: Briefing on lighthouse keepers\nDate: 2024-05-02\n"
        f"URL: javascript:fetch('http://127.0.0.1:{port}/leak-url')\n\n"
        "Question: What is the government doing about lighthouse keepers and their pay?\n\n"
        "Jane Doe: Lighthouse keepers will receive a pay rise next spring. "
        f"See ![x](http://127.0.0.1:{port}/leak) for the details, "
        f"and <img src=http://127.0.0.1:{port}/leak2> too.\n\n"
        "Question: Thank you.\n\nJane Doe: Thank you all.\n",
        encoding="utf-8",
    )
    return folder


def test_injected_images_and_html_make_no_request(index_copy, tmp_path, embedder):
    from ingest.pipeline import ingest_paths

    with leak_listener() as port, FakeOpenAI() as llm:
        folder = injected_transcript(tmp_path / "extra", port)
        report = ingest_paths(
            [folder], make_settings(index_copy), embedder=embedder, progress=False
        )
        assert not report.failed
        hostile = (
            f" ![y](http://127.0.0.1:{port}/leak3) <img src=http://127.0.0.1:{port}/leak4>"
            f" <script>fetch('http://127.0.0.1:{port}/leak5')</script>"
            f" [more](http://127.0.0.1:{port}/leak6)"
        )
        llm.default_reply = Reply.text(
            "Jane Doe said “Lighthouse keepers will receive a pay rise next spring.” [1]." + hostile
        )
        secrets = f'OPENAI_API_KEY = "sk-test"\nOPENAI_BASE_URL = "{llm.base_url}"\n'
        with streamlit_app(index_copy, secrets, tmp_path) as url, browser() as chromium:
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            open_page(page, url)
            ask(page, "What will lighthouse keepers get, according to Jane Doe?")
            for label in ("The question and the whole answer", "Why this answer?"):
                for toggle in page.get_by_text(label).all():
                    toggle.click()
            page.wait_for_timeout(2000)
            text = squash(page.inner_text("body"))
            links = page.eval_on_selector_all(
                "a[href], img[src]", "els => els.map(e => e.href || e.src)"
            )
            screenshot(page, tmp_path / "injection.png", 1280)
        assert llm.chat_requests, "the model was asked"
    assert Counter.hits == []  # nothing was fetched from the injected addresses
    assert not [link for link in links if f":{port}" in link or link.startswith("javascript")]
    assert "Written by" in text  # the model's answer was shown (its quote is verbatim)
    for literal in (  # shown as the text it is
        f"![x](http://127.0.0.1:{port}/leak)",
        f"<img src=http://127.0.0.1:{port}/leak2>",
        f"![y](http://127.0.0.1:{port}/leak3)",
        f"<script>fetch('http://127.0.0.1:{port}/leak5')</script>",
    ):
        assert literal in text
