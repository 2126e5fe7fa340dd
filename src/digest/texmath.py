"""LaTeX math in API text: found by pandoc's `$…$` rules and written as kramdown `$$…$$` spans
that MathJax typesets (`mathspan` reads them back with Python-Markdown). Pure."""

from __future__ import annotations

import re

# pandoc's tex_math_dollars: the opening `$` has a non-space on its right, the closing one a
# non-space on its left and no digit after it, so "$5 and $10" stays text. `\$` is a dollar.
# `$$…$$` in the source is math too. A `$` inside math would end kramdown's span early.
_MATH = re.compile(
    r"(?<!\\)\$\$(?P<display>[^$]*[^$\s][^$]*)\$\$"
    r"|(?<![\\$])\$(?![\s$])(?P<inline>[^$]*?[^\s\\$])\$(?![\d$])"
)
# TeX tokens: a control word, a control symbol, or one character.
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|.", re.S)
# kramdown reads any line with a bare `|` as a table row, math or not (kramdown issue #143,
# whose workaround is \vert). `<` could open an HTML tag for a Markdown reader that does not know
# math spans. Both are replaced by the TeX command that typesets the same.
_SAME_IN_TEX = {"|": r"\vert", "<": r"\lt"}
# `{{` and `{%` open Liquid where render_with_liquid is not honoured (Jekyll 3); a space between
# the braces means the same in TeX.
_LIQUID_OPENER = re.compile(r"\{(?=[{%])")
# Left over after the replacements, these cannot be made safe in math: the text stays text.
_UNSAFE = re.compile(r"[<`]")


def split_math(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (part, is_math) pieces, in order; a math part is the TeX inside the `$`."""
    if "$" not in text:
        return [(text, False)] if text else []  # most text: no need for the regex's scan
    parts: list[tuple[str, bool]] = []
    end = 0
    for match in _MATH.finditer(text):
        tex = (match.group("display") or match.group("inline")).strip()
        if kramdown_tex(tex) is None:
            continue
        if match.start() > end:
            parts.append((text[end : match.start()], False))
        parts.append((tex, True))
        end = match.end()
    if end < len(text):
        parts.append((text[end:], False))
    return parts


def kramdown_tex(tex: str) -> str | None:
    """TeX that typesets as `tex` and is inert in kramdown, Liquid and HTML; None if impossible."""
    tokens = _TOKEN.findall(tex)
    out: list[str] = []
    for index, token in enumerate(tokens):
        replacement = _SAME_IN_TEX.get(token)
        if replacement is None:
            out.append(token)
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        # A control word runs on through letters: \vert x, not \vertx.
        out.append(replacement + (" " if following[:1].isalpha() else ""))
    safe = _LIQUID_OPENER.sub("{ ", "".join(out))
    return None if not safe or _UNSAFE.search(safe) else safe


def math_span(tex: str) -> str:
    """A kramdown math span; kramdown 2 writes it out as `\\(…\\)` for MathJax."""
    safe = kramdown_tex(tex)
    if safe is None:
        raise ValueError(f"not writable as math: {tex!r}")
    return f"$${safe}$$"


# MathJax makes `\href{URL}{…}` a real link (and the `\url` of other TeX setups would be one).
_LINK_COMMAND = re.compile(r"\\(href|url)(?![A-Za-z])\s*")
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f\"'<>\\{}]+", re.I)


def drop_unsafe_links(text: str) -> str:
    """`text` with every `\\href`/`\\url` whose URL is not http(s) taken out (an `\\href`
    keeps its text): MathJax typesets math wherever a page shows it, so the text itself must
    not carry a `javascript:` link, whatever the page's MathJax settings. Pure."""
    if "\\" not in text:
        return text
    out: list[str] = []
    pos = 0
    while match := _LINK_COMMAND.search(text, pos):
        url, after_url = _argument(text, match.end())
        body, end = _argument(text, after_url) if match.group(1) == "href" else ("", after_url)
        if url is None:  # an unclosed brace: MathJax typesets nothing
            out.append(text[pos : match.end()])
            pos = match.end()
            continue
        out.append(text[pos : match.start()])
        if _SAFE_URL.fullmatch(url.strip()):
            out.append(text[match.start() : end])
        else:  # the link goes, its text (if any) stays
            out.append(drop_unsafe_links(body or ""))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _argument(text: str, start: int) -> tuple[str | None, int]:
    """A TeX macro argument at `start` (after blanks): a `{…}` group or one token; its text
    (None if the group never closes) and where it ends."""
    while start < len(text) and text[start].isspace():
        start += 1
    if start >= len(text):
        return None, start
    if text[start] != "{":
        token = _TOKEN.match(text, start)
        assert token is not None  # `.` with re.S matches any character
        return token.group(), token.end()
    depth, index = 0, start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return text[start + 1 : index], index + 1
        index += 1
    return None, len(text)
