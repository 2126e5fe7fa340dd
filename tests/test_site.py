"""`digest site` end to end: pages, links, feeds, incremental writes, hostile posts."""

from __future__ import annotations

import html
import re
from pathlib import Path

import feedparser
import pytest

from helpers import load_post
from site_helpers import (
    GOLDEN,
    HOSTILE,
    REPO,
    copy_posts,
    html_pages,
    local_target,
    parse_page,
    text_of,
)

DAYS = ("2024-06-20", "2025-06-10", "2026-02-20")


@pytest.fixture
def golden_site(tmp_path, run):
    copy_posts(tmp_path / "_posts", GOLDEN)
    result = run("site")
    assert result.code == 0, result.err
    return tmp_path / "_site"


def page(site: Path, url: str) -> str:
    path = site / url.lstrip("/")
    return (path / "index.html" if url.endswith("/") else path).read_text(encoding="utf-8")


def test_site_has_every_page(golden_site, run):
    for lang in ("ko", "en"):
        for url in (f"/{lang}/", f"/{lang}/archive/", f"/{lang}/tags/", f"/{lang}/tags/ai/"):
            assert "<main" in page(golden_site, url), url
        assert (golden_site / lang / "feed.xml").is_file()
        for day in DAYS:
            assert (golden_site / "posts" / f"daily-papers-{day}-{lang}" / "index.html").is_file()
    assert (golden_site / "index.html").is_file()
    assert (golden_site / "assets" / "site.css").is_file()


def test_home_lists_the_daily_digests_newest_first(golden_site):
    home = page(golden_site, "/")
    assert '<html lang="ko">' in home
    listed = re.findall(r'<a href="posts/(daily-papers-[\d-]+-ko)/">', home)
    assert listed == [f"daily-papers-{day}-ko" for day in reversed(DAYS)]
    assert "SpargeAttention2" not in home  # a list, not the latest post in full (333 KB)
    assert len(home.encode()) < 8_000
    en = page(golden_site, "/en/")
    assert '<html lang="en">' in en and "Hugging Face Daily Papers - 2026-02-20" in en


def test_digest_page_shows_every_paper_in_order(golden_site):
    for day in DAYS:
        for lang in ("ko", "en"):
            post = GOLDEN / f"{day}-daily-papers-{day}-{lang}.md"
            headings = re.findall(r"^### (.+) \{#([\w-]+)\}$", load_post(post).content, flags=re.M)
            shown = re.findall(
                r'<h3 id="([\w-]+)">(.*?)</h3>',
                page(golden_site, f"/posts/daily-papers-{day}-{lang}/"),
            )
            # Each heading with kramdown's {#id} as its id, so the ranking table's links land.
            assert [(i, html.unescape(h)) for i, h in shown] == [
                (i, html.unescape(re.sub(r"\\(.)", r"\1", h))) for h, i in headings
            ]
            table = page(golden_site, f"/posts/daily-papers-{day}-{lang}/").split("<table>")[1]
            assert re.findall(r'href="#([\w-]+)"', table) == [i for _, i in headings]


def test_every_local_link_resolves_and_is_relative(golden_site):
    """Relative links only: the site works from any sub-path (GitHub Pages project sites)."""
    for path in html_pages(golden_site):
        for link in parse_page(path.read_text(encoding="utf-8")).links:
            assert not link.startswith("/"), f"{path}: absolute link {link}"
            target = local_target(golden_site, path, link)
            if target is not None:
                assert target.is_file(), f"{path.relative_to(golden_site)}: broken {link}"


def test_language_switch_links_the_translation(golden_site):
    ko = parse_page(page(golden_site, "/posts/daily-papers-2026-02-20-ko/"))
    assert "../daily-papers-2026-02-20-en/" in ko.links
    en = parse_page(page(golden_site, "/en/archive/"))
    assert "../../ko/archive/" in en.links


def test_rerun_writes_nothing_and_touches_nothing(golden_site, run):
    before = {p: p.stat().st_mtime_ns for p in golden_site.rglob("*") if p.is_file()}
    result = run("site")
    assert result.code == 0
    assert "written 0," in result.out
    assert f"unchanged {len(before)} " in result.out
    assert {p: p.stat().st_mtime_ns for p in golden_site.rglob("*") if p.is_file()} == before


