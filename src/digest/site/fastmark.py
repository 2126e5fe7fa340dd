"""A fast path for the Markdown digest's own templates write: the same HTML as `markup.to_html`,
byte for byte, or no answer (`None`) and the caller converts with Python-Markdown.

Python-Markdown's generic machinery is most of the site's CPU. A digest post uses a handful of
its constructs (headings with `{#id}`, pipe tables, tight lists, a one-line quote, paragraphs, the
translation fold, math spans, links, `**strong**`, entities and backslash escapes). This module
reads exactly those, in Python-Markdown's own order and with its own regular expressions, and
gives up on anything else: a hand-written post, an overridden template that writes other
Markdown, a line that could be read two ways. Safety is by equality: tests hold every answer to
`markup.to_html`'s on real, hostile and generated posts.
"""

from __future__ import annotations

import re

from markdown import blockprocessors as blocks
from markdown import inlinepatterns as patterns
from markdown.serializers import RE_AMP

from digest.site import folds, markup

# Python-Markdown's placeholders: an inline element, and a backslash-escaped character.
_HOLD = "\x02klzzwxh:%04d\x03"
_HELD = re.compile("\x02klzzwxh:(\\d+)\x03")
_ESCAPED = re.compile("\x02(\\d+)\x03")
_ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!|")

# Compiled as Python-Markdown compiles its inline patterns: `.` matches a line break too.
_BACKTICK = re.compile(patterns.BACKTICK_RE, re.DOTALL)
_DOLLAR = re.compile(re.escape(markup.ESCAPED_DOLLAR), re.DOTALL)
_MATH = re.compile(markup._INLINE_MATH, re.DOTALL)
_ESCAPE = re.compile(patterns.ESCAPE_RE, re.DOTALL)
_LINK = re.compile(patterns.LINK_RE, re.DOTALL)
_ENTITY = re.compile(patterns.ENTITY_RE, re.DOTALL)
# `**strong**` and `*em*` around text without other asterisks, not starting or ending in a space
# (where Python-Markdown's not_strong rule would read the stars as text).
_STARS = re.compile(r"\*\*([^\s*](?:[^*]*[^\s*])?)\*\*|\*([^\s*](?:[^*]*[^\s*])?)\*")
# A link target as digest writes one (safe_url): no space, quote, bracket or backslash.
_TARGET = re.compile(r"\(([^\s()<>\"'\\\x02\x03]+)\)")

_HASH = blocks.HashHeaderProcessor.RE
_SETEXT = blocks.SetextHeaderProcessor.RE
_HR = blocks.HRProcessor.SEARCH_RE
_QUOTE = blocks.BlockQuoteProcessor.RE
_REFERENCE = blocks.ReferenceProcessor.RE
_OLIST = re.compile(r"^[ ]{0,3}\d+\.[ ]+(.*)")
_ULIST_ITEM = re.compile(r"^[ ]{0,3}[*+-][ ]+(.*)")
_END_BORDER = re.compile(r"(?<!\\)(?:\\\\)*\|$")
_ALIGNS = {(True, True): "center", (True, False): "left", (False, True): "right"}
_FOLD_END = "</details>"
# How math is written for MathJax: display in `\[…\]`, inline in `\(…\)` (as markup does).
_BRACKETS = "\\[%s\\]"
_PARENS = "\\(%s\\)"
# The first characters of a line that some block rule (heading, rule, list, quote, reference,
# setext underline, display math, fold) starts with.
_RULE_STARTS = frozenset("#-_*+>[=$\\<0123456789")
# Link targets markup.safe_link keeps as they are, known from their first characters.
_SAFE_STARTS = ("https://", "http://", "#", "../")
# The characters some inline pattern needs (`_` and `<` only to give up on).
_INLINE_MARKS = frozenset("`<$\\[&*_")
# Anything in a document that switches on a construct this module does not read.
_UNREAD = ("\r", "\t", "\x02", "\x03", "]:", "  \n", "```", "~~~", "![")


class _NotOurs(Exception):
    """The text holds Markdown this module does not read: Python-Markdown converts it."""


def to_html(text: str) -> str | None:
    """The post body's HTML exactly as `markup.to_html` writes it, or None when not sure."""
    if not text.strip() or any(mark in text for mark in _UNREAD):
        return None
    source = text + "\n\n"
    if "\n " in source:  # Python-Markdown empties lines of spaces alone
        source = re.sub(r"(?<=\n) +\n", "\n", source)
    try:
        return "".join(_blocks(source.split("\n\n"))).strip()
    except _NotOurs:
        return None


# ---- blocks --------------------------------------------------------------------------------


