"""What a post says about its papers, before any template: links, tags, period names, table rows.

Pure functions. The words (labels, month names, ordinals, number separators) are parameters:
they come from each language's data, never from here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from digest.editions import WEEK, Edition
from digest.models import Paper

# Link kinds, in the order the meta line shows them.
HF, ARXIV, PDF, CODE, PROJECT = "hf", "arxiv", "pdf", "code", "project"
_GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Chirpy's tag pages are per exact name and its URLs per slug: lowercase ASCII only.
MAX_TAG_LENGTH = 40


@dataclass(frozen=True)
class Link:
    kind: str  # HF, ARXIV, PDF, CODE or PROJECT: the template words it
    url: str
    stars: int | None = None  # only on CODE, when the API counted them


def url_key(url: str) -> str:
    """Two URLs with the same key are the same page: scheme, host case, `www.`, a trailing
    slash, `.git` and the fragment do not count."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/").removesuffix(".git").rstrip("/")
    if host in ("github.com",):
        path = path.lower()  # GitHub owners and repositories are case-insensitive
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def github_repository(url: str) -> bool:
    """A repository's page on GitHub (`github.com/owner/repo[/…]`), not a user or github.io."""
    parts = urlsplit(url.strip())
    segments = [s for s in parts.path.split("/") if s]
    return parts.netloc.lower() in _GITHUB_HOSTS and len(segments) >= 2


def paper_links(paper: Paper) -> tuple[Link, ...]:
    """The meta line's links: one per distinct URL; a project page that is a GitHub repository
    is the code link (with the paper's stars) when the API named no other."""
    code = paper.github_repo
    project = paper.project_page
    if not code and project and github_repository(project):
        code, project = project, None
    links = [Link(HF, paper.hf_url), Link(ARXIV, paper.arxiv_url), Link(PDF, paper.pdf_url)]
    if not (code or project):
        # Three hosts or paths that never coincide (papers/, abs/, pdf/): nothing to merge.
        return tuple(links)
    if code:
        links.append(Link(CODE, code, paper.github_stars))
    if project:
        links.append(Link(PROJECT, project))
    # The three fixed links are distinct; an arXiv id's keys are as written (no urlsplit).
    fixed = arxiv_keys(paper.id) if _ARXIV_ID.fullmatch(paper.id) else None
    seen = set(fixed or ())
    distinct = links[:3] if fixed else []
    for link in links[3:] if fixed else links:
        key = url_key(link.url)
        if key not in seen:
            seen.add(key)
            distinct.append(link)
    return tuple(distinct)


def arxiv_keys(arxiv_id: str) -> tuple[str, str, str]:
    """`url_key` of an arXiv id's HF page, abstract and PDF."""
    return (
        f"huggingface.co/papers/{arxiv_id}",
        f"arxiv.org/abs/{arxiv_id}",
        f"arxiv.org/pdf/{arxiv_id}",
    )


def group_digits(number: int, separator: str = ",", group: int = 3) -> str:
    """`2618` → `2,618`; the separator is the language's ("," for ko and en, " " for fr)."""
    sign, digits = ("-", str(-number)) if number < 0 else ("", str(number))
    head = len(digits) % group or group
    groups = [digits[:head]] + [digits[i : i + group] for i in range(head, len(digits), group)]
    return sign + separator.join(groups)


