"""Properties over arbitrary Unicode: what goes in as a title or abstract comes out of the post
exactly — through YAML (python-frontmatter) and through Markdown → HTML (the `markdown` package).
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import date, datetime, timezone

import frontmatter
import markdown
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from digest.config import parse_config
from digest.models import papers_from_items
from digest.render import render_post
from digest.site.mathspan import MathExtension
from digest.texmath import split_math
from helpers import visible_text

DAY = date(2026, 2, 20)
SNAPSHOT = datetime(2026, 2, 21, 0, 30, tzinfo=timezone.utc)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text that LaTeX-minded and Markdown-minded parsers both have opinions about, mixed with
# anything at all.
SYNTAX = [*"$\\|<>{}%*_`[]()#!&;:-+=.~^'\" \n\t", "$$", "{{", "{%", "\\(", "1. ", "&amp;"]
hostile_text = st.lists(st.sampled_from(SYNTAX) | st.characters(), max_size=60).map("".join)
any_text = st.text(max_size=80) | hostile_text


def cleaned(text: str) -> str:
    """What a reader may expect: whitespace runs as one space, invisible control chars gone."""
    kept = "".join(
        c
        for c in text
        if c.isspace() or (unicodedata.category(c) not in ("Cc", "Cs") and c not in "\ufffe\uffff")
    )
    return " ".join(kept.split())


def render(title: str, abstract: str, post_title: str) -> frontmatter.Post:
    escaped_title = post_title.replace("{", "{{").replace("}", "}}")
    config = parse_config({"title": {"en": "{date} " + escaped_title}}, env={})
    item = {
        "paper": {"id": "2602.00001", "title": title, "summary": abstract, "authors": []},
        "organization": {"fullname": title},
    }
    post = render_post(papers_from_items([item]), DAY, "en", config, SNAPSHOT)
    return frontmatter.loads(post.text)


def heading_and_abstract(rendered: str) -> tuple[str, str]:
    heading = re.search(r"<h3>(.*?)</h3>", rendered, re.S).group(1)
    # The anchor is kramdown's `{#id}`, which the plain `markdown` package shows as text.
    heading = re.sub(r" \{#arxiv-[0-9-]+\}$", "", heading)
    abstract = re.search(r"Abstract</strong></p>\s*<p>(.*?)</p>", rendered, re.S).group(1)
    return visible_text(heading), visible_text(abstract)


@SETTINGS
@given(title=any_text, abstract=any_text, post_title=any_text)
def test_text_comes_out_exactly(title, abstract, post_title):
    """No `$` in the abstract: no math, so the plain `markdown` package shows it verbatim."""
    abstract = abstract.replace("$", "")
    assume(cleaned(title) and cleaned(abstract))
    # A config file is read as UTF-8, so a configured title never holds a lone surrogate.
    assume(not any(unicodedata.category(c) == "Cs" for c in post_title))
    post = render(title, abstract, post_title)
    assert post["title"] == f"{DAY} {post_title}"
    rendered = markdown.markdown(post.content)
    assert "<script" not in rendered and "<table" not in rendered
    heading, shown_abstract = heading_and_abstract(rendered)
    assert heading == f"1. {cleaned(title)}"
    assert shown_abstract == cleaned(abstract)
    assert f"HF organization: {cleaned(title)}</li>" in html.unescape(
        re.sub("<(?!/li)[^>]+>", "", rendered)
    )
    assert "math" not in post.metadata


_WORDS_FOR = {"vert": "|", "lt": "<"}


def tex_meaning(written: str) -> str:
    """TeX as it typesets: \\vert is `|` and \\lt is `<` (TeX skips the space after a control
    word), and math mode ignores the spaces after either symbol."""
    written = re.sub(r"\\(vert|lt)(?![A-Za-z]) ?", lambda m: _WORDS_FOR[m.group(1)], written)
    written = re.sub(r"([|<]) +", r"\1", written)
    # Spaces between braces mean nothing in math; "{ { {" is "{{{" (a plain replace leaves "{{ {").
    return re.sub(r"\{ (?=[{%])", "{", written)


@SETTINGS
@given(abstract=any_text)
@example(abstract="$| 0$")  # once failed: `| 0` is written `\vert 0`, the same TeX
def test_math_comes_out_as_the_same_tex(abstract):
    """With `$`: text outside math is verbatim; each math span shows its TeX, for MathJax."""
    assume(cleaned(abstract))
    post = render("T", abstract, "t")
    rendered = markdown.markdown(post.content, extensions=[MathExtension()])
    assert "<script" not in rendered and "<table" not in rendered
    shown = heading_and_abstract(rendered)[1]
    parts = split_math(cleaned(abstract))
    assert post.get("math", False) is any(is_math for _, is_math in parts)
    # Walk the page text piece by piece: prose exactly, math as \(…\) around equivalent TeX.
    rest = shown
    for part, is_math in parts:
        if not is_math:
            assert rest.startswith(part), (rest, part)
            rest = rest[len(part) :]
            continue
        match = re.match(r"\\\((.*?)\\\)", rest)
        assert match, rest
        assert tex_meaning(match.group(1)) == tex_meaning(part)
        rest = rest[match.end() :]
    assert rest == ""