def _blocks(chunks: list[str]) -> list[str]:
    """Each block's HTML, in order, as Python-Markdown's block parser would build it."""
    out: list[str] = []
    last = ""  # the previous sibling's kind: a list after a list would merge into a loose one
    while chunks:
        block = chunks.pop(0)
        if not block or block.startswith("\n"):
            if block[1:]:
                chunks.insert(0, block[1:])
            continue
        match = folds._START.fullmatch(block)
        if match:
            out.append(_fold(match.group(1), chunks))
            last = "details"
            continue
        kind, html = _block(block)
        if kind == "ul" and last in ("ul", "ol"):
            raise _NotOurs
        if kind == "blockquote" and last == "blockquote":
            raise _NotOurs
        out.append(html)
        last = kind
    return out


def _block(block: str) -> tuple[str, str]:
    math = markup._DISPLAY_MATH.fullmatch(block)
    if math:
        tex = math.group(1) if math.group(1) is not None else math.group(2)
        return "div", f'<div class="math display">{_cdata(_BRACKETS % tex)}</div>'
    if block[0] == " ":
        raise _NotOurs  # indented code, or a list's continuation
    if block[0] == "|":
        return "table", _table(block)
    if block[0] == "#" and "\n" not in block:
        return "h", _heading(block)
    if block.startswith("> ") and "\n" not in block:
        quoted = _inline(_plain(block[2:]).lstrip())
        return "blockquote", f"<blockquote><p>{quoted}</p></blockquote>"
    if block.startswith("- "):
        return "ul", _list(block)
    return "p", f"<p>{_inline(_plain(block).lstrip())}</p>"


def _plain(block: str) -> str:
    """The block itself, when no block rule but the paragraph's would claim it."""
    if not block.strip() or "|" in block or block[0] == " ":
        raise _NotOurs  # empty (an empty list item), a table's row, indented code
    # Every other rule needs one of these first on a line: the regexes only for such blocks.
    if "\n" not in block:
        if block.lstrip()[:1] not in _RULE_STARTS:
            return block
    elif _RULE_STARTS.isdisjoint(line.lstrip()[:1] for line in block.split("\n")):
        return block
    if (
        _HASH.search(block)
        or _SETEXT.match(block)
        or _HR.search(block)
        or _OLIST.match(block)
        or _ULIST_ITEM.match(block)
        or _QUOTE.search(block)
        or _REFERENCE.search(block)
        or markup._DISPLAY_MATH.fullmatch(block)
        or folds._START.fullmatch(block)
    ):
        raise _NotOurs
    return block


def _heading(block: str) -> str:
    match = _HASH.search(block)
    if match is None or match.start() != 0:
        raise _NotOurs
    level = len(match.group("level"))
    text = match.group("header").strip()
    anchor = markup._HEADING_ID.search(text)
    if anchor is None:
        return f"<h{level}>{_inline(text)}</h{level}>"
    text = text[: anchor.start()]
    return f'<h{level} id="{anchor.group(1)}">{_inline(text)}</h{level}>'


def _list(block: str) -> str:
    items = []
    for line in block.split("\n"):
        if not line.startswith("- "):
            raise _NotOurs  # a lazy continuation line or a nested list
        item = line[2:].lstrip(" ")
        # Dashes alone would make the line a rule or the one above a heading (setext), both
        # rules before the list's; `#` or `|` cannot start a line that starts with `- `.
        if not item.strip(" -"):
            raise _NotOurs
        items.append(f"<li>{_inline(_plain(item).lstrip())}</li>")
    return f"<ul>{''.join(items)}</ul>"


def _table(block: str) -> str:
    rows = [row.strip(" ") for row in block.split("\n")]
    # Every pipe a cell's edge: no escaped pipe (`\\|`), no code span to hide one.
    if len(rows) < 3 or "\\|" in block or "`" in block:
        raise _NotOurs
    if not all(row.startswith("|") and _END_BORDER.search(row) for row in rows):
        raise _NotOurs
    header, separator = _cells(rows[0]), _cells(rows[1])
    if len(header) < 2 or len(separator) != len(header):
        raise _NotOurs
    if not set("".join(separator)) <= set("|:- "):
        raise _NotOurs
    aligns = []
    for cell in separator:
        cell = cell.strip(" ")
        align = _ALIGNS.get((cell.startswith(":"), cell.endswith(":")))
        aligns.append(f' style="text-align: {align};"' if align else "")
    head = _row(rows[0], "th", aligns)
    body = "".join(_row(row, "td", aligns) for row in rows[2:])
    return f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"


def _cells(row: str) -> list[str]:
    return _END_BORDER.sub("", row[1:]).split("|")


def _row(row: str, tag: str, aligns: list[str]) -> str:
    cells = _cells(row)
    out = []
    for i, align in enumerate(aligns):
        text = cells[i].strip(" ") if i < len(cells) else ""
        out.append(f"<{tag}{align}>{_inline(text)}</{tag}>")
    return f"<tr>{''.join(out)}</tr>"


