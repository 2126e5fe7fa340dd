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
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from digest import fingerprint, manifest, write

log = logging.getLogger(__name__)

MANIFEST = "site-manifest.json"
FORMAT = 3  # 2: posts keep description, image, period, organizations, keywords; 3: no body cache


@dataclass(frozen=True)
class Html:
    """Stands for a post's HTML in a page context until the page is really rendered."""

    post: Any  # SitePost
    on: str  # the page it is shown on (its relative links are rebased for that page)
    markup: bool = True  # False: a plain string the template escapes (feeds)
    view: str = "body"  # or "summary" (a feed entry's HTML), "index" (search records)
    body: str = field(init=False)  # the post's body_key: what its HTML is made from

    def __post_init__(self) -> None:
        object.__setattr__(self, "body", self.post.body_key)


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
        kept = self.memo.get(id(value))
        if kept is not None and kept[0] is value:
            return kept[1]
        names = _field_names(type(value))
        if names is not None:
            fields = {"": type(value).__name__, **{name: getattr(value, name) for name in names}}
            if not isinstance(value, self.shared):
                return fields
            self.memo[id(value)] = (value, self(fields))
            return self.memo[id(value)][1]
        if isinstance(value, Mapping):
            return {str(k): v for k, v in value.items()}
        if isinstance(value, (set, frozenset)):
            return sorted(value, key=repr)
        return fingerprint.leaf(value)


@lru_cache(maxsize=256)
def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's fields that are fingerprinted (None: not a dataclass). A field marked
    `fingerprint=False` stands for data fingerprinted another way (a post's body by its hash)."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(f.name for f in dataclasses.fields(kind) if f.metadata.get("fingerprint", True))


def stand_ins(value: Any) -> list[Html]:
    """Every post HTML stand-in in a page context."""
    found: list[Html] = []
    _stand_ins(value, found)
    return found


def _stand_ins(value: Any, found: list[Html]) -> None:
    shape = _shape(type(value))
    if shape == "html":
        found.append(value)
    elif shape:
        for item in value.values() if shape == "map" else value:
            _stand_ins(item, found)


@lru_cache(maxsize=256)
def _shape(kind: type) -> str:
    """What a context value may hold stand-ins as, by its type: a tag page lists thousands of
    posts, and an isinstance() of each against Mapping (an ABC) was most of the walk."""
    if issubclass(kind, Html):
        return "html"
    if issubclass(kind, Mapping):
        return "map"
    return "seq" if issubclass(kind, (list, tuple)) else ""


@dataclass
class State:
    """The last build's record, and this build's, kept side by side."""

    cache: Path | None
    signature: str
    posts: dict[str, Any] = field(default_factory=dict)  # file name -> [mtime, size, record]
    pages: dict[str, Any] = field(default_factory=dict)  # output file -> [key, mtime, size]
    inputs: str | None = None  # the fingerprint of all the last build's pages were made from
    new_posts: dict[str, Any] = field(default_factory=dict)  # file name -> (mtime, size, post)
    new_pages: dict[str, Any] = field(default_factory=dict)
    new_inputs: str | None = None
    changed: bool = False  # a post read again, or a page written: the manifest changes

    def post_files(self) -> list[list[Any]]:
        """This build's post files: [name, mtime, size] each, what their records were read by."""
        return [[name, *entry[:2]] for name, entry in self.new_posts.items()]

    def all_current(self, out: Path, inputs: str) -> bool:
        """Whether the last build was made from the same `inputs` and every page it wrote is
        still as it left it: then every page is current, and none need be planned."""
        self.new_inputs = inputs
        if self.cache is None or inputs != self.inputs or not self.pages:
            return False
        return all(self.page_is_current(out, name, entry[0]) for name, entry in self.pages.items())

    def remembered_post(self, path: Path, stat: os.stat_result) -> Any | None:
        """The post's record from the last build if its file is unchanged; taken out of the
        old record, so that only the post made from it stays in memory."""
        entry = self.posts.pop(path.name, None)
        if entry and entry[0] == stat.st_mtime_ns and entry[1] == stat.st_size:
            return entry[2]
        self.changed = True
        return None

    def remember_post(
        self, path: Path, stat: os.stat_result, post: Any, encoded: manifest.Encoded | None = None
    ) -> None:
        """This build's post (a SitePost), with its record as `manifest.encode` wrote it when
        a worker read the file (None: made from the post when saved)."""
        self.new_posts[path.name] = (stat.st_mtime_ns, stat.st_size, post, encoded)

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

    def had_page(self, name: str) -> bool:
        """Whether the last build wrote a page at `name`."""
        return name in self.pages

    def keep_page(self, name: str) -> None:
        """The page was found current (by a worker): its record stays as it was."""
        self.new_pages[name] = self.pages[name]

    def remember_page(self, out: Path, name: str, key: str) -> None:
        stat = _stat(out / name)
        if stat is not None:
            self.new_pages[name] = [key, stat.st_mtime_ns, stat.st_size]
            self.changed = self.changed or self.pages.get(name) != self.new_pages[name]

    def save(self) -> None:
        if self.cache is None:
            return
        # Every post read from its record, every page as before: the same bytes, not made.
        changed = self.changed or self.posts or self.inputs != self.new_inputs
        if not changed and self.pages.keys() == self.new_pages.keys():
            return
        inputs = {"key": self.new_inputs} if self.new_inputs else {}
        posts = _Records(self.new_posts)
        sections = {"posts": posts, "pages": self.new_pages, "inputs": inputs}
        manifest.save(self.cache, MANIFEST, self.signature, sections, durable=False)


class _Records(Mapping[str, Any]):
    """The posts as the manifest keeps them, each record made only as it is written."""

    def __init__(self, posts: dict[str, tuple[int, int, Any, manifest.Encoded | None]]) -> None:
        self.posts = posts

    def __getitem__(self, name: str) -> manifest.Encoded:
        mtime, size, post, encoded = self.posts[name]
        return manifest.encode_list(mtime, size, encoded if encoded is not None else post.record())

    def __iter__(self) -> Iterator[str]:
        return iter(self.posts)

    def __len__(self) -> int:
        return len(self.posts)


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in the cache folder, so that a re-run does not compile them
    again (Jinja checks each against its template's source and Python's version)."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            bucket.bytecode_from_string((self.cache / _compiled(bucket)).read_bytes())
        except Exception:  # missing or broken: compiled again, and written anew
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        write.write_bytes(self.cache, _compiled(bucket), bucket.bytecode_to_string(), durable=False)


def _compiled(bucket: jinja2.bccache.Bucket) -> str:
    return f"templates/{bucket.key}.jinja"


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def drop_old_bodies(cache: Path | None) -> int:
    """Remove the file a post that earlier builds kept in the cache folder (its HTML and
    records, `<post file>.html`; nothing reads them now). Back: how many went."""
    if cache is None or not cache.is_dir():
        return 0
    old = [p.name for p in cache.iterdir() if p.name.endswith((".md.html", ".markdown.html"))]
    return sum(write.remove(cache, name) for name in old)


def load(cache: Path | None, signature: str) -> State:
    """The record of the last build made with the same settings, or an empty one."""
    posts, pages, inputs = manifest.read(cache, MANIFEST, signature, ("posts", "pages", "inputs"))
    key = inputs.get("key")
    return State(cache, signature, posts, pages, key if isinstance(key, str) else None)
