"""digest: the Hugging Face Daily Papers feed as Jekyll posts, as a library and a command.

The `digest` command is a thin layer over this package's public API:

    from datetime import date
    from pathlib import Path

    import digest

    config = digest.load_config(Path("config.yaml"))
    report = digest.build_day(date(2026, 2, 20), config, config.languages)
    print(report.summary())
"""

from digest._version import __version__
from digest.build import BuildReport, build, build_day
from digest.config import Config, load_config
from digest.editions import Edition
from digest.errors import DigestError
from digest.models import Paper, papers_from_items
from digest.rank import rank
from digest.render import Post, render_post

__all__ = [
    "BuildReport",
    "Config",
    "DigestError",
    "Edition",
    "Paper",
    "Post",
    "__version__",
    "build",
    "build_day",
    "load_config",
    "papers_from_items",
    "rank",
    "render_post",
]
