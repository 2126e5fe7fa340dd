"""The command line: parse arguments, call the pipeline, turn known errors into exit codes."""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

from digest import __version__
from digest.errors import (
    ArchiveError,
    ConfigError,
    DigestError,
    IncompleteRun,
    OutputBusy,
    TemplateError,
    UpstreamInvalid,
    UpstreamUnavailable,
    UsageError,
)

if TYPE_CHECKING:
    from digest.config import Config
    from digest.progress import Progress

log = logging.getLogger("digest")

# The one place errors become exit codes; the README's table mirrors this.
EXIT_OK = 0
EXIT_CODES: tuple[tuple[type[DigestError], int], ...] = (
    (UsageError, 2),
    (ConfigError, 2),
    (TemplateError, 2),
    (UpstreamUnavailable, 3),
    (UpstreamInvalid, 4),
    (ArchiveError, 2),
    (OutputBusy, 5),
    (IncompleteRun, 6),
    (DigestError, 1),
)

EPILOG = """\
examples:
  digest build                          build yesterday (UTC), Korean and English
  digest build --date 2026-02-20        build one day
  digest build --date 2026-02-20 --lang en --dry-run
  DIGEST_API_BASE_URL=http://127.0.0.1:8000 digest build --date 2026-02-20
  digest build --offline                yesterday again, from the archive, no network
  digest build --week 2026-W08          a weekly post (--month 2026-02: a monthly one)
  digest backfill --from 2025-01-01     every day since, fetched and built
  digest rebuild                        every archived day again, after a template change

  digest site                           the posts in _posts/ as a static site in _site/
  digest site --serve                   build, serve on 127.0.0.1:8000, rebuild on change

exit codes: 0 written, unchanged or empty day; 2 usage, config, template or archive
error; 3 API unavailable after retries; 4 API answered with data that cannot be trusted
(nothing was replaced); 5 another run holds the output folder; 6 some days of a backfill
or rebuild failed (the others were done); 1 anything else.
"""


