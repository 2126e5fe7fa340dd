"""The site's browsing pages: home lists, organizations, keywords, search index, feed summaries,
description and OpenGraph, thumbnails; and a `$` of prose shown as `$` in pages and feeds."""

from __future__ import annotations

import json
import re

import feedparser
import pytest

from digest.site.markup import to_html
from digest.site.pageindex import index_entry, records, sections, summary_html
from site_helpers import GOLDEN, REPO, copy_posts

SHAPED = REPO / "tests" / "fixtures" / "site"
POST = "posts/daily-papers-2026-02-26-ko/"


def page(site, path: str) -> str:
    return (
        site / path / "index.html" if not path.endswith((".json", ".xml")) else site / path
    ).read_text(encoding="utf-8")


@pytest.fixture
def shaped_site(tmp_path, run, write_config):
    copy_posts(tmp_path / "_posts", GOLDEN, SHAPED)
    write_config('site:\n  base_url: "https://example.org/papers"\n  thumbnails: true\n')
    result = run("site")
    assert result.code == 0, result.err
    assert "base_url" not in result.err
    return tmp_path / "_site"


def test_sections_are_the_headings_with_an_id_and_what_follows():
    html = to_html(
        "## 📊 순위\n\nintro\n\n### 1. A *b* {#arxiv-1}\n\n- meta: Org\n- TL;DR\n\n"
        "**Abstract**\n\nText.\n\n### 2. C {#arxiv-2}\n\nmore\n\n## Notes\n\nnot a paper"
    )
    found = sections(html)
    assert [(s.anchor, s.title, s.text) for s in found] == [
        ("arxiv-1", "A b", "meta: Org TL;DR Abstract Text."),
        ("arxiv-2", "C", "more"),
    ]
    assert sections(to_html("### 1. No anchor\n\ntext")) == []


def test_feed_summary_names_the_first_papers_and_links_the_post():
    html = to_html("".join(f"### {n}. P<{n}> {{#a{n}}}\n\nx\n\n" for n in range(1, 9)))
    text = summary_html(records(html), "https://e.org/p/", "All 8 papers", limit=5)
    assert text.count("<li>") == 5 and '<a href="https://e.org/p/#a1">P&lt;1&gt;</a>' in text
    assert text.endswith('<p><a href="https://e.org/p/">All 8 papers</a></p>')


def test_home_lists_days_first_and_periods_apart(shaped_site):
    home = page(shaped_site, "")
    days = home.index('class="recent"')
    periods = home.index('class="periods"')
    assert days < periods
    # The monthly post, dated the 28th, is not the first digest listed: it has its own list.
    first = re.search(r'<a href="(posts/[^"]+)">', home[days:]).group(1)
    assert first == POST
    assert "monthly-papers-2026-02-ko" in home[periods:]
    assert "monthly-papers-2026-02-ko" not in home[days:periods]


def test_thumbnails_are_opt_in_and_lazy(shaped_site, tmp_path, run, write_config):
    home = page(shaped_site, "")
    thumbs = re.findall(r"<img [^>]*>", home)
    assert len(thumbs) == 1 and 'loading="lazy"' in thumbs[0] and 'alt=""' in thumbs[0]
    assert 'src="assets/favicon.svg"' in thumbs[0]  # the post's `image`, from this page
    write_config("site:\n  thumbnails: false\n")
    assert run("site").code == 0
    assert "<img" not in page(tmp_path / "_site", "")


def test_description_and_opengraph(shaped_site):
    post = page(shaped_site, POST)
    assert '<meta name="description" content="2026-02-26의 Hugging Face Daily Papers 3편">' in post
    assert '<meta property="og:type" content="article">' in post
    assert f'<meta property="og:url" content="https://example.org/papers/{POST}">' in post
    # An image on the site is absolute for OpenGraph (it needs the base URL).
    assert (
        '<meta property="og:image" content="https://example.org/papers/assets/favicon.svg">' in post
    )
    assert '<meta property="og:title" content="Hugging Face 일간 논문 - 2026-02-26 · ' in post
    home = page(shaped_site, "ko")
    assert '<meta property="og:type" content="website">' in home
    assert '<meta name="description" content="Hugging Face Daily Papers를' in home


