"""Papers: a typed `Paper` built from an API item of any era, tolerant of absent or odd fields."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from digest.texmath import drop_unsafe_links

# Control characters that are not whitespace, lone surrogates (JSON can escape them; UTF-8 cannot
# encode them) and U+FFFE/U+FFFF: invalid in XML (a Jekyll feed) and invisible in HTML.
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# In a title or a name, characters that change how the rest reads without being seen: bidi
# embeddings, overrides and isolates (U+202E shows "gpj.exe" as "exe.jpg"), direction marks,
# and zero-width characters. A ZWJ between two emoji (a family, a flag) is kept: see _INVISIBLE.
_BIDI_AND_ZERO_WIDTH = "\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
# An emoji, a skin tone or the emoji variation selector: what a ZWJ joins in an emoji sequence.
_EMOJI = "\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\ufe0f\U0001f000-\U0001faff"
_INVISIBLE = re.compile(f"[{_BIDI_AND_ZERO_WIDTH}]|(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])")


@dataclass(frozen=True)
class Paper:
    """One paper as a post shows it; `None`/empty means the API did not say."""

    id: str
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    upvotes: int = 0
    comments: int = 0
    organization: str | None = None
    ai_summary: str | None = None
    keywords: tuple[str, ...] = ()
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    thumbnail: str | None = None
    day: date | None = None  # the day it was put on Daily Papers (UTC): a week's post links it

    @property
    def hf_url(self) -> str:
        return f"https://huggingface.co/papers/{self.id}"

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.id}"


def normalize_space(text: str) -> str:
    """Collapse arXiv line wrapping and runs of blanks into single spaces; drop characters that
    no page can show (controls, lone surrogates)."""
    # Printable text (no controls, surrogates or blanks but U+0020) with single inner spaces
    # is its own result: the usual case, as this runs on every string at parse and at render.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    # str.split() splits on exactly what `\s` matches (both are str.isspace), 3x faster than
    # a regex replacing at every space. No _UNPRINTABLE character is a blank, and none is
    # printable: when the joined words are printable, the text had none (an abstract's line
    # breaks are blanks) and the regex would have found nothing.
    joined = " ".join(text.split())
    return joined if joined.isprintable() else " ".join(_UNPRINTABLE.sub("", text).split())


def visible_text(text: str) -> str:
    """A title or a name as it reads: no bidi controls, no zero-width characters."""
    return text if text.isascii() else _INVISIBLE.sub("", text)


def _label(value: Any) -> str | None:
    """A title or a name: a string, as it reads (see `visible_text`)."""
    if (
        type(value) is str
        and value.isascii()
        and value.isprintable()
        and "  " not in value
        and value[:1] != " "
        and value[-1:] != " "
        and "\\" not in value
    ):
        return value or None  # what the steps below give back unchanged (see normalize_space)
    text = _str(value)
    return _str(visible_text(text)) if text else None


def _str(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = drop_unsafe_links(normalize_space(value))
    return text or None


def _count(value: Any) -> int:
    """A non-negative count; anything that is not a number counts as 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return max(int(value), 0)
    return 0


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _url(value: Any) -> str | None:
    text = _str(value)
    if not text or " " in text:
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises on a port out of range, as a link's reader would)
    except ValueError:  # `http://[x`: an IPv6 host never closed, from a lying server
        return None
    return text if parts.scheme in ("http", "https") and parts.netloc else None


def _authors(value: Any) -> tuple[str, ...]:
    names: dict[str, None] = {}  # a dict: each name once, in order
    for author in value if isinstance(value, list) else ():
        if not (type(author) is dict or isinstance(author, Mapping)):
            continue
        if author.get("hidden") is True:
            continue
        name = _label(author.get("name"))
        if name:
            names[name] = None
    return tuple(names)


def _keywords(value: Any) -> tuple[str, ...]:
    words: dict[str, None] = {}  # a dict: each word once, in order
    for word in value if isinstance(value, list) else ():
        text = _str(word)
        if text:
            words[text] = None
    return tuple(words)


def _organization(*candidates: Any) -> str | None:
    for org in candidates:
        if isinstance(org, Mapping):
            name = _label(org.get("fullname")) or _label(org.get("name"))
            if name:
                return name
    return None


def paper_from_item(item: Mapping[str, Any]) -> Paper:
    """Build a Paper from one API item (its `paper.id` is already checked by `fetch`)."""
    paper = item["paper"]
    stars = paper.get("githubStars")
    return Paper(
        id=normalize_space(paper["id"]),
        title=_label(paper.get("title")) or _label(item.get("title")) or paper["id"],
        abstract=_str(paper.get("summary")) or _str(item.get("summary")) or "",
        authors=_authors(paper.get("authors")),
        upvotes=_count(paper.get("upvotes")),
        comments=_count(item.get("numComments")),
        organization=_organization(paper.get("organization"), item.get("organization")),
        ai_summary=_str(paper.get("ai_summary")),
        keywords=_keywords(paper.get("ai_keywords")),
        github_repo=_url(paper.get("githubRepo")),
        github_stars=_count(stars) if _is_number(stars) else None,
        project_page=_url(paper.get("projectPage")),
        thumbnail=_url(item.get("thumbnail")),
        day=_day(paper.get("submittedOnDailyAt")),
    )


def _day(value: Any) -> date | None:
    """The UTC date of an API time (`2026-02-20T09:12:44.000Z`)."""
    text = value[:10] if isinstance(value, str) else ""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def has_upvote_count(item: Mapping[str, Any]) -> bool:
    """Whether an item carries a real upvote count (else it ranks as 0)."""
    return _is_number(item["paper"].get("upvotes"))


def papers_from_items(items: Iterable[Mapping[str, Any]]) -> list[Paper]:
    """Papers from API items, one per arXiv id: a repeated id is merged into one paper."""
    merged: dict[str, Paper] = {}
    for item in items:
        paper = paper_from_item(item)
        merged[paper.id] = _merge(merged[paper.id], paper) if paper.id in merged else paper
    return list(merged.values())


def _merge(first: Paper, second: Paper) -> Paper:
    """Keep the better-counted copy; fill its gaps from the other."""
    keep, other = (
        (first, second)
        if (first.upvotes, first.comments) >= (second.upvotes, second.comments)
        else (second, first)
    )
    gaps = {f.name: getattr(other, f.name) for f in fields(Paper) if not getattr(keep, f.name)}
    return replace(keep, **{k: v for k, v in gaps.items() if v})
