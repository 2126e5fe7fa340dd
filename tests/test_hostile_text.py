"""Hostile text and requests (issue 12): no script link through math, no spoofed title, a NUL
in a preview URL is a 404, and -q means only errors."""

from __future__ import annotations

import html
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from digest.escape import escape_markdown
from digest.models import paper_from_item, visible_text
from digest.site import bodies
from digest.site.serve import serving
from digest.texmath import drop_unsafe_links


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"$$\href{javascript:alert(1)}{x}$$", "$$x$$"),
        (r"$\href {JavaScript:alert(1)} {\href{data:text/html,hi}{y}}$", "$y$"),
        (r"$\url{javascript:alert(1)}$ and more", "$$ and more"),
        (r"$\href{ javascript:alert(1)}{a\{b\}}$", r"$a\{b\}$"),
        (r"$\href{java	script:alert(1)}{x}$", "$x$"),
        (r"$\href{//evil.example/}{x}$", "$x$"),
        (r"$\href{javascript:alert(1)}$", "$$"),
        # Kept: http(s) links, other commands, and what MathJax cannot typeset anyway.
        (r"$\href{https://arxiv.org/abs/1}{ok}$", r"$\href{https://arxiv.org/abs/1}{ok}$"),
        (r"$\hrefx{javascript:1}$", r"$\hrefx{javascript:1}$"),
        (r"$\href{javascript:alert(1)$", r"$\href{javascript:alert(1)$"),
        ("no math at all", "no math at all"),
    ],
)
def test_unsafe_links_leave_math(text, expected):
    assert drop_unsafe_links(text) == expected


def test_every_text_field_of_a_paper_is_cleaned():
    hostile = r"see $$\href{javascript:alert(1)}{x}$$"
    item = {
        "paper": {"id": "2601.00001", "title": hostile, "summary": hostile, "ai_summary": hostile},
    }
    paper = paper_from_item(item)
    assert "javascript" not in paper.title + paper.abstract + (paper.ai_summary or "")
    assert paper.abstract == "see $$x$$"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Evil\u202egpj.exe", "Evilgpj.exe"),
        ("A\u2066B\u2069C\u200eD\u200fE\u061cF", "ABCDEF"),
        ("zero\u200bwidth\u2060joined\ufeff", "zerowidthjoined"),
        ("a\u200db", "ab"),
        # ZWJ inside emoji sequences stays: a family, a rainbow flag, a woman scientist.
        (
            "\U0001f468\u200d\U0001f469\u200d\U0001f467",
            "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        ),
        ("\U0001f3f3\ufe0f\u200d\U0001f308", "\U0001f3f3\ufe0f\u200d\U0001f308"),
        ("\U0001f469\U0001f3fd\u200d\U0001f52c", "\U0001f469\U0001f3fd\u200d\U0001f52c"),
        ("한국어 제목과 中文 标题", "한국어 제목과 中文 标题"),
    ],
)
def test_titles_lose_bidi_controls_and_zero_width_characters(title, expected):
    assert visible_text(title) == expected
    item = {"paper": {"id": "2601.00001", "title": title, "authors": [{"name": title}]}}
    paper = paper_from_item(item)
    assert paper.title == expected
    assert paper.authors == (expected,)


def test_serve_answers_a_nul_with_404(tmp_path):
    (tmp_path / "index.html").write_text("home", encoding="utf-8")
    with serving(tmp_path) as url:
        for path in ("%00", "a%00b.html", "index.html%00"):
            with pytest.raises(HTTPError) as answer:
                urlopen(url + path, timeout=5)
            assert answer.value.code == 404
        assert urlopen(url, timeout=5).read() == b"home"  # still serving


def test_quiet_prints_only_errors(hf_server, run, write_config):
    write_config()
    hf_server.knobs.fail_with = [503]  # a retry, then success: a warning without -q
    loud = run("build", "--date", "2026-02-20")
    assert "warning:" in loud.err and loud.code == 0
    hf_server.knobs.fail_with = [503]
    quiet = run("build", "--date", "2026-02-21", "-q")
    assert quiet.code == 0
    assert quiet.out == quiet.err == ""
    hf_server.knobs.fail_forever = 500
    failed = run("build", "--date", "2026-02-22", "-q")
    assert failed.code == 3
    assert failed.err.splitlines() == failed.error_lines and len(failed.error_lines) == 1


@pytest.mark.parametrize("title", ["[CLS] tokens and [MASK]", r"Learning \[x\] in [0, 1]"])
def test_brackets_in_a_title_stay_text_on_the_site(title):
    """`\\[…\\]` is display math to MathJax and to the site's reader: digest writes a bracket
    as an entity, so "[CLS]" is shown as typed, not typeset."""

    written = escape_markdown(title)
    assert "\\[" not in written.replace("\\\\", "")
    page = bodies.to_html(f"### 1. {written} {{#arxiv-1}}")
    assert "math" not in page
    assert html.unescape(page.split(">", 1)[1].rsplit("<", 1)[0]) == "1. " + title
