"""Markdown to safe HTML for the site: raw HTML shown as text, links allow-listed, math verbatim.

Python-Markdown passes raw HTML through and has no sanitizer, so this module closes every
door by construction instead of cleaning HTML afterwards: the raw-HTML parsers are removed
(a `<script>` in a post becomes visible text), and a last pass over the element tree keeps
only known tags and attributes, and only http(s), mailto and relative link targets.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from digest.site.folds import Fold

EXTENSIONS = ("tables", "fenced_code")
# Part of every cache key: a new digest or Markdown release never reuses old HTML.
RENDERER = f"digest-markup-3 markdown-{markdown.__version__}"

ALLOWED_TAGS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "code",
        "em",
        "strong",
        "a",
        "img",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
        "br",
        "div",
        "span",
        "details",
        "summary",
    ]
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}
# An anchor: kramdown's id characters; nothing a script or a CSS selector would trip on.
SAFE_ID = re.compile(r"[A-Za-z][\w-]{0,80}")
# kramdown's `### Title {#id}`: a paper's entry gets its anchor. Not the attr_list extension:
# that also puts any attribute on fenced code, which is stashed past the allow-list.
_HEADING_TAGS = frozenset(f"h{n}" for n in range(1, 7))
_HEADING_ID = re.compile(r"\s*\{#([A-Za-z][\w-]{0,80})\}\s*$")
URL_ATTRIBUTES = frozenset({"href", "src"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# The only class and style values our own extensions and the tables/fenced_code ones produce.
SAFE_CLASS = re.compile(r"math|math display|language-[\w+#.-]{1,40}")
SAFE_STYLE = re.compile(r"text-align: (?:left|right|center);")
# Browsers drop these anywhere in a URL before reading its scheme ("java\tscript:").
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")

# TeX spans kept away from Markdown (so `_` and `*` inside stay TeX) and written in the
# delimiters MathJax reads: `$$…$$` as kramdown does (inline), `\(…\)`, and `$…$` when it
# cannot be money (no space inside the dollars, no digit right after the closing one).
_INLINE_MATH = (
    r"(?<!\\)\$\$(?P<dd>.+?)(?<!\\)\$\$"
    r"|(?<!\\)\\\((?P<paren>.+?)\\\)"
    r"|(?<!\\)\\\[(?P<bracket>.+?)\\\]"
    r"|(?<![\\$])\$(?P<d>[^\s$](?:[^$\n]*?[^\s\\$])?)\$(?!\d)"
)
_DISPLAY_MATH = re.compile(r"\s*(?:\$\$(.+?)\$\$|\\\[(.+?)\\\])\s*", re.S)
# How `render` writes a `$` of prose: raw HTML, the one piece of it this module reads as HTML,
# so the page shows `$` in an element of its own (MathJax never pairs it with another).
ESCAPED_DOLLAR = "<span>&#36;</span>"
# Text that MathJax would typeset: decides whether a page loads MathJax at all.
# (has_math finds `$`, `\(` and `\[` by `in` tests.) A dollar as an entity, matched at an `&`;
# case-blind by hand: re.I would look for other cases of letters that have none.
_ENTITY_DOLLAR = re.compile(r"&(?:#0*36;|#[xX]0*24;|[dD][oO][lL][lL][aA][rR];)")


# A character each inline pattern cannot match without. Python-Markdown runs every pattern's
# regex over every text node; most nodes lack the character, and skipping them (an `in` test
# instead of a regex scan with look-behinds) makes a whole post convert about 40% faster.
_TRIGGERS = {
    "backtick": "`",
    "escape": "\\",
    "reference": "[",
    "link": "[",
    "image_link": "[",
    "image_reference": "[",
    "short_reference": "[",
    "short_image_ref": "[",
    "autolink": "<",
    "automail": "<",
    "linebreak": "\n",
    "entity": "&",
    "em_strong": "*_",
    "em_strong2": "_",
    "not_strong": "*_",
    "math": "$\\",
    "dollar": "<",
}


class _Guarded:
    """A compiled pattern that answers "no match" at once for text without its trigger."""

    def __init__(self, compiled: re.Pattern[str], triggers: str) -> None:
        self.compiled = compiled
        self.triggers = triggers

    def _possible(self, text: str) -> bool:
        return any(c in text for c in self.triggers)

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, pos) if self._possible(text) else iter(())

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.compiled.search(text, pos) if self._possible(text) else None

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.compiled.match(text, pos) if self._possible(text) else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)


# The same for the block parsers that search a whole paragraph (an abstract is 2 KB).
_BLOCK_TRIGGERS = {
    "hashheader": ("RE", "#"),
    "setextheader": ("RE", "=-"),
    "hr": ("SEARCH_RE", "-_*"),
    "quote": ("RE", ">"),
    "reference": ("RE", "["),
}


# Whole-document tests: a pattern whose trigger is nowhere in a post is left out for that post
# (fewer patterns, fewer passes over every text node). Reference links need a definition
# (`[id]: url`); a hard line break needs two spaces before a newline.
_DOCUMENT_TRIGGERS = {
    **{name: tuple(chars) for name, chars in _TRIGGERS.items()},
    **{name: ("]:",) for name in ("reference", "image_reference")},
    **{name: ("]:",) for name in ("short_reference", "short_image_ref")},
    "linebreak": ("  \n",),
}


def _guard_patterns(md: markdown.Markdown) -> None:
    for name, triggers in _TRIGGERS.items():
        if name in md.inlinePatterns:
            pattern = md.inlinePatterns[name]
            pattern.compiled_re = _Guarded(pattern.compiled_re, triggers)  # type: ignore[assignment]
    for name, (attribute, triggers) in _BLOCK_TRIGGERS.items():
        if name in md.parser.blockprocessors:
            processor = md.parser.blockprocessors[name]
            compiled = getattr(processor, attribute, None)
            if isinstance(compiled, re.Pattern):
                setattr(processor, attribute, _Guarded(compiled, triggers))
    if "fenced_code_block" in md.preprocessors:
        fences = md.preprocessors["fenced_code_block"]
        run = fences.run
        # Its regex scans the whole post; a post without ``` or ~~~ has no fenced code.
        fences.run = lambda lines: run(lines) if _has_fence(lines) else lines  # type: ignore[method-assign]
    if "table" in md.parser.blockprocessors:
        table = md.parser.blockprocessors["table"]
        test = table.test
        # A table needs a pipe; without this every multi-line block is split into cells.
        table.test = lambda parent, block: "|" in block and test(parent, block)  # type: ignore[method-assign]


class _DisplayMath(BlockProcessor):
    """A paragraph that is only `$$…$$` or `\\[…\\]` is display math, as in kramdown."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return _DISPLAY_MATH.fullmatch(block) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        match = _DISPLAY_MATH.fullmatch(blocks.pop(0))
        assert match
        tex = match.group(1) if match.group(1) is not None else match.group(2)
        div = etree.SubElement(parent, "div", {"class": "math display"})
        div.text = AtomicString(f"\\[{tex}\\]")


