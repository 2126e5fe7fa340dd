"""The site's pages: which pages there are, and what each page's template is given."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from digest import languages, templating
from digest.config import Config
from digest.site import pageindex
from digest.site.incremental import Html
from digest.site.listings import (
    FACETS,
    FEED_PAPERS,
    ListEntries,
    PageEntries,
    archive_page,
    facet_pages,
    feed_page,
    search_pages,
)
from digest.site.page import Facet, Page, Words, switch_of
from digest.site.posts import SitePost, page_url
from digest.site.urls import (
    Absolute,
    ImageSrc,
    Link,
    TagLink,
    rebase,
    relative,
    tag_slug,
)

if TYPE_CHECKING:
    from digest.site.bodies import Bodies


PERIODS_ON_HOME = 6


def site_languages(config: Config, posts: Sequence[SitePost]) -> tuple[str, ...]:
    """Configured languages that have posts, in config order, then any others found."""
    present = {post.lang for post in posts}
    ordered = [lang for lang in config.languages if lang in present]
    return tuple(ordered + sorted(present - set(ordered)))


def environment(user_dir: Path | None) -> jinja2.Environment:
    """The site's templates: HTML (and XML) escaped by default. Each build sees them as they
    are when it starts (`digest serve` builds again and again), and its pages load them
    without a check of their files each (a stat per template per page)."""
    env = _environment(user_dir)
    templating.drop_stale(env)
    return env


@lru_cache(maxsize=8)  # one a build, and the next build's too (serve): compiled once
def _environment(user_dir: Path | None) -> jinja2.Environment:
    autoescape = jinja2.select_autoescape(["html", "xml"])
    env = templating.environment(
        user_dir,
        autoescape=autoescape,
        auto_reload=False,
        keyed=(Words,),  # `labels.archive`
        plain_calls=(Link, TagLink, Absolute, ImageSrc, PageEntries),
    )
    env.globals["tag_slug"] = tag_slug
    return env


class Site:
    """Everything shared by the pages of one build."""

    def __init__(self, config: Config, posts: Sequence[SitePost], bodies: Bodies) -> None:
        self.config = config
        self.posts = posts
        self.bodies = bodies
        self.languages = site_languages(config, posts)
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
        self.words: dict[str, Words] = {}
        self.alike: dict[str, dict[str, Any]] = {}  # lang -> what its pages get alike
        self.names: dict[str, str] = {}  # lang -> its own name
        self.entries = ListEntries(self.env)

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

    def _facet(self, lang: str, field: str) -> Facet:
        """slug -> (name as first written, newest posts first), for tags and the like."""
        tags: Facet = {}
        for post in self.by_lang[lang]:
            for tag in getattr(post, field):
                tags.setdefault(tag_slug(tag), (tag, []))[1].append(post)
        return dict(sorted(tags.items(), key=lambda item: item[1][0].lower()))

    def labels(self, lang: str) -> Words:
        """The words of the pages in `lang` (its language file's, over English's)."""
        if lang not in self.words:
            self.words[lang] = Words(languages.site_words(self.config.templates_dir, lang))
        return self.words[lang]

    def switch(self, make: Callable[[str], str | None]) -> dict[str, str]:
        return switch_of(self.languages, make)

    def title(self, lang: str) -> str:
        return self.config.site.title.get(lang) or str(self.labels(lang)["site_title"])

    def mathjax_src(self, url: str) -> str | None:
        src = self.config.site.mathjax_url
        if src and src.startswith("/"):
            return relative(url, src)
        return src

    def common(self, url: str, lang: str, switch: dict[str, str], math: bool) -> dict[str, Any]:
        """What every page template gets; `switch` maps each language to its page's URL."""
        base = self.config.site.base_url
        mathjax_src = self.mathjax_src(url) if math else None
        labels = self.labels(lang)
        return {
            **self._in_language(lang),
            # Description and OpenGraph: a post page overrides them with its own.
            "meta": {"description": labels["site_description"], "type": "website", "image": None},
            "image_src": ImageSrc(url),
            "url": url,
            "link": Link(url),
            "tag_link": TagLink(url, lang),
            "absolute": Absolute(url, base),
            "canonical": base + url if base else None,
            "switch": [
                {"lang": other, "label": self._name(other), "href": relative(url, dst)}
                for other, dst in switch.items()
            ],
            "mathjax_src": mathjax_src,
            "csp_origin": _origin(mathjax_src) if mathjax_src else "",
        }

    def _in_language(self, lang: str) -> dict[str, Any]:
        """What every page in `lang` gets alike (worked out once a build, not once a page)."""
        if lang not in self.alike:
            self.alike[lang] = {
                "lang": lang,
                "labels": self.labels(lang),
                "thumbnails": self.config.site.thumbnails,
                "site_title": self.title(lang),
                **{f"{place}_url": f"/{lang}/{place}/" for place in ("archive", "tags", "search")},
                "home_url": f"/{lang}/",
                "feed_url": f"/{lang}/feed.xml",
            }
        return self.alike[lang]

    def _name(self, lang: str) -> str:
        if lang not in self.names:
            self.names[lang] = languages.name(self.config.templates_dir, lang)
        return self.names[lang]

    def og_image(self, path: str | None) -> str | None:
        """OpenGraph wants an absolute URL: a site path needs the base URL."""
        base = self.config.site.base_url
        if not path or path.startswith(("http://", "https://")):
            return path
        return Absolute("/", base)(path) if base else None

    def html(self, post: SitePost, on: str) -> str:
        """The post's HTML with its relative links working from page `on`."""
        text = self.bodies.html(post)
        return text if on == post.url else rebase(text, post.url, on)

    def resolve(self, value: Any) -> Any:
        """The context with each post's HTML (or its papers' records) in place of its stand-in."""
        if isinstance(value, Html):
            if value.view == "index":
                href = relative(value.on, value.post.url)
                return pageindex.index_entry(value.post, href, self.bodies.records(value.post))
            if value.view == "summary":
                return self.summary(value.post, value.on)
            text = self.html(value.post, value.on)
            # Safe by construction: markup.to_html escapes raw HTML and allow-lists the rest.
            return Markup(text) if value.markup else text
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.resolve(v) for v in value)
        return value

    def summary(self, post: SitePost, on: str) -> str:
        """A feed entry's HTML: its first papers and a link to the whole post."""
        words = self.labels(post.lang)
        count = words["read_post"] if post.papers is None else words["all_papers"]
        line = count.format(count=post.papers)
        url = Absolute(on, self.config.site.base_url)(post.url)
        return pageindex.summary_html(self.bodies.records(post), url, line, FEED_PAPERS)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def post_page(site: Site, lang: str, index: int) -> Page:
    """The page of the `index`th post in `lang` (newest first), its neighbours linked."""
    posts = site.by_lang[lang]
    post = posts[index]
    url = post.url
    versions = {lang: post, **site.translations(post)}
    switch = site.switch(lambda other: _url_of(versions, other))
    return Page(
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
            "newer": posts[index - 1] if index > 0 else None,
            "older": posts[index + 1] if index + 1 < len(posts) else None,
        },
    )


