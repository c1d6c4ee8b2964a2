"""Wall-clock timings of the steps of one piece of work, in seconds, by step name."""

from __future__ import annotations

import time
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager


@contextmanager
def timed(timings: MutableMapping[str, float], step: str, add: bool = False) -> Iterator[None]:
    """Record how long the ``with`` block took as ``timings[step]`` (added to what is there
    when ``add``: a step done in several pieces)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        took = time.perf_counter() - started
        timings[step] = timings.get(step, 0.0) + took if add else took
