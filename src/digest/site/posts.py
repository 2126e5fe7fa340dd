"""Reading posts back for the site: ours or hand-written, every front matter key optional."""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import partial
from pathlib import Path
from stat import S_ISREG
from typing import Any

from digest import manifest, matter
from digest.errors import UsageError
from digest.site import incremental, markup
from digest.site.parallel import parallel_map

log = logging.getLogger(__name__)

POST_SUFFIXES = (".md", ".markdown")
# Jekyll's post file name: YYYY-MM-DD-slug.md.
_FILENAME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.+)")
# Characters XML 1.0 forbids (an Atom feed with one is not XML) and that no page needs: the
# control characters (one byte each in UTF-8, never part of a longer character, so
# bytes.translate finds them 4x faster than a regex) and two noncharacters.
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NONCHARACTERS = ("\ufffe", "\uffff")
_CONTROL = re.compile(f"[{re.escape(_CONTROL_BYTES.decode('ascii') + ''.join(_NONCHARACTERS))}]")
# The time digest writes; ASCII digits (`\d` is any script's) and minutes as %z takes them.
_DIGEST_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r" ([+-])([0-9]{2})([0-5][0-9])"
)
_RENDERER_LINE = f"{markup.RENDERER}\n".encode()
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


@dataclass(frozen=True)
class SitePost:
    """A post as the site shows it; text is raw (the templates escape it)."""

    source: str  # file name inside the posts folder
    url: str  # site path, "/posts/daily-papers-2026-02-20-ko/"
    title: str
    date: datetime  # aware
    lang: str
    # Markdown; None when the post came from the manifest unread. Not fingerprinted: body_key
    # stands for it.
    body: str | None = field(metadata={"fingerprint": False})
    lang_ref: str | None = None
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    translations: Mapping[str, str] = field(default_factory=dict)  # lang -> url
    papers: int | None = None
    updated: datetime | None = None  # upvotes_as_of
    math: bool = False  # load MathJax for it
    # Hash of the Markdown (and the renderer): same key, same HTML. Not in a page's fingerprint
    # through the post: only a page showing the HTML depends on it, and its stand-in
    # (incremental.Html) carries it; a tag page listing the post is not rendered again for it.
    body_key: str = field(default="", metadata={"fingerprint": False})
    description: str | None = None
    image: str | None = None  # a safe link: http(s), or a path on the site
    period: str | None = None  # `2026-W20`, `2026-05`: a weekly or monthly post; None: a day's
    organizations: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    def record(self) -> dict[str, Any]:
        """Everything but the body, as JSON, so an unchanged file need not be parsed again."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "body"}
        data["date"] = self.date.isoformat()
        data["updated"] = self.updated.isoformat() if self.updated else None
        return data

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> SitePost:
        """A post from `record()`, without its body (`body` is None: read the file for it)."""
        values = {**data, "body": None, "lang": sys.intern(data["lang"])}
        for name in ("tags", "categories", "organizations", "keywords"):
            values[name] = tuple(map(sys.intern, data[name]))
        values["date"] = datetime.fromisoformat(data["date"])
        values["updated"] = datetime.fromisoformat(data["updated"]) if data["updated"] else None
        return cls(**values)


def clean(text: str) -> str:
    # isprintable() is one C pass and true for nearly every title and tag: no regex then.
    return text if text.isprintable() else _CONTROL.sub("", text)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = clean(str(value)).strip()
    return text or None


def _text_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split()  # Jekyll reads `tags: a b` as two tags
    if not isinstance(value, list):
        return ()
    items: list[str] = []
    for item in value:
        text = _text(item)
        if text and text not in items:
            # One str for a name on thousands of posts ("papers"), not one a post.
            items.append(sys.intern(text))
    return tuple(items)


def _names(value: Any) -> tuple[str, ...]:
    """A list of names; one string is one name (an organization has spaces in it)."""
    return _text_list([value] if isinstance(value, str) else value)


def parse_time(value: Any, tz: tzinfo) -> datetime | None:
    """A front matter time of any usual shape; no offset means the blog's time zone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        moment = _digest_time(value) or next(
            filter(None, (_strptime(value.strip(), f) for f in _TIME_FORMATS)), None
        )
        if moment is None:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _digest_time(text: str) -> datetime | None:
    """`2026-02-20 09:00:00 +0900`, the time digest writes, without strptime (20x faster);
    None for any other shape, or a time that is not one."""
    match = _DIGEST_TIME.fullmatch(text)
    if match is None:
        return None
    *parts, sign, hours, minutes = match.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    try:
        return datetime(*map(int, parts), tzinfo=timezone(-offset if sign == "-" else offset))
    except ValueError:  # a 30 February: strptime says so too
        return None


def _strptime(text: str, pattern: str) -> datetime | None:
    try:
        return datetime.strptime(text, pattern)
    except ValueError:
        return None


def safe_permalink(value: Any) -> str | None:
    """A site path that stays inside the site: starts with /, no `..`, no query or scheme."""
    text = _text(value)
    if not text or not text.startswith("/") or text.startswith("//"):
        return None
    parts = text.split("/")
    if any(p in (".", "..") or len(p.encode()) > 200 for p in parts) or len(parts) > 10:
        return None
    if re.search(r"[\\?#%\s<>\"']", text):
        return None
    return text


def page_url(permalink: str) -> str:
    """Pretty URLs end with /; a path without a file extension becomes a folder."""
    if permalink.endswith("/") or posixpath.splitext(permalink)[1]:
        return permalink
    return permalink + "/"


