"""The limits every model call of a run passes, across threads and posts: the call budget,
the pace (requests per second), the deadline, and a stop that refuses every later call."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from digest.gate import Gate
from digest.gate import Stopped as GateClosed
from digest.translation_settings import TranslateSettings

log = logging.getLogger(__name__)


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
        self._gate = Gate(settings.concurrency, settings.requests_per_second, self.stop_event)
        self._deadline: float | None = None
        self._lock = threading.Lock()

    def stop(self, reason: str, *, quiet: bool = False) -> None:
        """Refuse every later call; `quiet`: the run's summary line says why, not a line now."""
        with self._lock:
            if self.stopped is None:
                self.stopped = reason
                if not quiet:
                    log.warning("translation: %s; no further model calls in this run", reason)
        self.stop_event.set()

    def remaining(self) -> float:
        """Seconds left for the run's calls (unbounded until the first call starts the clock)."""
        with self._lock:
            if self._deadline is None:
                return float("inf")
            return self._deadline - time.monotonic()

    @contextmanager
    def call(self) -> Iterator[None]:
        """One model call: at most `concurrency` in flight across every thread (and every post
        translated at once), started 1/rate seconds apart; raises `Stopped` instead."""
        self._charge()
        try:
            with self._gate():
                if self.remaining() <= 0:  # the turn came too late
                    raise Stopped(self._out_of_time())
                yield
        except GateClosed:
            raise Stopped(self.stopped or "stopped") from None

    def _charge(self) -> None:
        """Count the call against the budget, or raise `Stopped` when there is none left."""
        with self._lock:
            now = time.monotonic()
            if self._deadline is None:
                self._deadline = now + self.settings.max_total_seconds
            budget = self.settings.max_calls
            reason = self.stopped
            if reason is None and budget is not None and self.calls >= budget:
                reason = f"translate.max_calls ({budget}) reached"
            elif reason is None and now >= self._deadline:
                reason = self._out_of_time()
            if reason is None:
                self.calls += 1
        if reason is not None:
            with self._lock:  # for the run's warning line; the calls already charged go on
                self.stopped = self.stopped or reason
            raise Stopped(reason)

    def _out_of_time(self) -> str:
        return f"translate.max_total_seconds ({self.settings.max_total_seconds:g}s) spent"