def anchor(paper_id: str) -> str:
    """A paper's stable id in the page: `arxiv-2602-13515`. kramdown's `{#id}` takes only word
    characters and `-` after a letter, so the dot becomes a dash."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", paper_id).strip("-").lower()
    return f"arxiv-{slug}" if _ARXIV_ID.fullmatch(paper_id) else f"paper-{slug or 'x'}"


def ascii_slug(text: str, limit: int = MAX_TAG_LENGTH) -> str:
    """Lowercase ASCII letters, digits and dashes (`Diffusion Models` → `diffusion-models`,
    `Zürich` → `zurich`); empty when nothing of it is Latin (`확산 모델`)."""
    # ASCII is its own NFKD form: only other text needs folding (most keywords are English).
    folded = text if text.isascii() else _folded(text)
    slug = _NOT_SLUG.sub("-", folded.lower()).strip("-")
    return slug[:limit].rstrip("-")


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def post_tags(fixed: Sequence[str], papers: Sequence[Paper], limit: int) -> list[str]:
    """The fixed tags (lowercased, all kept), then up to `limit` more from the papers' keywords
    and organizations: those most papers share first, ties to the better-ranked paper; every tag
    an ASCII slug, once."""
    tags = list(dict.fromkeys(t for t in (ascii_slug(f) for f in fixed) if t))
    counts: dict[str, int] = {}
    for paper in papers:  # ranked: dict order keeps the first (best) appearance
        names = (*paper.keywords, *([paper.organization] if paper.organization else []))
        for slug in dict.fromkeys(ascii_slug(name) for name in names):
            if slug and slug not in tags:
                counts[slug] = counts.get(slug, 0) + 1
    best = sorted(counts, key=lambda slug: -counts[slug])  # stable: first seen wins a tie
    return tags + best[: max(limit, 0)]


def week_in_month(sunday: date) -> tuple[int, int, int]:
    """(year, month, n): the week ending on `sunday` (an ISO week's last day, the day its post
    is dated on) is named by that Sunday's month, and is the n-th row of that month's calendar
    drawn Monday first. Each row ends on a Sunday, so n counts the month's Sundays so far:
    2026-W20 (May 11-17) is the third week of May. A week that starts in the month before
    (Apr 27-May 3) is its Sunday's month's first."""
    return sunday.year, sunday.month, (sunday.day - 1) // 7 + 1


def period_name(
    period: Edition,
    *,
    week: str,
    month: str,
    months: Sequence[str],
    ordinals: Sequence[str],
) -> str:
    """A period as a person says it. `week`/`month` are the language's patterns with {year},
    {month} (from `months`, January first), {month_number} and, for a week, {ordinal} (from
    `ordinals`, first week first): ko `{year}년 {month_number}월 {ordinal} 주` gives
    `2026년 5월 셋째 주`, en `{ordinal} week of {month} {year}` `third week of May 2026`."""
    if period.kind == WEEK:
        year, number, nth = week_in_month(period.end)
        pattern, ordinal = week, ordinals[nth - 1]
    else:
        year, number, ordinal = period.start.year, period.start.month, ""
        pattern = month
    return pattern.format(year=year, month=months[number - 1], month_number=number, ordinal=ordinal)


def day_range(
    start: date, end: date, *, same_month: str, two_months: str, months: Sequence[str]
) -> str:
    """`5월 11일-17일` / `May 11-17` (with the language's dash), or across a month's end
    `4월 27일-5월 3일` / `April 27-May 3`: the language's patterns with {start_month},
    {start_month_number}, {start_day} and the same for `end`."""
    pattern = same_month if (start.year, start.month) == (end.year, end.month) else two_months
    return pattern.format(
        start_month=months[start.month - 1],
        start_month_number=start.month,
        start_day=start.day,
        end_month=months[end.month - 1],
        end_month_number=end.month,
        end_day=end.day,
    )


@dataclass(frozen=True)
class Row:
    """One line of the ranking table at the top of a post."""

    rank: int
    title: str
    anchor: str  # the entry's id in the page
    upvotes: str  # grouped digits
    affiliation: str | None  # the HF organization; None: none claimed the paper
    stars: str | None  # grouped digits, when the paper has a code link with counted stars


def ranking_rows(papers: Sequence[Paper], separator: str = ",") -> list[Row]:
    """The ranking table's rows: every paper, once, in rank order."""
    rows = []
    for rank, paper in enumerate(papers, start=1):
        code = next((link for link in paper_links(paper) if link.kind == CODE), None)
        stars = code.stars if code else None
        rows.append(
            Row(
                rank=rank,
                title=paper.title,
                anchor=anchor(paper.id),
                upvotes=group_digits(paper.upvotes, separator),
                affiliation=paper.organization,
                stars=group_digits(stars, separator) if stars is not None else None,
            )
        )
    return rows


def edition_name(edition: Edition, words: Mapping[str, Any]) -> str:
    """An edition as a person names it in the language of `words` (its language file): a day
    by its date, a week `2026년 5월 셋째 주 (5월 11일-17일)`, a month `2026년 5월`."""
    if edition.is_day:
        return edition.key
    months = words["month_names"]
    name = period_name(
        edition,
        week=words["week_name"],
        month=words["month_name"],
        months=months,
        ordinals=words["week_ordinals"],
    )
    if edition.kind != WEEK:
        return name
    days = day_range(
        edition.start,
        edition.end,
        same_month=words["range_same_month"],
        two_months=words["range_two_months"],
        months=months,
    )
    return str(words["week_label"]).format(name=name, range=days)
