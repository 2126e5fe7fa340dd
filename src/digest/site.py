"""The static site: posts → pages, tag pages, archives and Atom feeds, written incrementally."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
import yaml
from markupsafe import Markup

from digest import __version__, incremental, markup, pageindex, write
from digest.config import Config
from digest.errors import TemplateError
from digest.incremental import Html
from digest.posts import SitePost, page_url, read_post, read_posts
from digest.render import LANGUAGE_NAMES, default_templates_dir
from digest.urls import ID_NAMESPACE, file_for, rebase, relative, tag_slug

log = logging.getLogger(__name__)

ASSETS = ("site.css", "mathjax-config.js", "favicon.svg", "search.js")
# Pages listing posts by a name from their front matter: (folder and SitePost field, label).
FACETS = (("tags", "tagged"), ("organizations", "organization"), ("keywords", "keyword"))
FEED_PAPERS = 5  # papers a feed entry names before linking the whole post
PERIODS_ON_HOME = 6


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


@dataclass(frozen=True)
class Page:
    url: str  # site path: "/", "/ko/archive/", "/ko/feed.xml"
    template: str
    lang: str
    context: dict[str, Any]


@lru_cache(maxsize=8)
def environment(user_dir: Path | None) -> jinja2.Environment:
    """User templates first, file by file, the packaged ones after; HTML and XML escaped."""
    searched = [str(d) for d in (user_dir, default_templates_dir()) if d is not None]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(searched, encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["searched_paths"] = searched
    env.globals["tag_slug"] = tag_slug
    return env


def _source(env: jinja2.Environment, name: str) -> str:
    try:
        assert env.loader
        return env.loader.get_source(env, name)[0]
    except jinja2.TemplateNotFound:
        where = ", ".join(env.globals["searched_paths"])
        raise TemplateError(f"template '{name}' not found in: {where}") from None


def _template(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        _source(env, name)  # raises with the searched paths
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or name}:{exc.lineno}: {exc.message}") from None


def _labels(env: jinja2.Environment) -> dict[str, dict[str, str]]:
    data = yaml.safe_load(_source(env, "site/labels.yaml"))
    if not isinstance(data, dict) or "en" not in data:
        raise TemplateError("site/labels.yaml: expected a mapping of language to labels, with en")
    return data


def _languages(config: Config, posts: Sequence[SitePost]) -> tuple[str, ...]:
    """Configured languages that have posts, in config order, then any others found."""
    present = {post.lang for post in posts}
    ordered = [lang for lang in config.languages if lang in present]
    return tuple(ordered + sorted(present - set(ordered)))


class _Site:
    """Everything shared by the pages of one build."""

    def __init__(self, config: Config, posts: Sequence[SitePost], bodies: Bodies) -> None:
        self.config = config
        self.posts = posts
        self.bodies = bodies
        self.languages = _languages(config, posts)
        self.by_lang = {lang: [p for p in posts if p.lang == lang] for lang in self.languages}
        self.by_url = {p.url: p for p in posts}
        self.by_ref: dict[str, list[SitePost]] = {}
        for post in posts:
            if post.lang_ref:
                self.by_ref.setdefault(post.lang_ref, []).append(post)
        self.facets = {
            name: {lang: self._facet(lang, name) for lang in self.languages} for name, _ in FACETS
        }
        self.env = environment(config.templates_dir)
        self.labels = _labels(self.env)

    def translations(self, post: SitePost) -> dict[str, SitePost]:
        """The other languages' versions: same lang_ref, else the front matter's links."""
        found = {}
        for other in self.by_ref.get(post.lang_ref or "", ()):
            if other.lang != post.lang:
                found.setdefault(other.lang, other)
        for lang, url in post.translations.items():
            other = self.by_url.get(page_url(url))
            if other and lang != post.lang and other.lang == lang:
                found.setdefault(lang, other)
        return {lang: found[lang] for lang in self.languages if lang in found}

    def _facet(self, lang: str, field: str) -> dict[str, tuple[str, list[SitePost]]]:
        """slug -> (name as first written, newest posts first), for tags and the like."""
        tags: dict[str, tuple[str, list[SitePost]]] = {}
        for post in self.by_lang[lang]:
            for tag in getattr(post, field):
                tags.setdefault(tag_slug(tag), (tag, []))[1].append(post)
        return dict(sorted(tags.items(), key=lambda item: item[1][0].lower()))

    def mathjax_src(self, url: str) -> str | None:
        src = self.config.site.mathjax_url
        if src and src.startswith("/"):
            return relative(url, src)
        return src

    def words(self, lang: str) -> dict[str, str]:
        return {**self.labels["en"], **self.labels.get(lang, {})}

    def absolute(self, src: str, dst: str) -> str:
        """A link for text read away from the site (feeds, OpenGraph): absolute when it can be."""
        base = self.config.site.base_url
        return base + quote(dst) if base else relative(src, dst)

    def common(self, url: str, lang: str, switch: dict[str, str], math: bool) -> dict[str, Any]:
        """What every page template gets; `switch` maps each language to its page's URL."""
        site = self.config.site
        base = site.base_url
        mathjax_src = self.mathjax_src(url) if math else None
        labels = self.words(lang)
        return {
            "lang": lang,
            "labels": labels,
            # Description and OpenGraph: a post page overrides them with its own.
            "meta": {"description": labels["description"], "type": "website", "image": None},
            "thumbnails": site.thumbnails,
            "image_src": lambda path: self.image_src(url, path),
            "site_title": site.title_for(lang),
            "url": url,
            "link": lambda dst: relative(url, dst),
            # Feeds are read away from the site: absolute links when the base URL is known.
            "absolute": lambda dst: self.absolute(url, dst),
            "canonical": base + url if base else None,
            "home_url": f"/{lang}/",
            "feed_url": f"/{lang}/feed.xml",
            "switch": [
                {
                    "lang": other,
                    "label": LANGUAGE_NAMES.get(other, other),
                    "href": relative(url, dst),
                }
                for other, dst in switch.items()
            ],
            "mathjax_src": mathjax_src,
            "csp_origin": _origin(mathjax_src) if mathjax_src else "",
        }

    def image_src(self, on: str, path: str | None) -> str | None:
        """A post image's link from page `on`; an absolute URL for OpenGraph needs a base."""
        if not path or path.startswith(("http://", "https://")):
            return path
        return relative(on, path)

    def og_image(self, path: str | None) -> str | None:
        base = self.config.site.base_url
        if not path or path.startswith(("http://", "https://")):
            return path
        return base + quote(path) if base else None

    def html(self, post: SitePost, on: str) -> str:
        """The post's HTML with its relative links working from page `on`."""
        text = self.bodies.html(post)
        return text if on == post.url else rebase(text, post.url, on)

    def resolve(self, value: Any) -> Any:
        """The context with each post's HTML in place of its stand-in."""
        if isinstance(value, Html):
            text = self.html(value.post, value.on)
            if value.view == "index":
                return pageindex.index_entry(value.post, relative(value.on, value.post.url), text)
            if value.view == "summary":
                return self.summary(value.post, value.on, text)
            # Safe by construction: markup.to_html escapes raw HTML and allow-lists the rest.
            return Markup(text) if value.markup else text
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.resolve(v) for v in value)
        return value

    def summary(self, post: SitePost, on: str, text: str) -> str:
        """A feed entry's HTML: its first papers and a link to the whole post."""
        words = self.words(post.lang)
        count = words["read_post"] if post.papers is None else words["all_papers"]
        line = count.format(count=post.papers)
        return pageindex.summary_html(text, self.absolute(on, post.url), line, FEED_PAPERS)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _switch(site: _Site, make: Callable[[str], str | None]) -> dict[str, str]:
    """Each language's version of a page; a language without one links to its home."""
    return {lang: make(lang) or f"/{lang}/" for lang in site.languages}


