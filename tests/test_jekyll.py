"""Our posts in real Jekyll (minima, kramdown, Liquid): they build with zero warnings, and every
title, abstract, TL;DR, keyword, author and affiliation reaches the page exactly, in rank order.

Needs Jekyll from Debian's packages (.ci/run installs them); one site build serves every test.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urljoin

import pytest

from digest.entries import anchor
from digest.models import Paper
from helpers import visible_text
from jekyll_site import (
    ADVERSARIAL,
    EDITIONS,
    INSTALL_HINT,
    LIQUID_ON_FOLDER,
    TROUBLE,
    BuiltPost,
    Site,
    build_site,
    run_jekyll,
)
from system_tools import require_tool

pytestmark = pytest.mark.jekyll

# What a reader of the page sees where the data has LaTeX: MathJax's \(…\) and \[…\] around
# TeX that typesets the same (`|` as \vert: kramdown would make a table of it).
READS_AS: dict[str, str] = json.loads((ADVERSARIAL / "reads_as.json").read_text(encoding="utf-8"))
LABELS = {
    "en": {
        "org": " · 🏛️ HF organization: ",
        "authors": "✍️ Authors: ",
        "more": " and {n} more",
        "tldr": "💡 TL;DR: ",
        "keywords": "🏷️ Keywords: ",
    },
    "ko": {
        "org": " · 🏛️ HF 조직: ",
        "authors": "✍️ 저자: ",
        "more": " 외 {n}명",
        "tldr": "💡 한 줄 요약 (TL;DR): ",
        "keywords": "🏷️ 키워드: ",
    },
}
MAX_AUTHORS = 5  # the default max_authors
DETAIL = 15  # the default daily.detail_papers: later ranks get a compact entry
POST_IDS = [f"{e.name}-{lang}" for e in EDITIONS for lang in ("ko", "en")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    jekyll = require_tool("jekyll", INSTALL_HINT)
    return build_site(jekyll, tmp_path_factory.mktemp("jekyll"))


@pytest.fixture(params=POST_IDS)
def built(request: pytest.FixtureRequest, site: Site) -> BuiltPost:
    name, lang = request.param.rsplit("-", 1)
    return site.find(name, lang)


def content_of(page_html: str) -> str:
    """The post's body as kramdown made it (minima's layout around it left out)."""
    start = page_html.find('<div class="post-content e-content" itemprop="articleBody">')
    if start < 0:
        return page_html  # Chirpy's posts set no layout: on minima the page is the body alone
    return page_html[start : page_html.index('<a class="u-url"', start)]


def sections(content: str) -> list[str]:
    return re.split(r"(?=<h3 )", content)[1:]


def read(paper_text: str) -> str:
    return READS_AS.get(paper_text, " ".join(paper_text.split()))


def expected_items(paper: Paper, lang: str, rank: int) -> list[str]:
    """Text each found in one list item of the paper's entry."""
    labels = LABELS[lang]
    shown = [labels["org"] + paper.organization] if paper.organization else []
    if paper.ai_summary:
        shown.append(labels["tldr"] + read(paper.ai_summary))
    if rank > DETAIL:
        return shown
    if paper.authors:
        more = len(paper.authors) - MAX_AUTHORS
        suffix = labels["more"].format(n=more) if more > 0 else ""
        shown.append(labels["authors"] + ", ".join(paper.authors[:MAX_AUTHORS]) + suffix)
    if paper.keywords:
        shown.append(labels["keywords"] + ", ".join(paper.keywords))
    return shown


def abstract_of(section: str) -> str:
    """The block after the bold "Abstract" line: a paragraph, or kramdown's display math."""
    after = re.split(r"Abstract\)?</strong></p>", section, maxsplit=1)[1].strip()
    if after.startswith("\\["):
        return html.unescape(after.split("\n", 1)[0])
    return visible_text(re.match(r"<p>(.*?)</p>", after, re.S).group(1))


