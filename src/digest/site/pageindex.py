"""What the site reads back from a post's HTML: its papers (headings with an id), for the search
index and the feeds' summary-sized entries. Pure.

A post lists a paper as a heading with an id (`### 1. Title {#arxiv-2602-13515}`) followed by
its meta line, TL;DR and abstract; that is the whole contract, so hand-written posts and
overridden templates take part as soon as their headings have ids.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

# The headings a paper can be listed under; h1/h2 with an id are sections of a hand-written post.
_PAPER_HEADINGS = frozenset({"h2", "h3", "h4"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = frozenset({"p", "li", "div", "br", "tr", "td", "th", "blockquote"})
_RANK = re.compile(r"^\d+\.\s+")
# A heading as a serializer writes it, its start alone, any tag, and the tags _Sections
# reads as a break between words.
_HEADING = re.compile(
    r'<(?P<tag>[hH][1-6])(?P<attrs>(?:\s+[\w-]+="[^"<>]*")*)\s*>(?P<inner>.*?)</(?P=tag)>', re.S
)
_HEADING_START = re.compile(r"<[hH][1-6][\s/>]")
_TAG = re.compile(r"<[^<>]*>")
_BLOCK_TAG = re.compile(rf"</?(?:{'|'.join(sorted(_BLOCKS))})(?:\s[^<>]*)?>", re.I)
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
SNIPPET = 280  # characters of a paper's text in the search index: its meta line and TL;DR


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str  # without the rank ("1. ")
    text: str  # what follows the heading up to the next one, blanks collapsed


class _Sections(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[list[Any]] = []  # [anchor, title parts, text parts]
        self.heading: str | None = None  # the open heading's tag, when it has an id

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HEADINGS:
            anchor = dict(attrs).get("id")
            self.heading = tag if anchor and tag in _PAPER_HEADINGS else None
            if self.heading:
                self.found.append([anchor, [], []])
            elif self.found:
                self.found[-1].append(None)  # a heading without an id ends the section
        elif tag in _BLOCKS:
            self._text(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == self.heading:
            self.heading = None
        elif tag in _BLOCKS:
            self._text(" ")

    def handle_data(self, data: str) -> None:
        if self.heading and self.found:
            self.found[-1][1].append(data)
        else:
            self._text(data)

    def _text(self, data: str) -> None:
        if self.found and len(self.found[-1]) == 3:
            self.found[-1][2].append(data)


def sections(page: str, enough: int | None = None) -> list[Section]:
    """The papers a post's HTML lists, in page order; with `enough`, each text may stop once
    it is longer than that (what follows would be clipped off anyway)."""
    found = _fast_sections(page, enough)
    if found is None:  # HTML that is not a serializer's: the standard library reads it
        parser = _Sections()
        parser.feed(page)
        parser.close()
        found = parser.found
    return [
        Section(anchor, _RANK.sub("", _squash("".join(title))), _squash("".join(text)))
        for anchor, title, text, *_ in found
    ]


def _fast_sections(page: str, enough: int | None = None) -> list[list[Any]] | None:
    """What `_Sections` finds, read with a few regexes over HTML as Python-Markdown's
    serializer writes it (every `<` of text escaped, attributes double-quoted, every heading
    closed). None for any other HTML (a comment, an unclosed heading): `_Sections` reads it."""
    if "<!" in page:
        return None
    headings = list(_HEADING.finditer(page))
    if len(headings) != len(_HEADING_START.findall(page)):
        return None
    found: list[list[Any]] = []
    for i, heading in enumerate(headings):
        anchor = _anchor(heading.group("attrs"))
        if not anchor or heading.group("tag").lower() not in _PAPER_HEADINGS:
            continue
        end = headings[i + 1].start() if i + 1 < len(headings) else len(page)
        title = _TAG.sub("", heading.group("inner"))
        found.append([anchor, [_unescape(title)], [_visible(page, heading.end(), end, enough)]])
    return found


def _visible(page: str, start: int, end: int, enough: int | None) -> str:
    """The text of page[start:end], a space for each block tag; with `enough`, possibly only
    its opening (cut before a tag), once that is longer than `enough` squashed."""
    if enough is not None and end - start > 8 * enough:
        cut = page.rfind("<", start, start + 8 * enough)
        if cut > start:
            text = _unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", page[start:cut])))
            if len(_squash(text)) > enough:
                return text
    return _unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", page[start:end])))


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _anchor(attrs: str) -> str | None:
    for name, value in _ATTRIBUTE.findall(attrs):
        if name.lower() == "id":
            return html.unescape(value)
    return None


def _squash(text: str) -> str:
    return " ".join(text.split())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def records(page: str) -> list[list[str]]:
    """What the index and the feeds keep of a post's HTML: [title, anchor, text clipped to
    SNIPPET] per paper, small enough to cache beside the HTML and read without it."""
    return [[s.title, s.anchor, _clip(s.text, SNIPPET)] for s in sections(page, SNIPPET)]


def index_entry(post: Any, href: str, papers: list[list[str]]) -> list[Any]:
    """One post in the search index: [title, link, date, text, [[paper, #anchor, text], …]]
    (`papers` from `records`). Positional lists: the index of a year of busy days is
    megabytes, keys would be a third."""
    words = " ".join([post.description or "", *post.organizations, *post.keywords])
    return [post.title, href, post.date.strftime("%Y-%m-%d"), _squash(words), papers]


def summary_html(papers: list[list[str]], href: str, count_line: str, limit: int) -> str:
    """A feed entry's HTML: the post's first `limit` papers (from `records`) linked to their
    entries, then a line linking the whole post; `href` is the post's link as the feed gives
    it (absolute or not)."""
    link = html.escape(href, quote=True)
    items = "".join(
        f'<li><a href="{link}#{html.escape(anchor, quote=True)}">{html.escape(title)}</a></li>'
        for title, anchor, _ in papers[:limit]
    )
    listed = f"<ol>{items}</ol>" if items else ""
    return f'{listed}<p><a href="{link}">{html.escape(count_line)}</a></p>'
