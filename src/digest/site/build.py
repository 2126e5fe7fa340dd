"""`digest site`: the posts in, the site's files out, rewritten only where bytes change."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from digest import heap, templating, write
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

    def count(self, name: str, written: bool) -> None:
        if written:
            self.written.append(name)
        else:
            self.unchanged += 1

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
    heap.keep_freed_blocks()  # before the workers are forked: theirs too
    signature = fingerprint(
        __version__, incremental.FORMAT, markup.RENDERER, config.timezone, config.languages[0]
    )
    state = incremental.load(config.site.cache_dir, signature)
    if not state.pages:  # no build to trust: a first build, or the cache is from another version
        incremental.drop_old_bodies(config.site.cache_dir)
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
        _build(Site(config, posts, Bodies(posts_dir)), state, out, report, templates)
    state.save()
    return report


def _build(
    site: Site, state: incremental.State, out: Path, report: SiteReport, templates: str
) -> None:
    plan = _Plan(site, state, out, report, templates)
    global _forked
    _forked = plan  # the workers are forked: they find the build here, not pickled
    try:
        jobs = [(job.lang, job.index, job.name, job.wanted) for job in plan.jobs]
        with parallel.parallel_started(_post_job, jobs) as results:
            plan.render_sections()  # while the workers make the posts' pages
            for job, result in zip(plan.jobs, results(), strict=True):
                plan.post_done(job, *result)
    finally:
        _forked = None
    if plan.converted:
        log.info("converted %d posts to HTML", plan.converted)


@dataclass(frozen=True)
class _Job:
    """A post's work for a worker: its page (rendered when stale) and its records (when a
    section page being rendered here shows them)."""

    lang: str
    index: int
    name: str | None  # the page's file; None: another page has its URL
    wanted: bool


@dataclass
class _Waiting:
    """A section page that shows posts' records, until the workers have handed them all in."""

    name: str
    page: Page
    key: str
    shown: set[str]  # the URLs of the posts it shows
    missing: set[str]  # those whose records have not come yet


class _Plan:
    """Which section pages are stale (only their names and keys are kept) and what each post
    needs, then the rendering: the sections' here, the posts' by the workers (each finds out
    whether its page is stale). A page that shows posts' HTML (a feed, a search index file)
    waits until the workers hand those posts' records back."""

    def __init__(
        self, site: Site, state: incremental.State, out: Path, report: SiteReport, templates: str
    ) -> None:
        self.site, self.state, self.out, self.report = site, state, out, report
        self.keys = incremental.PageKeys(shared=(SitePost, Words))
        self.templates = templates
        names = {f"assets/{name}" for name in ASSETS}
        # Sections first: a post whose permalink takes a section's URL ("/ko/") loses to it.
        # The stale ones: file name -> key (None: no page was there, its key is made when it
        # is rendered, not here while the workers wait), and the URLs of the posts each shows.
        self.sections: dict[str, tuple[str | None, set[str]]] = {}
        wanted: set[str] = set()  # URLs of the posts that stale sections show
        for page in section_pages(site):
            name = _claim(names, page.url)
            if name is None:
                continue
            had = state.had_page(name)
            key = self.stale_key(name, page) if had else None
            if had and key is None:
                report.unchanged += 1
                continue
            shown = {h.post.url for h in incremental.stand_ins(page.context)}
            self.sections[name] = key, shown
            wanted.update(shown)
        jobs = (
            _Job(lang, index, _claim(names, post.url), post.url in wanted)
            for lang, posts in site.by_lang.items()
            for index, post in enumerate(posts)
        )
        self.jobs = [job for job in jobs if job.name or job.wanted]
        self.waiting: dict[str, list[_Waiting]] = {}  # post URL -> the pages waiting for it
        self.holders: dict[str, int] = {}  # post URL -> pages still to render that show it
        self.converted = 0  # posts converted, by the workers or here

    def stale_key(self, name: str, page: Page) -> str | None:
        """The page's key, when it must be rendered (None: the file is current)."""
        key = self.keys(self.templates, page.template, page.url, page.context)
        return None if self.state.page_is_current(self.out, name, key) else key

    def render_sections(self) -> None:
        for page in section_pages(self.site):
            name = file_for(page.url)
            stale = self.sections.pop(name, None)
            if stale is None:
                continue
            key, shown = stale
            key = key or self.keys(self.templates, page.template, page.url, page.context)
            waiting = _Waiting(name, page, key, shown, set(shown))
            for url in shown:
                self.waiting.setdefault(url, []).append(waiting)
                self.holders[url] = self.holders.get(url, 0) + 1
            if not shown:
                self._render(waiting)

    def post_done(
        self, job: _Job, made: tuple[str, bool] | None, records: Any, converted: int
    ) -> None:
        """A worker made the post's page (`made`: its key, and whether the file was written;
        None: current) and records: record them, and render what waited for them."""
        post = self.site.by_lang[job.lang][job.index]
        if job.name and made:
            key, written = made
            self.report.count(job.name, written)
            self.state.remember_page(self.out, job.name, key)
        elif job.name:
            self.state.keep_page(job.name)
            self.report.unchanged += 1
        self.converted += converted
        if records is not None:
            self.site.bodies.give(post, records)
        for waiting in self.waiting.pop(post.url, ()):
            waiting.missing.discard(post.url)
            if not waiting.missing:
                self._render(waiting)

    def _render(self, waiting: _Waiting) -> None:
        before = self.site.bodies.converted
        _place(self.report, self.out, waiting.name, render_page(self.site, waiting.page))
        self.state.remember_page(self.out, waiting.name, waiting.key)
        self.converted += self.site.bodies.converted - before
        for url in waiting.shown:  # records that no page still to render shows are let go
            self.holders[url] -= 1
            if not self.holders[url]:
                del self.holders[url]
                self.site.bodies.forget(self.site.by_url[url])


def _claim(names: set[str], url: str) -> str | None:
    """The file of the page at `url`, unless an earlier page has it."""
    name = file_for(url)
    if name in names:
        log.warning("two pages want %s; kept the site's own", name)
        return None
    names.add(name)
    return name


_forked: _Plan | None = None


def _post_job(job: tuple[str, int, str | None, bool]) -> tuple[Any, Any, int]:
    """In a worker: one post's page rendered and written when stale, its records made when
    wanted, its post converted once for both. Back: the page's key and whether its file was
    written (None: it was current), the records or None, and the posts converted for them."""
    assert _forked is not None
    plan = _forked
    lang, index, name, wanted = job
    site = plan.site
    post = site.by_lang[lang][index]
    before = site.bodies.converted
    made = None
    if name:
        page = post_page(site, lang, index)
        key = plan.stale_key(name, page)
        if key is not None:
            text = render_page(site, page)
            outcome = write.write_text(plan.out, name, text, durable=False)
            made = key, outcome is write.Outcome.WRITTEN
    records = site.bodies.records(post) if wanted else None
    site.bodies.forget(post)
    return made, records, site.bodies.converted - before


def _place(report: SiteReport, out: Path, name: str, text: str) -> None:
    # The site is rebuilt from the posts at will: atomic renames, but no fsync per page.
    report.count(name, write.write_text(out, name, text, durable=False) is write.Outcome.WRITTEN)