INIT_EPILOG = """\
examples:
  digest init                           set up the blog in this folder
  digest init ../blog --templates       another folder, with templates to edit
  digest init --force                   replace existing files (your config.yaml too)

Then commit, push, and run the "Daily digest" workflow once (see the README).
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one `Error:` line and exit 2 like every other error."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"Error: {message} (see '{self.prog} --help')\n")
        sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="digest",
        allow_abbrev=False,
        description="Turn the Hugging Face Daily Papers feed into Jekyll posts.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    build = commands.add_parser(
        "build",
        allow_abbrev=False,
        help="fetch one day's papers and write its posts",
        description="Fetch one day's papers, rank them by upvotes and write a post per language.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    what = build.add_mutually_exclusive_group()
    what.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the day to build (default: yesterday, UTC; today's list still grows)",
    )
    what.add_argument("--week", metavar="YYYY-Www", help="a weekly post instead (ISO week)")
    what.add_argument("--month", metavar="YYYY-MM", help="a monthly post instead")
    build.add_argument(
        "--offline",
        action="store_true",
        help="build from the archive (archive_dir), without the network",
    )
    build.add_argument(
        "--config",
        metavar="PATH",
        type=Path,
        help="settings file (default: ./config.yaml if present, else defaults)",
    )
    build.add_argument(
        "--lang",
        metavar="LANG",
        default="all",
        help="one configured language (ko, en) or 'all' (default)",
    )
    build.add_argument(
        "--output",
        metavar="DIR",
        type=Path,
        help="folder for the posts (default: output_dir from config, _posts)",
    )
    build.add_argument(
        "--dry-run",
        action="store_true",
        help="fetch and render, report what would change, write nothing",
    )
    build.add_argument(
        "--force", action="store_true", help="replace posts even when the new data looks suspicious"
    )
    _verbosity(build)
    build.set_defaults(run=_run_build)
    _add_backfill(commands)
    _add_rebuild(commands)
    _init_parser(commands)
    _site_parser(commands)
    return parser


def _verbosity(command: argparse.ArgumentParser) -> None:
    verbosity = command.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_true", help="say more")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only errors")


def _site_parser(commands: argparse._SubParsersAction) -> None:
    site = commands.add_parser(
        "site",
        allow_abbrev=False,
        help="build a static site with Atom feeds from the posts",
        description="Build a static site (pages, archive, tags, an Atom feed per language) "
        "from the posts; only pages whose bytes change are rewritten.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    site.add_argument(
        "--config",
        metavar="PATH",
        type=Path,
        help="settings file (default: ./config.yaml if present, else defaults)",
    )
    site.add_argument(
        "--posts",
        metavar="DIR",
        type=Path,
        help="folder of posts to read (default: output_dir from config, _posts)",
    )
    site.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        help="folder for the site (default: site.output_dir from config, _site)",
    )
    site.add_argument(
        "--serve",
        action="store_true",
        help="after building, serve on 127.0.0.1 and rebuild on change (Ctrl-C stops)",
    )
    site.add_argument(
        "--port",
        metavar="N",
        type=int,
        default=8000,
        help="port for --serve (default: 8000; 0 picks a free one)",
    )
    _verbosity(site)
    site.set_defaults(run=_run_site)


def _init_parser(commands: argparse._SubParsersAction) -> None:
    init = commands.add_parser(
        "init",
        allow_abbrev=False,
        help="set up a blog repository to publish the digest daily",
        description=(
            "Write config.yaml, the GitHub Actions workflow .github/workflows/daily-digest.yml\n"
            "and .gitignore entries into DIR (created if needed). Existing files are kept\n"
            "unless --force."
        ),
        epilog=INIT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    init.add_argument(
        "dir", metavar="DIR", nargs="?", type=Path, default=Path("."), help="default: here"
    )
    init.add_argument(
        "--templates",
        action="store_true",
        help="also copy the post templates into DIR/_digest/templates to edit them",
    )
    init.add_argument("--force", action="store_true", help="replace files that already exist")
    init.set_defaults(run=_run_init)


def _add_backfill(commands: argparse._SubParsersAction) -> None:
    backfill = _subcommand(
        commands,
        "backfill",
        "fetch a range of days into the archive and build their posts",
        "Fetch every day of a range into the archive, a few at a time and politely, and build\n"
        "its posts. Days already archived are built from the archive, not fetched again. A day\n"
        "that fails does not stop the others; every failed day is listed at the end.",
    )
    _range_options(backfill, required_from=True)
    backfill.add_argument(
        "--refresh", action="store_true", help="fetch archived days again (newer upvotes)"
    )
    backfill.add_argument(
        "--concurrency",
        metavar="N",
        type=int,
        help="days fetched at the same time (default: backfill.concurrency, 2)",
    )
    backfill.add_argument(
        "--force", action="store_true", help="replace posts even when the new data looks suspicious"
    )
    _common_options(backfill)
    backfill.set_defaults(run=_run_backfill)


def _add_rebuild(commands: argparse._SubParsersAction) -> None:
    rebuild = _subcommand(
        commands,
        "rebuild",
        "render every archived day again (after a template or config change)",
        "Render the posts of every archived day, week and month again from the archive,\n"
        "without the network, writing only posts whose bytes change.",
    )
    _range_options(rebuild, required_from=False)
    rebuild.add_argument(
        "--jobs",
        metavar="N",
        type=int,
        help="worker processes (default: one per CPU)",
    )
    rebuild.add_argument(
        "--dry-run", action="store_true", help="report what would change, write nothing"
    )
    _common_options(rebuild)
    rebuild.set_defaults(run=_run_rebuild)


def _subcommand(
    commands: argparse._SubParsersAction, name: str, summary: str, description: str
) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        allow_abbrev=False,
        help=summary,
        description=description,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _range_options(parser: argparse.ArgumentParser, *, required_from: bool) -> None:
    parser.add_argument(
        "--from",
        dest="start",
        metavar="YYYY-MM-DD",
        required=required_from,
        help="first day" + ("" if required_from else " (default: the first archived day)"),
    )
    parser.add_argument(
        "--to",
        dest="end",
        metavar="YYYY-MM-DD",
        help="last day, included (default: "
        + ("yesterday, UTC)" if required_from else "the last archived day)"),
    )


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        type=Path,
        help="settings file (default: ./config.yaml if present, else defaults)",
    )
    parser.add_argument(
        "--output",
        metavar="DIR",
        type=Path,
        help="folder for the posts (default: output_dir from config, _posts)",
    )
    _verbosity(parser)


def parse_day(text: str, today: date, option: str = "--date") -> date:
    """A real calendar day in YYYY-MM-DD form, not after today (UTC)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise UsageError(f"{option}: expected YYYY-MM-DD, got {text!r}")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {text} is not a real day") from None
    if day > today:
        raise UsageError(f"{option}: {text} is in the future (today is {today} UTC)")
    return day


def _languages(choice: str, configured: Sequence[str]) -> list[str]:
    if choice == "all":
        return list(configured)
    if choice not in configured:
        raise UsageError(
            f"--lang: {choice!r} is not a configured language ({', '.join(configured)} or all)"
        )
    return [choice]


