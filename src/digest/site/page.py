"""A page of the site before it is rendered: its URL, template, language and context."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from digest.config import Config
    from digest.site.posts import SitePost

# A facet's names in one language: slug -> (the name as first written, its posts newest first).
Facet = dict[str, tuple[str, list["SitePost"]]]


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


class SiteView(Protocol):
    """What a page maker reads of the build's site (`pages.Site` is the one there is): the
    listing pages take it so, and need not import the module that imports them."""

    config: Config
    facets: dict[str, dict[str, Facet]]  # facet ("tags", …) -> language -> its names

    def common(self, url: str, lang: str, switch: dict[str, str], math: bool) -> dict[str, Any]:
        """What every page template gets; `switch` maps each language to its page's URL."""
        ...

    def switch(self, make: Callable[[str], str | None]) -> dict[str, str]: ...

    def title(self, lang: str) -> str: ...

    def labels(self, lang: str) -> Words: ...