def _url_of(posts: dict[str, SitePost], lang: str) -> str | None:
    return posts[lang].url if lang in posts else None


def _section_pages(site: Site, lang: str, default_lang: str) -> Iterable[Page]:
    posts = site.by_lang[lang]
    # Days first; a week's or month's post (dated on its last day) has its own list.
    days = [post for post in posts if not post.period]
    homes = ["/", f"/{lang}/"] if lang == default_lang else [f"/{lang}/"]
    for url in homes:
        switch = site.switch(lambda other: f"/{other}/")
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
    yield archive_page(site, lang, posts)
    for name, kicker in FACETS:
        yield from facet_pages(site, lang, name, kicker)
    yield from search_pages(site, lang, posts)
    yield feed_page(site, lang, posts)


def render_page(site: Site, page: Page) -> str:
    template = templating.template(site.env, page.template)
    context = site.resolve(page.context)
    # Not in the page's fingerprint: what it prints is (the listed posts, the page's URL).
    entries = site.entries.on(page.url, page.lang, site.labels(page.lang))
    context["list_entry"], context["list_entries"] = entries, entries.each
    return templating.render(template, context)


def section_pages(site: Site) -> Iterator[Page]:
    """Every page but the posts' (`post_page`), in a stable order, one at a time: a page and
    its context live only while it is looked at."""
    default_lang = site.languages[0] if site.languages else site.config.languages[0]
    for lang in site.languages:
        yield from _section_pages(site, lang, default_lang)
    if not site.languages:
        empty = {"latest": None, "recent": [], "periods": [], "total": 0}
        context = {**site.common("/", default_lang, {}, False), **empty}
        yield Page("/", "site/home.html", default_lang, context)
