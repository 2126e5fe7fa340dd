"""MkDocs hook: the docs' reference parts, written at build time from what digest declares
once: the configuration tables from the settings (key, default, doc line), the commands'
examples from the CLI's table. A new setting or example needs no docs edit."""

from __future__ import annotations

import html
from dataclasses import Field
from pathlib import Path
from typing import Any

import yaml

from digest.cli import COMMANDS
from digest.config import Config
from digest.settings import declared, default_of

# Where each page's generated part goes: page -> (marker line, what replaces it).
SETTINGS_MARKER = "<!-- settings: generated from the declarations, do not edit -->"
EXAMPLES_MARKER = "<!-- examples: generated from the commands, do not edit -->"


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


def examples() -> str:
    """Every command's examples, as its --help shows them, in one code block."""
    lines = [line for command in COMMANDS for line in command.examples.splitlines()]
    lines += [
        "  digest --version",
        "  digest COMMAND --help                 its options and examples",
    ]
    return "\n".join(f"  {line}" for line in lines) + "\n"


GENERATED = {
    "configuration.md": (SETTINGS_MARKER, tables),
    "commands.md": (EXAMPLES_MARKER, examples),
}


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if page.file.src_uri not in GENERATED:
        return markdown
    marker, make = GENERATED[page.file.src_uri]
    if marker not in markdown:
        raise ValueError(f"docs/{page.file.src_uri} lost its marker line {marker!r}")
    return markdown.replace(marker, make())
