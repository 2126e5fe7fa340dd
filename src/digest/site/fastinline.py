"""fastmark's inline half: one element's text as HTML exactly as Python-Markdown's inline
patterns write it (digest's math, escapes, links, entities, `**strong**`), or `NotOurs`.

The general reading holds each finished piece in a placeholder as Python-Markdown does, pattern
after pattern in its priority order. Most of a post's text needs none of that: plain text is
escaped in one step, and text whose only Markdown is links (a table's titles, a paper's links
line) is cut at its links with one regex, the pieces escaped where they lie (the same bytes:
tests hold both readings to Python-Markdown's).
"""

from __future__ import annotations

import re

from markdown import inlinepatterns as patterns
from markdown.serializers import RE_AMP

from digest.site import markup


class NotOurs(Exception):
    """The text holds Markdown fastmark does not read: Python-Markdown converts it."""


# Python-Markdown's placeholders: an inline element, and a backslash-escaped character.
_HOLD = "\x02klzzwxh:%04d\x03"
_HELD = re.compile("\x02klzzwxh:(\\d+)\x03")
_ESCAPED = re.compile("\x02(\\d+)\x03")
_ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!|")

# Compiled as Python-Markdown compiles its inline patterns: `.` matches a line break too.
_DOLLAR = re.compile(re.escape(markup.ESCAPED_DOLLAR), re.DOTALL)
_MATH = re.compile(markup._INLINE_MATH, re.DOTALL)
_ESCAPE = re.compile(patterns.ESCAPE_RE, re.DOTALL)
_ENTITY = re.compile(patterns.ENTITY_RE, re.DOTALL)
# `**strong**` and `*em*` around text without other asterisks, not starting or ending in a space
# (where Python-Markdown's not_strong rule would read the stars as text).
_STARS = re.compile(r"\*\*([^\s*](?:[^*]*[^\s*])?)\*\*|\*([^\s*](?:[^*]*[^\s*])?)\*")
# A link target as digest writes one (safe_url): no space, quote, bracket or backslash.
_TARGET_CHARS = "[^\\s()<>\"'\\\\\x02\x03]+"
_TARGET = re.compile(rf"\(({_TARGET_CHARS})\)")
# A whole link as `_links` reads one: `[`, text up to the first `]` (no `[` in it), a target.
_WHOLE_LINK = re.compile(rf"\[([^\[\]]*)\]\(({_TARGET_CHARS})\)")
# How math is written for MathJax: display in `\[…\]`, inline in `\(…\)` (as markup does).
BRACKETS = "\\[%s\\]"
_PARENS = "\\(%s\\)"
# Link targets markup.safe_link keeps as they are, known from their first characters.
SAFE_STARTS = ("https://", "http://", "#", "../")


def inline(text: str) -> str:
    """One element's text as HTML: Python-Markdown's inline patterns, by priority."""
    # `in` tests, not a character-class search: over a 2 KB abstract they are 15x faster.
    if "`" in text or "<" in text or "$" in text or "\\" in text:
        return _general(text)
    if "[" in text:
        return _general(text) if "*" in text else _links_only(text)
    if "_" in text:
        raise NotOurs  # underscore emphasis (or text that looks like it): not ours
    if "*" in text:
        return _stars_only(text)
    return cdata(text)  # plain text, or entities (held or not, the serializer keeps them)


# Text whose only Markdown is links, or only stars (entities aside), is read without
# placeholders: what `_general` writes, cut at the links or stars, each piece escaped where it
# lies. An entity is kept either way (RE_AMP keeps what _ENTITY holds; a cut at a bracket, a
# parenthesis or a star changes no `&`'s reading), and a held entity reads as its own text to
# the patterns after it (neither holds a star, a bracket or a blank).


def _links_only(text: str) -> str:
    parts = _WHOLE_LINK.split(text)  # text, link text, target, text, …
    between, labels, urls = parts[0::3], parts[1::3], parts[2::3]
    if "_" in "".join(labels):
        raise NotOurs  # underscore emphasis: not ours
    joined = "".join(between)
    if "[" in joined or "_" in joined:
        raise NotOurs  # a bracket that opens no link of ours, or underscore emphasis
    if "!" in joined and any(part.endswith("!") for part in between[:-1]):
        raise NotOurs  # `![…](…)`: an image (LINK_RE never starts after a `!`)
    if "&" in text or ">" in text:
        between = [cdata(part) for part in between]
        labels = [cdata(label) for label in labels]
    links = [_anchor(label, url) for label, url in zip(labels, urls, strict=True)]
    return _interleave(between, links)


def _stars_only(text: str) -> str:
    between, strong, em = _spans(text)
    pieces = [
        _emphasis(cdata(s), "strong") if s is not None else _emphasis(cdata(e), "em")
        for s, e in zip(strong, em, strict=True)
    ]
    return _interleave([cdata(part) for part in between], pieces)


def _interleave(between: list[str], pieces: list[str]) -> str:
    """The texts with one piece between each two: HTML, joined."""
    out = between + pieces
    out[0::2] = between
    out[1::2] = pieces
    return "".join(out)


