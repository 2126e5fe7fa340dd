"""An edition's papers made ready for its posts once, whatever the language: each entry (links
made safe, affiliation, full or compact), what the front matter says of the papers, and the
escapes they share. Each language's post adds only its own (a day's link, translations). Pure."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from digest import editions, entries
from digest.affiliations import Affiliation
from digest.config import Config
from digest.editions import Edition
from digest.escape import Memo, SafeMarkdown, safe_url
from digest.matter import PaperMatter, paper_matter
from digest.models import Paper

if TYPE_CHECKING:
    from digest.translation_plan import TranslationResult


@dataclass(frozen=True)
class Link:
    """A link of the meta line: its kind (`hf`, `arxiv`, `pdf`, `code`, `project`: the
    template words it), its target, and a code link's stars as the language groups them."""

    kind: str
    url: SafeMarkdown
    stars: int | None = None


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
    # Institutions shown (at most affiliations.max_shown), how many more, and where they came
    # from: None for the HF organization (shown as it always was), else arxiv or openalex.
    affiliations: tuple[str, ...] = ()
    more_affiliations: int = 0
    affiliation_source: str | None = None
    # In a translated post: the TL;DR and abstract in the post's language (None: English kept).
    tldr: str | None = None
    abstract: str | None = None
    english: bool = False  # a text the post would translate stayed English (labelled so)

    # Cached: an entry is shared by every language's post (and its fields never change).
    @cached_property
    def shown_links(self) -> tuple[Link, ...]:
        """The meta line's links: a compact entry leaves out the PDF (the arXiv page has it),
        the bytes of a busy day's post that a reader misses least."""
        return self.links if self.detail else tuple(x for x in self.links if x.kind != entries.PDF)

    @cached_property
    def stars(self) -> int | None:
        """The code link's stars (the ranking table's ⭐), when the API counted them."""
        return next((link.stars for link in self.links if link.kind == entries.CODE), None)

    @cached_property
    def heading_id(self) -> SafeMarkdown:
        """`{#arxiv-2602-13515}`: kramdown's (and the site's) heading id, after the title."""
        return SafeMarkdown("{#" + self.anchor + "}")


@dataclass(frozen=True)
class Prepared:
    """What every language's post of one edition shares. `memo` holds texts already escaped
    (a cache: the posts' bytes are the same with or without it)."""

    papers: tuple[Paper, ...]
    entries: tuple[Entry, ...]
    about: PaperMatter
    memo: Memo = field(default_factory=Memo, compare=False, repr=False)


def prepare(
    papers: Sequence[Paper],
    config: Config,
    edition: Edition,
    found: Mapping[str, Affiliation] | None = None,
) -> Prepared:
    """The language-free part of an edition's posts; `found`: as render_post's affiliations."""
    detail = config.edition(edition.section).detail_papers
    shared = tuple(
        _entry(rank, paper, rank <= detail, config, found)
        for rank, paper in enumerate(papers, start=1)
    )
    return Prepared(tuple(papers), shared, paper_matter(config, edition, papers))


def _entry(
    rank: int,
    paper: Paper,
    detail: bool,
    config: Config,
    found: Mapping[str, Affiliation] | None,
) -> Entry:
    links = tuple(
        Link(link.kind, safe_url(link.url), link.stars) for link in entries.paper_links(paper)
    )
    # The meta line's links hold the same targets: each made safe once.
    safe = {link.kind: link.url for link in links}
    return Entry(
        rank=rank,
        paper=paper,
        authors=paper.authors[: config.max_authors],
        more_authors=max(len(paper.authors) - config.max_authors, 0),
        hf_url=safe[entries.HF],
        arxiv_url=safe[entries.ARXIV],
        pdf_url=safe[entries.PDF],
        github_url=safe_url(paper.github_repo) if paper.github_repo else None,
        project_url=safe_url(paper.project_page) if paper.project_page else None,
        anchor=entries.anchor(paper.id),
        links=links,
        detail=detail,
        **_affiliation(paper, found, config.affiliations.max_shown),
    )


def entries_in(
    prepared: Prepared,
    config: Config,
    edition: Edition,
    lang: str,
    translation: TranslationResult | None = None,
) -> list[Entry]:
    """The entries of one language's post: the shared ones, with a week's or month's day
    links and the post's translated texts where it has them."""
    if edition.is_day and translation is None:
        return list(prepared.entries)
    full = shown_in_full(prepared.papers, config, edition)
    return [
        replace(entry, **own)
        if (own := _own(entry, full, config, edition, lang, translation))
        else entry
        for entry in prepared.entries
    ]


def _own(
    entry: Entry,
    full: set[str],
    config: Config,
    edition: Edition,
    lang: str,
    translation: TranslationResult | None,
) -> dict[str, Any]:
    return {
        **_day_of(entry.paper, config, edition, lang),
        **_translated(entry.paper, full, translation),
    }


def shown_in_full(papers: Sequence[Paper], config: Config, edition: Edition) -> set[str]:
    """The ids of the papers whose abstract the post shows whole (paper.md's rule): the full
    entries' (the best `detail_papers`); a compact entry shows the TL;DR, else the abstract's
    opening, which stays English."""
    detail = config.edition(edition.section).detail_papers
    return {p.id for p in papers[:detail] if p.abstract}


def _translated(
    paper: Paper, full: set[str], translation: TranslationResult | None
) -> dict[str, Any]:
    """An entry's translated texts, and whether one it would show stayed English."""
    if translation is None:
        return {}
    tldr = translation.text(paper.id, "ai_summary") if paper.ai_summary else None
    abstract = translation.text(paper.id, "summary") if paper.id in full else None
    wanted = [
        shown
        for field, shown in (("ai_summary", paper.ai_summary), ("summary", paper.id in full))
        if shown and field in translation.fields
    ]
    done = [t for t in (tldr, abstract) if t is not None]
    return {"tldr": tldr, "abstract": abstract, "english": len(done) < len(wanted)}


def _affiliation(
    paper: Paper, found: Mapping[str, Affiliation] | None, max_shown: int
) -> dict[str, Any]:
    """A paper's affiliation fields; without a lookup (`found` None), its HF organization."""
    if found is None:
        affiliation = Affiliation((paper.organization,), "hf") if paper.organization else None
    else:
        affiliation = found.get(paper.id)
    if affiliation is None:
        return {}
    names, more = affiliation.shown(max_shown)
    source = None if affiliation.source == "hf" else affiliation.source
    return {"affiliations": names, "more_affiliations": more, "affiliation_source": source}


def _day_of(paper: Paper, config: Config, edition: Edition, lang: str) -> dict[str, Any]:
    """A week's or month's paper: the day it was listed, linked to that day's post."""
    if edition.is_day or paper.day is None or not edition.start <= paper.day <= edition.end:
        return {}
    day = editions.day(paper.day)
    url = link_between(config, edition.slug(lang), day.slug(lang))
    return {"day": day.key, "day_url": SafeMarkdown(url)}


def link_between(config: Config, here_slug: str, there_slug: str) -> str:
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
