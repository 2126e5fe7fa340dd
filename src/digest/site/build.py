"""`digest site`: the posts in, the site's files out, rewritten only where bytes change."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from digest import templating, write
from digest._version import __version__
from digest.config import Config
from digest.fingerprint import fingerprint
from digest.site import incremental, markup, parallel
from digest.site.bodies import Bodies
from digest.site.page import Page, Words
from digest.site.pages import (
    Site,
    environment,
    post_page,
    render_page,
    section_pages,
    site_languages,
)
from digest.site.posts import SitePost, read_posts
from digest.site.urls import file_for

log = logging.getLogger(__name__)

ASSETS = ("site.css", "mathjax-config.js", "favicon.svg", "search.js")


@dataclass
class SiteReport:
    """What one `digest site` run did."""

    out: Path
    posts: int = 0
    languages: tuple[str, ...] = ()
    written: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        files = len(self.written) + self.unchanged
        langs = ", ".join(self.languages) or "none"
        return (
            f"site: {self.posts} posts ({langs}), {files} files; "
            f"written {len(self.written)}, unchanged {self.unchanged} in {self.out}"
        )


def _templates_key(env: jinja2.Environment) -> str:
    """Changes when any site template, label or asset changes, wherever it comes from."""
    names = sorted(n for n in env.list_templates() if n.startswith(("site/", "languages/")))
    return fingerprint(__version__, jinja2.__version__, [templating.source(env, n) for n in names])


def build_site(config: Config, posts_dir: Path, out: Path) -> SiteReport:
    """Read every post in `posts_dir` and write the site into `out`; same bytes stay put.

    With `site.cache_dir`, a re-run parses only changed posts and renders only pages whose
    inputs changed; every other page is left as it is.
    """
    signature = fingerprint(__version__, markup.RENDERER, config.timezone, config.languages[0])
    state = incremental.load(config.site.cache_dir, signature)
    posts = read_posts(posts_dir, config.tz, config.languages[0], state)
    report = SiteReport(out=out, posts=len(posts), languages=site_languages(config, posts))
    if posts and not config.site.base_url:
        log.warning(
            "site.base_url is not set: feed links are relative (most feed readers cannot "
            "follow them) and pages have no canonical URL or og:image"
        )
    env = environment(config.templates_dir)
    cache = config.site.cache_dir
    env.bytecode_cache = incremental.CompiledTemplates(cache) if cache else None
    for name in ASSETS:
        _place(report, out, f"assets/{name}", templating.source(env, f"site/assets/{name}"))
    templates = _templates_key(env)
    # Every page is made from these: when none changed, no page needs even planning.
    inputs = incremental.PageKeys(shared=())(templates, config, state.post_files())
    if state.all_current(out, inputs):
        report.unchanged += len(state.new_pages)
    else:
        bodies = Bodies(config, posts_dir)
        try:
            _build(Site(config, posts, bodies), state, out, report, templates)
        finally:
            bodies.close()
    state.save()
    return report


def _build(
    site: Site, state: incremental.State, out: Path, report: SiteReport, templates: str
) -> None:
    plan = _Plan(site, state, out, report, templates)
    global _forked
    _forked = (site, out)  # the workers are forked: they find the build here, not pickled
    try:
        jobs = [(lang, index, name) for lang, index, name, _ in plan.posts]
        with parallel.parallel_started(_render_post, jobs) as results:
            plan.render_sections()  # while the workers render the posts' pages
            for (lang, index, name, key), (written, converted) in zip(
                plan.posts, results(), strict=True
            ):
                plan.post_done(site.by_lang[lang][index], name, key, written, converted)
    finally:
        _forked = None
    if plan.converted:
        log.info("converted %d posts to HTML", plan.converted)


class _Plan:
    """Which pages are stale (only their names and keys are kept), then their rendering: the
    sections' here, the posts' by the workers. A page that shows posts' HTML (a feed, a search
    index file) waits until the workers are done with those posts."""

    def __init__(
        self, site: Site, state: incremental.State, out: Path, report: SiteReport, templates: str
    ) -> None:
        self.site, self.state, self.out, self.report = site, state, out, report
        self.keys = incremental.PageKeys(shared=(SitePost, Words))
        self.templates = templates
        self.names = {f"assets/{name}" for name in ASSETS}
        # Sections first: a post whose permalink takes a section's URL ("/ko/") loses to it.
        self.sections = dict(filter(None, map(self._stale, section_pages(site))))
        self.posts: list[tuple[str, int, str, str]] = []  # lang, index, file name, key
        for lang, posts in site.by_lang.items():
            for index in range(len(posts)):
                if stale := self._stale(post_page(site, lang, index)):
                    self.posts.append((lang, index, *stale))
        self.rendering = {site.by_lang[lang][index].url for lang, index, _, _ in self.posts}
        self.waiting: dict[str, list[list[Any]]] = {}  # post URL -> [name, page, key, count]
        self.converted = 0  # posts converted, by the workers or here

    def _stale(self, page: Page) -> tuple[str, str] | None:
        """The page's file name and key, when it must be rendered."""
        name = file_for(page.url)
        if name in self.names:
            log.warning("two pages want %s; kept the site's own", name)
            return None
        self.names.add(name)
        key = self.keys(self.templates, page.template, page.url, page.context)
        if self.state.page_is_current(self.out, name, key):
            self.report.unchanged += 1
            return None
        return name, key

    def render_sections(self) -> None:
        for page in section_pages(self.site):
            name = file_for(page.url)
            key = self.sections.pop(name, None)
            if key is None:
                continue
            shown = {h.post.url for h in incremental.stand_ins(page.context)} & self.rendering
            entry = [name, page, key, len(shown)]
            for url in shown:
                self.waiting.setdefault(url, []).append(entry)
            if not shown:
                self._render(name, page, key)

    def post_done(self, post: SitePost, name: str, key: str, written: bool, converted: int) -> None:
        """A worker wrote the post's page: record it, and render what waited for it alone."""
        if written:
            self.report.written.append(name)
        else:
            self.report.unchanged += 1
        self.state.remember_page(self.out, name, key)
        self.converted += converted
        for entry in self.waiting.pop(post.url, ()):
            entry[3] -= 1
            if entry[3] == 0:
                self._render(*entry[:3])

    def _render(self, name: str, page: Page, key: str) -> None:
        before = self.site.bodies.converted  # a shown post whose cache file went stale
        _place(self.report, self.out, name, render_page(self.site, page))
        self.state.remember_page(self.out, name, key)
        self.converted += self.site.bodies.converted - before


_forked: tuple[Site, Path] | None = None


def _render_post(job: tuple[str, int, str]) -> tuple[bool, int]:
    """In a worker: one post's page rendered (its post converted if need be) and written.
    Back: whether the file was written, and how many posts were converted for it."""
    assert _forked is not None
    site, out = _forked
    lang, index, name = job
    before = site.bodies.converted
    text = render_page(site, post_page(site, lang, index))
    written = write.write_text(out, name, text, durable=False) is write.Outcome.WRITTEN
    return written, site.bodies.converted - before


def _place(report: SiteReport, out: Path, name: str, text: str) -> None:
    # The site is rebuilt from the posts at will: atomic renames, but no fsync per page.
    if write.write_text(out, name, text, durable=False) is write.Outcome.WRITTEN:
        report.written.append(name)
    else:
        report.unchanged += 1
