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
    return [Section(anchor, title, text) for anchor, title, text in _papers(page, enough)]


def _papers(page: str, enough: int | None) -> list[tuple[str, str, str]]:
    """(anchor, title without its rank, text) per paper, blanks collapsed."""
    found = _fast_sections(page, enough)
    if found is not None:
        return [(anchor, _RANK.sub("", _squash(title)), text) for anchor, title, text in found]
    parser = _Sections()  # HTML that is not a serializer's: the standard library reads it
    parser.feed(page)
    parser.close()
    return [
        (anchor, _RANK.sub("", _squash("".join(title))), _squash("".join(text)))
        for anchor, title, text, *_ in parser.found
    ]


# A heading of a page: where its HTML starts and ends, its level, its id (None without one) and
# its inner HTML.
Heading = tuple[int, int, int, str | None, str]


def _fast_sections(page: str, enough: int | None = None) -> list[tuple[str, str, str]] | None:
    """What `_Sections` finds, (anchor, title, text) with the text's blanks collapsed, read
    with a few regexes over HTML as Python-Markdown's serializer writes it (every `<` of text
    escaped, attributes double-quoted, every heading closed). None for any other HTML (a
    comment, an unclosed heading): `_Sections` reads it."""
    if "!" in page and "<!" in page:  # (a two-character search is slow over a whole page)
        return None
    headings: list[Heading] = []
    end = 0
    for start in _HEADING_START.finditer(page):
        # Every heading whole, and none inside another (`<h3>a<h4>b</h4></h3>` is not ours).
        h = _HEADING.match(page, start.start())
        if h is None or h.start() < end:
            return None
        end = h.end()
        headings.append(
            (h.start(), end, int(h.group("tag")[1]), _anchor(h.group("attrs")), h.group("inner"))
        )
    return _sections_at(page, headings, enough)


def _sections_at(
    page: str, headings: list[Heading], enough: int | None
) -> list[tuple[str, str, str]]:
    """The papers of a page whose headings are known: each one's text runs to the next."""
    found = []
    for i, (_, end, level, anchor, inner) in enumerate(headings):
        if not anchor or not 2 <= level <= 4:  # a paper's heading: h2, h3 or h4 with an id
            continue
        stop = headings[i + 1][0] if i + 1 < len(headings) else len(page)
        title = _unescape(_TAG.sub("", inner))
        found.append((anchor, title, _visible(page, end, stop, enough)))
    return found


def _visible(page: str, start: int, end: int, enough: int | None) -> str:
    """The text of page[start:end], a space for each block tag, blanks collapsed; with
    `enough`, possibly only its opening (cut before a tag), once that is longer than `enough`.
    Cut before a tag, the text is a prefix of the whole one's: clipped, they are the same."""
    if enough is not None:
        # A paper's meta line and TL;DR fill `enough` within 2-4 times as much HTML.
        for window in (3 * enough, 8 * enough):
            if end - start <= window:
                break
            cut = page.rfind("<", start, start + window)
            if cut > start:
                text = _squash(_visible_text(page[start:cut]))
                if len(text) > enough:
                    return text
    return _squash(_visible_text(page[start:end]))


def _visible_text(html: str) -> str:
    return _unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", html)))


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
    return [[title, anchor, _clip(text, SNIPPET)] for anchor, title, text in _papers(page, SNIPPET)]


def records_at(page: str, headings: list[Heading]) -> list[list[str]]:
    """`records(page)` for HTML as the serializer writes it whose every heading is known (by
    whoever wrote the page): no pass over the page to find them."""
    return [
        [_RANK.sub("", _squash(title)), anchor, _clip(text, SNIPPET)]
        for anchor, title, text in _sections_at(page, headings, SNIPPET)
    ]


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
