"""Crash-safe index updates: immutable generations, an atomic ``CURRENT`` pointer and the
single-writer lock (where each of them lives: ``onrecord.index.layout``).

An ingest copies the current generation to a new folder, changes the copy, verifies it and
only then rewrites ``CURRENT`` (write to a temporary file, fsync, ``os.replace``). A reader
never sees a half-written index; a killed ingest leaves a stray folder that the next ingest
deletes. The previous generation is kept so a reader that opened it just before the switch
can finish.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import sys
import time
from pathlib import Path

from filelock import FileLock, Timeout

from onrecord.index import layout

log = logging.getLogger(__name__)


class IndexBusy(Exception):
    """Another ingest holds the index lock."""


def current_generation(index_dir: Path) -> Path | None:
    try:
        name = layout.current_file(index_dir).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = index_dir / name
    return folder if layout.is_generation_name(name) and folder.is_dir() else None


def new_generation(index_dir: Path, copy_from: Path | None) -> Path:
    """A fresh generation folder, seeded with a copy of ``copy_from`` when given."""
    folder = layout.next_generation(index_dir)
    if copy_from is not None:
        shutil.copytree(copy_from, folder)
    else:
        folder.mkdir(parents=True)
    return folder


def publish(index_dir: Path, generation: Path) -> None:
    """Point ``CURRENT`` at ``generation`` atomically, then drop generations nobody needs."""
    previous = current_generation(index_dir)
    _fsync_tree(generation)
    pointer = layout.current_file(index_dir)
    tmp = layout.temp_file(pointer)
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(generation.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, pointer)
    _fsync_dir(index_dir)
    keep = {generation.name} | ({previous.name} if previous else set())
    remove_stale(index_dir, keep)


def remove_stale(index_dir: Path, keep: set[str]) -> None:
    """Delete generation folders not in ``keep`` (left by killed ingests, or superseded)."""
    for folder in layout.generation_entries(index_dir):
        if folder.name not in keep and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
    for tmp in layout.temp_files(layout.current_file(index_dir)):
        tmp.unlink(missing_ok=True)


def remove_unpublished(index_dir: Path, current: Path | None) -> None:
    """Drop generation folders newer than ``current``: leftovers of a killed ingest."""
    number = layout.generation_number(current.name) if current else None
    keep = {current.name} if current else set()
    for entry in layout.generation_entries(index_dir):
        found = layout.generation_number(entry.name)
        if number is not None and found is not None and found <= number:
            keep.add(entry.name)
    remove_stale(index_dir, keep)


class WriterLock:
    """The single-writer lock of one index folder, naming its holder when busy. With
    ``wait`` > 0 a second writer queues for up to that many seconds instead of giving up."""

    def __init__(self, index_dir: Path, wait: float = 0.0) -> None:
        self.index_dir = index_dir
        self.wait = wait
        self.lock = FileLock(str(layout.lock_file(index_dir)), timeout=0)

    def __enter__(self) -> WriterLock:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.lock.acquire()
        except Timeout as err:
            if self.wait <= 0:
                raise IndexBusy(
                    f"index {self.index_dir} is being written by {self.holder()}"
                ) from err
            self._queue()
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join(sys.argv)[:200],
            "since": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        layout.holder_file(self.index_dir).write_text(json.dumps(holder), encoding="utf-8")
        return self

    def _queue(self) -> None:
        log.warning(
            "index %s is being written by %s; waiting up to %.0f s",
            self.index_dir,
            self.holder(),
            self.wait,
        )
        try:
            self.lock.acquire(timeout=self.wait)
        except Timeout as err:
            raise IndexBusy(
                f"index {self.index_dir} is still being written by {self.holder()} "
                f"after waiting {self.wait:.0f} s"
            ) from err

    def __exit__(self, *exc: object) -> None:
        layout.holder_file(self.index_dir).unlink(missing_ok=True)
        self.lock.release()

    def holder(self) -> str:
        try:
            info = json.loads(layout.holder_file(self.index_dir).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return "another process"
        return f"pid {info['pid']} on {info['host']} ({info['command']}, since {info['since']})"


def _fsync_tree(folder: Path) -> None:
    for root, _, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(root))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
