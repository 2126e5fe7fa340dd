"""The command line: parse arguments, call the pipeline, turn known errors into exit codes."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from digest import commands
from digest._version import __version__
from digest.commands import LevelPrefixFormatter
from digest.errors import (
    ArchiveError,
    ConfigError,
    DigestError,
    IncompleteRun,
    OutputBusy,
    TemplateError,
    TranslationIncomplete,
    UpstreamInvalid,
    UpstreamUnavailable,
    UsageError,
)

log = logging.getLogger("digest")

# The one place errors become exit codes; docs/exit-codes.md's table mirrors this.
EXIT_CODES: tuple[tuple[type[DigestError], int], ...] = (
    (UsageError, 2),
    (ConfigError, 2),
    (TemplateError, 2),
    (UpstreamUnavailable, 3),
    (UpstreamInvalid, 4),
    (ArchiveError, 2),
    (OutputBusy, 5),
    (IncompleteRun, 6),
    (TranslationIncomplete, 7),
    (DigestError, 1),
)

EXIT_SUMMARY = """\
exit codes: 0 written, unchanged or empty day; 2 usage, config, template or archive
error; 3 API unavailable after retries; 4 API answered with data that cannot be trusted
(nothing was replaced); 5 another run holds the output folder; 6 some days of a backfill
or rebuild failed (the others were done); 7 texts stayed English with translate.required
set (the posts were written); 1 anything else.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one `Error:` line and exit 2 like every other error."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"Error: {message} (see '{self.prog} --help')\n")
        sys.exit(2)


# An option: its flags and argparse's keywords. A list of options is one mutually exclusive
# group.
Option = tuple[list[str], dict[str, Any]]


def _opt(flags: str, metavar: str | None, help: str, **spec: Any) -> Option:
    """An option (`flags` space-separated); without a metavar, a flag that stores true."""
    spec = {"metavar": metavar, **spec} if metavar else {"action": "store_true", **spec}
    return flags.split(), {**spec, "help": help}


# Options that several commands take, declared once.
CONFIG = _opt(
    "--config",
    "PATH",
    "settings file (default: ./config.yaml if present, else defaults)",
    type=Path,
)
OUTPUT = _opt(
    "--output", "DIR", "folder for the posts (default: output_dir from config, _posts)", type=Path
)
FORCE = _opt("--force", None, "replace posts even when the new data looks suspicious")
TRANSLATE = [
    _opt(
        "--translate",
        None,
        "translate TL;DRs and abstracts this run, whatever translate.enabled says",
        action="store_const",
        const=True,
        dest="translate",
    ),
    _opt(
        "--no-translate",
        None,
        "no translation this run: English texts (translations already made are not used)",
        action="store_const",
        const=False,
        dest="translate",
    ),
]
VERBOSITY = [_opt("-v --verbose", None, "say more"), _opt("-q --quiet", None, "only errors")]
EDITION = [
    _opt(
        "--date",
        "YYYY-MM-DD",
        "the day to build (default: yesterday, UTC; today's list still grows)",
    ),
    _opt("--week", "YYYY-Www", "a weekly post instead (ISO week)"),
    _opt("--month", "YYYY-MM", "a monthly post instead"),
]


def _range(required: bool) -> list[Option]:
    """--from and --to: a range of days (for backfill, required; for rebuild, the archive's)."""
    first = "" if required else " (default: the first archived day)"
    last = "yesterday, UTC" if required else "the last archived day"
    return [
        _opt("--from", "YYYY-MM-DD", f"first day{first}", dest="start", required=required),
        _opt("--to", "YYYY-MM-DD", f"last day, included (default: {last})", dest="end"),
    ]


@dataclass(frozen=True)
class Command:
    """A subcommand: its help, its runner in commands.py, its options and its own examples
    (its --help shows them all; the top-level --help the first of each command)."""

    name: str
    summary: str
    description: str
    run: Callable[[argparse.Namespace], int]
    options: Sequence[Option | list[Option]]
    examples: str
    after: str = ""  # a line after the examples

    def epilog(self) -> str:
        after = f"\n{self.after}\n" if self.after else ""
        return f"examples:\n{self.examples}\n{after}\n{EXIT_SUMMARY}"


