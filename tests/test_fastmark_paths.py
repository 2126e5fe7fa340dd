"""fastmark's shortcuts read as its general reading and as Python-Markdown do, or decline.

`fastinline` reads text whose only Markdown is links, or only stars, without placeholders;
`fastmark` reads a heading's `#`s and `{#id}` without Python-Markdown's regex; `convert` gives
the page's paper records from the headings it wrote; `pageindex` reads a paper's text from a
window of its HTML. Each is held here to the longer way round, on digest's own posts and on
generated text made of the characters each shortcut is about.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown import inlinepatterns

from digest.site import fastinline, fastmark, markup, pageindex
from digest.site.fastinline import NotOurs
from digest.site.posts import read_body
from test_fastmark import CORPUS, _post, hostile, same_as_python_markdown, sectioned

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(read, text: str) -> str | None:
    """What a reading gives: its HTML, or None when it declines."""
    try:
        return read(text)
    except NotOurs:
        return None


# Text made of what links, stars and entities are made of, and what breaks them.
PIECES = [
    *"[]()*&;_#!<> ab",
    *["](", "](#a)", "](https://x.org/a_b?c=1&d=2)", "](javascript:x)", "](../p/)", "**"],
    *["[x](#y)", "[a b](https://h/)", "&amp;", "&#45;", "&nbsp", "&#X24;", "한국어", "🚀", " · "],
]
spans = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)


@SETTINGS
@given(text=spans)
@example(text="🔗 [HF](https://huggingface.co/papers/1) · [arXiv](https://arxiv.org/abs/1)")
@example(text="[a](b)[c](d)")
@example(text="x [a](#b) [c")  # a bracket that opens no link: declined by both
@example(text="[a_b](#c)")  # underscore in a link's text: declined by both
@example(text="[p](https://x.org/?a=1&b=2) &amp; a > b")
@example(text="*a**b*")  # one run of stars to Python-Markdown: declined (once read as two ems)
@example(text="**6편**을 *b* **c**")
@example(text="**a** & *b &amp; c*")
@example(text="![x](#y)")  # an image to Python-Markdown: LINK_RE never starts after `!`
@example(text="[a](b![c)")
def test_links_only_and_stars_only_read_as_the_general_reading(text):
    """The shortcuts give exactly what `_general` gives (both decline alike), and both give
    Python-Markdown's HTML when they give any."""
    fast = outcome(fastinline.inline, text)
    assert fast == outcome(fastinline._general, text)
    if fast is not None and text.strip() == text and text and text[0] not in "#>-*0123456789":
        assert f"<p>{fast}</p>" == markup.to_html(text)


@pytest.mark.parametrize(
    "text",
    ["*a**b*", "**a****b**", "*$$**$*", "**a***b*", "*a* *b**c*"],
)
def test_touching_emphasis_is_declined(text):
    """Python-Markdown reads `**` between two spans as one run of stars (`<em>a**b</em>`)."""
    assert fastmark.to_html(text) is None
    assert fastmark.to_html(f"x $y$ {text}") is None  # the general reading too


def test_the_shortcuts_are_taken_for_digests_own_text():
    """A links line and an emphasised intro take the shortcut: `_general` never runs."""
    general = fastinline._general
    calls = []
    fastinline._general = lambda text: calls.append(text) or general(text)
    try:
        assert fastinline.inline("🔗 [HF](https://h/p/1) · [PDF](https://a/1)") == (
            '🔗 <a href="https://h/p/1">HF</a> · <a href="https://a/1">PDF</a>'
        )
        assert fastinline.inline("논문 **6편**을") == "논문 <strong>6편</strong>을"
        assert fastinline.inline("a & b &amp; c") == "a &amp; b &amp; c"
    finally:
        fastinline._general = general
    assert calls == []


headings = st.tuples(
    st.integers(1, 8),
    st.lists(
        st.sampled_from([*"ab #{}-", "{#", "{#a}", "{#p-1}", " {#x_1} ", "한", "\\#"]), max_size=12
    ),
    st.integers(0, 3),
).map(lambda h: "#" * h[0] + "".join(h[1]) + "#" * h[2])


@SETTINGS
@given(line=headings)
@example(line="### 1. Title {#arxiv-2602-13515}")
@example(line="####### seven")
@example(line="## a ## b ##")
@example(line="# a \\## {#b}")
@example(line="## x {#a} {#b}")
@example(line="## {#a}")
def test_headings_read_as_python_markdown_reads_them(line):
    same_as_python_markdown(line)
    same_as_python_markdown(f"{line}\n\ntext")


def _records_the_long_way(page: str) -> list[list[str]]:
    """Every paper's whole text, then clipped: what the windows must not change."""
    papers = pageindex._papers(page, None)
    return [
        [title, anchor, pageindex._clip(text, pageindex.SNIPPET)] for anchor, title, text in papers
    ]


words = st.lists(
    st.sampled_from(["word", "단어", "&amp;", "[l](#x)", "**b**", "- item", "\n"]), max_size=400
)
long_sections = st.lists(words.map(" ".join), min_size=1, max_size=3).map(
    lambda bodies: "\n\n".join(f"### {i}. T {{#p{i}}}\n\n{b}" for i, b in enumerate(bodies))
)


