"""What a site re-run may skip: posts unchanged since last read, pages whose inputs are unchanged.

A page's bytes are a function of its template sources and its context, so a fingerprint of
the two (with each shown post's Markdown hash standing for its HTML) decides whether a page
must be rendered again. The record lives in the cache folder; without it, everything is
rendered and only the byte comparison in `write` saves writes.
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
from pathlib import Path
from typing import Any

from digest import write

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


class Fingerprints:
    """Page fingerprints for one build; each post's part is worked out once, not per page."""

    def __init__(self) -> None:
        self.memo: dict[int, tuple[Any, str]] = {}

    def __call__(self, *parts: Any) -> str:
        text = json.dumps(self._canonical(list(parts)), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _canonical(self, value: Any) -> Any:
        """A JSON-able form of a page context; callables are left out (they derive from the URL)."""
        if isinstance(value, Html):
            return ["html", value.post.body_key, value.on, value.markup, value.view]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            # Keyed by id() while the object is held in the memo (it cannot be reused meanwhile).
            kept = self.memo.get(id(value))
            if kept is None or kept[0] is not value:
                data = {
                    f.name: self._canonical(getattr(value, f.name))
                    for f in dataclasses.fields(value)
                    if f.name != "body"
                }
                kept = (value, self(type(value).__name__, data))
                self.memo[id(value)] = kept
            return kept[1]
        if isinstance(value, Mapping):
            return {str(k): self._canonical(v) for k, v in value.items() if not callable(v)}
        if isinstance(value, (list, tuple)):
            return [self._canonical(v) for v in value if not callable(v)]
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        return repr(value)


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


def fingerprint(*parts: Any) -> str:
    """A hash of the parts (page contexts, template sources, settings)."""
    return Fingerprints()(*parts)


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
        data = {
            "format": FORMAT,
            "signature": self.signature,
            "posts": self.new_posts,
            "pages": self.new_pages,
        }
        write.write_text(self.cache, MANIFEST, json.dumps(data, ensure_ascii=False), durable=False)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def load(cache: Path | None, signature: str) -> State:
    """The record of the last build made with the same settings, or an empty one."""
    state = State(cache, signature)
    text = write.read_existing(cache, MANIFEST) if cache else None
    if text is None:
        return state
    try:
        data = json.loads(text)
    except ValueError:
        log.debug("ignoring a broken %s", MANIFEST)
        return state
    if data.get("format") == FORMAT and data.get("signature") == signature:
        state.posts = data.get("posts", {})
        state.pages = data.get("pages", {})
    return state