def _run_build(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from digest.build import build_day
    from digest.config import load_config

    today = datetime.now(timezone.utc).date()
    if args.week or args.month:
        return _run_build_period(args, today)
    day = parse_day(args.date, today) if args.date is not None else today - timedelta(days=1)
    config = load_config(args.config)
    if args.output:
        config = replace(config, output_dir=args.output)
    languages = _languages(args.lang, config.languages)
    if day == today and not args.offline:
        log.warning("%s is today (UTC): its list keeps growing until the day ends", day)
    report = build_day(
        day, config, languages, dry_run=args.dry_run, force=args.force, offline=args.offline
    )
    if not args.quiet:
        print(report.summary() + (" (dry run)" if args.dry_run else ""))
    return EXIT_OK


def _run_init(args: argparse.Namespace) -> int:
    from digest.scaffold import init_blog, next_steps

    done = init_blog(args.dir, templates=args.templates, force=args.force)
    for item in done:
        print(item.line())
    print("\nNext steps:")
    print("\n".join(next_steps(args.dir, done, args.templates)))
    return EXIT_OK


def _run_site(args: argparse.Namespace) -> int:
    import threading

    from digest import serve
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


def _run_build_period(args: argparse.Namespace, today: date) -> int:
    from digest.build import build_period
    from digest.periods import MONTH, WEEK, parse_period

    kind, text = (WEEK, args.week) if args.week else (MONTH, args.month)
    period = parse_period(kind, text, today)
    config = _load(args)
    languages = _languages(args.lang, config.languages)
    if period.end == today and not args.offline:
        log.warning("%s ends today (UTC): its list keeps growing until the day ends", period)
    report = build_period(
        period, config, languages, dry_run=args.dry_run, force=args.force, offline=args.offline
    )
    if not args.quiet:
        print(report.summary() + (" (dry run)" if args.dry_run else ""))
    return EXIT_OK


def _run_backfill(args: argparse.Namespace) -> int:
    from digest.backfill import backfill
    from digest.periods import day_range
    from digest.progress import Progress

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
    with _logging_through(progress, args.verbose):
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
        )
    for failure in report.failures:
        print(f"failed {failure.day}: {failure.error}", file=sys.stderr)
    if not args.quiet:
        print(report.summary())
    if report.interrupted:
        raise report.interrupted
    report.raise_for_failures()
    return EXIT_OK


def _run_rebuild(args: argparse.Namespace) -> int:
    from digest.progress import Progress
    from digest.rebuild import default_jobs, plan, rebuild

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
    with _logging_through(progress, args.verbose):
        report = rebuild(
            config,
            keys,
            jobs=args.jobs or default_jobs(),
            dry_run=args.dry_run,
            on_result=lambda r: progress.step(r.line(), failed=bool(r.error)),
        )
    for failure in report.failures:
        print(f"failed {failure.key}: {failure.error}", file=sys.stderr)
    if not args.quiet and keys:
        print(report.summary())
    elif not args.quiet:
        between = " between those days" if start or end else ""
        print(f"rebuild: nothing archived in {config.archive_dir}{between}")
    report.raise_for_failures()
    return EXIT_OK


def _load(args: argparse.Namespace) -> Config:
    from dataclasses import replace

    from digest.config import load_config

    config = load_config(args.config)
    return replace(config, output_dir=args.output) if args.output else config


@contextmanager
def _logging_through(progress: Progress, verbose: bool) -> Iterator[None]:
    """While a bar is drawn, log lines go above it; per-day detail only with --verbose."""
    logger = logging.getLogger("digest")
    handlers, level = logger.handlers[:], logger.level
    handler = progress.log_handler()
    handler.setFormatter(_LevelPrefixFormatter())
    logger.handlers[:] = [handler]
    if not verbose:
        logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        progress.close()
        logger.handlers[:], logger.level = handlers, level


def _setup_logging(verbose: bool, quiet: bool) -> None:
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LevelPrefixFormatter())
    root = logging.getLogger("digest")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


class _LevelPrefixFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        prefix = "warning: " if record.levelno == logging.WARNING else ""
        return prefix + record.getMessage()


class Interrupted(KeyboardInterrupt):
    """SIGTERM (from cron, CI or `kill`) arrived: unwind like Ctrl-C does, and like it, past
    every `except Exception`."""


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    # Raising lets `finally` blocks run: an interrupted write removes its temp file.
    raise Interrupted


def install_signal_handlers() -> None:
    """SIGTERM unwinds the stack like SIGINT, so no run dies mid-write without cleaning up."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupted)


def exit_code_for(error: DigestError) -> int:
    return next(code for kind, code in EXIT_CODES if isinstance(error, kind))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `digest` command; returns the exit code."""
    # Posts are UTF-8 whatever the locale; so is what we print about them.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    args = _parser().parse_args(argv)
    _setup_logging(getattr(args, "verbose", False), getattr(args, "quiet", False))
    install_signal_handlers()
    try:
        return args.run(args)
    except DigestError as error:
        print(f"Error: {error}", file=sys.stderr)
        return exit_code_for(error)
    except Interrupted:
        print("Error: interrupted (SIGTERM)", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("Error: interrupted (SIGINT)", file=sys.stderr)
        return 130