def test_organization_and_keyword_pages(shaped_site):
    orgs = page(shaped_site, "ko/organizations")
    assert "<h1>기관</h1>" in orgs and 'href="tsinghua-university/"' in orgs
    tsinghua = page(shaped_site, "ko/organizations/tsinghua-university")
    assert "Tsinghua University" in tsinghua and f'href="../../../{POST}"' in tsinghua
    korean = page(shaped_site, "ko/keywords/확산-모델")
    assert "확산 모델" in korean and POST in korean
    # digest's own posts list their organizations in the front matter (the golden files).
    assert 'href="tsinghua-university/"' in page(shaped_site, "en/organizations")


def test_search_index_has_every_paper_with_its_words(shaped_site):
    search = page(shaped_site, "ko/search")
    shards = re.search(r'data-shards="([^"]*)"', search).group(1).split()
    # A file an ISO week, newest first: a new day changes its own week's file only.
    assert shards == ["2026-W09.json", "2026-W08.json", "2025-W24.json", "2024-W25.json"]
    index = {"posts": []}
    for shard in shards:
        index["posts"] += json.loads(page(shaped_site, f"ko/search/{shard}"))["posts"]
    posts = {entry[1]: entry for entry in index["posts"]}
    title, _, day, words, papers = posts[f"../../{POST}"]
    assert (title, day) == ("Hugging Face 일간 논문 - 2026-02-26", "2026-02-26")
    assert "Tsinghua University" in words and "확산 모델" in words
    assert [p[:2] for p in papers] == [
        ["SpargeAttention2: Trainable Sparse Attention", "arxiv-2602-13515"],
        ["Unified Latents (UL): How to train your latents", "arxiv-2602-17270"],
        ["Calibrate-Then-Act: Cost-Aware Exploration", "arxiv-2602-16699"],
    ]
    assert "확산 모델을 빠르게" in papers[0][2] and "$7,800" in papers[0][2]
    # Every post of the language is in it, even those whose headings have no anchors.
    assert len(index["posts"]) == 5


def test_a_prose_dollar_is_a_dollar_in_the_page_and_the_feed(shaped_site):
    post = page(shaped_site, POST)
    assert "a total training cost of only <span>$</span>7,800 and <span>$</span>5" in post
    assert "&lt;span&gt;" not in post
    # Prose dollars alone do not load MathJax.
    assert "MathJax-script" not in post
    feed = feedparser.parse((shaped_site / "ko" / "feed.xml").read_bytes())
    assert not feed.bozo
    assert "&lt;span" not in feed.entries[0].content[0].value


def test_feed_entries_are_summaries_with_absolute_links(shaped_site):
    feed = feedparser.parse((shaped_site / "ko" / "feed.xml").read_bytes())
    links = [entry.link for entry in feed.entries]
    assert links[:2] == [
        "https://example.org/papers/posts/monthly-papers-2026-02-ko/",  # feeds: newest first
        f"https://example.org/papers/{POST}",
    ]
    newest = feed.entries[1]
    content = newest.content[0].value
    hrefs = re.findall(r'href="([^"]+)"', content)
    assert hrefs[0] == f"https://example.org/papers/{POST}#arxiv-2602-13515"
    assert all(h.startswith("https://example.org/papers/") for h in hrefs)
    assert "논문 3편 모두 보기" in content and len(content) < 1_000


def test_one_warning_without_a_base_url(tmp_path, run):
    copy_posts(tmp_path / "_posts", GOLDEN, SHAPED)
    result = run("site")
    assert result.code == 0, result.err
    assert result.err.count("site.base_url is not set") == 1


def test_index_entry_of_a_post_without_papers():
    class Post:
        title, description, organizations, keywords = "T", None, (), ()
        date = __import__("datetime").datetime(2026, 2, 1)

    assert index_entry(Post, "x/", records("<p>text</p>")) == ["T", "x/", "2026-02-01", "", []]
