"""What a site re-run may skip: posts unchanged since last read, pages whose inputs are unchanged.

A page's bytes are a function of its template sources and its context, so a fingerprint of
the two (`digest.fingerprint`; each shown post's Markdown hash stands for its HTML) decides
whether a page must be rendered again. The record lives in the cache folder; without it,
everything is rendered and only the byte comparison in `write` saves writes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePath
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


class PageKeys:
    """The fingerprints of one build's pages (what `digest.fingerprint` does for any value,
    made fast for thousands of page contexts).

    The C JSON encoder walks each context; only what JSON has no form for comes back to
    Python (`_part`). What many pages share (posts, a language's words: the `shared` types)
    is hashed once and remembered; a page's own helpers (its links, its stand-ins) are
    spelled out in place and forgotten, so the memo does not grow with the pages."""

    def __init__(self, shared: tuple[type, ...]) -> None:
        self.shared = shared
        self.memo: dict[int, tuple[Any, str]] = {}  # id -> (the object, kept alive; its hash)
        self.encode = json.JSONEncoder(
            sort_keys=True, ensure_ascii=False, check_circular=False, default=self._part
        ).encode

    def __call__(self, *parts: Any) -> str:
        return hashlib.sha256(self.encode(parts).encode("utf-8")).hexdigest()

    def _part(self, value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            if not isinstance(value, self.shared):
                return _fields(value)
            kept = self.memo.get(id(value))
            if kept is None or kept[0] is not value:
                kept = (value, self(_fields(value)))
                self.memo[id(value)] = kept
            return kept[1]
        if isinstance(value, Mapping):
            return {str(k): v for k, v in value.items()}
        if isinstance(value, (set, frozenset)):
            return sorted(value, key=repr)
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, PurePath):
            return str(value)
        if isinstance(value, bytes):
            return hashlib.sha256(value).hexdigest()
        if callable(value):
            raise TypeError(f"cannot fingerprint {value!r}: what it captures is unseen")
        return repr(value)


def _fields(value: Any) -> dict[str, Any]:
    # Fields marked `fingerprint=False` stand for data fingerprinted another way (a post's
    # body by its hash).
    kept = [f.name for f in dataclasses.fields(value) if f.metadata.get("fingerprint", True)]
    return {"": type(value).__name__, **{name: getattr(value, name) for name in kept}}


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
