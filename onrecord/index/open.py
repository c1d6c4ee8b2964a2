"""Open the published index for reading, after a child process has read it safely.

A damaged vector file can crash or hang the process that reads it, so every shell (the CLI,
the app) probes the published generation in a child process first (``probe.py``), then opens
it.
"""

from __future__ import annotations

from pathlib import Path

from onrecord.index.chroma_server import VectorServerUnavailable
from onrecord.index.generations import IndexBusy, current_generation
from onrecord.index.identity import IndexMismatch
from onrecord.index.probe import IndexDamaged, check_generation
from onrecord.index.reader import IndexReader, IndexUnavailable
from onrecord.settings import Settings

# What opening the index, or taking it to write (IndexBusy), raises: each message says what
# is wrong and what to do, so a shell shows it as it is.
INDEX_ERRORS = (IndexBusy, IndexMismatch, IndexUnavailable, IndexDamaged, VectorServerUnavailable)


def probe_current(settings: Settings) -> Path | None:
    """The published generation once a child process has read it whole (None: no index)."""
    generation = current_generation(settings.index_dir)
    if generation is not None:
        check_generation(generation, settings.probe_timeout)
    return generation


def open_checked_index(settings: Settings) -> IndexReader:
    """The published generation, probed, then opened with ``settings``."""
    probe_current(settings)
    return IndexReader.open(settings.index_dir, settings)
