"""A real Chroma server for tests: ``chroma run`` (the CLI that ships with chromadb in the
venv) on 127.0.0.1 and a free port, with its data in a temporary folder; started and
stopped by its pid, restartable on the same port and data."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import chromadb
import httpx
import pytest

from bench.launch import free_port
from onrecord.cli import main
from onrecord.index.layout import NAMESPACE

START_TIMEOUT = 60.0


def chroma_command() -> str:
    here = Path(sys.executable).parent / "chroma"
    found = str(here) if here.exists() else shutil.which("chroma")
    if not found:
        pytest.fail("the `chroma` command (from the chromadb package) is not installed")
    return found


def server_collections(url: str, index_dir) -> list[str]:
    """Collections of this index (its namespace prefix) on the server, sorted."""
    prefix = f"onrecord-{(index_dir / NAMESPACE).read_text().strip()}-"
    client = chromadb.HttpClient(host=url)
    return sorted(c.name for c in client.list_collections() if c.name.startswith(prefix))


class ChromaServer:
    """``chroma run --path DATA --host 127.0.0.1 --port PORT`` as a child process."""

    def __init__(self, data: Path, port: int | None = None) -> None:
        self.data = data
        self.port = port or free_port()
        self.log = data.parent / f"chroma-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChromaServer:
        command = [chroma_command(), "run", "--path", str(self.data)]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"chroma run exited: {self.log.read_text(errors='replace')[-2000:]}")
            if self.is_up():
                return self
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"chroma run did not answer its heartbeat within {START_TIMEOUT:.0f} s")

    def is_up(self) -> bool:
        try:
            return httpx.get(f"{self.url}/api/v2/heartbeat", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        """Stop the server by its pid (SIGTERM, then SIGKILL), and wait until it is gone."""
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        self.process = None

    def ensure_up(self) -> None:
        if self.process is None or self.process.poll() is not None or not self.is_up():
            self.stop()
            self.start()


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A fresh Chroma server for one test."""
    server = ChromaServer(tmp_path / "chroma-data").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def module_chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One Chroma server shared by a test module (tests that stop it must restart it)."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma") / "data").start()
    yield server
    server.stop()


@pytest.fixture
def onrecord_cli(monkeypatch, capsys):
    """``onrecord`` (its ``main``) run in this process, with ``env`` set (fast: no new
    interpreter). Returns (exit code, stdout, stderr)."""

    def run(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
        for name in ("ONRECORD_CHROMA_URL", "ONRECORD_CHROMA_AUTH_HEADER"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run
