"""Server-mode settings (URL, auth header kept secret) and the writer lock's queue."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from pydantic import ValidationError

from onrecord.cli import main
from onrecord.index.generations import IndexBusy, WriterLock
from onrecord.settings import load_settings

CANARY = "Bearer canary-7f3a9c"


def test_server_url_and_auth_header_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ONRECORD_CHROMA_URL", " http://10.0.0.5:8000/ ")
    monkeypatch.setenv("ONRECORD_CHROMA_AUTH_HEADER", f"Authorization: {CANARY}")
    settings = load_settings()
    assert settings.chroma_url == "http://10.0.0.5:8000"
    assert settings.chroma_headers() == {"Authorization": CANARY}
    assert CANARY not in repr(settings) and CANARY not in str(settings.model_dump())


def test_without_a_url_the_index_is_embedded(monkeypatch):
    monkeypatch.delenv("ONRECORD_CHROMA_URL", raising=False)
    monkeypatch.setenv("ONRECORD_CHROMA_URL", "")
    settings = load_settings()
    assert settings.chroma_url is None and settings.chroma_headers() == {}


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8000", "ftp://host/", "http://", "http://user:pw@host:8000", "http://h/?t=1"]
)
def test_a_url_that_is_not_a_plain_http_url_is_refused(url):
    with pytest.raises(ValidationError, match="chroma_url"):
        load_settings(chroma_url=url)


@pytest.mark.parametrize("header", ["Bearer canary-7f3a9c", "Bad Name: x", "Authorization:  "])
def test_a_malformed_auth_header_is_refused_without_repeating_it(header):
    with pytest.raises(ValidationError) as caught:
        load_settings(chroma_auth_header=header)
    assert "Name: value" in str(caught.value) and "canary" not in str(caught.value)


def test_cli_reports_a_bad_setting_in_one_line_without_the_secret(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("ONRECORD_CHROMA_AUTH_HEADER", "canary-7f3a9c")
    assert main(["info", "--index", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: invalid setting") and "canary" not in err


@contextmanager
def held_elsewhere(index_dir, seconds: float | None) -> Iterator[None]:
    """Another writer (a thread here) holds the index lock for ``seconds``, or (``None``)
    until the block ends, so a test needs no wall-clock bound to show nobody waited for it."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with WriterLock(index_dir):
            held.set()
            release.wait(seconds if seconds is not None else 60)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        yield
    finally:
        if seconds is None:
            release.set()
        holder.join()


def test_a_waiting_writer_gets_the_lock_when_the_holder_is_done(tmp_path):
    with held_elsewhere(tmp_path, 1.0):
        started = time.monotonic()
        with WriterLock(tmp_path, wait=30):
            waited = time.monotonic() - started
    assert 0.5 < waited < 20


def test_a_writer_that_waits_too_long_is_told_who_holds_the_index(tmp_path):
    with held_elsewhere(tmp_path, None):  # held until this block ends: giving up is not waiting
        with pytest.raises(IndexBusy, match=f"still being written by pid {os.getpid()}.*0 s"):
            WriterLock(tmp_path, wait=0.4).__enter__()
        with pytest.raises(IndexBusy, match="is being written by"):  # no wait: at once
            WriterLock(tmp_path).__enter__()