def _translations(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    found = {}
    for lang, url in value.items():
        path = safe_permalink(url)
        if path and _text(lang):
            found[str(lang)] = page_url(path)
    return found


def _image(value: Any) -> str | None:
    """Chirpy's `image` (a path or `{path: …}`), when it is a link a page may load."""
    path = _text(value.get("path")) if isinstance(value, Mapping) else _text(value)
    if not path or not path.startswith(("http://", "https://", "/")) or path.startswith("//"):
        return None
    return markup.safe_link(path)


def _read(path: Path) -> tuple[str, bool]:
    """The file's text as `read_text` gives it, and whether `clean` would leave all of it as it
    is. Decoded here, not by a text stream: its newline translation makes reading 4x slower."""
    data = path.read_bytes()
    text = data.decode("utf-8")
    # One character's `in` on the text: 4x faster than three bytes' on the bytes.
    pure = len(data.translate(None, _CONTROL_BYTES)) == len(data) and not any(
        bad in text for bad in _NONCHARACTERS
    )
    if "\r" in text:  # universal newlines, as read_text reads them
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, pure


def read_body(path: Path) -> str:
    """A post's Markdown as `read_post` gives it; empty when the file went missing or broke."""
    try:
        text, pure = _read(path)
        body = matter.body(text)
        return body if pure else clean(body)
    except Exception:  # read_post warned about it, or it changed since: the page says nothing
        return ""


def read_post(path: Path, tz: tzinfo, default_lang: str) -> SitePost | None:
    """One post, or None (with a warning) when it has no date or cannot be read."""
    try:
        text, pure = _read(path)
        meta, content = matter.split(text)
    except Exception as exc:  # bad YAML, bad UTF-8: skip the post, keep the site
        log.warning("skipped %s: %s", path.name, str(exc).splitlines()[0] if str(exc) else exc)
        return None
    body = content if pure else clean(content)
    named = _FILENAME.fullmatch(path.stem)
    slug = re.sub(r"[^\w.-]+", "-", named.group("slug") if named else path.stem)
    when = parse_time(meta.get("date"), tz)
    if when is None and named:
        when = parse_time(named.group("date"), tz)
    if when is None:
        log.warning("skipped %s: no date in the front matter or the file name", path.name)
        return None
    # Chirpy's posts say `ko-KR` (its locale's name): the site groups by the language alone.
    lang = (_text(meta.get("lang")) or default_lang).split("-")[0].lower() or default_lang
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?", lang):
        lang = default_lang
    lang = sys.intern(lang)
    return SitePost(
        source=path.name,
        url=page_url(safe_permalink(meta.get("permalink")) or f"/posts/{slug}/"),
        title=_text(meta.get("title")) or slug.replace("-", " "),
        date=when,
        lang=lang,
        body=body,
        body_key=body_key(body),
        lang_ref=_text(meta.get("lang_ref")),
        tags=_text_list(meta.get("tags")),
        categories=_text_list(meta.get("categories")),
        translations=_translations(meta.get("translations")),
        papers=matter.count_of(meta),
        updated=parse_time(meta.get(matter.SNAPSHOT_KEY), tz),
        # Whether MathJax should load: `math: true`, or anything in the text it would typeset.
        math=meta.get("math") is True or markup.has_math(body),
        description=_text(meta.get("description")),
        image=_image(meta.get("image")),
        period=_text(meta.get("period")),
        organizations=_names(meta.get("organizations")),
        keywords=_names(meta.get("keywords")),
    )


def body_key(markdown_text: str) -> str:
    key = hashlib.sha256(_RENDERER_LINE)
    key.update(markdown_text.encode())  # (not joined to the line first: a copy of the body)
    return key.hexdigest()


def read_posts(
    folder: Path, tz: tzinfo, default_lang: str, state: incremental.State | None = None
) -> list[SitePost]:
    """Every readable post in `folder`, newest first; one URL per post (the first one wins).

    With `state`, a file unchanged since the last build (same size and mtime) is not parsed;
    the others are parsed on every core when there are many.
    """
    if not folder.is_dir():
        raise UsageError(f"posts folder not found: {folder}")
    files: list[tuple[Path, os.stat_result, dict[str, Any] | None]] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix not in POST_SUFFIXES:
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        if S_ISREG(stat.st_mode):
            files.append((path, stat, state.remembered_post(path, stat) if state else None))
    unread = [path for path, _, known in files if known is None]
    parsed = parallel_map(partial(_record, tz=tz, lang=default_lang), unread)
    read = dict(zip(unread, parsed, strict=True))
    found: dict[str, SitePost] = {}
    for path, stat, known in files:
        record, encoded = (known, None) if known else read[path]
        if record is None:
            continue
        # Only the metadata stays: 6,000 posts' Markdown is gigabytes of str; the workers
        # that convert a post read its file again (`read_body`).
        post = SitePost.from_record(record)
        if state:
            state.remember_post(path, stat, post, encoded)
        if post.url in found:
            log.warning(
                "skipped %s: %s already has its URL %s",
                post.source,
                found[post.url].source,
                post.url,
            )
            continue
        found[post.url] = post
    return sorted(found.values(), key=lambda p: (p.date, p.url), reverse=True)


def _record(
    path: Path, tz: tzinfo, lang: str
) -> tuple[dict[str, Any] | None, manifest.Encoded | None]:
    """One post's metadata as `SitePost.record()` (small to send back from a worker), and as
    the site's manifest keeps it (encoded here, on the worker's core, not at the end)."""
    post = read_post(path, tz, lang)
    if post is None:
        return None, None
    record = post.record()
    return record, manifest.encode(record)