BROKEN_POSTS = {
    # A Liquid syntax error only warns (exit 0); two posts at one URL only warn in a build.
    "liquid": (
        "2026-01-01-a.md",
        '---\ntitle: "a"\npermalink: "/x/"\n---\n{% if a == %}x{% endif %}\n',
    ),
    "conflict": ("2026-01-02-b.md", '---\ntitle: "b"\npermalink: "/x/"\n---\nb\n'),
    # Broken YAML fails the build only with --strict_front_matter.
    "yaml": ("2026-01-03-c.md", '---\ntitle: "c\n---\nc\n'),
}


def test_the_checks_catch_what_jekyll_only_warns_about(tmp_path):
    """The site checks below are not blind: on broken posts they see the trouble."""
    jekyll = require_tool("jekyll", INSTALL_HINT)
    for case in ("warnings", "yaml"):
        root = tmp_path / case / "_posts"
        root.mkdir(parents=True)
        (root.parent / "_config.yml").write_text("title: t\nurl: https://example.org\n")
        for name, (filename, text) in BROKEN_POSTS.items():
            if (name == "yaml") == (case == "yaml"):
                (root / filename).write_text(text, encoding="utf-8")
    built = run_jekyll(jekyll, "build", tmp_path / "warnings")
    assert built.returncode == 0
    output = built.stdout + built.stderr  # as build_site reads it: the warnings are on stderr
    trouble = [line for line in output.splitlines() if TROUBLE.search(line)]
    assert any("Liquid Warning" in line for line in trouble), output
    assert any("Conflict" in line for line in trouble), output
    assert run_jekyll(jekyll, "doctor", tmp_path / "warnings").returncode == 1
    assert run_jekyll(jekyll, "build", tmp_path / "yaml").returncode != 0


def test_jekyll_builds_every_post_without_a_warning(site):
    trouble = [line for line in site.build_output.splitlines() if TROUBLE.search(line)]
    assert not trouble, site.build_output
    assert "Generating..." in site.build_output


def test_jekyll_doctor_finds_no_conflict(site):
    assert site.doctor_code == 0, site.doctor_output
    assert "Everything looks fine" in site.doctor_output


def test_every_post_is_a_page_at_its_permalink(site):
    assert len(site.posts) == 2 * len(EDITIONS)
    for built in site.posts:
        # Jekyll skips future-dated or broken posts silently: each one must be there.
        assert built.page.is_file(), built.source.name
        canonical = f'<link rel="canonical" href="{built.url}" />'
        assert canonical in built.html or built.edition.name.startswith("chirpy")


def test_titles_and_text_are_exact_in_rank_order(built):
    papers = built.edition.papers()
    content = content_of(built.html)
    found = sections(content)
    assert len(found) == len(papers) == built.post["papers"]
    # The ranking table before the entries: every paper once, in order, linked to its entry.
    table = content.split("<table>")[1].split("</table>")[0]
    assert content.index("<table>") < content.index("<h3 ")
    rows = re.findall(r'<a href="#([\w-]+)">(.*?)</a>', table, re.S)
    assert [(i, visible_text(t)) for i, t in rows] == [(anchor(p.id), p.title) for p in papers]
    for rank, (paper, section) in enumerate(zip(papers, found, strict=True), start=1):
        heading = re.match(r'<h3 id="([\w-]+)">(.*?)</h3>', section, re.S)
        assert heading.group(1) == anchor(paper.id)  # kramdown read the {#id}
        assert visible_text(heading.group(2)) == f"{rank}. {paper.title}"
        items = [visible_text(li) for li in re.findall(r"<li>(.*?)</li>", section, re.S)]
        for expected in expected_items(paper, built.lang, rank):
            assert any(expected in item for item in items), (paper.id, expected, items)
        if not paper.organization:
            assert "🏛️" not in section
        if paper.abstract and rank <= DETAIL:
            assert abstract_of(section) == read(paper.abstract), paper.id


