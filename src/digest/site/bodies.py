"""Each post's HTML for the site: converted by workers that read and write the files themselves.

A converted post is one cache file: its Markdown's key, its papers' records (pageindex.records,
for the search index and the feeds) and its HTML. The main process keeps none of it: a page
reads what it shows when it is rendered, so memory does not grow with the number of posts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TextIO

from digest import write
from digest.config import Config
from digest.site import fastmark, markup, pageindex
from digest.site.posts import SitePost, read_body

log = logging.getLogger(__name__)


class Bodies:
    """Each post's HTML and paper records, converted when first needed, kept in files."""

    def __init__(self, config: Config, posts_dir: Path) -> None:
        self.posts_dir = posts_dir
        self._temp: TemporaryDirectory[str] | None = None
        cache = config.site.cache_dir
        if cache is None:  # no cache asked for: the files live as long as this build
            self._temp = TemporaryDirectory(prefix="digest-site-")
            cache = Path(self._temp.name)
        self.cache = cache
        self.ready: set[str] = set()  # URLs whose cache file is current

    def close(self) -> None:
        if self._temp is not None:
            self._temp.cleanup()

    def prepare(self, posts: Iterable[SitePost]) -> None:
        """Convert every post whose cache file is missing or stale, on every core."""
        with self.converting(posts) as done:
            done()

    @contextmanager
    def converting(self, posts: Iterable[SitePost]) -> Iterator[Callable[[], None]]:
        """Start converting the posts whose cache file is missing or stale; the caller renders
        other pages meanwhile and calls what this yields to wait for the workers."""
        todo = []
        for post in {p.url: p for p in posts if p.url not in self.ready}.values():
            if self._current(post):
                self.ready.add(post.url)
            else:
                todo.append(post)
        jobs = [(self.posts_dir / p.source, self.cache, p.source, p.body_key) for p in todo]

        with markup.parallel_started(convert, jobs) as results:

            def done() -> None:
                results()
                self.ready.update(post.url for post in todo)
                if todo:
                    log.info("converted %d posts to HTML", len(todo))

            yield done

    def html(self, post: SitePost) -> str:
        self.prepare([post])
        with _open(self.cache, post) as file:
            file.readline(), file.readline()
            return file.read()

    def records(self, post: SitePost) -> list[list[str]]:
        """The post's papers: [title, anchor, text] each (see pageindex.records)."""
        self.prepare([post])
        with _open(self.cache, post) as file:
            file.readline()
            records: list[list[str]] = json.loads(file.readline())
            return records

    def _current(self, post: SitePost) -> bool:
        """Whether the post's cache file holds its current Markdown's HTML."""
        try:
            with _open(self.cache, post) as file:
                return file.readline() == post.body_key + "\n"
        except (OSError, ValueError):  # missing, or not UTF-8: convert it again
            return False


def _open(cache: Path, post: SitePost) -> TextIO:
    return open(cache / (post.source + ".html"), encoding="utf-8", newline="")


def convert(job: tuple[Path, Path, str, str]) -> None:
    """In a worker: read one post, convert it, write its cache file; nothing big goes back."""
    path, cache, name, key = job
    html = to_html(read_body(path))
    records = json.dumps(pageindex.records(html), ensure_ascii=False)
    write.write_text(cache, name + ".html", f"{key}\n{records}\n{html}", durable=False)


def to_html(body: str) -> str:
    """A post body's HTML: digest's own Markdown by the fast path, the rest by Python-Markdown
    (the same bytes either way, see fastmark)."""
    fast = fastmark.to_html(body)
    return markup.to_html(body) if fast is None else fast
