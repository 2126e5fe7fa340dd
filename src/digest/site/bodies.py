"""Each post's HTML for the site: converted when first needed, many at once, and cached."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from digest import write
from digest.config import Config
from digest.site import markup
from digest.site.posts import SitePost, read_post

log = logging.getLogger(__name__)


class Bodies:
    """Each post's HTML, converted when first needed (many at once, on every core), cached."""

    def __init__(self, config: Config, posts_dir: Path) -> None:
        self.config = config
        self.posts_dir = posts_dir
        self.cache = config.site.cache_dir
        self.done: dict[str, str] = {}

    def html(self, post: SitePost) -> str:
        if post.url not in self.done:
            self.prepare([post])
        return self.done[post.url]

    def prepare(self, posts: Iterable[SitePost]) -> None:
        todo = []
        for post in {p.url: p for p in posts if p.url not in self.done}.values():
            kept = write.read_existing(self.cache, post.source + ".html") if self.cache else None
            if kept is not None and kept.startswith(post.body_key + "\n"):
                self.done[post.url] = kept[len(post.body_key) + 1 :]
            else:
                todo.append(post)
        texts = [post.body if post.body is not None else self._read(post) for post in todo]
        for post, converted in zip(todo, markup.to_html_many(texts), strict=True):
            self.done[post.url] = converted
            if self.cache:
                text = f"{post.body_key}\n{converted}"
                write.write_text(self.cache, post.source + ".html", text, durable=False)
        if todo:
            log.info("converted %d posts to HTML", len(todo))

    def _read(self, post: SitePost) -> str:
        """The Markdown of a post known from the manifest (its cached HTML went missing)."""
        again = read_post(self.posts_dir / post.source, self.config.tz, self.config.languages[0])
        return again.body or "" if again else ""
