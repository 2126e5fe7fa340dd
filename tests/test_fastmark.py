"""The site's fast path for digest's own Markdown gives exactly Python-Markdown's HTML, or none.

`fastmark.to_html` is only allowed to be faster: each test holds its answer to
`markup.to_html`'s (the sanitising Python-Markdown path) byte for byte, on real posts, on posts
rendered from hostile API text, and on arbitrary Markdown, and checks that digest's own posts do
take the fast path (else it would pass by always declining).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from digest.config import parse_config
from digest.models import papers_from_items
from digest.render import render_post
from digest.site import bodies, fastmark, markup, pageindex
from digest.site.posts import read_body

ROOT = Path(__file__).parent
# Every post the tests keep: goldens (plain, translated, with affiliations) and the reference
# blogs (minima and Chirpy: days, weeks, months, the adversarial day).
CORPUS = sorted(
    [
        *ROOT.glob("golden*/*.md"),
        *ROOT.glob("fixtures/reference/*/_posts/*.md"),
        *ROOT.glob("fixtures/*/_posts/*.md"),
    ]
)
SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# What Markdown, TeX and HTML readers all have opinions about, mixed with anything at all.
SYNTAX = [
    *"$\\|<>{}%*_`[]()#!&;:-+=.~^'\" \n\t",
    *["$$", "\\(", "\\)", "\\[", "\\]", "**", "{#a}", "1. ", "- ", "> ", "&amp;", "&#36;"],
    *[
        "\n\n",
        "  \n",
        "$$x\ny$$",
        "\\(x\n",
        "](",
        "[x](#y)",
        "<span>&#36;</span>",
        "---",
        "|---|",
        "한국어",
        "🚀",
    ],
]
hostile = st.lists(st.sampled_from(SYNTAX) | st.characters(), max_size=40).map("".join)
text = st.text(max_size=60) | hostile
# Papers as a post lists them: a heading with an id, then any Markdown.
sectioned = st.lists(st.tuples(text, hostile), max_size=4).map(
    lambda parts: "\n\n".join(f"### {i}. {t} {{#p{i}}}\n\n{b}" for i, (t, b) in enumerate(parts))
)


SNAPSHOT = datetime(2026, 2, 21, 0, 30, tzinfo=timezone.utc)


def same_as_python_markdown(body: str) -> str | None:
    fast = fastmark.to_html(body)
    if fast is not None:
        assert fast == markup.to_html(body)
    return fast


def test_the_corpus_is_there():
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_kept_post_converts_the_same(path):
    body = read_body(path)
    fast = same_as_python_markdown(body)
    # digest's own posts take the fast path, except the adversarial day (its papers' text holds
    # Markdown that fastmark leaves to Python-Markdown); a hand-written post may not.
    if "daily-papers" in path.name and "2025-12-01" not in path.name:
        assert fast is not None, "digest's own post fell back to Python-Markdown"


def _parsed(page: str) -> list[tuple[str, str, str]]:
    """The papers as html.parser reads them: (anchor, title, text), blanks collapsed."""
    parser = pageindex._Sections()
    parser.feed(page)
    parser.close()
    squash = pageindex._squash
    return [(a, squash("".join(t)), squash("".join(x))) for a, t, x, *_ in parser.found]


def test_records_read_with_regexes_equal_html_parser():
    for path in CORPUS:
        page = markup.to_html(read_body(path))
        fast = pageindex._fast_sections(page)
        assert fast is not None, path
        squash = pageindex._squash
        assert [(a, squash("".join(t)), squash("".join(x))) for a, t, x in fast] == _parsed(page)
        clipped = [
            [pageindex._RANK.sub("", title), anchor, pageindex._clip(text, pageindex.SNIPPET)]
            for anchor, title, text in _parsed(page)
        ]
        assert pageindex.records(page) == clipped, path


@SETTINGS
@given(body=hostile | sectioned)
@example(body="### 1. T {#a}\n\nx <!-- y -->")
@example(body="## A {#a}\n\n" + "word " * 200 + "\n\n### B {#b}\n\n- c")
def test_records_of_any_converted_markdown_equal_html_parser(body):
    page = markup.to_html(body)
    clipped = [
        [pageindex._RANK.sub("", title), anchor, pageindex._clip(text, pageindex.SNIPPET)]
        for anchor, title, text in _parsed(page)
    ]
    assert pageindex.records(page) == clipped


def _post(title: str, abstract: str, summary: str, org: str, lang: str, detail: int) -> str:
    item = {
        "paper": {
            "id": "2602.00001",
            "title": title,
            "summary": abstract,
            "ai_summary": summary,
            "ai_keywords": [title[:20], "x"],
            "authors": [{"name": org}, {"name": "B"}],
            "githubRepo": "https://github.com/a/b_c",
            "projectPage": "https://example.org/p?q=1&r=2",
            "upvotes": 3,
        },
        "organization": {"fullname": org, "name": "org"},
        "numComments": 1,
    }
    other = {"paper": {"id": "2602.00002", "title": abstract, "summary": title, "upvotes": 1}}
    config = parse_config({"daily": {"detail_papers": detail}}, env={})
    papers = papers_from_items([item, other])
    return render_post(papers, date(2026, 2, 20), lang, config, SNAPSHOT).text


@SETTINGS
@given(
    title=text,
    abstract=text,
    summary=text,
    org=text,
    lang=st.sampled_from(["ko", "en"]),
    detail=st.sampled_from([0, 1, 15]),
)
@example(title="[CLS] x", abstract="$x_1$ and $5", summary="a*b*", org="A|B", lang="en", detail=1)
@example(title="Foo $$x$$", abstract="1. one\n\n- two", summary="", org="", lang="ko", detail=15)
def test_posts_from_hostile_papers_convert_the_same(title, abstract, summary, org, lang, detail):
    body = _post(title, abstract, summary, org, lang, detail).split("\n---\n", 1)[1]
    same_as_python_markdown(body)


@SETTINGS
@given(body=hostile | sectioned)
@example(body="a **b** c")
@example(body="a $$x\ny$$ b")  # once wrong: Python-Markdown's inline `.` spans lines
@example(body="a \\(x\ny\\) b")
@example(body="$\\$$\\$")  # once wrong: the second span's look-behind sees a placeholder
@example(body="[a](javascript:alert(1)) [b](#c)")
@example(body="### T \\[x\\] {#arxiv-1}")
@example(body='<details markdown="1">\n<summary>s</summary>\n\n- x\n\n</details>')
def test_arbitrary_markdown_converts_the_same_or_is_declined(body):
    same_as_python_markdown(body)


def test_plain_digest_markdown_takes_the_fast_path():
    body = _post("A title", "An abstract with $x^2$ math.", "TL;DR.", "Org", "ko", 15)
    assert fastmark.to_html(body.split("\n---\n", 1)[1]) is not None


@given(rest=st.text(max_size=30))
@example(rest="java\tscript:x")
def test_link_targets_fastmark_keeps_unchecked_are_safe(rest):
    for start in fastmark._SAFE_STARTS:
        assert markup.safe_link(start + rest) == start + rest


def test_the_site_converts_through_the_fast_path_with_the_same_result():
    body = read_body(ROOT / "golden" / "2026-02-20-daily-papers-2026-02-20-ko.md")
    assert bodies.to_html(body) == markup.to_html(body)
    # Raw HTML is Python-Markdown's to show as text: fastmark declines it.
    assert fastmark.to_html("<script>x</script>") is None
    assert bodies.to_html("<script>x</script>") == "<p>&lt;script&gt;x&lt;/script&gt;</p>"


# What MathJax typesets (a page with none of it does not load MathJax), as one regex.
MATH_HINT = re.compile(r"\$|&#0*36;|&#x0*24;|&dollar;|\\\(|\\\[", re.I)


@SETTINGS
@given(page=hostile | st.sampled_from(["&#036;", "&#X24;", "&DOLLAR;", "&dollar", "&#37;"]))
@example(page="a <span>&#36;</span> b")
@example(page="&amp; &DoLlAr; &#X024;")
def test_has_math_answers_as_its_regex(page):
    plain = page
    for dollar in (markup.ESCAPED_DOLLAR, "<span>$</span>"):
        plain = plain.replace(dollar, "")
    assert markup.has_math(page) == (MATH_HINT.search(plain) is not None)
