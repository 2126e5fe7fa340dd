"""Escaping API text for Markdown posts: inert in kramdown, Python-Markdown and HTML. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from digest import texmath
from digest.entries import group_digits
from digest.models import normalize_space


class SafeMarkdown(str):
    """Text that is already safe to place in Markdown; templates print it as it is."""


# Escaping untrusted text for both kramdown (Jekyll) and Python-Markdown: backslash escapes
# where both parsers honour them, HTML entities for the rest. `{` and `}` become entities so
# `{{`/`{%` never reach Liquid even where render_with_liquid is unsupported (Jekyll 3). `'` is
# kept as typed: no Markdown reads it as syntax (kramdown's default smart_quotes curls it, as
# it does every apostrophe of the blog; the example site's `smart_quotes` keeps it straight).
_BACKSLASHED = "\\`*_#"
_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "|": "&#124;",
    # Brackets as entities, not `\[`: MathJax (and `digest site`) read `\[…\]` as display
    # math wherever the backslashes reach the page, so "[CLS] tokens" would be typeset.
    "[": "&#91;",
    "]": "&#93;",
    # MathJax reads the page, not the Markdown: where it takes `$` as a delimiter (Chirpy does),
    # two dollars of prose would become math. An element of its own keeps each one apart;
    # `digest site` reads this exact element as one (site.markup.ESCAPED_DOLLAR).
    "$": "<span>&#36;</span>",
    "{": "&#123;",
    "}": "&#125;",
    "~": "&#126;",
}
_ESCAPES = str.maketrans({**{c: "\\" + c for c in _BACKSLASHED}, **_ENTITIES})
# kramdown turns -- into an en dash and ... into an ellipsis: keep the characters as typed.
_TYPOGRAPHIC = re.compile(r"-(?=-)|\.(?=\.\.)")
# At the start of a line these would open a list, a heading underline or a definition.
_BLOCK_START = re.compile(r"^(?:[-+=:]|\d+[.)](?=\s|$))")


def _entity(match: re.Match[str]) -> str:
    """Encode the match's last character ("1." keeps its digit, loses its list marker)."""
    text = match.group()
    return f"{text[:-1]}&#{ord(text[-1])};"


def _escape_inline(text: str) -> str:
    text = text.translate(_ESCAPES)
    # The regex only for text that has `--` or `...`: most has neither.
    return _TYPOGRAPHIC.sub(_entity, text) if "--" in text or "..." in text else text


def _block_start(text: str) -> str:
    # Only a first character of `-+=:` or a digit can open a block.
    first = text[:1]
    if first in "-+=:" or first.isdigit():
        return _BLOCK_START.sub(_entity, text, count=1)
    return text


def escape_markdown(text: str) -> str:
    """Make API text inert in Markdown and HTML: what a reader sees is exactly the text."""
    return _block_start(_escape_inline(normalize_space(text)))


def escape_markdown_math(text: str) -> SafeMarkdown:
    """Like `escape_markdown`, but LaTeX between `$`s becomes a math span MathJax typesets."""
    pieces = [
        texmath.math_span(part) if is_math else _escape_inline(part)
        for part, is_math in texmath.split_math(normalize_space(text))
    ]
    return SafeMarkdown(_block_start("".join(pieces)))


def safe_url(url: str) -> SafeMarkdown:
    """A link target that cannot end the link early or open a table, math or Liquid."""
    # quote() leaves a URL of only these characters as it is: most are (arXiv, GitHub).
    if _URL_AS_IS.fullmatch(url):
        return SafeMarkdown(url)
    return SafeMarkdown(quote(url, safe=_URL_SAFE))


# What quote() never encodes: ASCII letters and digits, `_.-~`, and the `safe` it is given.
_URL_SAFE = "/:?#@!&=+,;%-._~*'"
_URL_AS_IS = re.compile("[A-Za-z0-9" + re.escape(_URL_SAFE) + "]*")


class Memo:
    """Texts already escaped, by their source: one edition's posts print the same titles, names
    and abstracts in every language, and the same words for every paper. A cache only: what
    is printed is the same with or without one."""

    __slots__ = ("math", "plain")

    def __init__(self) -> None:
        self.plain: dict[str, str] = {}
        self.math: dict[str, SafeMarkdown] = {}


_MEMO: ContextVar[Memo | None] = ContextVar("escape_memo", default=None)


@contextmanager
def memo(shared: Memo) -> Iterator[None]:
    """Templates rendered inside share `shared`'s escapes."""
    token = _MEMO.set(shared)
    try:
        yield
    finally:
        _MEMO.reset(token)


def _escaped(text: str) -> str:
    shared = _MEMO.get()
    if shared is None:
        return escape_markdown(text)
    done = shared.plain.get(text)
    if done is None:
        done = shared.plain[text] = escape_markdown(text)
    return done


def finalize(value: Any) -> Any:
    """Every `{{ … }}` in a post template prints through here: untrusted text is escaped."""
    # A plain str first: most of what a post prints, the memo's case (no other call here).
    if type(value) is str:
        shared = _MEMO.get()
        done = shared.plain.get(value) if shared is not None else None
        return done if done is not None else _escaped(value)
    if value is None:
        return ""
    if isinstance(value, (SafeMarkdown, Markup)):
        return value
    if isinstance(value, str):
        return _escaped(value)
    return value


def math_filter(value: Any) -> SafeMarkdown:
    """`{{ text | math }}` in a template: escaped text whose LaTeX renders as math."""
    if value is None:
        return SafeMarkdown("")
    text = str(value)
    shared = _MEMO.get()
    if shared is None:
        return escape_markdown_math(text)
    done = shared.math.get(text)
    if done is None:
        done = shared.math[text] = escape_markdown_math(text)
    return done


def fill_filter(words: str, **values: Any) -> SafeMarkdown:
    """`{{ words.as_of | fill(snapshot=snapshot) }}`: a language's own words (trusted Markdown)
    with each value escaped into its `{placeholder}`."""
    return SafeMarkdown(words.format(**{name: finalize(v) for name, v in values.items()}))


def count_filter(words: str | dict[str, str], n: int, separator: str = ",") -> SafeMarkdown:
    """`{{ words.upvote_count | count(n, words.digit_separator) }}`: the words for n, in their
    `one` or `other` form when the language has forms ("1 upvote", "2 upvotes"), with n in
    `{n}`, its digits grouped ("2,618")."""
    if isinstance(words, dict):
        words = words["one"] if n == 1 and "one" in words else words["other"]
    if type(words) is str and type(n) is int and type(separator) is str:
        return _count(words, n, separator)
    return fill_filter(words, n=digits_filter(n, separator))


def digits_filter(n: int, separator: str = ",") -> SafeMarkdown:
    """`{{ stars | digits(words.digit_separator) }}`: `2618` as `2,618`."""
    if type(n) is int and type(separator) is str:
        return _digits(n, separator)
    return SafeMarkdown(escape_markdown(group_digits(n, separator)))


# Counts repeat from paper to paper and day to day (upvotes, comments, stars, authors left
# out), with a language's few words: worth keeping as printed.
@lru_cache(maxsize=4096)
def _count(words: str, n: int, separator: str) -> SafeMarkdown:
    return fill_filter(words, n=digits_filter(n, separator))


@lru_cache(maxsize=4096)
def _digits(n: int, separator: str) -> SafeMarkdown:
    return SafeMarkdown(escape_markdown(group_digits(n, separator)))
