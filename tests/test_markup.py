"""Markdown → HTML for the site: raw HTML is text, links are allow-listed, TeX is verbatim."""

from __future__ import annotations

import re

import pytest

from digest.site.markup import has_math, safe_link, to_html
from digest.site.parallel import parallel_map
from helpers import visible_text
from site_helpers import GOLDEN, HOSTILE

RIGHT = '<{0} style="text-align: right;">1</{0}>'


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("a <img src=x onerror=alert(1)> b", "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>"),
        ("<!-- hidden -->", "<p>&lt;!-- hidden --&gt;</p>"),
        ("[x](javascript:alert(1))", "<p><a>x</a></p>"),
        ("[x](JaVa\tScRiPt:alert(1))", "<p><a>x</a></p>"),
        ("[x](<javascript:alert(1)>)", "<p><a>x</a></p>"),
        ("[r]: javascript:alert(1)\n\n[x][r]", "<p><a>x</a></p>"),
        (
            "![x](data:image/svg+xml,<svg onload=alert(1)>)",
            '<p><img alt="x" decoding="async" loading="lazy"></p>',
        ),
        ("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>"),
        (
            "[ok](../a/ 'T') [m](mailto:a@b.c)",
            '<p><a href="../a/" title="T">ok</a> <a href="mailto:a@b.c">m</a></p>',
        ),
        ("```python\nx<y\n```", '<pre><code class="language-python">x&lt;y\n</code></pre>'),
        ("```{onclick=x}\nx\n```", "<pre><code>x\n</code></pre>"),
        (
            "| 1 |\n|--:|\n| 1 |",
            "<table><thead><tr>" + RIGHT.format("th") + "</tr></thead>"
            "<tbody><tr>" + RIGHT.format("td") + "</tr></tbody></table>",
        ),
    ],
)
def test_markup_is_safe(source, expected):
    assert to_html(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # kramdown's $$…$$ inside a paragraph is inline math; `_` and `*` stay TeX.
        ("a $$x_1*y_2*$$ b", '<p>a <span class="math">\\(x_1*y_2*\\)</span> b</p>'),
        ("a $x_1 < y$ b", '<p>a <span class="math">\\(x_1 &lt; y\\)</span> b</p>'),
        ("a \\(x_1\\) b", '<p>a <span class="math">\\(x_1\\)</span> b</p>'),
        ("$$\nx_1\n$$", '<div class="math display">\\[\nx_1\n\\]</div>'),
        # Money is not math; an escaped backslash before ( is not a delimiter.
        ("costs $5 and $10", "<p>costs $5 and $10</p>"),
        ("a \\\\(x\\\\) b", "<p>a \\(x\\) b</p>"),
        ("`$x_1$`", "<p><code>$x_1$</code></p>"),
    ],
)
def test_math_is_kept_verbatim(source, expected):
    assert to_html(source) == expected


def test_what_loads_mathjax():
    assert has_math(to_html("API text &#36;x&#36;"))  # digest escapes $ as an entity
    assert has_math(to_html("$$x$$"))
    assert not has_math(to_html("plain *text*"))


@pytest.mark.parametrize("url", ["javascript:x", " javascript:x", "java\nscript:x", "DATA:x"])
def test_unsafe_urls(url):
    assert safe_link(url) is None


@pytest.mark.parametrize("url", ["https://a.b/c:d", "../x/", "x.html?a=b:c", "#top", "mailto:a@b"])
def test_safe_urls(url):
    assert safe_link(url) == url


def test_golden_posts_keep_their_text_and_parallel_equals_serial():
    bodies = [p.read_text(encoding="utf-8").split("---\n", 2)[2] for p in sorted(GOLDEN.iterdir())]
    serial = [to_html(b) for b in bodies]
    assert parallel_map(to_html, bodies * 12, workers=2) == serial * 12
    assert "Tsinghua University" in visible_text(serial[-2])


def test_speed_ups_change_nothing():
    """Guards and per-post pattern choice only skip work: same HTML as plain Python-Markdown."""
    import markdown

    from digest.site.markup import EXTENSIONS, SafeHtmlExtension

    plain = markdown.Markdown(extensions=[*EXTENSIONS, SafeHtmlExtension()], output_format="html")
    extra = [
        "line with two spaces  \nnext",
        "[a][r] and [r] and ![i][r]\n\n[r]: https://x.y/ 'T'",
        "`code` <https://a.b> <a@b.c> *em* __strong__ &amp; $x$ \\(y\\)",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "# h1\n\nSetext\n---\n\n***\n\n> quote",
    ]
    sources = [p.read_text(encoding="utf-8") for p in sorted(GOLDEN.iterdir())] + extra
    sources += [p.read_text(encoding="utf-8") for p in sorted(HOSTILE.iterdir())]
    for source in sources:
        assert to_html(source) == plain.reset().convert(source), source[:80]


REAL_DOLLAR = "a total training cost of only $7,800"  # an abstract's own words


def test_a_dollar_of_prose_is_a_plain_dollar_in_its_own_element():
    from digest.escape import escape_markdown

    page = to_html(escape_markdown(REAL_DOLLAR + " or $5 and $10"))
    # Shown as `$`, never as the text `<span>$</span>`; each in an element MathJax cannot pair.
    assert "&lt;" not in page and "&amp;#36;" not in page
    assert page == (
        "<p>a total training cost of only <span>$</span>7,800 or <span>$</span>5 and "
        "<span>$</span>10</p>"
    )
    assert re.sub(r"<span>\$</span>", "", page).count("$") == 0
    assert not has_math(page) and not has_math(escape_markdown(REAL_DOLLAR))


def test_the_dollar_element_is_only_read_outside_code():
    assert to_html("`<span>&#36;</span>`") == (
        "<p><code>&lt;span&gt;&amp;#36;&lt;/span&gt;</code></p>"
    )
    # Any other raw HTML is still text.
    assert to_html("<span>x</span>") == "<p>&lt;span&gt;x&lt;/span&gt;</p>"
