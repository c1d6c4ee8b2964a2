"""Which open index generation the page runs use: the newest published one once it is open,
and until then the one already in service.

Opening a generation takes about a second (a child process reads it first, then the reader
loads its arrays). Opened in the page run, every session asking at that moment waited for it
after each ingest; here the first generation is opened in the page run (there is nothing else
to answer from) and every later one in a background thread while the sessions keep answering
from the previous one. A newer generation that cannot be opened (damaged, a server away)
leaves the one in service answering; the failure is kept for the page to say, and the opening
is tried again after ``retry_after`` seconds (the cause may pass). No Streamlit here: the page
shows the spinner and the messages.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
View = TypeVar("View")
RETRY_AFTER = 30.0  # seconds before a generation that failed to open is tried again


class GenerationSwitch(Generic[View]):
    """The view of one index folder's generations. ``open_view(generation)`` builds a view
    (and raises when the generation cannot be used)."""

    def __init__(self, open_view: Callable[[str], View], retry_after: float = RETRY_AFTER) -> None:
        self._open_view = open_view
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self._serving: tuple[str, View] | None = None
        self._opening: tuple[str, Future[View]] | None = None
        self._failed: tuple[str, Exception, float] | None = None  # generation, why, when
        self._opener = ThreadPoolExecutor(1, thread_name_prefix="index-switch")

    def serving(self) -> str | None:
        """The generation the page runs answer from, if one is open."""
        return self._serving[0] if self._serving else None

    def failure(self, generation: str) -> Exception | None:
        """Why ``generation`` could not be opened, if it could not (the last try)."""
        failed = self._failed
        return failed[1] if failed and failed[0] == generation else None

    def view(self, generation: str) -> View:
        """The view to answer from. With nothing in service ``generation`` is opened here
        (the caller waits, and an error is raised); otherwise it is opened in the background
        and the view in service is returned until it is open, or when it failed."""
        with self._lock:
            serving, failed = self._serving, self._failed
            if serving is None or serving[0] == generation:
                future = None
            elif failed and failed[0] == generation and time.monotonic() < failed[2]:
                return serving[1]
            elif self._opening is not None and self._opening[0] == generation:
                future = self._opening[1]
            else:
                future = self._opener.submit(self._open_view, generation)
                self._opening = (generation, future)
            if future is not None and not future.done():
                return serving[1]  # type: ignore[index]
        if future is None:
            return self._open_here(generation)
        return self._take(generation, future)

    def _open_here(self, generation: str) -> View:
        with self._lock:  # one opening at a time; a second caller finds it open
            if self._serving is not None and self._serving[0] == generation:
                return self._serving[1]
            view = self._open_view(generation)
            self._serving, self._failed = (generation, view), None
            return view

    def _take(self, generation: str, future: Future[View]) -> View:
        with self._lock:
            if self._opening is not None and self._opening[1] is future:
                self._opening = None
            try:
                view = future.result()
            except Exception as err:  # the page says why; the one in service answers
                log.warning("index generation %s not opened: %s", generation, err)
                self._failed = (generation, err, time.monotonic() + self._retry_after)
                return self._serving[1]  # type: ignore[index]
            if self._serving[0] != generation:  # type: ignore[index]
                self._serving, self._failed = (generation, view), None
            return self._serving[1]
