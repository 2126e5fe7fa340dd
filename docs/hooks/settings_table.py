"""MkDocs hook: the configuration page's tables, written at build time from the settings
declared once in digest (key, default, doc line), so a new setting needs no docs edit."""

from __future__ import annotations

import html
from dataclasses import Field
from pathlib import Path
from typing import Any

import yaml

from digest.config import Config
from digest.settings import declared, default_of

# Where on docs/configuration.md the tables go.
MARKER = "<!-- settings: generated from the declarations, do not edit -->"


def shown(value: Any) -> str:
    """A default as config.yaml writes it (YAML flow style: null, [a, b], {}, 30)."""
    if isinstance(value, Path):
        value = value.as_posix()
    elif isinstance(value, tuple):
        value = list(value)
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1000)
    return text.removesuffix("\n...\n").strip()


def _cell(text: str) -> str:
    """Text shown as written in a Markdown table cell: `<lang>` is no HTML tag, `|` no cell end."""
    return html.escape(text, quote=False).replace("|", "\\|")


def _row(key: str, item: Field[Any]) -> str:
    # A code span shows `<` as it is; python-markdown's tables skip a `|` inside one.
    return f"| `{key}` | `{shown(default_of(item))}` | {_cell(item.metadata['doc'])} |"


def tables() -> str:
    """One table of the top-level settings, then one per section under its own heading."""
    header = ["| key | default | meaning |", "|---|---|---|"]
    top: list[str] = []
    sections: dict[str, list[str]] = {}
    for key, item in declared(Config):
        if "section" in item.metadata:
            sections[key] = [f"## `{key}:`", "", _cell(item.metadata["doc"]), "", *header]
        elif "." in key:
            sections[key.rsplit(".", 1)[0]].append(_row(key, item))
        else:
            top.append(_row(key, item))
    blocks = ["## Top level", "", *header, *top]
    for lines in sections.values():
        blocks += ["", *lines]
    return "\n".join(blocks) + "\n"


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if page.file.src_uri != "configuration.md":
        return markdown
    if MARKER not in markdown:
        raise ValueError(f"docs/configuration.md lost its marker line {MARKER!r}")
    return markdown.replace(MARKER, tables())
