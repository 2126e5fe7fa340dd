"""Site paths, the files that serve them, and relative links between pages (pure)."""

from __future__ import annotations

import html
import posixpath
import re
import uuid
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

# Feed and entry ids must never change once published: derived from the site path alone.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:hf-digest:site")
# File systems refuse names over 255 bytes; Korean takes 3 bytes a character.
MAX_SEGMENT = 60
_LINK_ATTRIBUTE = re.compile(r'(?P<name>href|src)="(?P<value>[^"]*)"')


def file_for(url: str) -> str:
    """The file in the output folder that serves a site path."""
    path = url.lstrip("/")
    return path + "index.html" if not path or path.endswith("/") else path


def relative(src: str, dst: str) -> str:
    """A link from page `src` to `dst` that works under any sub-path, percent-encoded."""
    top = _top(src)
    if top and dst[:1] == "/" and "//" not in dst and "/." not in dst:
        # Up to the root and down again when `dst` is outside the page's top folder: the
        # same link from every page as deep (a post from each of a thousand tag pages), made
        # once per depth and target. (Written out: this runs for every link on every page.)
        cut = len(top[0])
        if not dst.startswith(top[0]) or dst[cut : cut + 1] not in ("/", ""):
            return _climbing(top[1], dst)
    return _relative(src, dst)


@lru_cache(maxsize=256)  # a page asks for its links together
def _top(src: str) -> tuple[str, int] | None:
    """A plain page's top folder (`/ko`) and how deep its own folder is; None at the root."""
    cut = src.find("/", 1)
    if cut < 0 or not _plain(src):
        return None
    return src[:cut], src.count("/", cut, src.rfind("/") + 1)


# Bounded: a site's depths are few, its targets (posts, tags) a few thousand; a hit is a link
# printed on another page at the same depth.
@lru_cache(maxsize=16384)
def _climbing(depth: int, dst: str) -> str:
    return _quoted("/".join([".."] * depth + _segments(dst)), dst)


# Bounded: the rest of a page's links start from it, so hits come within a page (its ~20 asks
# for the same few places); a cache as large as the site would only hold memory.
@lru_cache(maxsize=1024)
def _relative(src: str, dst: str) -> str:
    if _plain(src) and _plain(dst):
        rel = _plain_relative(src, dst)
    else:  # `.`, `..`, `//` or a relative path: what posixpath makes of it
        base = src if src.endswith("/") else posixpath.dirname(src) + "/"
        rel = posixpath.relpath(dst, base)
    return _quoted(rel, dst)


def _quoted(rel: str, dst: str) -> str:
    """The link as written: a folder's with its slash, percent-encoded."""
    if dst.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return quote(rel, safe="/:@!$&'()*+,;=-._~")


def _plain(path: str) -> bool:
    """An absolute site path with nothing to normalise: no empty, `.` or `..` segment."""
    return path.startswith("/") and "//" not in path and "/." not in path


def _plain_relative(src: str, dst: str) -> str:
    """posixpath.relpath(dst, src's folder) for plain paths, by splitting alone (relpath
    normalises both through abspath: a tenth of a site's page rendering)."""
    folder = src[: src.rfind("/") + 1]
    if dst.startswith(folder):  # down from the page's folder: a page's own assets, a home's posts
        return dst[len(folder) :].rstrip("/") or "."
    start = folder[1:-1].split("/") if len(folder) > 1 else []
    path = _segments(dst)
    common = 0
    for a, b in zip(start, path, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + path[common:]) or "."


def _segments(path: str) -> list[str]:
    return path[1:].rstrip("/").split("/") if path.strip("/") else []


def rebase(body: str, src: str, dst: str) -> str:
    """A post body's relative links, rewritten for showing the body on page `dst` instead."""

    def move(match: re.Match[str]) -> str:
        value = html.unescape(match.group("value"))
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or value.startswith(("/", "#")) or not value:
            return match.group()
        base = src if src.endswith("/") else posixpath.dirname(src) + "/"
        target = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
        if parts.path.endswith("/") or parts.path in (".", ".."):
            target = target.rstrip("/") + "/"
        moved = relative(dst, target)
        moved += f"?{parts.query}" if parts.query else ""
        moved += f"#{parts.fragment}" if parts.fragment else ""
        return f'{match.group("name")}="{html.escape(moved)}"'

    return _LINK_ATTRIBUTE.sub(move, body)


@lru_cache(maxsize=4096)  # a site has few names, each on many posts and pages
def tag_slug(tag: str) -> str:
    """A folder name for a tag: word characters and dashes, short enough for any file system."""
    slug = re.sub(r"[^\w]+", "-", tag.lower()).strip("-")
    if slug and len(slug) <= MAX_SEGMENT:
        return slug
    return f"{slug[:40].rstrip('-')}-{uuid.uuid5(ID_NAMESPACE, tag).hex[:8]}".lstrip("-")


@dataclass(frozen=True)
class Link:
    """`link(path)` in a template: a relative link from page `on` to a site path. A dataclass,
    not a lambda, so the page's fingerprint sees what it depends on."""

    on: str

    def __call__(self, dst: str) -> str:
        return relative(self.on, dst)


@dataclass(frozen=True)
class TagLink:
    """`tag_link(tag)`: the link from page `on` to the tag's page in language `lang`."""

    on: str
    lang: str

    def __call__(self, tag: str) -> str:
        return relative(self.on, f"/{self.lang}/tags/{tag_slug(tag)}/")


@dataclass(frozen=True)
class Absolute:
    """`absolute(path)`: feeds are read away from the site, so links are absolute when the
    base URL is known."""

    on: str
    base: str | None

    def __call__(self, dst: str) -> str:
        return self.base + quote(dst) if self.base else relative(self.on, dst)


@dataclass(frozen=True)
class ImageSrc:
    """`image_src(path)`: a post image's link from page `on` (an http(s) URL as it is)."""

    on: str

    def __call__(self, path: str | None) -> str | None:
        if not path or path.startswith(("http://", "https://")):
            return path
        return relative(self.on, path)
