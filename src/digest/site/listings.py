"""The site's listing pages: tags, organizations and keywords (a page per name), and search
(a page and its index files)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from digest.site.incremental import Html
from digest.site.page import Page
from digest.site.posts import SitePost

if TYPE_CHECKING:
    from digest.site.pages import Site

# Pages listing posts by a name from their front matter: (folder and SitePost field, label).
FACETS = (("tags", "tagged"), ("organizations", "organization"), ("keywords", "keyword"))
FEED_PAPERS = 5  # papers a feed entry names before linking the whole post


def facet_pages(site: Site, lang: str, facet: str, kicker: str) -> Iterable[Page]:
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


def search_pages(site: Site, lang: str, posts: Sequence[SitePost]) -> Iterable[Page]:
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