def _post_pages(site: _Site) -> Iterable[Page]:
    for lang, posts in site.by_lang.items():
        for i, post in enumerate(posts):
            url = post.url
            versions = {lang: post, **site.translations(post)}
            switch = _switch(site, lambda other, v=versions: _url_of(v, other))
            yield Page(
                url,
                "site/post.html",
                lang,
                {
                    **site.common(url, lang, switch, post.math),
                    "meta": {
                        "description": post.description or post.title,
                        "type": "article",
                        "image": site.og_image(post.image),
                    },
                    "post": post,
                    "body": Html(post, url),
                    "newer": posts[i - 1] if i > 0 else None,
                    "older": posts[i + 1] if i + 1 < len(posts) else None,
                },
            )


def _url_of(posts: dict[str, SitePost], lang: str) -> str | None:
    return posts[lang].url if lang in posts else None


def _section_pages(site: _Site, lang: str, default_lang: str) -> Iterable[Page]:
    posts = site.by_lang[lang]
    # Days first; a week's or month's post (dated on its last day) has its own list.
    days = [post for post in posts if not post.period]
    homes = ["/", f"/{lang}/"] if lang == default_lang else [f"/{lang}/"]
    for url in homes:
        switch = _switch(site, lambda other: f"/{other}/")
        yield Page(
            url,
            "site/home.html",
            lang,
            {
                **site.common(url, lang, switch, False),
                "latest": days[0] if days else None,
                "recent": days[: site.config.site.recent],
                "periods": [post for post in posts if post.period][:PERIODS_ON_HOME],
                "total": len(posts),
            },
        )
    archive = f"/{lang}/archive/"
    yield Page(
        archive,
        "site/archive.html",
        lang,
        {
            **site.common(archive, lang, _switch(site, lambda o: f"/{o}/archive/"), False),
            "months": _by_month(posts),
        },
    )
    for name, kicker in FACETS:
        yield from _facet_pages(site, lang, name, kicker)
    yield from _search_pages(site, lang, posts)
    feed = f"/{lang}/feed.xml"
    entries = posts[: site.config.site.feed_entries]
    yield Page(
        feed,
        "site/feed.xml",
        lang,
        {
            **site.common(feed, lang, {}, False),
            "feed_id": _id(site, feed),
            # A str, not Markup: the feed template escapes it into text. Summary-sized: its
            # first papers, linked; a whole busy day is 300 KB, twenty of them a feed of MBs.
            "entries": [
                (post, Html(post, feed, markup=False, view="summary"), _id(site, post.url))
                for post in entries
            ],
            "updated": max((p.updated or p.date for p in entries), default=None),
            "author": site.config.author or site.config.site.title_for(lang),
        },
    )


