"""Crash-safe index layout: immutable generations and an atomic ``CURRENT`` pointer.

    index_dir/
      CURRENT            name of the generation readers use ("gen-000007")
      ingest.lock        held by the one running ingest (flock: released if it is killed)
      ingest.holder.json who holds the lock (pid, host, command, since)
      gen-000007/        catalog.sqlite3, chroma/, lexical/, identity.json

An ingest copies the current generation to a new folder, changes the copy, verifies it and
only then rewrites ``CURRENT`` (write to a temporary file, fsync, ``os.replace``). A reader
never sees a half-written index; a killed ingest leaves a stray folder that the next ingest
deletes. The previous generation is kept so a reader that opened it just before the switch
can finish.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import time
from pathlib import Path

from filelock import FileLock, Timeout

CURRENT = "CURRENT"
PREFIX = "gen-"
LOCK = "ingest.lock"
HOLDER = "ingest.holder.json"


class IndexBusy(Exception):
    """Another ingest holds the index lock."""


def current_generation(index_dir: Path) -> Path | None:
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = index_dir / name
    return folder if name.startswith(PREFIX) and folder.is_dir() else None


def new_generation(index_dir: Path, copy_from: Path | None) -> Path:
    """A fresh generation folder, seeded with a copy of ``copy_from`` when given."""
    numbers = [
        int(p.name[len(PREFIX) :])
        for p in index_dir.glob(PREFIX + "*")
        if p.name[len(PREFIX) :].isdigit()
    ]
    folder = index_dir / f"{PREFIX}{max(numbers, default=0) + 1:06d}"
    if copy_from is not None:
        shutil.copytree(copy_from, folder)
    else:
        folder.mkdir(parents=True)
    return folder


def publish(index_dir: Path, generation: Path) -> None:
    """Point ``CURRENT`` at ``generation`` atomically, then drop generations nobody needs."""
    previous = current_generation(index_dir)
    _fsync_tree(generation)
    tmp = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(generation.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)
    keep = {generation.name} | ({previous.name} if previous else set())
    remove_stale(index_dir, keep)


def remove_stale(index_dir: Path, keep: set[str]) -> None:
    """Delete generation folders not in ``keep`` (left by killed ingests, or superseded)."""
    for folder in index_dir.glob(PREFIX + "*"):
        if folder.name not in keep and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
    for tmp in index_dir.glob(f".{CURRENT}.*.tmp"):
        tmp.unlink(missing_ok=True)


class WriterLock:
    """The single-writer lock of one index folder, naming its holder when busy (after
    waiting up to ``wait`` seconds for it)."""

    def __init__(self, index_dir: Path, wait: float = 0) -> None:
        self.index_dir = index_dir
        self.lock = FileLock(str(index_dir / LOCK), timeout=wait)

    def __enter__(self) -> WriterLock:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.lock.acquire()
        except Timeout as err:
            raise IndexBusy(f"index {self.index_dir} is being written by {self.holder()}") from err
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join(sys.argv)[:200],
            "since": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        (self.index_dir / HOLDER).write_text(json.dumps(holder), encoding="utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        (self.index_dir / HOLDER).unlink(missing_ok=True)
        self.lock.release()

    def holder(self) -> str:
        try:
            info = json.loads((self.index_dir / HOLDER).read_text(encoding="utf-8"))
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
