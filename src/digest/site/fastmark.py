"""A fast path for the Markdown digest's own templates write: the same HTML as `markup.to_html`,
byte for byte, or no answer (`None`) and the caller converts with Python-Markdown.

Python-Markdown's generic machinery is most of the site's CPU. A digest post uses a handful of
its constructs (headings with `{#id}`, pipe tables, tight lists, a one-line quote, paragraphs, the
translation fold, math spans, links, `**strong**`, entities and backslash escapes). This module
reads exactly those, in Python-Markdown's own order and with its own regular expressions, and
gives up on anything else: a hand-written post, an overridden template that writes other
Markdown, a line that could be read two ways. Safety is by equality: tests hold every answer to
`markup.to_html`'s on real, hostile and generated posts. The blocks are read here, their text
by `fastinline`; `convert` also gives the page's paper records, from the headings it wrote.
"""

from __future__ import annotations

import re
from itertools import accumulate

from markdown import blockprocessors as blocks

from digest.site import folds, markup, pageindex
from digest.site.fastinline import BRACKETS, SAFE_STARTS, NotOurs, cdata, inline

_SAFE_STARTS = SAFE_STARTS  # the link targets kept unchecked (tests hold them safe)
_HASH = blocks.HashHeaderProcessor.RE
_SETEXT = blocks.SetextHeaderProcessor.RE
_HR = blocks.HRProcessor.SEARCH_RE
_QUOTE = blocks.BlockQuoteProcessor.RE
_REFERENCE = blocks.ReferenceProcessor.RE
_OLIST = re.compile(r"^[ ]{0,3}\d+\.[ ]+(.*)")
_ULIST_ITEM = re.compile(r"^[ ]{0,3}[*+-][ ]+(.*)")
# markup._HEADING_ID from its brace on: the id and the blanks after it.
_ID_AT = re.compile(markup._HEADING_ID.pattern.removeprefix(r"\s*").removesuffix("$"))
_ALIGNS = {(True, True): "center", (True, False): "left", (False, True): "right"}
_FOLD_END = "</details>"
# The first characters of a line that some block rule (heading, rule, list, quote, reference,
# setext underline, display math, fold) starts with; and any decimal digit (an ordered list's
# regex has `\d`: a full-width one opens a list too).
_RULE_STARTS = frozenset("#-_*+>[=$\\<0123456789")
# Anything in a document that switches on a construct this module does not read.
_UNREAD = ("\r", "\t", "\x02", "\x03", "]:")
_UNREAD_AFTER = ((" \n", "  \n"), ("`", "```"), ("~", "~~~"), ("!", "!["))

# What the block reader gives: the page's HTML in pieces, and its headings, each as (the
# piece's index, its level, its id or None, its inner HTML).
Heading = tuple[int, int, str | None, str]


def to_html(text: str) -> str | None:
    """The post body's HTML exactly as `markup.to_html` writes it, or None when not sure."""
    done = _read(text)
    return None if done is None else "".join(done[0])


def convert(text: str) -> tuple[str, list[list[str]]] | None:
    """`to_html`'s HTML and its `pageindex.records`, read from the headings written (no pass
    over the page to find them), or None when not sure."""
    done = _read(text)
    if done is None:
        return None
    out, heads = done
    page = "".join(out)
    starts = list(accumulate(map(len, out), initial=0))
    headings = [
        (starts[i], starts[i + 1], level, anchor, inner) for i, level, anchor, inner in heads
    ]
    return page, pageindex.records_at(page, headings)


def _read(text: str) -> tuple[list[str], list[Heading]] | None:
    if not text.strip() or any(mark in text for mark in _UNREAD):
        return None
    # Searching for two or three characters is slow over a post: a rarer part of them first.
    if any(first in text and mark in text for first, mark in _UNREAD_AFTER):
        return None
    source = text + "\n\n"
    if text[-1] == " " or " \n" in text:  # Python-Markdown empties lines of spaces alone
        source = re.sub(r"(?<=\n) +\n", "\n", source)
    out: list[str] = []
    heads: list[Heading] = []
    try:
        _blocks(source.split("\n\n"), out, heads)
    except NotOurs:
        return None
    # Every piece starts with `<` and ends with `>`: the page needs no strip, as markup's has.
    return out, heads


# ---- blocks --------------------------------------------------------------------------------


def _blocks(chunks: list[str], out: list[str], heads: list[Heading]) -> None:
    """Each block's HTML appended to `out`, in order, as Python-Markdown's block parser would
    build it."""
    last = ""  # the previous sibling's kind: a list after a list would merge into a loose one
    i = 0
    while i < len(chunks):
        block = chunks[i].lstrip("\n")  # a third newline in a row: the rest is the next block
        i += 1
        if not block:
            continue
        first = block[0]
        if first == "<":
            match = folds._START.fullmatch(block)
            if match:
                i = _fold(match.group(1), chunks, i, out, heads)
                last = "details"
                continue
        elif first == "#" and "\n" not in block:
            heads.append((len(out), *_heading(block)))
            level, anchor, inner = heads[-1][1:]
            opening = f'<h{level} id="{anchor}">' if anchor else f"<h{level}>"
            out.append(f"{opening}{inner}</h{level}>")
            last = "h"
            continue
        kind, html = _block(block, first)
        if kind == last and kind in ("ul", "blockquote"):
            raise NotOurs
        out.append(html)
        last = kind


