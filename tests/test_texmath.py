"""LaTeX in API text: which `$…$` is math, and how it is written so kramdown, Liquid and
Python-Markdown all leave it to MathJax. (test_jekyll.py shows what real kramdown makes of it.)"""

from __future__ import annotations

import markdown
import pytest

from digest.escape import escape_markdown_math
from digest.site.mathspan import MathExtension
from digest.texmath import kramdown_tex, math_span, split_math


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("$x$", [("x", True)]),
        ("a $\\alpha_1$ b", [("a ", False), ("\\alpha_1", True), (" b", False)]),
        ("$$\\sum_i x_i$$ and $y$", [("\\sum_i x_i", True), (" and ", False), ("y", True)]),
        ("$$ x $$", [("x", True)]),
        # pandoc's rules keep prices and stray dollars text.
        ("costs $5 and $10", [("costs $5 and $10", False)]),
        ("$x$5", [("$x$5", False)]),
        ("$ x$ and $x $", [("$ x$ and $x $", False)]),
        ("\\$x$", [("\\$x$", False)]),
        ("$x\\$", [("$x\\$", False)]),
        ("$$", [("$$", False)]),
        ("$$ $$", [("$$ $$", False)]),
        # Not writable as math (a backtick would open code in Python-Markdown): text.
        ("$\\text{`a`}$", [("$\\text{`a`}$", False)]),
        ("$\\<$", [("$\\<$", False)]),
        ("no math", [("no math", False)]),
        ("", []),
    ],
)
def test_split_math_follows_pandoc(text, parts):
    assert split_math(text) == parts


@pytest.mark.parametrize(
    ("tex", "written"),
    [
        ("|x|", "\\vert x\\vert"),  # kramdown: a `|` makes the line a table row
        ("p(x|y)", "p(x\\vert y)"),
        ("\\left|x\\right|", "\\left\\vert x\\right\\vert"),
        ("\\|x\\|", "\\|x\\|"),  # an escaped pipe is no table cell
        ("a \\\\| b", "a \\\\\\vert b"),  # \\ is a line break, then a bare pipe
        ("a<b", "a\\lt b"),
        ("a<1", "a\\lt1"),
        ("\\frac{{a}}{b}", "\\frac{ {a}}{b}"),  # `{{` would open Liquid in Jekyll 3
        ("{%x", "{ %x"),
        ("x_1 * y^*", "x_1 * y^*"),  # the rest stays raw: kramdown does not parse math
        ("a > b & c", "a > b & c"),
    ],
)
def test_kramdown_tex_typesets_the_same(tex, written):
    assert kramdown_tex(tex) == written
    assert math_span(tex) == f"$${written}$$"


def test_unwritable_math_is_refused():
    assert kramdown_tex("`") is None
    with pytest.raises(ValueError, match="not writable as math"):
        math_span("a`b")


def test_prose_dollars_stay_apart_from_math():
    assert escape_markdown_math("$x$ costs $5 | *a*") == (
        "$$x$$ costs <span>&#36;</span>5 &#124; \\*a\\*"
    )
    # A line that starts with math is no list, heading or block math opener.
    assert escape_markdown_math("1. $x$").startswith("1&#46; $$x$$")


@pytest.mark.parametrize(
    ("source", "html"),
    [
        # kramdown 2.4 with math_engine mathjax gives exactly these (see test_jekyll.py).
        ("a $$x_1 * y_2$$ b", "<p>a \\(x_1 * y_2\\) b</p>"),
        ("$$a\\lt b \\vert c$$", "<p>\\(a\\lt b \\vert c\\)</p>"),
        ("$$a > b & c$$ *em*", "<p>\\(a &gt; b &amp; c\\) <em>em</em></p>"),
        ("$$\\{ \\\\ \\_ \\*$$", "<p>\\(\\{ \\\\ \\_ \\*\\)</p>"),
    ],
)
def test_python_markdown_reads_math_spans_like_kramdown(source, html):
    assert markdown.markdown(source, extensions=[MathExtension()]) == html