class _EscapedDollar(InlineProcessor):
    """`render`'s escaped `$` → `<span>$</span>`, as kramdown passes that raw HTML through."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
        node = etree.Element("span")
        node.text = AtomicString("$")
        return node, m.start(0), m.end(0)


class _InlineMath(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
        if m.group("bracket") is not None:
            node = etree.Element("span", {"class": "math display"})
            node.text = AtomicString(f"\\[{m.group('bracket')}\\]")
        else:
            tex = next(g for g in (m.group("dd"), m.group("paren"), m.group("d")) if g is not None)
            node = etree.Element("span", {"class": "math"})
            node.text = AtomicString(f"\\({tex}\\)")
        return node, m.start(0), m.end(0)


def safe_link(value: str) -> str | None:
    """The URL if it is relative or http(s)/mailto; None for javascript:, data: and the rest."""
    cleaned = _URL_IGNORED.sub("", value)
    head = re.split(r"[/?#]", cleaned, maxsplit=1)[0]
    if ":" not in head:
        return value  # relative: no scheme at all
    scheme = head.split(":", 1)[0].lower()
    return value if scheme in SAFE_SCHEMES else None


def _safe_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "class":
        return value if SAFE_CLASS.fullmatch(value) else None
    if name == "style":
        return value if SAFE_STYLE.fullmatch(value) else None
    if name == "align":
        return value if value in ("left", "right", "center") else None
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return None
    if name == "id":
        return value if SAFE_ID.fullmatch(value) else None
    return safe_link(value) if name in URL_ATTRIBUTES else value


class _HeadingIds(Treeprocessor):
    """`{#id}` at the end of a heading becomes its id, as kramdown reads it."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag not in _HEADING_TAGS:
                continue
            last = element[-1] if len(element) else None
            text = (last.tail if last is not None else element.text) or ""
            match = _HEADING_ID.search(text)
            if match is None:
                continue
            rest = text[: match.start()]
            if last is not None:
                last.tail = rest
            else:
                element.text = rest
            element.set("id", match.group(1))