def test_a_changed_post_rewrites_only_the_pages_that_show_it(golden_site, run, tmp_path):
    post = tmp_path / "_posts" / "2024-06-20-daily-papers-2024-06-20-en.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Long Code Arena", "Long Code Bazaar"))
    result = run("site", "-v")
    assert result.code == 0
    written = re.search(r"written (\d+)", result.out)
    assert written
    # Its title did not change: only its page and its language's feed show the edited text.
    assert 1 <= int(written.group(1)) <= 3, result.out
    assert "Long Code Bazaar" in page(golden_site, "/posts/daily-papers-2024-06-20-en/")


def test_feeds_are_valid_atom_with_relative_links(golden_site):
    for lang in ("ko", "en"):
        feed = feedparser.parse((golden_site / lang / "feed.xml").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.version == "atom10"
        assert feed.feed.language == lang
        assert [e.link for e in feed.entries] == [
            f"../posts/daily-papers-{day}-{lang}/" for day in reversed(DAYS)
        ]
        assert len({e.id for e in feed.entries}) == 3
        assert feed.entries[0].published.startswith("2026-02-20T09:00:00+09:00")
        # Summary-sized: its first five papers, linked to their entries, and a link to the post.
        content = feed.entries[0].content[0].value
        assert "SpargeAttention2" in content and "#arxiv-2602-13515" in content
        assert "Many training-free sparse attention" not in content and len(content) < 3000
        assert {"ko": "논문 13편 모두", "en": "All 13 papers"}[lang] in content


def test_feed_with_base_url_is_absolute(tmp_path, run, write_config):
    copy_posts(tmp_path / "_posts", GOLDEN)
    write_config('site:\n  base_url: "https://example.org/papers/"\n  feed_entries: 2\n')
    assert run("site").code == 0
    feed = feedparser.parse((tmp_path / "_site" / "en" / "feed.xml").read_bytes())
    assert not feed.bozo
    assert len(feed.entries) == 2
    first = feed.entries[0]
    assert first.link == "https://example.org/papers/posts/daily-papers-2026-02-20-en/"
    assert first.id == first.link
    # Links inside the content are absolute too.
    assert 'href="https://example.org/papers/posts/daily-papers-2026-02-20-en/"' in (
        first.content[0].value
    )
    home = (tmp_path / "_site" / "en" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/papers/en/">' in home


@pytest.fixture
def hostile_site(tmp_path, run):
    posts = copy_posts(tmp_path / "_posts", GOLDEN, HOSTILE)
    (posts / "2026-02-23-broken.md").write_bytes(b"\xff\xfe not UTF-8\n")
    result = run("site")
    assert result.code == 0, result.err
    return tmp_path / "_site", result


def test_hostile_posts_cannot_inject_markup(hostile_site):
    site, _ = hostile_site
    for path in html_pages(site):
        text = path.read_text(encoding="utf-8")
        parsed = parse_page(text)
        for tag, name, value in parsed.attributes:
            assert not name.startswith("on"), f"{path}: {tag} {name}={value}"
            if name in ("href", "src"):
                assert not re.match(r"\s*(javascript|data|vbscript):", value or "", re.I), path
        # Our own scripts only: the MathJax config, MathJax itself and the search.
        for script in parsed.scripts:
            src = script.get("src", "")
            assert src.endswith(("mathjax-config.js", "tex-chtml.js", "assets/search.js")), path
        # A page's title and description are text in <meta content>; nowhere else.
        for tag, name, _ in parsed.attributes:
            if tag == "meta":
                assert name in ("charset", "name", "content", "property", "http-equiv"), path
        shown = (v or "" for t, n, v in parsed.attributes if n != "href" and t != "meta")
        assert "__pwned" not in "".join(shown)
    hostile = (site / "posts" / "hostile" / "index.html").read_text(encoding="utf-8")
    visible = html.unescape(text_of(hostile))
    assert "<script>window.__pwned = 'title'</script>" in visible  # shown, as typed
    assert '<script>window.__pwned = "body"</script>' in visible
    assert "\x01" not in hostile and "\x07" not in hostile


def test_hostile_feed_stays_valid_xml(hostile_site):
    site, _ = hostile_site
    feed = feedparser.parse((site / "en" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [e.title for e in feed.entries]
    assert "<script>window.__pwned = 'title'</script> & \"quotes\" {{ liquid }}" in titles


def test_broken_posts_are_skipped_with_a_warning_and_others_kept(hostile_site):
    site, result = hostile_site
    for name in ("2026-02-23-broken.md", "2026-02-24-bad-yaml.md", "handwritten.md"):
        assert f"skipped {name}" in result.err
    # A permalink that climbs out of the site is ignored: the post gets its own path.
    assert (site / "posts" / "escape" / "index.html").is_file()
    # So is one too long for a file name; a long tag gets a short folder.
    assert (site / "posts" / "long" / "index.html").is_file()
    assert [len(p.name) for p in (site / "ko" / "tags").iterdir() if "아주" in p.name] == [49]
    assert not (site.parent / "outside").exists()


def test_hand_written_post_without_most_keys(hostile_site):
    site, _ = hostile_site
    text = (site / "posts" / "hand-written" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in text  # no lang: the blog's first language
    assert "<h1>Notes on $O(n^2)$ attention</h1>" in text
    assert '<th style="text-align: right;">params</th>' in text  # tables
    assert '<div class="math display">\\[\n\\sum_{i=1}^{n} x_i^2 &lt; \\infty\n\\]</div>' in text
    assert "mathjax-config.js" in text  # math: true
    assert (site / "ko" / "tags" / "notes" / "index.html").is_file()


def test_mathjax_loads_only_where_there_is_math(tmp_path, run, write_config):
    copy_posts(tmp_path / "_posts", HOSTILE)
    write_config('site:\n  mathjax_url: "/vendor/mathjax/tex-chtml.js"\n')
    assert run("site").code == 0
    site = tmp_path / "_site"
    math_page = (site / "posts" / "hand-written" / "index.html").read_text(encoding="utf-8")
    assert '<script defer id="MathJax-script" src="../../vendor/mathjax/tex-chtml.js">' in (
        math_page
    )
    plain = (site / "posts" / "escape" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in plain
    write_config("site:\n  mathjax_url: null\n")
    assert run("site").code == 0
    assert "<script" not in (site / "posts" / "hand-written" / "index.html").read_text()


def test_site_with_no_posts_has_a_home_page(tmp_path, run):
    (tmp_path / "_posts").mkdir()
    result = run("site")
    assert result.code == 0, result.err
    assert "아직 다이제스트가 없습니다" in (tmp_path / "_site" / "index.html").read_text(
        encoding="utf-8"
    )


def test_missing_posts_folder_is_a_usage_error(run):
    result = run("site", "--posts", "nowhere")
    assert result.code == 2
    assert result.error_lines == ["Error: posts folder not found: nowhere"]


def test_posts_and_out_options(tmp_path, run):
    copy_posts(tmp_path / "in", GOLDEN)
    result = run("site", "--posts", "in", "--out", "public", "-q")
    assert result.code == 0 and result.out == ""
    assert (tmp_path / "public" / "en" / "feed.xml").is_file()


def test_user_template_overrides_one_file(tmp_path, run, write_config):
    copy_posts(tmp_path / "_posts", GOLDEN)
    (tmp_path / "mine" / "site").mkdir(parents=True)
    (tmp_path / "mine" / "site" / "tags.html").write_text(
        '{% extends "site/base.html" %}{% block content %}MY TAGS{% endblock %}', encoding="utf-8"
    )
    write_config("templates_dir: mine\n")
    assert run("site").code == 0
    assert "MY TAGS" in page(tmp_path / "_site", "/en/tags/")
    assert "MY TAGS" not in page(tmp_path / "_site", "/en/archive/")


def test_user_list_entry_shows_on_every_list(tmp_path, run, write_config):
    # An entry is rendered once for all the pages that list its post alike: yet from the
    # blog's template, and with each page's own link to the post.
    copy_posts(tmp_path / "_posts", GOLDEN)
    (tmp_path / "mine" / "site").mkdir(parents=True)
    (tmp_path / "mine" / "site" / "entry.html").write_text(
        '<li class="mine" lang="{{ lang }}"><a href="{{ href }}">MINE {{ post.title }}</a></li>',
        encoding="utf-8",
    )
    write_config("templates_dir: mine\n")
    assert run("site").code == 0
    site = tmp_path / "_site"
    tag = next(p for p in (site / "en" / "tags").glob("*/index.html"))
    for listing in (site / "en" / "index.html", site / "en" / "archive" / "index.html", tag):
        text = listing.read_text(encoding="utf-8")
        entries = re.findall(r'<li class="mine" lang="en"><a href="([^"]+)">MINE ', text)
        assert entries, listing
        for href in entries:
            target = local_target(site, listing, href)
            assert target and target.is_file() and target.parent.parent.name == "posts", href
        assert "<time" not in text  # the packaged entry is not used anywhere


def test_broken_template_is_one_error_line(tmp_path, run, write_config):
    copy_posts(tmp_path / "_posts", GOLDEN)
    (tmp_path / "mine" / "site").mkdir(parents=True)
    (tmp_path / "mine" / "site" / "tags.html").write_text("{% if %}", encoding="utf-8")
    write_config("templates_dir: mine\n")
    result = run("site")
    assert result.code == 2
    assert len(result.error_lines) == 1 and "tags.html:1" in result.error_lines[0]


def test_unwritable_output_is_exit_1(tmp_path, run):
    copy_posts(tmp_path / "_posts", GOLDEN)
    # A file where the site's folder should be: unwritable even for root (CI runs as root).
    (tmp_path / "_site").write_text("not a folder", encoding="utf-8")
    result = run("site")
    assert result.code == 1
    assert len(result.error_lines) == 1 and "_site" in result.error_lines[0]
    assert "Traceback" not in result.err


def test_a_rerun_converts_only_the_posts_its_stale_pages_show(tmp_path, run, write_config):
    copy_posts(tmp_path / "_posts", GOLDEN)
    write_config("site:\n  feed_entries: 1\n")  # the feeds show the newest post alone
    # What earlier builds kept a post goes; anything else in the folder stays.
    (tmp_path / ".digest-cache").mkdir()
    (tmp_path / ".digest-cache" / "2024-06-20-daily-papers-2024-06-20-en.md.html").write_text("x")
    (tmp_path / ".digest-cache" / "notes.txt").write_text("mine")
    assert run("site").code == 0
    assert (tmp_path / ".digest-cache" / "notes.txt").read_text() == "mine"
    # No file a post in the cache: the record of the build (and compiled templates' folder).
    cache = tmp_path / ".digest-cache"
    kept = sorted(p.name for p in cache.iterdir() if p.is_file())
    assert kept == ["notes.txt", "site-manifest.json"]
    # The oldest post changes: its page and its week's search file show it, no feed does.
    post = tmp_path / "_posts" / "2024-06-20-daily-papers-2024-06-20-en.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = run("site", "-v")
    assert result.code == 0, result.err
    # Once, for its page and for its week's search file (rendered again, the same bytes).
    assert "converted 1 posts" in result.err
    assert "One more line." in page(tmp_path / "_site", "/posts/daily-papers-2024-06-20-en/")
    assert "written 1," in result.out


def test_rerun_renders_only_pages_whose_inputs_changed(golden_site, run, tmp_path):
    # A new day: its pages, the home pages, archive, tag pages, feeds and its neighbour change.
    post = tmp_path / "_posts" / "2026-02-20-daily-papers-2026-02-20-en.md"
    newer = tmp_path / "_posts" / "2026-02-21-daily-papers-2026-02-21-en.md"
    newer.write_text(
        post.read_text(encoding="utf-8").replace("2026-02-20", "2026-02-21"), encoding="utf-8"
    )
    result = run("site", "-v")
    assert result.code == 0, result.err
    # The new one, and the English posts the English feed shows (their records): no Korean.
    assert "converted 4 posts" in result.err
    assert (golden_site / "posts" / "daily-papers-2026-02-21-en" / "index.html").is_file()
    older = page(golden_site, "/posts/daily-papers-2026-02-20-en/")
    assert 'rel="next" href="../daily-papers-2026-02-21-en/"' in older
    # A template change reaches every page that uses it, and only those.
    (tmp_path / "mine" / "site").mkdir(parents=True)
    archive = (REPO / "templates" / "site" / "archive.html").read_text(encoding="utf-8")
    mine = archive.replace("{% endblock %}", "<!-- mine -->{% endblock %}")
    (tmp_path / "mine" / "site" / "archive.html").write_text(mine, encoding="utf-8")
    (tmp_path / "config.yaml").write_text("templates_dir: mine\n", encoding="utf-8")
    result = run("site")
    assert "written 2," in result.out  # ko and en archives
    assert "<!-- mine -->" in page(golden_site, "/en/archive/")