def _fold(summary: str, chunks: list[str]) -> str:
    """digest's `<details markdown="1">` fold: its summary, then Markdown up to `</details>`."""
    try:
        end = next(i for i, block in enumerate(chunks) if block.strip() == _FOLD_END)
    except StopIteration:
        raise _NotOurs from None
    inner = chunks[:end]
    del chunks[: end + 1]
    return f"<details><summary>{_inline(summary)}</summary>{''.join(_blocks(inner))}</details>"


# ---- inline --------------------------------------------------------------------------------


class _Held:
    """Finished pieces of HTML, standing in the text as Python-Markdown's placeholders do."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def hold(self, html: str) -> str:
        self.pieces.append(html)
        return _HOLD % (len(self.pieces) - 1)

    def html(self, text: str) -> str:
        """The text with each placeholder's HTML in place, and the text between escaped."""
        if "\x02" not in text:
            return _cdata(text)
        parts = _HELD.split(text)
        for i in range(0, len(parts), 2):
            part = parts[i]
            if "\x02" in part:
                part = _ESCAPED.sub(lambda m: chr(int(m.group(1))), part)
            parts[i] = _cdata(part)
        for i in range(1, len(parts), 2):
            parts[i] = self.pieces[int(parts[i])]
        return "".join(parts)


def _inline(text: str) -> str:
    """One element's text as HTML: Python-Markdown's inline patterns, by priority."""
    if _INLINE_MARKS.isdisjoint(text):
        return _cdata(text)  # plain text: no pattern can match
    held = _Held()
    if "`" in text and _BACKTICK.search(text):
        raise _NotOurs
    if "<" in text:
        text = _DOLLAR.sub(lambda m: held.hold("<span>$</span>"), text)
    if "$" in text or "\\" in text:
        text = _math_spans(text, held)
    if "\\" in text:
        text = _ESCAPE.sub(_escape, text)
    if "[" in text:
        text = _links(text, held)
    return held.html(_late(text, held))


def _math_spans(text: str, held: _Held) -> str:
    """Each math span held, found as Python-Markdown finds them: one at a time, the next
    searched for after the last one's placeholder, so the look-behinds see the placeholder."""
    pos = 0
    while (match := _MATH.search(text, pos)) is not None:
        piece = held.hold(_math(match))
        text = text[: match.start()] + piece + text[match.end() :]
        pos = match.start() + len(piece)
    return text


def _math(match: re.Match[str]) -> str:
    if "\x02" in match.group(0):
        raise _NotOurs  # math around a `$` of prose
    if match.group("bracket") is not None:
        return f'<span class="math display">{_cdata(_BRACKETS % match.group("bracket"))}</span>'
    tex = next(g for g in (match.group("dd"), match.group("paren"), match.group("d")) if g)
    return f'<span class="math">{_cdata(_PARENS % tex)}</span>'


def _escape(match: re.Match[str]) -> str:
    char = match.group(1)
    return f"\x02{ord(char)}\x03" if char in _ESCAPABLE else match.group(0)


def _links(text: str, held: _Held) -> str:
    """`[text](url)`: the text read on by the later patterns, the URL allow-listed."""
    out = []
    pos = 0
    while (match := _LINK.search(text, pos)) is not None:
        end = text.find("]", match.end()) + 1
        if not end or "[" in text[match.end() : end]:
            raise _NotOurs  # unclosed, or brackets inside the link's text
        target = _TARGET.match(text, end)
        if target is None:
            raise _NotOurs
        label = held.html(_late(text[match.end() : end - 1], held))
        url = target.group(1)
        href = url if url.startswith(_SAFE_STARTS) else markup.safe_link(url)
        attribute = f' href="{_attribute(href)}"' if href is not None else ""
        out.append(text[pos : match.start()])
        out.append(held.hold(f"<a{attribute}>{label}</a>"))
        pos = target.end()
    out.append(text[pos:])
    return "".join(out)


def _late(text: str, held: _Held) -> str:
    """The patterns after links: entities, then `**strong**` and `*em*`."""
    if "[" in text or "<" in text or "_" in text:
        raise _NotOurs  # a reference, an autolink or underscore emphasis: not ours
    if "&" in text:
        text = _ENTITY.sub(lambda m: held.hold(m.group(1)), text)
    if "*" in text:
        text = _STARS.sub(lambda m: held.hold(_stars(m, held)), text)
        if "*" in text:
            raise _NotOurs
    return text


def _stars(match: re.Match[str], held: _Held) -> str:
    if match.group(1) is not None:
        return f"<strong>{held.html(match.group(1))}</strong>"
    return f"<em>{held.html(match.group(2))}</em>"


def _cdata(text: str) -> str:
    """Text as Python-Markdown's serializer writes it (an `&` that starts an entity is kept)."""
    if "&" in text:
        text = RE_AMP.sub("&amp;", text)
    if "<" in text:
        text = text.replace("<", "&lt;")
    return text.replace(">", "&gt;") if ">" in text else text


def _attribute(text: str) -> str:
    return _cdata(text).replace('"', "&quot;")
