"""A page of the site before it is rendered: its URL, template, language and context."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
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


@dataclass(frozen=True, eq=False)
class Words(Mapping[str, Any]):
    """A language's words as the templates read them (`labels.archive`, `labels["feed"]`).

    A frozen dataclass, not a dict: every page's context holds the same one, and a page's
    fingerprint (incremental.PageKeys) then hashes its hundred words once a build, not once a
    page. The field's name starts with `_` so that no word is hidden by it."""

    _words: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self._words[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)
