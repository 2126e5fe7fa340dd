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
