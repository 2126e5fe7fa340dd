"""Rendering: an edition's ranked papers to a post's text, per language (front matter by code,
body by one Jinja template, words from the language's file). Pure."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import jinja2

from digest import editions, entries, languages, templating
from digest.config import Config
from digest.editions import Edition
from digest.errors import ConfigError
from digest.escape import (
    SafeMarkdown,
    count_filter,
    digits_filter,
    fill_filter,
    finalize,
    math_filter,
    safe_url,
)
from digest.matter import dump_front_matter, fill, front_matter
from digest.models import Paper

TEMPLATE = "post.md"
_FILTERS = (
    ("math", math_filter),
    ("fill", fill_filter),
    ("count", count_filter),
    ("digits", digits_filter),
)


@dataclass(frozen=True)
class Entry:
    """A paper as a template sees it: its rank, its text, and link targets made safe."""

    rank: int
    paper: Paper
    authors: tuple[str, ...]
    more_authors: int
    hf_url: SafeMarkdown
    arxiv_url: SafeMarkdown
    pdf_url: SafeMarkdown
    github_url: SafeMarkdown | None
    project_url: SafeMarkdown | None
    anchor: str = ""  # `arxiv-2602-13515`: the entry's id in the page (word characters, -)
    links: tuple[Link, ...] = ()  # the meta line's: one per distinct URL
    detail: bool = True  # a full entry (authors, keywords, abstract), else a compact one
    day: str | None = None  # a week's or month's post: the day it was listed (YYYY-MM-DD)
    day_url: SafeMarkdown | None = None  # and that day's post

    @property
    def shown_links(self) -> tuple[Link, ...]:
        """The meta line's links: a compact entry leaves out the PDF (the arXiv page has it),
        the bytes of a busy day's post that a reader misses least."""
        return self.links if self.detail else tuple(x for x in self.links if x.kind != entries.PDF)

    @property
    def stars(self) -> int | None:
        """The code link's stars (the ranking table's ⭐), when the API counted them."""
        return next((link.stars for link in self.links if link.kind == entries.CODE), None)

    @property
    def heading_id(self) -> SafeMarkdown:
        """`{#arxiv-2602-13515}`: kramdown's (and the site's) heading id, after the title."""
        return SafeMarkdown("{#" + self.anchor + "}")


@dataclass(frozen=True)
class Link:
    """A link of the meta line: its kind (`hf`, `arxiv`, `pdf`, `code`, `project`: the
    template words it), its target, and a code link's stars as the language groups them."""

    kind: str
    url: SafeMarkdown
    stars: int | None = None


@dataclass(frozen=True)
class Translation:
    lang: str
    label: str
    url: SafeMarkdown


@dataclass(frozen=True)
class Post:
    """A rendered post: its file name in the output folder and its full text."""

    lang: str
    filename: str
    text: str
    count: int


def environment(config: Config) -> jinja2.Environment:
    """The post templates: Markdown-escaped by default, with the post filters."""
    return templating.environment(
        config.templates_dir, finalize=finalize, filters=_FILTERS, keep_trailing_newline=True
    )


def template_names(edition: Edition, lang: str) -> list[str]:
    """The body's template: `daily.en.md` (or `weekly.ko.md` …) where a blog has its own for
    that kind and language, else the one `post.md`."""
    return [f"{edition.section}.{lang}.md", TEMPLATE]


def _template(config: Config, edition: Edition, lang: str) -> jinja2.Template:
    return templating.select(environment(config), template_names(edition, lang))


def check_templates(config: Config, langs: Sequence[str], edition: Edition) -> None:
    """Load the templates and every language's words now, so a broken one stops a run before
    it fetches or writes."""
    for lang in langs:
        _template(config, edition, lang)
        _words(config, edition, lang)


def _words(config: Config, edition: Edition, lang: str) -> dict[str, Any]:
    """The language's words, with this edition's title and description patterns (the
    config's, else the language's)."""
    words = dict(languages.words(config.templates_dir, lang))
    settings = config.edition(edition.section)
    title = settings.titles.get(lang) or words.get(f"{edition.section}_title")
    if not title:
        source = str(config.source) if config.source else "config"
        raise ConfigError(
            [f"{edition.section}.title.{lang}: no title for language '{lang}'"], source
        )
    words["title"] = title
    words["description"] = settings.descriptions.get(lang) or words.get(
        f"{edition.section}_description"
    )
    return words


