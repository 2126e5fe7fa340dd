"""The gate that requests of many threads pass: at most N in flight, started 1/rate seconds
apart, and closed at once when the run stops (backfill's fetches, translation's model calls)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

# How often a thread waiting for a slot looks whether the run is stopping.
_POLL = 0.2


class Stopped(Exception):
    """The run is stopping: no further request may be sent."""


class Gate:
    """What every request of every thread passes: at most `concurrency` in flight, started at
    least 1/rate seconds apart. Once `stop` is set, it refuses with `Stopped` instead."""

    def __init__(self, concurrency: int, per_second: float | None, stop: threading.Event) -> None:
        self._slots = threading.BoundedSemaphore(concurrency)
        self._interval = 1.0 / per_second if per_second else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self._stop = stop

    @contextmanager
    def __call__(self) -> Iterator[None]:
        while not self._slots.acquire(timeout=_POLL):
            if self._stop.is_set():
                raise Stopped
        try:
            self._wait_turn()
            yield
        finally:
            self._slots.release()

    def _wait_turn(self) -> None:
        with self._lock:
            now = time.monotonic()
            turn = max(now, self._next)
            self._next = turn + self._interval
        if self._stop.wait(turn - now):
            raise Stopped