COMMANDS = (
    Command(
        "build",
        "fetch one day's papers and write its posts",
        "Fetch one day's papers, rank them by upvotes and write a post per language.",
        commands.build,
        [
            EDITION,
            _opt(
                "--offline",
                None,
                "build from the archive (archive_dir), without the API (translations missing "
                "from the cache are still asked of the model; --no-translate: none)",
            ),
            CONFIG,
            _opt(
                "--lang",
                "LANG",
                "one configured language (ko, en) or 'all' (default)",
                default="all",
            ),
            OUTPUT,
            _opt("--dry-run", None, "fetch and render, report what would change, write nothing"),
            FORCE,
            TRANSLATE,
            VERBOSITY,
        ],
        """\
  digest build                          build yesterday (UTC), Korean and English
  digest build --date 2026-02-20        build one day
  digest build --date 2026-02-20 --lang en --dry-run
  digest build --offline                yesterday again, from the archive, no network
  digest build --week 2026-W08          a weekly post (--month 2026-02: a monthly one)
  DIGEST_API_BASE_URL=http://127.0.0.1:8000 digest build --date 2026-02-20""",
    ),
    Command(
        "backfill",
        "fetch a range of days into the archive and build their posts",
        "Fetch every day of a range into the archive, a few at a time and politely, and build\n"
        "its posts. Days already archived are built from the archive, not fetched again. A day\n"
        "that fails does not stop the others; every failed day is listed at the end.",
        commands.backfill,
        [
            *_range(required=True),
            _opt("--refresh", None, "fetch archived days again (newer upvotes)"),
            _opt(
                "--concurrency",
                "N",
                "days fetched at the same time (default: backfill.concurrency, 2)",
                type=int,
            ),
            FORCE,
            TRANSLATE,
            CONFIG,
            OUTPUT,
            VERBOSITY,
        ],
        """\
  digest backfill --from 2025-01-01     every day since, fetched and built
  digest backfill --from 2026-02-01 --to 2026-02-28 --refresh""",
    ),
    Command(
        "rebuild",
        "render every archived day again (after a template or config change)",
        "Render the posts of every archived day, week and month again from the archive,\n"
        "without the network, writing only posts whose bytes change.",
        commands.rebuild,
        [
            *_range(required=False),
            _opt("--jobs", "N", "worker processes (default: one per CPU)", type=int),
            _opt("--dry-run", None, "report what would change, write nothing"),
            TRANSLATE,
            CONFIG,
            OUTPUT,
            VERBOSITY,
        ],
        """\
  digest rebuild                        every archived day again, after a template change
  digest rebuild --from 2026-01-01 --to 2026-01-31 --dry-run""",
    ),
    Command(
        "init",
        "set up a blog repository to publish the digest daily",
        "Write config.yaml, the GitHub Actions workflow .github/workflows/daily-digest.yml\n"
        "and .gitignore entries into DIR (created if needed). Existing files are kept\n"
        "unless --force.",
        commands.init,
        [
            _opt("dir", "DIR", "default: here", nargs="?", type=Path, default=Path(".")),
            _opt(
                "--templates",
                None,
                "also copy post.md, paper.md and languages/ into DIR/_digest/templates to edit",
            ),
            _opt("--force", None, "replace files that already exist"),
            _opt(
                "--package",
                "SPEC",
                "what the workflow pip-installs (default: how this digest was installed, "
                "e.g. hf-digest==VERSION or git+URL@COMMIT)",
            ),
        ],
        """\
  digest init                           set up the blog in this folder
  digest init ../blog --templates       another folder, with templates to edit
  digest init --package git+https://github.com/OWNER/digest@v0.1.0
  digest init --force                   replace existing files (your config.yaml too)""",
        'Then commit, push, and run the "Daily digest" workflow once (init says how).',
    ),
    Command(
        "site",
        "build a static site with Atom feeds from the posts",
        "Build a static site (pages, archive, tags, an Atom feed per language) "
        "from the posts; only pages whose bytes change are rewritten.",
        commands.site,
        [
            CONFIG,
            _opt(
                "--posts",
                "DIR",
                "folder of posts to read (default: output_dir from config, _posts)",
                type=Path,
            ),
            _opt(
                "--out",
                "DIR",
                "folder for the site (default: site.output_dir from config, _site)",
                type=Path,
            ),
            _opt(
                "--serve",
                None,
                "after building, serve on 127.0.0.1 and rebuild on change (Ctrl-C stops)",
            ),
            _opt(
                "--port",
                "N",
                "port for --serve (default: 8000; 0 picks a free one)",
                type=int,
                default=8000,
            ),
            VERBOSITY,
        ],
        """\
  digest site                           the posts in _posts/ as a static site in _site/
  digest site --serve                   build, serve on 127.0.0.1:8000, rebuild on change""",
    ),
)


# The top-level --help: the first example of every command.
EPILOG = (
    "examples:\n"
    + "\n".join(command.examples.splitlines()[0] for command in COMMANDS)
    + "\n\n'digest COMMAND --help' for each command's options and examples.\n\n"
    + EXIT_SUMMARY
)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="digest",
        allow_abbrev=False,
        description="Turn the Hugging Face Daily Papers feed into Jekyll posts.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for command in COMMANDS:
        sub = subparsers.add_parser(
            command.name,
            allow_abbrev=False,
            help=command.summary,
            description=command.description,
            epilog=command.epilog(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        for option in command.options:
            group = sub.add_mutually_exclusive_group() if isinstance(option, list) else sub
            for flags, spec in option if isinstance(option, list) else [option]:
                group.add_argument(*flags, **spec)
        sub.set_defaults(run=command.run)
    return parser


def _setup_logging(verbose: bool, quiet: bool) -> None:
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LevelPrefixFormatter())
    root = logging.getLogger("digest")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


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
