"""A page of the site before it is rendered: its URL, template, language and context."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    url: str  # site path: "/", "/ko/archive/", "/ko/feed.xml"
    template: str
    lang: str
    context: dict[str, Any]


def switch_of(languages: Sequence[str], make: Callable[[str], str | None]) -> dict[str, str]:
    """Each language's version of a page; a language without one links to its home."""
    return {lang: make(lang) or f"/{lang}/" for lang in languages}
