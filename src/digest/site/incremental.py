"""What a site re-run may skip: posts unchanged since last read, pages whose inputs are unchanged.

A page's bytes are a function of its template sources and its context, so a fingerprint of
the two (`digest.fingerprint`; each shown post's Markdown hash stands for its HTML) decides
whether a page must be rendered again. The record lives in the cache folder; without it,
everything is rendered and only the byte comparison in `write` saves writes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest import manifest

log = logging.getLogger(__name__)

MANIFEST = "site-manifest.json"
FORMAT = 2  # 2: posts keep description, image, period, organizations, keywords


@dataclass(frozen=True)
class Html:
    """Stands for a post's HTML in a page context until the page is really rendered."""

    post: Any  # SitePost
    on: str  # the page it is shown on (its relative links are rebased for that page)
    markup: bool = True  # False: a plain string the template escapes (feeds)
    view: str = "body"  # or "summary" (a feed entry's HTML), "index" (search records)


def stand_ins(value: Any) -> Iterator[Html]:
    """Every post HTML stand-in in a page context."""
    if isinstance(value, Html):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from stand_ins(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from stand_ins(item)


@dataclass
class State:
    """The last build's record, and this build's, kept side by side."""

    cache: Path | None
    signature: str
    posts: dict[str, Any] = field(default_factory=dict)  # file name -> [mtime, size, record]
    pages: dict[str, Any] = field(default_factory=dict)  # output file -> [key, mtime, size]
    new_posts: dict[str, Any] = field(default_factory=dict)
    new_pages: dict[str, Any] = field(default_factory=dict)

    def remembered_post(self, path: Path, stat: os.stat_result) -> Any | None:
        entry = self.posts.get(path.name)
        if entry and entry[0] == stat.st_mtime_ns and entry[1] == stat.st_size:
            return entry[2]
        return None

    def remember_post(self, path: Path, stat: os.stat_result, record: Any) -> None:
        self.new_posts[path.name] = [stat.st_mtime_ns, stat.st_size, record]

    def page_is_current(self, out: Path, name: str, key: str) -> bool:
        """Same inputs as last time, and the file is still the one written then."""
        entry = self.pages.get(name)
        if not entry or entry[0] != key:
            return False
        stat = _stat(out / name)
        current = stat is not None and [stat.st_mtime_ns, stat.st_size] == entry[1:]
        if current:
            self.new_pages[name] = entry
        return current

    def remember_page(self, out: Path, name: str, key: str) -> None:
        stat = _stat(out / name)
        if stat is not None:
            self.new_pages[name] = [key, stat.st_mtime_ns, stat.st_size]

    def save(self) -> None:
        if self.cache is None:
            return
        sections = {"posts": self.new_posts, "pages": self.new_pages}
        manifest.save(self.cache, MANIFEST, self.signature, sections, durable=False)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def load(cache: Path | None, signature: str) -> State:
    """The record of the last build made with the same settings, or an empty one."""
    posts, pages = manifest.read(cache, MANIFEST, signature, ("posts", "pages"))
    return State(cache, signature, posts=posts, pages=pages)
