"""The site's pages: which pages there are, and what each page's template is given."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from digest import languages, templating
from digest.config import Config
from digest.site.incremental import Html
from digest.site.posts import SitePost, page_url
from digest.site.urls import ID_NAMESPACE, Absolute, Link, rebase, relative, tag_slug

if TYPE_CHECKING:
    from digest.site.bodies import Bodies


@dataclass(frozen=True)
class Page:
    url: str  # site path: "/", "/ko/archive/", "/ko/feed.xml"
    template: str
    lang: str
    context: dict[str, Any]


def _languages(config: Config, posts: Sequence[SitePost]) -> tuple[str, ...]:
    """Configured languages that have posts, in config order, then any others found."""
    present = {post.lang for post in posts}
    ordered = [lang for lang in config.languages if lang in present]
    return tuple(ordered + sorted(present - set(ordered)))


def environment(user_dir: Path | None) -> jinja2.Environment:
    """The site's templates: HTML (and XML) escaped by default."""
    env = templating.environment(user_dir, autoescape=jinja2.select_autoescape(["html", "xml"]))
    env.globals["tag_slug"] = tag_slug
    return env


class Site:
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
        self.tags = {lang: self._tags(lang) for lang in self.languages}
        self.env = environment(config.templates_dir)
        self.words: dict[str, dict[str, Any]] = {}

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

    def _tags(self, lang: str) -> dict[str, tuple[str, list[SitePost]]]:
        """slug -> (name as first written, newest posts first)."""
        tags: dict[str, tuple[str, list[SitePost]]] = {}
        for post in self.by_lang[lang]:
            for tag in post.tags:
                tags.setdefault(tag_slug(tag), (tag, []))[1].append(post)
        return dict(sorted(tags.items(), key=lambda item: item[1][0].lower()))

    def labels(self, lang: str) -> dict[str, Any]:
        """The words of the pages in `lang` (its language file's, over English's)."""
        if lang not in self.words:
            self.words[lang] = languages.site_words(self.config.templates_dir, lang)
        return self.words[lang]

    def title(self, lang: str) -> str:
        return self.config.site.title.get(lang) or str(self.labels(lang)["site_title"])

    def mathjax_src(self, url: str) -> str | None:
        src = self.config.site.mathjax_url
        if src and src.startswith("/"):
            return relative(url, src)
        return src

    def common(self, url: str, lang: str, switch: dict[str, str], math: bool) -> dict[str, Any]:
        """What every page template gets; `switch` maps each language to its page's URL."""
        site = self.config.site
        base = site.base_url
        mathjax_src = self.mathjax_src(url) if math else None
        return {
            "lang": lang,
            "labels": self.labels(lang),
            "site_title": self.title(lang),
            "url": url,
            "link": Link(url),
            "absolute": Absolute(url, base),
            "canonical": base + url if base else None,
            "home_url": f"/{lang}/",
            "feed_url": f"/{lang}/feed.xml",
            "switch": [
                {
                    "lang": other,
                    "label": languages.name(self.config.templates_dir, other),
                    "href": relative(url, dst),
                }
                for other, dst in switch.items()
            ],
            "mathjax_src": mathjax_src,
            "csp_origin": _origin(mathjax_src) if mathjax_src else "",
        }

    def html(self, post: SitePost, on: str) -> str:
        """The post's HTML with its relative links working from page `on`."""
        text = self.bodies.html(post)
        return text if on == post.url else rebase(text, post.url, on)

    def resolve(self, value: Any) -> Any:
        """The context with each post's HTML in place of its stand-in."""
        if isinstance(value, Html):
            text = self.html(value.post, value.on)
            # Safe by construction: markup.to_html escapes raw HTML and allow-lists the rest.
            return Markup(text) if value.markup else text
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.resolve(v) for v in value)
        return value


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _switch(site: Site, make: Callable[[str], str | None]) -> dict[str, str]:
    """Each language's version of a page; a language without one links to its home."""
    return {lang: make(lang) or f"/{lang}/" for lang in site.languages}


def _post_pages(site: Site) -> Iterable[Page]:
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
                    "post": post,
                    "body": Html(post, url),
                    "newer": posts[i - 1] if i > 0 else None,
                    "older": posts[i + 1] if i + 1 < len(posts) else None,
                },
            )


def _url_of(posts: dict[str, SitePost], lang: str) -> str | None:
    return posts[lang].url if lang in posts else None


def _section_pages(site: Site, lang: str, default_lang: str) -> Iterable[Page]:
    posts = site.by_lang[lang]
    latest = posts[0] if posts else None
    homes = ["/", f"/{lang}/"] if lang == default_lang else [f"/{lang}/"]
    for url in homes:
        switch = _switch(site, lambda other: f"/{other}/")
        math = bool(latest and latest.math)
        yield Page(
            url,
            "site/home.html",
            lang,
            {
                **site.common(url, lang, switch, math),
                "latest": latest,
                "body": Html(latest, url) if latest else "",
                "recent": posts[1 : site.config.site.recent + 1],
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
    yield from _tag_pages(site, lang)
    feed = f"/{lang}/feed.xml"
    entries = posts[: site.config.site.feed_entries]
    yield Page(
        feed,
        "site/feed.xml",
        lang,
        {
            **site.common(feed, lang, {}, False),
            "feed_id": _id(site, feed),
            # A str, not Markup: the feed template escapes it into text.
            "entries": [
                (post, Html(post, feed, markup=False), _id(site, post.url)) for post in entries
            ],
            "updated": max((p.updated or p.date for p in entries), default=None),
            "author": site.config.author or site.title(lang),
        },
    )


def _tag_pages(site: Site, lang: str) -> Iterable[Page]:
    tags = site.tags[lang]
    index = f"/{lang}/tags/"
    yield Page(
        index,
        "site/tags.html",
        lang,
        {
            **site.common(index, lang, _switch(site, lambda o: f"/{o}/tags/"), False),
            "tags": [(name, f"{index}{slug}/", len(posts)) for slug, (name, posts) in tags.items()],
        },
    )
    for slug, (name, posts) in tags.items():
        url = f"{index}{slug}/"

        def same_tag(other: str, slug: str = slug) -> str | None:
            return f"/{other}/tags/{slug}/" if slug in site.tags[other] else None

        yield Page(
            url,
            "site/tag.html",
            lang,
            {**site.common(url, lang, _switch(site, same_tag), False), "tag": name, "posts": posts},
        )


def _by_month(posts: Sequence[SitePost]) -> list[tuple[str, list[SitePost]]]:
    months: dict[str, list[SitePost]] = {}
    for post in posts:
        months.setdefault(post.date.strftime("%Y-%m"), []).append(post)
    return list(months.items())


def _id(site: Site, url: str) -> str:
    base = site.config.site.base_url
    return base + url if base else f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, url)}"


def render_page(site: Site, page: Page) -> str:
    template = templating.template(site.env, page.template)
    return templating.render(template, site.resolve(page.context))


def plan(site: Site) -> list[Page]:
    """Every page of the site, in a stable order."""
    pages: list[Page] = []
    default_lang = site.languages[0] if site.languages else site.config.languages[0]
    for lang in site.languages:
        pages.extend(_section_pages(site, lang, default_lang))
    if not site.languages:
        empty = {"latest": None, "body": "", "recent": [], "total": 0}
        context = {**site.common("/", default_lang, {}, False), **empty}
        pages.append(Page("/", "site/home.html", default_lang, context))
    # Posts last: one whose permalink takes a section's URL ("/ko/") loses to the section.
    pages.extend(_post_pages(site))
    return pages
