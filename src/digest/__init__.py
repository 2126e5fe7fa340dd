"""digest: the Hugging Face Daily Papers feed as Jekyll posts, as a library and a command.

The `digest` command is a thin layer over this package's public API:

    from datetime import date
    from pathlib import Path

    import digest

    config = digest.load_config(Path("config.yaml"))
    report = digest.build_day(date(2026, 2, 20), config, config.languages)
    print(report.summary())
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from digest._version import __version__

if TYPE_CHECKING:
    from digest.build import BuildReport, build, build_day
    from digest.config import Config, load_config
    from digest.editions import Edition
    from digest.errors import DigestError
    from digest.models import Paper, papers_from_items
    from digest.rank import rank
    from digest.render import Post, render_post

# Imported when first asked for: a command (`digest site`) loads only the modules it uses.
_EXPORTS = {
    "BuildReport": "digest.build",
    "build": "digest.build",
    "build_day": "digest.build",
    "Config": "digest.config",
    "load_config": "digest.config",
    "Edition": "digest.editions",
    "DigestError": "digest.errors",
    "Paper": "digest.models",
    "papers_from_items": "digest.models",
    "rank": "digest.rank",
    "Post": "digest.render",
    "render_post": "digest.render",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'digest' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


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
