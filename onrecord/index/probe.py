"""Check an index generation in a child process before this process opens it.

A damaged HNSW file can make Chroma's native code crash (SIGSEGV) or hang the process that
reads it, which for the app means every user's session. So the app and the CLI first open
the generation in a short-lived child (``python -m onrecord.index.probe GENERATION``) that
reads the catalog, the keyword index and the vectors and runs one query of each kind; only
when the child reports success does the caller open the index itself.

The verdict is remembered per generation and file signature (names, sizes, modification
times), so a healthy index is probed once per process and a changed file is probed again.
"""

from __future__ import annotations

import json
import signal
import subprocess  # nosec B404
import sys
from pathlib import Path

from onrecord.index import layout

_verdicts: dict[tuple, str | None] = {}


class IndexDamaged(Exception):
    """The published index cannot be read safely; ``str(err)`` says why and what to do."""


def check_generation(generation: Path, timeout: float) -> None:
    """Raise ``IndexDamaged`` unless a child process reads ``generation`` cleanly.

    ``timeout`` 0 turns the check off (the caller then trusts the files)."""
    if timeout <= 0:
        return
    key = (str(generation.resolve()), _signature(generation))
    if key not in _verdicts:
        try:
            _verdicts[key] = _probe_in_child(generation, timeout)
        except subprocess.TimeoutExpired:  # a hang, or a busy disk: not remembered, ask again
            raise IndexDamaged(
                f"the index at {generation.parent} could not be checked: reading it did not "
                f"finish within {timeout:g} seconds. It may be damaged (then rebuild it: "
                "`onrecord ingest PATH --rebuild`), or the machine may be too busy: try again, "
                "or allow more time with ONRECORD_PROBE_TIMEOUT."
            ) from None
    problem = _verdicts[key]
    if problem:
        raise IndexDamaged(
            f"the index at {generation.parent} is damaged and cannot be used ({problem}). "
            "Rebuild it: `onrecord ingest PATH --rebuild`, or restore a copy of the folder."
        )


def _signature(folder: Path) -> tuple:
    try:
        return tuple(
            (str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        )
    except OSError as err:
        return (("unreadable", str(err)),)


def _probe_in_child(generation: Path, timeout: float) -> str | None:
    """None when the child read everything, else what went wrong, in words (raises
    ``subprocess.TimeoutExpired`` when it did not finish in time)."""
    # Our own interpreter on our own module, no shell: nothing from outside is executed.
    command = [sys.executable, "-m", "onrecord.index.probe", str(generation)]
    done = subprocess.run(  # noqa: S603 # nosec B603
        command, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        return f"reading the vector index crashed the process that checked it ({name})"
    try:
        verdict = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        last = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return f"the check failed: {last[0][:300]}"
    return None if verdict.get("ok") else str(verdict.get("problem"))[:300]


def read_everything(generation: Path) -> None:
    """What the child does: raise on the first thing that cannot be read."""
    from onrecord.index.catalog import Catalog
    from onrecord.index.lexical import LexicalIndex

    catalog = Catalog(layout.catalog_path(generation), readonly=True)
    try:
        (integrity,) = catalog.db.execute("PRAGMA quick_check").fetchone()
        if integrity != "ok":
            raise ValueError(f"catalog: {integrity}")
        _, passages = catalog.counts()
        on_server = catalog.get_meta("vectors") is not None
    finally:
        catalog.close()
    lexical = LexicalIndex.load(layout.lexical_path(generation))
    if len(lexical.ids) != passages:
        raise ValueError(f"keyword index has {len(lexical.ids)} passages, catalog {passages}")
    lexical.search("the", 1)
    if not on_server:  # a server's collection is checked, with its own messages, on opening
        _read_vectors(layout.chroma_path(generation), passages)


def _read_vectors(folder: Path, passages: int) -> None:
    from onrecord.index.vectors import VectorStore

    if not folder.is_dir():
        raise ValueError("the vector store folder is missing")
    store = VectorStore(folder, create=False)
    count = store.count()
    if count != passages:
        raise ValueError(f"vector store has {count} vectors, catalog {passages} passages")
    if count:
        first = store.collection.get(limit=1, include=["embeddings"])
        found = store.collection.query(
            query_embeddings=first["embeddings"], n_results=min(5, count), include=[]
        )
        if first["ids"][0] not in found["ids"][0]:
            raise ValueError("the vector index does not find a stored vector")


def main(argv: list[str]) -> int:
    try:
        read_everything(Path(argv[0]))
    except Exception as err:  # any failure is the verdict, reported as one line of JSON
        print(json.dumps({"ok": False, "problem": f"{type(err).__name__}: {err}"}))
        return 1
    print(json.dumps({"ok": True}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