def _block(block: str, first: str) -> tuple[str, str]:
    # Display math is a block of `$$…$$` or `\[…\]`, blanks around it (re's \s is isspace).
    if first in "$\\" or first.isspace():
        math = markup._DISPLAY_MATH.fullmatch(block)
        if math:
            tex = math.group(1) if math.group(1) is not None else math.group(2)
            return "div", f'<div class="math display">{cdata(BRACKETS % tex)}</div>'
        if first == " ":
            raise NotOurs  # indented code, or a list's continuation
    if first == "|":
        return "table", _table(block)
    if first == ">" and block.startswith("> ") and "\n" not in block:
        quoted = inline(_plain(block[2:]).lstrip())
        return "blockquote", f"<blockquote><p>{quoted}</p></blockquote>"
    if first == "-" and block.startswith("- "):
        return "ul", _list(block)
    return "p", f"<p>{inline(_plain(block).lstrip())}</p>"


def _plain(block: str) -> str:
    """The block itself, when no block rule but the paragraph's would claim it."""
    if "|" in block or not block.strip() or block[0] == " ":
        raise NotOurs  # a table's row, empty (an empty list item), indented code
    if "\n" not in block:
        if _claimed(block):
            raise NotOurs
        return block
    # Every other rule needs one of these first on a line: the regexes only for such blocks.
    firsts = [line.lstrip()[:1] for line in block.split("\n")]
    if _RULE_STARTS.isdisjoint(firsts) and not any(first.isdecimal() for first in firsts):
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
        raise NotOurs
    return block


def _claimed(line: str) -> bool:
    """Whether a block rule before the paragraph's claims this one line (not starting with a
    space): each rule's regex only when the line starts as the rule needs (a setext heading
    needs a second line)."""
    first = line[0]
    if first == "#":
        return _HASH.search(line) is not None
    if first in "-_*+":
        return bool(_HR.search(line) or _ULIST_ITEM.match(line))
    if first == ">":
        return _QUOTE.search(line) is not None
    if first == "[":
        return _REFERENCE.search(line) is not None
    if first == "<":
        return folds._START.fullmatch(line) is not None
    if first in "$\\" or first.isspace():
        return markup._DISPLAY_MATH.fullmatch(line) is not None
    return first.isdecimal() and _OLIST.match(line) is not None


def _heading(block: str) -> tuple[int, str | None, str]:
    """A `#` heading's level, id (from `{#id}`) and inner HTML."""
    if "\\" in block:  # a backslash pairs with the next character: Python-Markdown's regex
        match = _HASH.search(block)
        if match is None or match.start() != 0:
            raise NotOurs
        level, text = len(match.group("level")), match.group("header").strip()
    else:  # what that regex reads on one line: up to six `#`, the text, closing `#`s
        level = min(len(block) - len(block.lstrip("#")), 6)
        text = block[level:].rstrip("#").strip()
    # markup's `{#id}` at the end: after the last `{#` (an id holds no brace), blanks before it.
    start = text.rfind("{#")
    anchor = _ID_AT.fullmatch(text, start) if start >= 0 else None
    if anchor is None:
        return level, None, inline(text)
    return level, anchor.group(1), inline(text[:start].rstrip())


def _list(block: str) -> str:
    items = []
    # Each line's text after its `- `; a line that starts otherwise (a lazy continuation line
    # or a nested list) stays inside the item before it.
    for line in block[2:].split("\n- "):
        item = line.lstrip(" ")
        # Dashes alone would make the line a rule or the one above a heading (setext), both
        # rules before the list's; `#` or `|` cannot start a line that starts with `- `.
        if "\n" in item or not item.strip(" -"):
            raise NotOurs
        first = item[0]
        if first in _RULE_STARTS or first.isdecimal() or first.isspace() or "|" in item:
            item = _plain(item).lstrip()
        items.append(inline(item))
    return f"<ul><li>{'</li><li>'.join(items)}</li></ul>"


def _table(block: str) -> str:
    rows = [row.strip(" ") for row in block.split("\n")]
    # Every pipe a cell's edge: no escaped pipe (`\\|`), no code span to hide one. Then a row's
    # closing border (an unescaped `|` at its end) is its last character.
    if len(rows) < 3 or "\\|" in block or "`" in block:
        raise NotOurs
    if not all(row[:1] == "|" and row[-1:] == "|" for row in rows):
        raise NotOurs
    header, separator = rows[0][1:-1].split("|"), rows[1][1:-1].split("|")
    if len(header) < 2 or len(separator) != len(header):
        raise NotOurs
    if not set("".join(separator)) <= set("|:- "):
        raise NotOurs
    aligns = []
    for cell in separator:
        cell = cell.strip(" ")
        align = _ALIGNS.get((cell.startswith(":"), cell.endswith(":")))
        aligns.append(f' style="text-align: {align};"' if align else "")
    head = _row(header, [f"<th{align}>" for align in aligns], "</th>")
    opens = [f"<td{align}>" for align in aligns]
    body = "".join([_row(row[1:-1].split("|"), opens, "</td>") for row in rows[2:]])
    return f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"


def _row(cells: list[str], opens: list[str], close: str) -> str:
    """A row of as many cells as the header has: extra ones dropped, missing ones empty."""
    pairs = zip(opens, cells, strict=False)  # a row's extra cells: dropped
    out = [opening + inline(cell.strip(" ")) + close for opening, cell in pairs]
    if len(cells) < len(opens):
        out += [opening + close for opening in opens[len(cells) :]]
    return f"<tr>{''.join(out)}</tr>"


def _fold(summary: str, chunks: list[str], start: int, out: list[str], heads: list[Heading]) -> int:
    """digest's `<details markdown="1">` fold: its summary, then Markdown up to `</details>`;
    where the blocks after it start."""
    try:
        end = next(i for i in range(start, len(chunks)) if chunks[i].strip() == _FOLD_END)
    except StopIteration:
        raise NotOurs from None
    out.append(f"<details><summary>{inline(summary)}</summary>")
    _blocks(chunks[start:end], out, heads)
    out.append("</details>")
    return end + 1
