"""The index generation the page runs answer from (``onrecord/ui/index_switch.py``): the
first generation is opened where it is asked for; a newer one opens in the background while
the one in service keeps answering, and takes over once open; a failed opening is said once
and tried again. Real indexes: each generation is opened with the app's own ``open_view``."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from ingest.pipeline import ingest_paths
from onrecord.index.generations import current_generation
from onrecord.ui.index_switch import GenerationSwitch
from onrecord.ui.resources import open_view
from tests.conftest import REPO, make_settings

WAIT = 30.0


def test_a_newer_generation_takes_over_only_once_open(index_copy, embedder, tmp_path):
    may_open, opened = threading.Event(), []

    def opener(generation: str):
        if opened:  # the second generation waits until the test lets it open
            assert may_open.wait(WAIT)
        opened.append(generation)
        return open_view(str(index_copy), make_settings(index_copy).embedding.model)

    switch = GenerationSwitch(opener)
    first = current_generation(index_copy).name
    old = switch.view(first)  # nothing in service: opened here
    assert switch.serving() == first and opened == [first]
    before = old.stats["transcripts"]

    extra = tmp_path / "extra" / "briefing.txt"
    extra.parent.mkdir()
    shutil.copy(REPO / "tests" / "data" / "generic" / "lavrov_cst_excerpt.txt", extra)
    ingest_paths([extra.parent], make_settings(index_copy), embedder=embedder, progress=False)
    second = current_generation(index_copy).name
    assert second != first

    started = time.monotonic()
    assert switch.view(second) is old  # answered at once from the generation in service
    assert switch.view(second) is old and time.monotonic() - started < 1.0
    assert switch.serving() == first
    may_open.set()
    deadline = time.monotonic() + WAIT
    while (new := switch.view(second)) is old and time.monotonic() < deadline:
        time.sleep(0.05)
    assert new is not old and new.stats["transcripts"] == before + 1
    assert switch.serving() == second and opened == [first, second]
    assert switch.view(second) is new  # opened once


def test_a_newer_generation_that_fails_leaves_the_one_in_service_and_is_tried_again(caplog):
    attempts: list[str] = []

    def opener(generation: str) -> str:
        attempts.append(generation)
        if generation == "g2" and attempts.count("g2") == 1:
            raise OSError("the generation's catalog is unreadable")
        return f"view of {generation}"

    switch = GenerationSwitch(opener, retry_after=0.5)
    assert switch.view("g1") == "view of g1"
    deadline = time.monotonic() + WAIT
    while switch.failure("g2") is None and time.monotonic() < deadline:
        assert switch.view("g2") == "view of g1"  # answered from the one in service
        time.sleep(0.01)
    assert "unreadable" in str(switch.failure("g2")) and switch.serving() == "g1"
    assert switch.view("g2") == "view of g1" and attempts.count("g2") == 1  # not yet retried
    logged = [r.getMessage() for r in caplog.records if "not opened" in r.getMessage()]
    assert len(logged) == 1 and "g2" in logged[0] and "unreadable" in logged[0]  # once a try
    while (view := switch.view("g2")) == "view of g1" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert view == "view of g2" and attempts.count("g2") == 2
    assert switch.failure("g2") is None and switch.serving() == "g2"


def test_the_first_generation_failing_is_raised_where_it_is_asked_for():
    switch = GenerationSwitch(lambda generation: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        switch.view("g1")
    assert switch.serving() is None
