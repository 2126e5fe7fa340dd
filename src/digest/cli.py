"""The command line: parse arguments, call the pipeline, turn known errors into exit codes."""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import FrameType
from typing import NoReturn

from digest import __version__
from digest.errors import (
    ConfigError,
    DigestError,
    OutputBusy,
    TemplateError,
    UpstreamInvalid,
    UpstreamUnavailable,
    UsageError,
)

log = logging.getLogger("digest")

# The one place errors become exit codes; the README's table mirrors this.
EXIT_OK = 0
EXIT_CODES: tuple[tuple[type[DigestError], int], ...] = (
    (UsageError, 2),
    (ConfigError, 2),
    (TemplateError, 2),
    (UpstreamUnavailable, 3),
    (UpstreamInvalid, 4),
    (OutputBusy, 5),
    (DigestError, 1),
)

EPILOG = """\
examples:
  digest build                          build yesterday (UTC), Korean and English
  digest build --date 2026-02-20        build one day
  digest build --date 2026-02-20 --lang en --dry-run
  DIGEST_API_BASE_URL=http://127.0.0.1:8000 digest build --date 2026-02-20

  digest site                           the posts in _posts/ as a static site in _site/
  digest site --serve                   build, serve on 127.0.0.1:8000, rebuild on change

exit codes: 0 written, unchanged or empty day; 2 usage, config or template error;
3 API unavailable after retries; 4 API answered with data that cannot be trusted
(nothing was replaced); 5 another run holds the output folder; 1 anything else.
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
    build.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the day to build (default: yesterday, UTC; today's list still grows)",
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


def parse_day(text: str, today: date) -> date:
    """A real calendar day in YYYY-MM-DD form, not after today (UTC)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise UsageError(f"--date: expected YYYY-MM-DD, got {text!r}")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--date: {text} is not a real day") from None
    if day > today:
        raise UsageError(f"--date: {text} is in the future (today is {today} UTC)")
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
    day = parse_day(args.date, today) if args.date is not None else today - timedelta(days=1)
    config = load_config(args.config)
    if args.output:
        config = replace(config, output_dir=args.output)
    languages = _languages(args.lang, config.languages)
    if day == today:
        log.warning("%s is today (UTC): its list keeps growing until the day ends", day)
    report = build_day(day, config, languages, dry_run=args.dry_run, force=args.force)
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


def _setup_logging(verbose: bool, quiet: bool) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
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


class Interrupted(Exception):
    """SIGTERM (from cron, CI or `kill`) arrived: unwind like Ctrl-C does."""


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
    except KeyboardInterrupt:
        print("Error: interrupted (SIGINT)", file=sys.stderr)
        return 130
    except Interrupted:
        print("Error: interrupted (SIGTERM)", file=sys.stderr)
        return 143