class _AllowList(Treeprocessor):
    """Last pass: unknown tags become spans, unknown attributes and unsafe URLs go."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element is root:
                continue
            if element.tag not in ALLOWED_TAGS:
                element.tag = "span"
            kept = {}
            for name, value in element.attrib.items():
                safe = _safe_attribute(element.tag, name, value)
                if safe is not None:
                    kept[name] = safe
            element.attrib.clear()
            element.attrib.update(kept)
            if element.tag == "img":  # thumbnails: fetched when scrolled to, not with the page
                element.attrib.update(loading="lazy", decoding="async")


class SafeHtmlExtension(Extension):
    """No raw HTML, TeX kept verbatim, and an allow-list over the result."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Without these two, `<script>` and `<b onclick=…>` are plain text, escaped on output.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.parser.blockprocessors.register(_DisplayMath(md.parser), "display_math", 95)
        md.parser.blockprocessors.register(Fold(md.parser), "fold", 96)
        # After code spans (190), before backslash escapes (180), which would eat `\(`.
        md.inlinePatterns.register(_InlineMath(_INLINE_MATH, md), "math", 185)
        # Before entities (70) and autolinks (120) take the element apart; after code spans.
        md.inlinePatterns.register(_EscapedDollar(re.escape(ESCAPED_DOLLAR), md), "dollar", 186)
        # Pretty-printing only adds newlines; skipping it saves a tenth of the time.
        md.treeprocessors.deregister("prettify")
        md.treeprocessors.register(_HeadingIds(md), "heading_ids", 2)
        md.treeprocessors.register(_AllowList(md), "allow_list", 1)


@lru_cache(maxsize=1)
def _converter() -> _Converter:
    md = markdown.Markdown(extensions=[*EXTENSIONS, SafeHtmlExtension()], output_format="html")
    _guard_patterns(md)
    return _Converter(md)


def _has_fence(lines: list[str]) -> bool:
    return any("```" in line or "~~~" in line for line in lines)


class _Converter:
    """One Markdown instance, its inline patterns chosen per document (see _DOCUMENT_TRIGGERS)."""

    def __init__(self, md: markdown.Markdown) -> None:
        self.md = md
        self.patterns = [
            (i.name, md.inlinePatterns[i.name], i.priority) for i in md.inlinePatterns._priority
        ]

    def convert(self, text: str) -> str:
        registry = self.md.inlinePatterns
        for name, pattern, priority in self.patterns:
            needed = any(t in text for t in _DOCUMENT_TRIGGERS.get(name, ("",)))
            if needed and name not in registry:
                registry.register(pattern, name, priority)
            elif not needed and name in registry:
                registry.deregister(name)
        try:
            return self.md.convert(text)
        finally:
            self.md.reset()


def to_html(text: str) -> str:
    """One post body (Markdown) as safe HTML."""
    return _converter().convert(text)


def has_math(html: str) -> bool:
    """Whether MathJax would find anything to typeset in this HTML (a post's Markdown too)."""
    # One-character `in` tests first: a two-character one is 20x slower over a post with emoji.
    if "<" in html:
        for dollar in (ESCAPED_DOLLAR, "<span>$</span>"):  # prose, before and after to_html
            if dollar in html:
                html = html.replace(dollar, "")
    if "$" in html:
        return True
    if "\\" in html and ("\\(" in html or "\\[" in html):
        return True
    # What is left for the regex: a dollar written as an entity. Each `&` looked at in turn
    # (a post has a few), not a search of the whole post for each spelling.
    start = html.find("&")
    while start >= 0:
        if _ENTITY_DOLLAR.match(html, start):
            return True
        start = html.find("&", start + 1)
    return False
