"""`digest site`: the posts in, the site's files out, rewritten only where bytes change."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from digest import templating, write
from digest._version import __version__
from digest.config import Config
from digest.fingerprint import Fingerprints, fingerprint
from digest.site import incremental, markup
from digest.site.bodies import Bodies
from digest.site.pages import Page, Site, plan, render_page
from digest.site.posts import read_posts
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
    bodies = Bodies(config, posts_dir)
    try:
        return _build(config, Site(config, posts, bodies), state, out)
    finally:
        bodies.close()


def _build(config: Config, site: Site, state: incremental.State, out: Path) -> SiteReport:
    posts = site.posts
    report = SiteReport(out=out, posts=len(posts), languages=site.languages)
    if posts and not config.site.base_url:
        log.warning(
            "site.base_url is not set: feed links are relative (most feed readers cannot "
            "follow them) and pages have no canonical URL or og:image"
        )
    for name in ASSETS:
        _place(report, out, f"assets/{name}", templating.source(site.env, f"site/assets/{name}"))
    templates = _templates_key(site.env)
    page_key = Fingerprints()
    pending: list[tuple[str, Page, str]] = []
    seen = {f"assets/{name}" for name in ASSETS}
    for page in plan(site):
        name = file_for(page.url)
        if name in seen:
            log.warning("two pages want %s; kept the site's own", name)
            continue
        seen.add(name)
        key = page_key(templates, page.template, page.url, page.context)
        if state.page_is_current(out, name, key):
            report.unchanged += 1
        else:
            pending.append((name, page, key))
    shown = [[h.post for h in incremental.stand_ins(page.context)] for _, page, _ in pending]
    # The workers convert posts while this process renders the pages that show none.
    with site.bodies.converting(post for posts in shown for post in posts) as converted:
        for (name, page, key), posts in zip(pending, shown, strict=True):
            if not posts:
                _place(report, out, name, render_page(site, page))
                state.remember_page(out, name, key)
        converted()
    for (name, page, key), posts in zip(pending, shown, strict=True):
        if posts:
            _place(report, out, name, render_page(site, page))
            state.remember_page(out, name, key)
    state.save()
    return report


def _place(report: SiteReport, out: Path, name: str, text: str) -> None:
    # The site is rebuilt from the posts at will: atomic renames, but no fsync per page.
    if write.write_text(out, name, text, durable=False) is write.Outcome.WRITTEN:
        report.written.append(name)
    else:
        report.unchanged += 1
