"""Each post's HTML and paper records for the site: converted where a page needs them, kept
only while that page is made.

Nothing is kept on disk: a cache file a post was 2,000 more files to create (and as many
inodes for the filesystem to find) on a site of 2,000 posts built from nothing, a third of its
files, while converting one of digest's posts again (fastmark) takes a few milliseconds. A
re-run converts only the posts its stale pages show.
"""

from __future__ import annotations

from pathlib import Path

from digest.site import fastmark, markup, pageindex
from digest.site.posts import SitePost, read_body

Records = list[list[str]]  # a post's papers: [title, anchor, text] each (pageindex.records)


class Bodies:
    """The posts' HTML and records, made on demand: the last post's are kept (its page and
    its records are asked for one after the other), and records handed in by the workers
    (`give`) are used until taken back (`forget`)."""

    def __init__(self, posts_dir: Path) -> None:
        self.posts_dir = posts_dir
        self.converted = 0  # posts converted by this process
        self._given: dict[str, Records] = {}  # post URL -> records converted elsewhere
        self._last: tuple[str, str, Records | None] | None = None  # URL, HTML, records

    def html(self, post: SitePost) -> str:
        return self._made(post)[1]

    def records(self, post: SitePost) -> Records:
        given = self._given.get(post.url)
        if given is not None:
            return given
        url, html, records = self._made(post)
        if records is None:
            records = pageindex.records(html)
            self._last = (url, html, records)
        return records

    def give(self, post: SitePost, records: Records) -> None:
        self._given[post.url] = records

    def forget(self, post: SitePost) -> None:
        self._given.pop(post.url, None)
        if self._last and self._last[0] == post.url:
            self._last = None

    def _made(self, post: SitePost) -> tuple[str, str, Records | None]:
        if self._last is None or self._last[0] != post.url:
            self.converted += 1
            self._last = (post.url, *convert(read_body(self.posts_dir / post.source)))
        return self._last


def convert(body: str) -> tuple[str, Records | None]:
    """A post body's HTML, and its records when the fast path read it (in the same pass; the
    others' are made from the HTML when asked for)."""
    fast = fastmark.convert(body)
    return (markup.to_html(body), None) if fast is None else fast


def to_html(body: str) -> str:
    """A post body's HTML: digest's own Markdown by the fast path, the rest by Python-Markdown
    (the same bytes either way, see fastmark)."""
    fast = fastmark.to_html(body)
    return markup.to_html(body) if fast is None else fast