def _facet_pages(site: _Site, lang: str, facet: str, kicker: str) -> Iterable[Page]:
    """An index of a front matter list's names (tags, organizations, keywords), and a page per
    name listing its posts. Organizations and keywords have no pages until a post names one."""
    tags = site.facets[facet][lang]
    if not tags and facet != "tags":
        return
    index = f"/{lang}/{facet}/"
    words = site.words(lang)
    yield Page(
        index,
        "site/tags.html",
        lang,
        {
            **site.common(index, lang, _switch(site, lambda o: f"/{o}/{facet}/"), False),
            "heading": words[facet],
            "tags": [(name, f"{index}{slug}/", len(posts)) for slug, (name, posts) in tags.items()],
        },
    )
    for slug, (name, posts) in tags.items():
        url = f"{index}{slug}/"

        def same_tag(other: str, slug: str = slug) -> str | None:
            return f"/{other}/{facet}/{slug}/" if slug in site.facets[facet][other] else None

        yield Page(
            url,
            "site/tag.html",
            lang,
            {
                **site.common(url, lang, _switch(site, same_tag), False),
                "kicker": words[kicker],
                "tag": name,
                "posts": posts,
            },
        )


def _search_pages(site: _Site, lang: str, posts: Sequence[SitePost]) -> Iterable[Page]:
    """A search page and its index: each post's title and words, its papers' titles and first
    lines (meta line, TL;DR), searched in the browser by a few lines of JS (assets/search.js).
    One index file an ISO week, fetched newest first and only while results are too few: a
    busy year is 17 MB of index (6 MB gzipped), a busy week 340 KB; and a new day re-renders
    its week's file alone."""
    page = f"/{lang}/search/"
    weeks: dict[str, list[SitePost]] = {}
    for post in posts:
        year, week, _ = post.date.isocalendar()
        weeks.setdefault(f"{year}-W{week:02d}", []).append(post)
    yield Page(
        page,
        "site/search.html",
        lang,
        {
            **site.common(page, lang, _switch(site, lambda o: f"/{o}/search/"), False),
            "shards": [f"{page}{week}.json" for week in weeks],
        },
    )
    for week, in_week in weeks.items():
        yield Page(
            f"{page}{week}.json",
            "site/search.json",
            lang,
            {"entries": [Html(post, page, markup=False, view="index") for post in in_week]},
        )