def test_no_markup_comes_from_the_data(built):
    content = content_of(built.html)
    for tag in ("<script", "<em", "<img", "<b>", "<code", "<pre", "<hr", "<del"):
        assert tag not in content, tag
    assert content.count("<table") == 1  # our ranking table; none from a `|` in the data
    # Our own: bold count and abstract labels, links, and the element around each `$` of prose.
    papers = built.edition.papers()[:DETAIL]
    assert content.count("<strong>") == 1 + sum(1 for p in papers if p.abstract)
    assert set(re.findall(r"<span[^>]*>.*?</span>", content)) <= {"<span>$</span>"}
    for href in re.findall(r'href="([^"]*)"', content):
        assert href.startswith(("https://", "../", "#arxiv-", "#paper-")), href
        assert not re.search(r'[<>"\s]', html.unescape(href)), href


def test_korean_reaches_the_page_as_utf8(site):
    ko = site.find("adversarial", "ko").page.read_bytes()
    ko.decode("utf-8")  # strict: no broken sequences
    for text in ("좋아요 순위", "한국어 제목: 테스트 — 中文标题 日本語のタイトル 🤗🚀 👩‍👩‍👧"):
        assert text.encode("utf-8") in ko
    assert not re.search(rb"&#(?:x[0-9a-fA-F]{4,}|\d{5,});", ko), "Hangul as entities"


def test_date_is_the_configured_instant(built):
    matter = built.post
    stated = datetime.strptime(matter["date"], "%Y-%m-%d %H:%M:%S %z")
    shown = re.search(r'<time class="dt-published" datetime="([^"]+)"', built.html)
    if built.edition.name.startswith("chirpy"):
        assert shown is None  # no layout on minima; the date is checked in test_flavours
        return
    assert datetime.fromisoformat(shown.group(1)) == stated
    assert matter["date"].startswith(built.edition.day)


def test_a_far_off_time_zone_keeps_its_offset(site):
    post = site.find("adversarial", "en")
    assert post.post["date"] == "2025-12-01 23:30:00 -0500"
    # The site shows Asia/Seoul: the same instant, the next day there.
    assert '<time class="dt-published" datetime="2025-12-02T13:30:00+09:00"' in post.html


def test_hostile_config_titles_reach_the_page(site):
    titles = {
        "ko": ':2025-12-01 "논문" #20: {{ site.title }} {% raw %} | *별* <b>',
        "en": "'Papers': 2025-12-01 & [20] -- \"quoted\" {{x}} %} $5 $10",
    }
    for lang, title in titles.items():
        page = site.find("adversarial", lang).html
        h1 = re.search(r'<h1 class="post-title p-name"[^>]*>(.*?)</h1>', page, re.S).group(1)
        # minima escapes the title; jekyll-seo-tag's <title> smartens it (quotes, dashes): theirs.
        assert html.unescape(h1) == title


def test_language_versions_link_each_other(built, site):
    other = "en" if built.lang == "ko" else "ko"
    twin = site.find(built.edition.name, other)
    quote = re.search(r"<blockquote>\s*<p>🌐 <a href=\"([^\"]+)\">", content_of(built.html))
    assert urljoin(built.url, quote.group(1)) == twin.url
    assert twin.page.is_file()


def test_mathjax_is_loaded_on_math_posts_only(built):
    has_math = built.post.get("math", False)
    assert has_math is built.edition.adversarial  # the real fixtures hold no LaTeX
    if not built.edition.name.startswith("chirpy"):
        assert ('id="MathJax-script"' in built.html) is has_math


def test_liquid_on_changes_nothing(site):
    for lang in ("ko", "en"):
        quiet = site.find("adversarial", lang)
        loud = site.page_for(quiet.post["permalink"].replace("/posts/", "/liquid-on/"))
        assert content_of(loud.read_text(encoding="utf-8")) == content_of(quiet.html)
    assert any((site.root / LIQUID_ON_FOLDER).iterdir())


def test_feed_is_well_formed_xml(site):
    feed = ET.parse(site.dest / "feed.xml")
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Hugging Face Daily Papers - 2026-02-20" in titles
