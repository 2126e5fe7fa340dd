"""Backfill: a range of days fetched into the archive and built into posts, a few days at a
time under a request-rate limit, past failed days, and stopping cleanly on Ctrl-C.

Each worker thread has its own HTTP session and runs one day at a time through `build_day`
(which retries per request); a day already archived is built from the archive instead, unless
`refresh`. Every request of every thread passes one shared `Gate`, which bounds the requests
in flight to the concurrency and spaces them to the rate limit. There are more threads than
that, so one thread renders and writes a day's posts while others keep the requests going.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from digest import archive
from digest.affiliations import Clients
from digest.build import BuildReport, build_day, output_lock
from digest.config import Config
from digest.errors import ArchiveError, DigestError, IncompleteRun, UpstreamError
from digest.gate import Gate, Stopped
from digest.translation_run import translating

if TYPE_CHECKING:
    import requests

    from digest.translate import Translator

# How often the main thread wakes from waiting on workers, so Ctrl-C is handled promptly.
_POLL = 0.2


@dataclass
class DayResult:
    """One finished day: built (fetched, or from the archive), or failed."""

    day: date
    report: BuildReport | None = None
    error: DigestError | None = None  # the day failed; the run goes on
    from_archive: bool = False

    def line(self) -> str:
        if self.error:
            return f"{self.day}: failed: {self.error}"
        assert self.report
        return self.report.summary() + (" (from the archive)" if self.from_archive else "")


@dataclass
class BackfillReport:
    """What a backfill did, day by day, for the summary and the exit code."""

    start: date
    end: date
    days: int
    results: list[DayResult] = field(default_factory=list)
    interrupted: BaseException | None = None

    @property
    def failures(self) -> list[DayResult]:
        return sorted((r for r in self.results if r.error), key=lambda r: r.day)

    def summary(self) -> str:
        fetched = sum(1 for r in self.results if r.report and not r.from_archive)
        archived = sum(1 for r in self.results if r.report and r.from_archive)
        posts: dict[str, int] = {}
        for result in self.results:
            for file in result.report.files if result.report else ():
                posts[file.status] = posts.get(file.status, 0) + 1
        written = ", ".join(f"{status} {n}" for status, n in posts.items()) or "none"
        head = f"backfill {self.start} to {self.end}: {self.days} days"
        if self.interrupted:
            head += f", interrupted after {len(self.results)}"
        return (
            f"{head}; fetched {fetched}, from the archive {archived}, "
            f"failed {len(self.failures)}; posts: {written}"
        )

    def raise_for_failures(self) -> None:
        failed = [str(r.day) for r in self.failures]
        if failed:
            raise IncompleteRun(
                f"backfill: {len(failed)} of {self.days} days failed ({', '.join(failed)}); "
                "run the same command again to retry them: archived days are not fetched again",
                failed,
            )


@dataclass
class _Outcome:
    """A worker's answer for one day: a result, or why it has none."""

    day: date
    result: DayResult | None = None
    fatal: Exception | None = None  # not a day's problem (a template, the disk): stop the run


def backfill(
    config: Config,
    languages: Sequence[str],
    days: Sequence[date],
    *,
    refresh: bool = False,
    force: bool = False,
    concurrency: int | None = None,
    on_result: Callable[[DayResult], None] = lambda result: None,
    on_stopping: Callable[[int], None] = lambda in_flight: None,
    translator: Translator | None = None,
) -> BackfillReport:
    """Fetch and build every day in `days`; failed days are reported, not raised. Ctrl-C (or
    SIGTERM) lets the days in flight finish, then returns with `interrupted` set. Every day's
    translations share one `translator` (one call budget for the run; made here when none is
    given and translation is on; `translate.required` is the caller's to check)."""
    if config.archive_dir is None:
        raise ArchiveError("backfill keeps what it fetches in the archive: set archive_dir")
    if translator is None and config.translate.enabled:
        with translating(config, offline=False) as own:
            options = {"refresh": refresh, "force": force, "concurrency": concurrency}
            return backfill(
                config,
                languages,
                days,
                on_result=on_result,
                on_stopping=on_stopping,
                translator=own,
                **options,
            )
    report = BackfillReport(start=min(days), end=max(days), days=len(days))
    todo: queue.SimpleQueue[date] = queue.SimpleQueue()
    for day in days:
        todo.put(day)
    stop = threading.Event()
    concurrency = concurrency or config.backfill.concurrency
    gate = Gate(concurrency, config.backfill.requests_per_second, stop)
    # One arXiv/OpenAlex client for every day, so their rate limit holds across the threads;
    # an archived day's papers are still looked up (OpenAlex serves backfills best).
    clients = Clients.for_settings(config.affiliations)

    def one_day(day: date, session: requests.Session) -> _Outcome:
        offline = not refresh and archive.has(config.archive_dir, day.isoformat())
        try:
            built = build_day(
                day,
                config,
                languages,
                force=force,
                offline=offline,
                session=session,
                locked=True,
                lookups=clients,
                translator=translator,
            )
        except Stopped:
            return _Outcome(day)
        except (UpstreamError, ArchiveError) as exc:
            return _Outcome(day, DayResult(day, error=exc))
        except Exception as exc:
            return _Outcome(day, fatal=exc)
        return _Outcome(day, DayResult(day, built, from_archive=offline))

    # Twice as many threads as requests in flight: rendering never leaves a request slot idle.
    workers = min(2 * concurrency, len(days))
    collector = _Collector(report, on_result, stop, running=workers)
    with output_lock(config):  # once for the run: the workers' days never wait on each other
        for n in range(workers):
            args = (todo, collector.outcomes, stop, gate, one_day)
            threading.Thread(target=_work, args=args, name=f"backfill-{n + 1}", daemon=True).start()
        try:
            collector.until_done()
        except (KeyboardInterrupt, SystemExit) as exc:
            stop.set()
            report.interrupted = exc
            on_stopping(collector.running)
            # The days in flight finish (a second Ctrl-C leaves at once); no new one starts.
            collector.until_done()
        finally:
            clients.close()
    if collector.fatal:
        raise collector.fatal
    return report


@dataclass
class _Collector:
    """The main thread's side: takes the workers' answers until every worker has ended."""

    report: BackfillReport
    on_result: Callable[[DayResult], None]
    stop: threading.Event
    running: int
    fatal: Exception | None = None
    outcomes: queue.SimpleQueue[_Outcome | None] = field(default_factory=queue.SimpleQueue)

    def until_done(self) -> None:
        while self.running:
            try:
                outcome = self.outcomes.get(timeout=_POLL)
            except queue.Empty:
                continue
            if outcome is None:
                self.running -= 1
            elif outcome.fatal:
                self.stop.set()
                self.fatal = self.fatal or outcome.fatal
            elif outcome.result:
                self.report.results.append(outcome.result)
                self.on_result(outcome.result)


def _work(
    todo: queue.SimpleQueue[date],
    outcomes: queue.SimpleQueue[_Outcome | None],
    stop: threading.Event,
    gate: Gate,
    one_day: Callable[[date, requests.Session], _Outcome],
) -> None:
    """One worker thread: its own session, one day at a time, until no day is left or stop."""
    from digest.fetch import new_session

    session = new_session(gate)
    try:
        while not stop.is_set():
            try:
                day = todo.get_nowait()
            except queue.Empty:
                break
            outcomes.put(one_day(day, session))
    finally:
        session.close()
        outcomes.put(None)