@SETTINGS
@given(body=long_sections | sectioned | hostile)
@example(body="### 1. T {#a}\n\n- " + "x" * 900 + "\n- " + "y " * 400)
@example(body="### 1. T {#a}\n\n" + "[x](#y) " * 200)
def test_records_read_from_windows_are_the_whole_texts_clipped(body):
    page = markup.to_html(body)
    assert pageindex.records(page) == _records_the_long_way(page)


@SETTINGS
@given(body=long_sections | sectioned | hostile)
@example(
    body='### 1. A {#a}\n\nx\n\n<details markdown="1">\n<summary>s</summary>\n\n'
    "## B {#b}\n\ny\n\n</details>"
)
@example(body="# Top {#t}\n\n## 1. A {#a}\n\ntext\n\n##### deep {#d}\n\nafter")
def test_convert_gives_to_html_and_its_records(body):
    converted = fastmark.convert(body)
    html = fastmark.to_html(body)
    assert (converted is None) == (html is None)
    if converted is not None:
        assert converted == (html, pageindex.records(html))


@pytest.mark.parametrize(
    "body",
    [
        '### 1. A {#a}\n\nx\n\n<details markdown="1">\n<summary>s</summary>\n\n## B {#b}\n\n'
        "y\n\n</details>\n\nafter the fold",
        "# Top {#t}\n\n## 1. A {#a}\n\ntext\n\n##### deep {#d}\n\nafter\n\n### B\n\nnot a paper's",
        "### 1. T {#a}\n\n- " + "x &amp; " * 150 + "\n- " + "y " * 400 + "\n\n### 2. U {#b}",
    ],
)
def test_convert_reads_folds_headings_of_every_level_and_long_texts(body):
    converted = fastmark.convert(body)
    assert converted is not None
    html = markup.to_html(body)
    assert converted == (html, pageindex.records(html))
    assert converted[1]


@SETTINGS
@given(
    title=st.text(max_size=40) | hostile,
    abstract=st.text(max_size=400) | hostile,
    lang=st.sampled_from(["ko", "en"]),
)
def test_convert_of_posts_from_hostile_papers(title, abstract, lang):
    body = _post(title, abstract, "TL;DR", "Org", lang, 15).split("\n---\n", 1)[1]
    converted = fastmark.convert(body)
    if converted is not None:
        assert converted == (markup.to_html(body), pageindex.records(markup.to_html(body)))


def test_convert_of_every_kept_post():
    taken = 0
    for path in CORPUS:
        body = read_body(path)
        converted = fastmark.convert(body)
        if converted is not None:
            html = markup.to_html(body)
            assert converted == (html, pageindex.records(html)), path
            taken += 1
    assert taken >= 20


@SETTINGS
@given(text=st.lists(st.sampled_from([*"\\`a![]\n", "\\\\", "``"]), max_size=16).map("".join))
def test_code_spans_and_link_starts_are_found_where_the_regexes_find_them(text):
    backtick = re.compile(inlinepatterns.BACKTICK_RE, re.DOTALL)
    assert fastinline._code(text) == (backtick.search(text) is not None)
    link = re.compile(inlinepatterns.LINK_RE, re.DOTALL)
    for pos in range(len(text) + 1):
        found = link.search(text, pos)
        assert fastinline._link_start(text, pos) == (found.start() if found else -1)


_RULES = (
    fastmark._HASH.search,
    fastmark._SETEXT.match,
    fastmark._HR.search,
    fastmark._OLIST.match,
    fastmark._ULIST_ITEM.match,
    fastmark._QUOTE.search,
    fastmark._REFERENCE.search,
    markup._DISPLAY_MATH.fullmatch,
    fastmark.folds._START.fullmatch,
)
rule_lines = st.lists(
    st.sampled_from(
        [*"#-_*+>[]:=$\\<ab 1.", "\uff12", "\u0661", "\u3000", "\xa0", "$$", "\\[", "- "]
    ),
    min_size=1,
    max_size=10,
).map("".join)


@SETTINGS
@given(line=rule_lines.filter(lambda line: line[0] != " " and "\n" not in line))
@example(line="\uff12. x")
@example(line="\u3000$$x$$")
@example(line="***")
def test_a_line_is_claimed_by_a_rule_when_any_rule_regex_matches(line):
    assert fastmark._claimed(line) == any(rule(line) for rule in _RULES)


@pytest.mark.parametrize(
    "body", ["\uff12. x", "\u0661. x", "- a\n- \u0663. b", "a\n\n- \uff12. b", "> \uff12. x"]
)
def test_lists_numbered_in_any_digits_are_declined(body):
    """Python-Markdown's `\\d` is any decimal digit: a full-width `2. x` is an ordered list
    (once a paragraph here)."""
    assert fastmark.to_html(body) is None


@pytest.mark.parametrize(
    "page",
    [
        '<h3 id="a">1. A<h4 id="b">B</h4>c</h3><p>text</p>',  # a heading inside another
        '<h3 id="a">1. A</h3><p>x</p><h4 id="b">B<p>unclosed</p>',  # a heading never closed
        '<h3 id="a">A</h3><!-- c --><p>x</p>',  # a comment
    ],
)
def test_html_that_is_not_a_serializers_is_read_by_html_parser(page):
    assert pageindex._fast_sections(page) is None
    parser = pageindex._Sections()
    parser.feed(page)
    parser.close()
    assert [anchor for anchor, *_ in parser.found] == [r[1] for r in pageindex.records(page)]