def _anchor(label_html: str, url: str) -> str:
    """A link of the text's; its target, allow-listed, holds no quote, `<` or `>` (_TARGET)."""
    if not url.startswith(SAFE_STARTS) and markup.safe_link(url) is None:
        return f"<a>{label_html}</a>"
    return f'<a href="{RE_AMP.sub("&amp;", url) if "&" in url else url}">{label_html}</a>'


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
            return cdata(text)
        parts = _HELD.split(text)
        for i in range(0, len(parts), 2):
            part = parts[i]
            if "\x02" in part:
                part = _ESCAPED.sub(lambda m: chr(int(m.group(1))), part)
            parts[i] = cdata(part)
        for i in range(1, len(parts), 2):
            parts[i] = self.pieces[int(parts[i])]
        return "".join(parts)


def _general(text: str) -> str:
    """Every pattern fastmark reads, one after another, finished pieces held."""
    held = _Held()
    if "`" in text and _code(text):
        raise NotOurs
    if "<" in text:
        text = _DOLLAR.sub(lambda m: held.hold("<span>$</span>"), text)
    # Each math span starts `$`, `\(` or `\[`: the regex (slow, with its look-behinds) after.
    if "$" in text or "\\(" in text or "\\[" in text:
        text = _math_spans(text, held)
    if "\\" in text:
        text = _ESCAPE.sub(_escape, text)
    if "[" in text:
        text = _links(text, held)
    return held.html(_late(text, held))


def _code(text: str) -> bool:
    """Whether BACKTICK_RE matches: a backtick after an even run of backslashes (or none).
    After an odd run the backtick is escaped, and no run of pairs ends right before it."""
    i = text.find("`")
    while i >= 0:
        j = i
        while j and text[j - 1] == "\\":
            j -= 1
        if (i - j) % 2 == 0:
            return True
        i = text.find("`", i + 1)
    return False


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
        raise NotOurs  # math around a `$` of prose
    if match.group("bracket") is not None:
        return f'<span class="math display">{cdata(BRACKETS % match.group("bracket"))}</span>'
    tex = next(g for g in (match.group("dd"), match.group("paren"), match.group("d")) if g)
    return f'<span class="math">{cdata(_PARENS % tex)}</span>'


def _escape(match: re.Match[str]) -> str:
    char = match.group(1)
    return f"\x02{ord(char)}\x03" if char in _ESCAPABLE else match.group(0)


def _links(text: str, held: _Held) -> str:
    """`[text](url)`: the text read on by the later patterns, the URL allow-listed."""
    out = []
    pos = 0
    while (start := _link_start(text, pos)) >= 0:
        end = text.find("]", start + 1) + 1
        if not end or "[" in text[start + 1 : end]:
            raise NotOurs  # unclosed, or brackets inside the link's text
        target = _TARGET.match(text, end)
        if target is None:
            raise NotOurs
        label = held.html(_late(text[start + 1 : end - 1], held))
        out.append(text[pos:start])
        out.append(held.hold(_anchor(label, target.group(1))))
        pos = target.end()
    out.append(text[pos:])
    return "".join(out)


def _link_start(text: str, pos: int) -> int:
    """Where LINK_RE (`(?<!!)\\[`) next matches from pos, or -1: a `[` after anything but `!`."""
    i = text.find("[", pos)
    while i > 0 and text[i - 1] == "!":
        i = text.find("[", i + 1)
    return i


def _late(text: str, held: _Held) -> str:
    """The patterns after links: entities, then `**strong**` and `*em*`."""
    if "[" in text or "<" in text or "_" in text:
        raise NotOurs  # a reference, an autolink or underscore emphasis: not ours
    if "&" in text:
        text = _ENTITY.sub(lambda m: held.hold(m.group(1)), text)
    if "*" in text:
        between, strong, em = _spans(text)
        pieces = [
            held.hold(
                _emphasis(held.html(s), "strong")
                if s is not None
                else _emphasis(held.html(e), "em")
            )
            for s, e in zip(strong, em, strict=True)
        ]
        text = _interleave(between, pieces)
    return text


def _spans(text: str) -> tuple[list[str], list[str | None], list[str | None]]:
    """The text cut at its `**strong**` and `*em*` spans: the text around them, and each span's
    text as strong's or em's (None for the other). Python-Markdown pairs runs of stars; these
    are its pairs only when every star is in a span and no two spans touch (`*a**b*` is one
    emphasis to it: `**` is one run)."""
    parts = _STARS.split(text)
    between = parts[0::3]
    if "*" in "".join(between) or "" in between[1:-1]:
        raise NotOurs
    return between, parts[1::3], parts[2::3]


def _emphasis(html: str, tag: str) -> str:
    return f"<{tag}>{html}</{tag}>"


def cdata(text: str) -> str:
    """Text as Python-Markdown's serializer writes it (an `&` that starts an entity is kept)."""
    if "&" in text:
        text = RE_AMP.sub("&amp;", text)
    if "<" in text:
        text = text.replace("<", "&lt;")
    return text.replace(">", "&gt;") if ">" in text else text