def _link_between(config: Config, here_slug: str, there_slug: str) -> str:
    """A link from one language's post to another's that works under any site base URL."""
    if not config.permalink:
        # Without a set permalink, assume sibling pages as Chirpy's /posts/:title/ makes them.
        return f"../{there_slug}/"
    here = config.permalink.format(slug=here_slug)
    there = config.permalink.format(slug=there_slug)
    # A browser resolves against the page's folder: the page itself for a pretty URL ("/x/").
    base = here if here.endswith("/") else posixpath.dirname(here)
    rel = posixpath.relpath(there, base)
    return rel + "/" if there.endswith("/") else rel


def _translations(config: Config, edition: Edition, lang: str) -> list[Translation]:
    """The other languages' versions of a post."""
    return [
        Translation(
            other,
            languages.name(config.templates_dir, other),
            SafeMarkdown(_link_between(config, edition.slug(lang), edition.slug(other))),
        )
        for other in config.languages
        if other != lang
    ]


def _entries(papers: Sequence[Paper], config: Config, edition: Edition, lang: str) -> list[Entry]:
    detail = config.edition(edition.section).detail_papers
    return [
        Entry(
            rank=rank,
            paper=paper,
            authors=paper.authors[: config.max_authors],
            more_authors=max(len(paper.authors) - config.max_authors, 0),
            hf_url=safe_url(paper.hf_url),
            arxiv_url=safe_url(paper.arxiv_url),
            pdf_url=safe_url(paper.pdf_url),
            github_url=safe_url(paper.github_repo) if paper.github_repo else None,
            project_url=safe_url(paper.project_page) if paper.project_page else None,
            anchor=entries.anchor(paper.id),
            links=tuple(
                Link(link.kind, safe_url(link.url), link.stars)
                for link in entries.paper_links(paper)
            ),
            detail=rank <= detail,
            **_day_of(paper, config, edition, lang),
        )
        for rank, paper in enumerate(papers, start=1)
    ]


def _day_of(paper: Paper, config: Config, edition: Edition, lang: str) -> dict[str, Any]:
    """A week's or month's paper: the day it was listed, linked to that day's post."""
    if edition.is_day or paper.day is None or not edition.start <= paper.day <= edition.end:
        return {}
    day = editions.day(paper.day)
    url = _link_between(config, edition.slug(lang), day.slug(lang))
    return {"day": day.key, "day_url": SafeMarkdown(url)}


def _snapshot_text(config: Config, snapshot: datetime) -> str:
    """When the upvotes were counted, as a reader of the blog's time zone reads it."""
    return snapshot.astimezone(config.tz).strftime("%Y-%m-%d %H:%M %Z")


def render_post(
    papers: Sequence[Paper],
    edition: Edition | date,
    lang: str,
    config: Config,
    snapshot: datetime,
    *,
    total: int | None = None,
    from_days: bool = False,
) -> Post:
    """One language's post for an edition's ranked papers (a `date` stands for its day).
    `total`: papers listed before `max_papers`; `from_days`: a week or month put together
    from archived days."""
    if not isinstance(edition, Edition):
        edition = editions.day(edition)
    words = _words(config, edition, lang)
    name = entries.edition_name(edition, words)
    context: Mapping[str, Any] = {
        "lang": lang,
        "kind": edition.kind,
        "words": words,
        "date": edition.end.isoformat(),
        "period": edition.key,
        "start": edition.start.isoformat(),
        "end": edition.end.isoformat(),
        "title": fill(words["title"], edition, len(papers), name),
        "count": len(papers),
        "total": len(papers) if total is None else total,
        "from_days": from_days,
        "entries": _entries(papers, config, edition, lang),
        "name": name,
        "snapshot": _snapshot_text(config, snapshot),
        "translations": _translations(config, edition, lang),
    }
    body = templating.render(_template(config, edition, lang), dict(context))
    # kramdown reads every `$$…$$` as math; API text never has one (see escape_markdown).
    matter = front_matter(config, edition, lang, words, snapshot, papers, has_math="$$" in body)
    text = dump_front_matter(matter) + "\n" + body.strip("\n") + "\n"
    return Post(lang=lang, filename=edition.filename(lang), text=text, count=len(papers))
