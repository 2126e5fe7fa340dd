"""The limits every model call of a run passes, across threads and posts: the call budget,
the pace (requests per second), the deadline, and a stop that refuses every later call."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from digest.translation_settings import TranslateSettings

log = logging.getLogger(__name__)
# How often a thread waiting for a slot looks whether the run has stopped.
_POLL = 0.2


class Stopped(Exception):
    """No further call in this run (budget, deadline, quota, key): the text stays English."""


class CallLimits:
    """What every call of a run passes, across threads and posts: the call budget, the pace,
    the deadline (from the first call), and a stop that, once set, refuses every later call."""

    def __init__(self, settings: TranslateSettings) -> None:
        self.settings = settings
        self.calls = 0
        self.stopped: str | None = None
        self.stop_event = threading.Event()
        self._interval = 1.0 / settings.requests_per_second if settings.requests_per_second else 0
        self._next = 0.0
        self._deadline: float | None = None
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(settings.concurrency)

    def stop(self, reason: str) -> None:
        with self._lock:
            if self.stopped is None:
                self.stopped = reason
                log.warning("translation: %s; no further model calls in this run", reason)
        self.stop_event.set()

    def remaining(self) -> float:
        with self._lock:
            return self._remaining(time.monotonic())

    def _remaining(self, now: float) -> float:
        return float("inf") if self._deadline is None else self._deadline - now

    @contextmanager
    def call(self) -> Iterator[None]:
        """One model call: at most `concurrency` in flight across every thread (and every post
        translated at once), started 1/rate seconds apart; raises `Stopped` instead."""
        while not self._slots.acquire(timeout=_POLL):
            if self.stop_event.is_set():
                raise Stopped(self.stopped or "stopped")
        try:
            self._wait_turn()
            yield
        finally:
            self._slots.release()

    def _wait_turn(self) -> None:
        with self._lock:
            now = time.monotonic()
            if self._deadline is None:
                self._deadline = now + self.settings.max_total_seconds
            turn = max(now, self._next)
            budget = self.settings.max_calls
            reason = self.stopped
            if reason is None and budget is not None and self.calls >= budget:
                reason = f"translate.max_calls ({budget}) reached"
            elif reason is None and turn >= self._deadline:
                reason = f"translate.max_total_seconds ({self.settings.max_total_seconds:g}s) spent"
            if reason is None:
                self.calls += 1
                self._next = turn + self._interval
        if reason is not None:
            raise Stopped(reason)
        if self.stop_event.wait(turn - now):
            raise Stopped(self.stopped or "stopped")