def _by_month(posts: Sequence[SitePost]) -> list[tuple[str, list[SitePost]]]:
    months: dict[str, list[SitePost]] = {}
    for post in posts:
        months.setdefault(post.date.strftime("%Y-%m"), []).append(post)
    return list(months.items())


def _id(site: _Site, url: str) -> str:
    base = site.config.site.base_url
    return base + url if base else f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, url)}"


def _render(site: _Site, page: Page) -> str:
    template = _template(site.env, page.template)
    try:
        return template.render(site.resolve(page.context))
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template '{template.name}': {exc}") from None


def plan(site: _Site) -> list[Page]:
    """Every page of the site, in a stable order."""
    pages: list[Page] = []
    default_lang = site.languages[0] if site.languages else site.config.languages[0]
    for lang in site.languages:
        pages.extend(_section_pages(site, lang, default_lang))
    if not site.languages:
        empty = {"latest": None, "recent": [], "periods": [], "total": 0}
        context = {**site.common("/", default_lang, {}, False), **empty}
        pages.append(Page("/", "site/home.html", default_lang, context))
    # Posts last: one whose permalink takes a section's URL ("/ko/") loses to the section.
    pages.extend(_post_pages(site))
    return pages


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


def _templates_key(env: jinja2.Environment) -> str:
    """Changes when any site template, label or asset changes, wherever it comes from."""
    names = sorted(n for n in env.list_templates() if n.startswith("site/"))
    return incremental.fingerprint(
        __version__, jinja2.__version__, [_source(env, n) for n in names]
    )


def build_site(config: Config, posts_dir: Path, out: Path) -> SiteReport:
    """Read every post in `posts_dir` and write the site into `out`; same bytes stay put.

    With `site.cache_dir`, a re-run parses only changed posts and renders only pages whose
    inputs changed; every other page is left as it is.
    """
    signature = incremental.fingerprint(
        __version__, markup.RENDERER, config.timezone, config.languages[0]
    )
    state = incremental.load(config.site.cache_dir, signature)
    posts = read_posts(posts_dir, config.tz, config.languages[0], state)
    site = _Site(config, posts, Bodies(config, posts_dir))
    report = SiteReport(out=out, posts=len(posts), languages=site.languages)
    if posts and not config.site.base_url:
        log.warning(
            "site.base_url is not set: feed links are relative (most feed readers cannot "
            "follow them) and pages have no canonical URL or og:image"
        )
    for name in ASSETS:
        _place(report, out, f"assets/{name}", _source(site.env, f"site/assets/{name}"))
    templates = _templates_key(site.env)
    fingerprint = incremental.Fingerprints()
    pending: list[tuple[str, Page, str]] = []
    seen = {f"assets/{name}" for name in ASSETS}
    for page in plan(site):
        name = file_for(page.url)
        if name in seen:
            log.warning("two pages want %s; kept the site's own", name)
            continue
        seen.add(name)
        key = fingerprint(templates, page.template, page.url, page.context)
        if state.page_is_current(out, name, key):
            report.unchanged += 1
        else:
            pending.append((name, page, key))
    site.bodies.prepare(
        h.post for _, page, _ in pending for h in incremental.stand_ins(page.context)
    )
    for name, page, key in pending:
        _place(report, out, name, _render(site, page))
        state.remember_page(out, name, key)
    state.save()
    return report


def _place(report: SiteReport, out: Path, name: str, text: str) -> None:
    # The site is rebuilt from the posts at will: atomic renames, but no fsync per page.
    if write.write_text(out, name, text, durable=False) is write.Outcome.WRITTEN:
        report.written.append(name)
    else:
        report.unchanged += 1
