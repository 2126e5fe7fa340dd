"""What each command does: its arguments read, the library called, the report printed."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from digest.errors import UsageError

if TYPE_CHECKING:
    from digest.config import Config
    from digest.progress import Progress

log = logging.getLogger("digest")
EXIT_OK = 0


def parse_day(text: str, today: date, option: str = "--date") -> date:
    """A real calendar day in YYYY-MM-DD form, not after today (UTC)."""
    from digest.editions import DAY, parse

    return parse(DAY, text, today, option).start


def _languages(choice: str, configured: Sequence[str]) -> list[str]:
    if choice == "all":
        return list(configured)
    if choice not in configured:
        raise UsageError(
            f"--lang: {choice!r} is not a configured language ({', '.join(configured)} or all)"
        )
    return [choice]


def build(args: argparse.Namespace) -> int:
    from digest import editions
    from digest.build import build
    from digest.translation_run import translating

    today = datetime.now(timezone.utc).date()
    options = {editions.DAY: args.date, editions.WEEK: args.week, editions.MONTH: args.month}
    chosen = [(kind, text) for kind, text in options.items() if text is not None]
    # Yesterday by default: today's list still grows.
    edition = editions.parse(*chosen[0], today) if chosen else editions.day(today - timedelta(1))
    config = _load(args)
    languages = _languages(args.lang, config.languages)
    if edition.end == today and not args.offline:
        ends = "is" if edition.is_day else "ends"
        log.warning("%s %s today (UTC): its list keeps growing until the day ends", edition, ends)
    # --offline is without the API: texts missing from the translation cache are still asked
    # of the model (--no-translate: none). A dry run spends no calls: it shows what is cached.
    with translating(config, offline=args.dry_run, progress=not args.quiet) as translator:
        report = build(
            edition,
            config,
            languages,
            dry_run=args.dry_run,
            force=args.force,
            offline=args.offline,
            translator=translator,
        )
    if not args.quiet:
        print(report.summary() + (" (dry run)" if args.dry_run else ""))
    if translator:
        translator.raise_if_required()
    return EXIT_OK


def init(args: argparse.Namespace) -> int:
    from digest.scaffold import init_blog, next_steps, resolve_package

    package = resolve_package(args.package)  # before anything is written
    done = init_blog(args.dir, package=package, templates=args.templates, force=args.force)
    for item in done:
        print(item.line())
    print("\nNext steps:")
    print("\n".join(next_steps(args.dir, done, args.templates, package)))
    return EXIT_OK


def site(args: argparse.Namespace) -> int:
    import threading

    from digest.config import load_config
    from digest.site import build_site

    config = load_config(args.config)
    posts = args.posts or config.output_dir
    out = args.out or config.site.output_dir
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port: expected 0 to 65535, got {args.port}")

    def build() -> None:
        report = build_site(config, posts, out)
        if not args.quiet:
            print(report.summary(), flush=True)

    build()
    if not args.serve:
        return EXIT_OK
    from digest.site import serve  # http.server: only for a preview

    watched = [posts, *(p for p in (config.templates_dir,) if p)]
    stop = threading.Event()
    try:
        with serve.serving(out, args.port) as url:
            print(f"serving {url} (rebuilds when {posts} changes; Ctrl-C stops)", flush=True)
            serve.watch(watched, build, stop)
    except OSError as exc:
        raise UsageError(
            f"--port: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}"
        ) from None
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a preview ends
    return EXIT_OK


def backfill(args: argparse.Namespace) -> int:
    from digest.backfill import backfill
    from digest.editions import day_range
    from digest.progress import Progress
    from digest.translation_run import translating

    today = datetime.now(timezone.utc).date()
    start = parse_day(args.start, today, "--from")
    end = parse_day(args.end, today, "--to") if args.end else today - timedelta(days=1)
    if end == today:
        # An archived day is not fetched again: a day archived before it ends would stay short.
        raise UsageError(f"--to: {end} is today (UTC) and its list is still growing; end yesterday")
    if start > end:
        raise UsageError(f"--from {start} is after --to {end}")
    if args.concurrency is not None and not 1 <= args.concurrency <= 16:
        raise UsageError(f"--concurrency: expected 1 to 16, got {args.concurrency}")
    config = _load(args)
    days = day_range(start, end)
    progress = Progress("backfill", len(days), enabled=not args.quiet)
    with _logging_through(progress, args.verbose), translating(config, offline=False) as translator:
        report = backfill(
            config,
            config.languages,
            days,
            refresh=args.refresh,
            force=args.force,
            concurrency=args.concurrency,
            on_result=lambda r: progress.step(r.line(), failed=bool(r.error)),
            on_stopping=lambda n: progress.note(
                f"stopping: letting {n} day(s) in flight finish (Ctrl-C again to quit now)"
            ),
            translator=translator,
        )
    for failure in report.failures:
        print(f"failed {failure.day}: {failure.error}", file=sys.stderr)
    if not args.quiet:
        print(report.summary())
    if report.interrupted:
        raise report.interrupted
    report.raise_for_failures()
    if translator:
        translator.raise_if_required()
    return EXIT_OK


def rebuild(args: argparse.Namespace) -> int:
    from digest.progress import Progress
    from digest.rebuild import default_jobs, plan, rebuild
    from digest.translation_run import translating

    today = datetime.now(timezone.utc).date()
    start = parse_day(args.start, today, "--from") if args.start else None
    end = parse_day(args.end, today, "--to") if args.end else None
    if start and end and start > end:
        raise UsageError(f"--from {start} is after --to {end}")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs: expected 1 or more, got {args.jobs}")
    config = _load(args)
    keys = plan(config, start, end)
    progress = Progress("rebuild", len(keys), enabled=not args.quiet)
    dry_run = args.dry_run  # a dry run spends no model calls
    with _logging_through(progress, args.verbose), translating(config, offline=dry_run) as tr:
        report = rebuild(
            config,
            keys,
            jobs=args.jobs or default_jobs(),
            dry_run=dry_run,
            on_result=lambda r: progress.step(r.line(), failed=bool(r.error)),
            translator=tr,
        )
    for failure in report.failures:
        print(f"failed {failure.key}: {failure.error}", file=sys.stderr)
    if not args.quiet and keys:
        print(report.summary())
    elif not args.quiet:
        between = " between those days" if start or end else ""
        print(f"rebuild: nothing archived in {config.archive_dir}{between}")
    report.raise_for_failures()
    if tr:
        tr.raise_if_required()
    return EXIT_OK


def _load(args: argparse.Namespace) -> Config:
    from dataclasses import replace

    from digest.config import load_config

    config = load_config(args.config)
    if getattr(args, "translate", None) is not None:  # --translate / --no-translate
        config = replace(config, translate=replace(config.translate, enabled=args.translate))
    return replace(config, output_dir=args.output) if args.output else config


@contextmanager
def _logging_through(progress: Progress, verbose: bool) -> Iterator[None]:
    """While a bar is drawn, log lines go above it; per-day detail only with --verbose."""
    logger = logging.getLogger("digest")
    handlers, level = logger.handlers[:], logger.level
    handler = progress.log_handler()
    handler.setFormatter(LevelPrefixFormatter())
    logger.handlers[:] = [handler]
    if not verbose:
        logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        progress.close()
        logger.handlers[:], logger.level = handlers, level


class LevelPrefixFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        prefix = "warning: " if record.levelno == logging.WARNING else ""
        return prefix + record.getMessage()
