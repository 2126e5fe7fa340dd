"""The site's listing pages: the archive, tags, organizations and keywords (a page per name),
search (a page and its index files) and the feeds."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from digest import templating
from digest.site.incremental import Html
from digest.site.page import Page, SiteView, Words
from digest.site.posts import SitePost
from digest.site.urls import ID_NAMESPACE, ImageSrc, relative

# Pages listing posts by a name from their front matter: (folder and SitePost field, label).
FACETS = (("tags", "tagged"), ("organizations", "organization"), ("keywords", "keyword"))
FEED_PAPERS = 5  # papers a feed entry names before linking the whole post


def archive_page(site: SiteView, lang: str, posts: Sequence[SitePost]) -> Page:
    """Every post in `lang`, newest first, under its month."""
    months: dict[str, list[SitePost]] = {}
    for post in posts:
        months.setdefault(post.date.strftime("%Y-%m"), []).append(post)
    url = f"/{lang}/archive/"
    switch = site.switch(lambda other: f"/{other}/archive/")
    return Page(
        url,
        "site/archive.html",
        lang,
        {**site.common(url, lang, switch, False), "months": list(months.items())},
    )


def feed_page(site: SiteView, lang: str, posts: Sequence[SitePost]) -> Page:
    """The Atom feed of the newest posts in `lang`."""
    url = f"/{lang}/feed.xml"
    entries = posts[: site.config.site.feed_entries]
    return Page(
        url,
        "site/feed.xml",
        lang,
        {
            **site.common(url, lang, {}, False),
            "feed_id": _id(site, url),
            # A str, not Markup: the feed template escapes it into text. Summary-sized: its
            # first papers, linked; a whole busy day is 300 KB, twenty of them a feed of MBs.
            "entries": [
                (post, Html(post, url, markup=False, view="summary"), _id(site, post.url))
                for post in entries
            ],
            "updated": max((p.updated or p.date for p in entries), default=None),
            "author": site.config.author or site.title(lang),
        },
    )


def _id(site: SiteView, url: str) -> str:
    base = site.config.site.base_url
    return base + url if base else f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, url)}"


def facet_pages(site: SiteView, lang: str, facet: str, kicker: str) -> Iterable[Page]:
    """An index of a front matter list's names (tags, organizations, keywords), and a page per
    name listing its posts. Organizations and keywords have no pages until a post names one."""
    tags = site.facets[facet][lang]
    if not tags and facet != "tags":
        return
    index = f"/{lang}/{facet}/"
    words = site.labels(lang)
    yield Page(
        index,
        "site/tags.html",
        lang,
        {
            **site.common(index, lang, site.switch(lambda o: f"/{o}/{facet}/"), False),
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
                **site.common(url, lang, site.switch(same_tag), False),
                "kicker": words[kicker],
                "tag": name,
                "posts": posts,
            },
        )


def search_pages(site: SiteView, lang: str, posts: Sequence[SitePost]) -> Iterable[Page]:
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
            **site.common(page, lang, site.switch(lambda o: f"/{o}/search/"), False),
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


class ListEntries:
    """One build's post list entries (`site/entry.html`), each rendered once for what it shows:
    the post, its link and its thumbnail's from the listing page, the language. A post is
    listed on its archive page and on every tag, organization and keyword page it names:
    pages at the same depth link to it alike, so most of a site's 10,000 entries are hits."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self.template: jinja2.Template | None = None  # loaded when a page first lists posts
        # Keyed by the post's id: the posts live as long as the build (and this), and a post's
        # hash would walk every one of its fields at each look-up.
        self.made: dict[tuple[Any, ...], Markup] = {}
        self.lang = ""  # the language of the pages last rendered, and its words
        self.labels: Words | None = None

    def on(self, url: str, lang: str, labels: Words) -> PageEntries:
        if self.made and lang != self.lang:  # a language's pages come together: its posts' too
            self.made.clear()
        self.lang, self.labels = lang, labels
        return PageEntries(self, url)

    def entry(self, post: SitePost, href: str, thumbnails: Any, image: str | None) -> Markup:
        key = (id(post), href, thumbnails, image)
        made = self.made.get(key)
        if made is None:
            if self.template is None:
                self.template = templating.template(self.env, "site/entry.html")
            context = {"post": post, "href": href, "lang": self.lang, "labels": self.labels}
            context.update(thumbnails=thumbnails, image=image)
            # Safe: the template escapes what it prints (autoescape, as every site page).
            made = self.made[key] = Markup(templating.render(self.template, context))
        return made


@dataclass(frozen=True)
class PageEntries:
    """`list_entry(post, thumbnails)` in a template: a post's entry in a list on page `url`;
    `list_entries(posts, thumbnails)`: theirs, in order, one a line."""

    entries: ListEntries
    url: str

    def __call__(self, post: SitePost, thumbnails: Any = False) -> Markup:
        image = ImageSrc(self.url)(post.image) if thumbnails and post.image else None
        return self.entries.entry(post, relative(self.url, post.url), thumbnails, image)

    def each(self, posts: Iterable[SitePost], thumbnails: Any = False) -> Markup:
        """Each post's entry on a line of its own, indented as `post_list` prints them: one
        Markup for the whole list (a template printing a thousand entries escapes, and so
        copies, each of them: a sixth of a tag page's rendering)."""
        return Markup("  " + "\n  ".join([self(post, thumbnails) for post in posts]))
