"""Each post's HTML for the site: converted where it is needed (in the worker that renders the
post's page), kept in a cache file beside its papers' records.

A converted post is one cache file: its Markdown's key, its papers' records (pageindex.records,
for the search index and the feeds) and its HTML. No process keeps any of it: a page reads what
it shows when it is rendered, so memory does not grow with the number of posts.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TextIO

from digest import write
from digest.config import Config
from digest.site import fastmark, markup, pageindex
from digest.site.posts import SitePost, read_body

log = logging.getLogger(__name__)

Records = list[list[str]]  # a post's papers: [title, anchor, text] each (pageindex.records)


class Bodies:
    """Each post's HTML and paper records: read from its cache file while that is current,
    else converted here (and the cache file written)."""

    def __init__(self, config: Config, posts_dir: Path) -> None:
        self.posts_dir = posts_dir
        self._temp: TemporaryDirectory[str] | None = None
        cache = config.site.cache_dir
        if cache is None:  # no cache asked for: the files live as long as this build
            self._temp = TemporaryDirectory(prefix="digest-site-")
            cache = Path(self._temp.name)
        self.cache = cache
        self.converted = 0  # posts converted by this process

    def close(self) -> None:
        if self._temp is not None:
            self._temp.cleanup()

    def html(self, post: SitePost) -> str:
        cached = self._cached(post, html=True)
        return cached[1] if cached else self._convert(post)[1]

    def records(self, post: SitePost) -> Records:
        cached = self._cached(post, html=False)
        return cached[0] if cached else self._convert(post)[0]

    def _cached(self, post: SitePost, html: bool) -> tuple[Records, str] | None:
        """The cache file's records (or HTML: the other is left unread), when it holds the
        post's current Markdown's."""
        try:
            with _open(self.cache, post) as file:
                if file.readline() != post.body_key + "\n":
                    return None
                records = file.readline()
                return ([], file.read()) if html else (json.loads(records), "")
        except (OSError, ValueError):  # missing, broken or not UTF-8: convert it again
            return None

    def _convert(self, post: SitePost) -> tuple[Records, str]:
        self.converted += 1
        return convert(self.posts_dir / post.source, self.cache, post.source, post.body_key)


def _open(cache: Path, post: SitePost) -> TextIO:
    return open(cache / (post.source + ".html"), encoding="utf-8", newline="")


def convert(path: Path, cache: Path, name: str, key: str) -> tuple[Records, str]:
    """Read one post, convert it, write its cache file; its records and HTML back."""
    html = to_html(read_body(path))
    records = pageindex.records(html)
    text = json.dumps(records, ensure_ascii=False)
    write.write_text(cache, name + ".html", f"{key}\n{text}\n{html}", durable=False)
    return records, html


def to_html(body: str) -> str:
    """A post body's HTML: digest's own Markdown by the fast path, the rest by Python-Markdown
    (the same bytes either way, see fastmark)."""
    fast = fastmark.to_html(body)
    return markup.to_html(body) if fast is None else fast
