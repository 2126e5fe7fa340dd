"""Rebuild: every archived day, and every week and month, rendered again from the archive (after
a template or config change), writing only the posts whose bytes change.

A manifest in the output folder records, per day, a hash of everything its posts are made from
(the archived answer, the settings, the templates, digest's own code) and a hash of each post as
written. A day whose inputs and posts both still match is not rendered again: that is what makes
a re-run with nothing to do cheap. Rendering is spread over worker processes (one per core).
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import dataclass, field, fields
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest import archive, editions, fingerprint, manifest, write
from digest.affiliations import CACHE_FOLDER
from digest.build import BuildReport, build, output_lock
from digest.config import Config
from digest.editions import Edition
from digest.errors import ArchiveError, IncompleteRun
from digest.render import check_templates
from digest.templating import default_templates_dir
from digest.translation_run import translating

if TYPE_CHECKING:
    from digest.translate import Translator

MANIFEST = ".digest-manifest.json"
# Settings that change where files go or how the API is asked, never what a post says.
_NOT_IN_POSTS = frozenset(
    {"output_dir", "archive_dir", "api", "backfill", "lock", "site", "source"}
)
_PERIOD_POST = re.compile(
    r"\d{4}-\d{2}-\d{2}-(?P<kind>week|month)ly-papers-(?P<key>\d{4}-(?:w\d{2}|\d{2}))-[a-z]{2,3}\.md"
)
# Tasks per worker process: enough to even out the load, few enough to amortise the hand-over.
_CHUNKS_PER_WORKER = 4
# Fewer days than this render faster in this process than worker processes start.
_MIN_KEYS_FOR_WORKERS = 16


@dataclass
class JobResult:
    """One day (or period): rebuilt, found up to date, or failed."""

    key: str
    report: BuildReport | None = None
    skipped: int = 0  # posts found up to date without rendering
    entry: dict[str, Any] | None = None  # its new manifest entry
    error: str | None = None

    def line(self) -> str | None:
        if self.error:
            return f"{self.key}: failed: {self.error}"
        if self.report and any(f.status != "unchanged" for f in self.report.files):
            return self.report.summary()
        return None  # nothing changed: not worth a line of its own


@dataclass
class RebuildReport:
    """Counts for the summary line, and every failure."""

    jobs: int = 0
    results: list[JobResult] = field(default_factory=list)
    dry_run: bool = False

    @property
    def failures(self) -> list[JobResult]:
        return sorted((r for r in self.results if r.error), key=lambda r: r.key)

    def summary(self) -> str:
        days = sum(1 for r in self.results if _edition(r.key).is_day)
        counts: dict[str, int] = {}
        for result in self.results:
            for file in result.report.files if result.report else ():
                counts[file.status] = counts.get(file.status, 0) + 1
            if result.skipped:
                counts["unchanged"] = counts.get("unchanged", 0) + result.skipped
        posts = ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "none"
        periods = len(self.results) - days
        return (
            f"rebuild: {_count(days, 'day', 'days')}, "
            f"{_count(periods, 'week or month', 'weeks and months')}; posts: {posts}; "
            f"failed {len(self.failures)}" + (" (dry run)" if self.dry_run else "")
        )

    def raise_for_failures(self) -> None:
        failed = [r.key for r in self.failures]
        if failed:
            raise IncompleteRun(
                f"rebuild: {len(failed)} of {self.jobs} failed ({', '.join(failed)}); the others "
                "were rebuilt",
                failed,
            )


def plan(config: Config, start: date | None = None, end: date | None = None) -> list[str]:
    """What to rebuild: archived days in the range, then every week and month touching it that
    is archived or has a post in the output folder."""
    days = [d.isoformat() for d in archive.days(config.archive_dir, start, end)]
    found = [editions.from_key(key) for key in archive.keys(config.archive_dir)]
    periods = [e for e in found if e and not e.is_day]
    posts = sorted(config.output_dir.iterdir()) if config.output_dir.is_dir() else []
    for match in filter(None, (_PERIOD_POST.fullmatch(path.name) for path in posts)):
        period = editions.from_key(match["key"].upper())
        if period and period.kind == match["kind"]:
            periods.append(period)
    touching = {
        p for p in periods if (start is None or p.end >= start) and (end is None or p.start <= end)
    }
    return days + [p.key for p in sorted(touching, key=lambda p: (p.start, p.kind))]


def rebuild(
    config: Config,
    keys: Sequence[str],
    *,
    jobs: int = 1,
    dry_run: bool = False,
    on_result: Callable[[JobResult], None] = lambda result: None,
    translator: Translator | None = None,
) -> RebuildReport:
    """Render every key again from the archive; posts whose bytes do not change stay untouched.
    Ctrl-C stops after the work in hand; what finished is kept, and so is its manifest. With
    translation on, every post shares the one `translator` (made here when none is given), so
    the run renders in this process: one call budget, texts missing from the cache asked for."""
    if config.archive_dir is None:
        raise ArchiveError("the archive is off (archive_dir: null in the config); set archive_dir")
    if translator is None and config.translate.enabled:
        with translating(config, offline=dry_run) as own:
            return rebuild(
                config, keys, jobs=jobs, dry_run=dry_run, on_result=on_result, translator=own
            )
    # One edition of each kind first: a missing title or template stops the run before it writes.
    first = {_edition(key).kind: _edition(key) for key in reversed(keys)}
    for edition in first.values():
        check_templates(config, config.languages, edition)
    base = inputs_fingerprint(config)
    manifest = _read_manifest(config.output_dir, base)
    report = RebuildReport(jobs=len(keys), dry_run=dry_run)
    chunks = _chunks(list(keys), jobs)
    tasks = [
        (chunk, config, base, {k: manifest.get(k) for k in chunk}, dry_run) for chunk in chunks
    ]

    def take(results: list[JobResult]) -> None:
        for result in results:
            report.results.append(result)
            if result.error:
                manifest.pop(result.key, None)
            elif result.entry is not None:
                manifest[result.key] = result.entry
            on_result(result)

    # Once for the run: the worker processes write under this process's lock.
    with nullcontext() if dry_run else output_lock(config):
        try:
            serial = min(jobs, len(tasks)) <= 1 or len(keys) < _MIN_KEYS_FOR_WORKERS
            if serial or translator is not None:
                for task in tasks:
                    take(_run_chunk(*task, translator))
            else:
                _in_processes(tasks, min(jobs, len(tasks)), take)
        finally:
            if not dry_run:
                _write_manifest(config.output_dir, base, manifest)
    return report


def inputs_fingerprint(config: Config) -> str:
    """A fingerprint of everything besides the archive that a post's bytes depend on: digest's
    code, the templates and language files, the libraries that render, the settings."""
    package = Path(__file__).parent
    folders = [package] + [d for d in (config.templates_dir, default_templates_dir()) if d]
    files = fingerprint.of_files(folders, (".py", ".md", ".yaml", ".html", ".txt", ".j2"))
    libraries = {name: _version(name) for name in ("jinja2", "markupsafe", "pyyaml")}
    settings = {
        f.name: getattr(config, f.name) for f in fields(config) if f.name not in _NOT_IN_POSTS
    }
    # The affiliations cached since the last rebuild change posts their records do not show.
    cached = config.archive_dir / CACHE_FOLDER if config.archive_dir else None
    answers = (
        fingerprint.of_files([cached], (".json",))
        if cached and config.affiliations.asks_network and cached.is_dir()
        else None
    )
    return fingerprint.fingerprint(files, libraries, settings, answers)


def _in_processes(
    tasks: list[tuple[Any, ...]], workers: int, take: Callable[[list[JobResult]], None]
) -> None:
    """Run the chunks in worker processes; Ctrl-C cancels what has not started."""
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_sigint)
    futures: list[Future[list[JobResult]]] = [pool.submit(_run_chunk, *task) for task in tasks]
    try:
        for future in as_completed(futures):
            take(future.result())
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        # Keep what finished before the stop (its posts are on disk, so is its manifest entry).
        for future in futures:
            if future.done() and not future.cancelled() and future.exception() is None:
                take(future.result())
        raise
    pool.shutdown()


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group: the parent alone decides how to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_chunk(
    keys: list[str],
    config: Config,
    base: str,
    entries: dict[str, dict[str, Any] | None],
    dry_run: bool,
    translator: Translator | None = None,
) -> list[JobResult]:
    with write.deferred_flush():
        return [_run_one(key, config, base, entries.get(key), dry_run, translator) for key in keys]


def _run_one(
    key: str,
    config: Config,
    base: str,
    entry: dict[str, Any] | None,
    dry_run: bool,
    translator: Translator | None,
) -> JobResult:
    edition = _edition(key)
    try:
        # The manifest's signature is `base`: an entry needs only its archived record's. An
        # entry whose posts kept English texts is rendered again: the cache may have them now.
        inputs = archive.fingerprint(config.archive_dir, edition)
        same = entry and entry.get("input") == inputs and not entry.get("untranslated")
        if entry and same and _posts_match(config, entry["posts"]):
            return JobResult(key, skipped=len(entry["posts"]), entry=entry)
        options = {"dry_run": dry_run, "offline": True, "locked": True, "translator": translator}
        built = build(edition, config, config.languages, **options)
    except ArchiveError as exc:
        return JobResult(key, error=str(exc))
    posts = {f.filename: _sha256_of(config.output_dir / f.filename) for f in built.files}
    left = {"untranslated": built.untranslated} if built.untranslated else {}
    return JobResult(key, report=built, entry={"input": inputs, "posts": posts, **left})


def _posts_match(config: Config, posts: dict[str, str]) -> bool:
    return all(_sha256_of(config.output_dir / name) == digest for name, digest in posts.items())


def _sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _chunks(keys: list[str], jobs: int) -> list[list[str]]:
    size = max(1, -(-len(keys) // (max(jobs, 1) * _CHUNKS_PER_WORKER)))
    return [keys[i : i + size] for i in range(0, len(keys), size)]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _edition(key: str) -> Edition:
    """The edition of a planned key (`plan` lists only real ones)."""
    edition = editions.from_key(key)
    if edition is None:
        raise ArchiveError(f"{key}: not a day, a week or a month")
    return edition


def _read_manifest(folder: Path, base: str) -> dict[str, Any]:
    """The manifest's entries; a missing or unreadable one means: render everything."""
    (entries,) = manifest.read(folder, MANIFEST, base, ("editions",))
    return {key: entry for key, entry in entries.items() if _is_entry(entry)}


def _is_entry(entry: object) -> bool:
    """An entry as `_run_one` makes them; anything else (a hand edit) is ignored."""
    if not isinstance(entry, dict) or not isinstance(entry.get("input"), str):
        return False
    posts = entry.get("posts")
    return isinstance(posts, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in posts.items()
    )


def _write_manifest(folder: Path, base: str, entries: dict[str, Any]) -> None:
    if entries or (folder / MANIFEST).exists():
        manifest.save(folder, MANIFEST, base, {"editions": entries})


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1
