"""The author block of a LaTeXML page (arXiv HTML): institution names only, read incrementally."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from digest import institutions
from digest.institutions import Segment

# Elements html.parser reports with no end tag: never pushed on the stack.
_VOID = frozenset({"br", "img", "meta", "link", "base", "hr", "input", "wbr", "col", "source"})
# Subtrees whose text is never an institution: markers, footnotes, emails, links, LaTeX errors.
_SKIP_CLASSES = frozenset(
    {
        "ltx_note",
        "ltx_ERROR",
        "ltx_font_typewriter",
        "ltx_role_email",
        "ltx_role_orcid",
        "ltx_author_before",
        "ltx_note_type",
        "ltx_tag",
    }
)
_CONTACT_ROLES = frozenset({"ltx_role_affiliation", "ltx_role_address"})
_ARXIV_ID = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")

# What a stack entry makes of the text inside it.
_KEEP, _SKIP, _NOTES, _CONTACT, _TITLE = "keep", "skip", "notes", "contact", "title"


@dataclass(frozen=True)
class AuthorBlock:
    """What the page said about its authors and itself."""

    institutions: tuple[str, ...]
    found: bool  # the page has a LaTeXML author block
    complete: bool  # and it was read to its end (not cut by a byte limit)
    title: str
    # ids the page names about itself: <base>, canonical link, og:url, <title>, arXiv's watermark
    arxiv_ids: frozenset[str]


class AuthorBlockParser(HTMLParser):
    """Feed the page in chunks; `done` turns true once the author block has closed, so the
    caller can stop reading a page of megabytes after its first few kilobytes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._stack: list[tuple[str, str]] = []  # (tag, mode) of every open element
        self._authors_depth: int | None = None  # stack depth of div.ltx_authors while open
        self._found = False
        self.done = False
        self._first_line = False  # in a person name before its first line break: the names
        self._segment: list[str] = []
        self._segment_is_note = False
        self._segments: list[Segment] = []
        self._title: list[str] = []
        self._head_text: list[str] = []

    def feed(self, data: str) -> None:
        if not self.done:
            super().feed(data)

    def result(self) -> AuthorBlock:
        self._flush()
        names = institutions.from_segments(self._segments)
        return AuthorBlock(
            institutions=tuple(names),
            found=self._found,
            complete=self.done,
            title=" ".join("".join(self._title).split()),
            arxiv_ids=frozenset(_ARXIV_ID.findall(" ".join(self._head_text))),
        )

    # html.parser callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        values = {name: value or "" for name, value in attrs}
        classes = frozenset(values.get("class", "").split())
        self._note_head(tag, values)
        if tag == "br" or "ltx_author_before" in classes or tag in ("math", "sup"):
            self._flush()
            if tag == "br" and self._mode() == _KEEP:
                self._first_line = False
        if self._authors_depth is None and (tag == "section" or "ltx_abstract" in classes):
            self.done = True  # LaTeXML puts the authors before these: there is no block
            return
        if tag in _VOID:
            return
        mode = self._mode_for(tag, classes, values.get("id", ""))
        self._stack.append((tag, mode))
        if tag == "div" and "ltx_authors" in classes and self._authors_depth is None:
            self._authors_depth = len(self._stack)
            self._found = True
        if "ltx_personname" in classes:
            self._first_line = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.done or tag in _VOID:
            return
        depth = next(
            (i for i in range(len(self._stack) - 1, -1, -1) if self._stack[i][0] == tag), None
        )
        if depth is None:
            return  # a stray end tag: ignore it rather than unwind the stack
        closing = [mode for _, mode in self._stack[depth:]]
        del self._stack[depth:]
        if _CONTACT in closing or tag in ("math", "sup"):
            self._flush()
        if self._authors_depth is not None and depth < self._authors_depth:
            self._flush()
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.done:
            return
        mode = self._mode()
        if mode == _TITLE:
            self._title.append(data)
        elif mode == "head":
            self._head_text.append(data)
        elif mode in (_KEEP, _CONTACT, _NOTES) and self._inside_people():
            if self._first_line and mode == _KEEP:
                return
            if (mode == _NOTES) != self._segment_is_note:
                self._flush()
                self._segment_is_note = mode == _NOTES
            self._segment.append(data)

    # helpers

    def _mode(self) -> str:
        return self._stack[-1][1] if self._stack else _KEEP

    def _mode_for(self, tag: str, classes: frozenset[str], values_id: str) -> str:
        parent = self._mode()
        if tag == "title" or values_id == "watermark-tr":
            return "head"  # arXiv's page names its paper: "arXiv:1706.03762v7 [cs.CL] …"
        if tag == "h1" and "ltx_title_document" in classes:
            return _TITLE
        if parent == _TITLE:
            return _SKIP if tag == "math" or classes & _SKIP_CLASSES else _TITLE
        if classes & _CONTACT_ROLES or "ltx_role_institutetext" in classes:
            return _CONTACT
        if tag in ("math", "sup", "a") or classes & _SKIP_CLASSES:
            # llncs puts emails inside the institute note: skip them, keep the note's text.
            return _SKIP
        if "ltx_author_notes" in classes:
            return _NOTES  # \thanks text: "Equal contribution", now and then "Google DeepMind."
        if parent in (_SKIP, _NOTES):
            return parent
        if parent == _CONTACT:
            return _CONTACT
        return _KEEP

    def _inside_people(self) -> bool:
        if self._authors_depth is not None:
            return True
        # llncs: the institutes are notes before the title, outside the author block.
        return any(mode == _CONTACT for _, mode in self._stack)

    def _note_head(self, tag: str, values: dict[str, str]) -> None:
        """Keep what names the page: <base href>, canonical link, og:url."""
        if tag == "base" or (tag == "link" and values.get("rel") == "canonical"):
            self._head_text.append(values.get("href", ""))
        elif tag == "meta" and values.get("property") == "og:url":
            self._head_text.append(values.get("content", ""))

    def _flush(self) -> None:
        text = "".join(self._segment)
        self._segment = []
        if text.strip():
            self._segments.append(Segment(text, self._segment_is_note))


def parse(html: str) -> AuthorBlock:
    """The author block of a whole page (tests and benchmarks; `arxiv` feeds chunks)."""
    parser = AuthorBlockParser()
    parser.feed(html)
    return parser.result()


def same_paper(block: AuthorBlock, arxiv_id: str, title: str | None) -> bool:
    """Whether the page is the paper asked for: no other id named, and its id or its title
    confirms it (a mirror or cache can answer with another paper's HTML)."""
    if block.arxiv_ids and arxiv_id not in block.arxiv_ids:
        return False
    if arxiv_id in block.arxiv_ids:
        return True
    return bool(title) and _similar(block.title, title or "")


def _similar(a: str, b: str) -> bool:
    def words(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.casefold()))

    left, right = words(a), words(b)
    return bool(left and right) and difflib.SequenceMatcher(None, left, right).ratio() >= 0.8
