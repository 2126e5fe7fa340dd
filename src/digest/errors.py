"""The one error tree: every failure `digest` knows about, each raised by the module named below.

The CLI turns these into one `Error: …` line and an exit code (see `digest.cli.EXIT_CODES`);
anything that is not a `DigestError` is a bug and keeps its traceback.
"""

from __future__ import annotations


class DigestError(Exception):
    """Base of every known failure."""


class UsageError(DigestError):
    """A command-line argument is wrong (raised by `cli`, `build` and `periods`)."""


class ConfigError(DigestError):
    """The config file is unreadable or invalid (raised by `config`); lists every problem."""

    def __init__(self, problems: list[str], source: str = "config") -> None:
        self.problems = problems
        self.source = source
        head = f"{source}: " if len(problems) == 1 else f"{source} has {len(problems)} problems: "
        super().__init__(head + "; ".join(problems))

    def __reduce__(self) -> tuple[type, tuple[list[str], str]]:
        # Rebuilt from its parts when it crosses a process boundary (rebuild's workers).
        return (type(self), (self.problems, self.source))


class TemplateError(DigestError):
    """A template is missing or broken (raised by `render`)."""


class UpstreamError(DigestError):
    """The daily papers API could not be used (raised by `fetch`)."""


class UpstreamUnavailable(UpstreamError):
    """The API did not answer successfully, even after the bounded retries."""


class UpstreamInvalid(UpstreamError):
    """The API answered 200 with something that is not a daily papers payload."""


class ResponseTooSlow(UpstreamUnavailable):
    """A server did not finish its answer by the deadline (raised by `http`)."""


class ResponseTooLarge(UpstreamInvalid):
    """A server's answer, decompressed, is larger than allowed (raised by `http`)."""


class OutputError(DigestError):
    """A post could not be written or read back (raised by `write`)."""


class OutputBusy(DigestError):
    """Another run holds the output folder's lock (raised by `write`)."""


class ArchiveError(DigestError):
    """The raw archive lacks what a command needs, or a file no longer matches its record
    (raised by `archive`)."""


class IncompleteRun(DigestError):
    """Some days of a range failed while the others were done; each failure was reported
    (raised by `backfill` and `rebuild` at the end of a run)."""

    def __init__(self, message: str, failed: list[str]) -> None:
        self.failed = failed
        super().__init__(message)

    def __reduce__(self) -> tuple[type, tuple[str, list[str]]]:
        return (type(self), (str(self), self.failed))


class TranslationIncomplete(DigestError):
    """Texts stayed in English while `translate.required` is set (raised by `translate`, after
    the posts are written)."""
