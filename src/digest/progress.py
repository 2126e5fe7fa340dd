"""Progress of a run over many days: a bar on a terminal, one plain line per day elsewhere."""

from __future__ import annotations

import logging
import shutil
import sys
import threading
import time
from typing import TextIO

BAR_WIDTH = 24


class Progress:
    """Counts finished items. On a terminal it redraws one bar line and prints failures and
    log lines above it; otherwise (cron, CI, a pipe) it prints each item's line as it is."""

    def __init__(
        self,
        label: str,
        total: int,
        stream: TextIO | None = None,
        *,
        enabled: bool = True,
        tty: bool | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = self.stream.isatty() if tty is None else tty
        self.done = 0
        self.failed = 0
        self._started = time.monotonic()
        self._drawn = False
        self._lock = threading.Lock()

    def step(self, line: str | None, *, failed: bool = False) -> None:
        """One item finished; `line` says how (None: nothing worth a line of its own)."""
        with self._lock:
            self.done += 1
            self.failed += failed
            if not self.enabled:
                return
            if not self.tty:
                if line:
                    self._write(line + "\n")
                return
            if failed and line:
                self._above(line)
            self._draw(line or "")

    def note(self, line: str) -> None:
        """A line that is not an item (a warning): above the bar, or as it is."""
        with self._lock:
            if self.tty and self.enabled:
                self._above(line)
                self._draw("")
            else:
                self._write(line + "\n")

    def close(self) -> None:
        with self._lock:
            if self._drawn:
                self._write("\n")
                self._drawn = False

    def log_handler(self) -> logging.Handler:
        """A logging handler whose lines go through `note`, so they never tear the bar."""
        return _NoteHandler(self)

    def _above(self, line: str) -> None:
        self._write(("\r\x1b[K" if self._drawn else "") + line + "\n")
        self._drawn = False

    def _draw(self, current: str) -> None:
        share = self.done / self.total if self.total else 1.0
        filled = round(BAR_WIDTH * share)
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        failed = f", {self.failed} failed" if self.failed else ""
        elapsed = time.monotonic() - self._started
        text = f"{self.label} {bar} {self.done}/{self.total}{failed} {elapsed:.0f}s  {current}"
        width = shutil.get_terminal_size((80, 24)).columns - 1
        self._write("\r\x1b[K" + text[:width])
        self._drawn = True

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


class _NoteHandler(logging.Handler):
    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.progress.note(self.format(record))
        except Exception:
            self.handleError(record)
