"""The built site in a real browser: headless Chromium loads pages and feeds, and reports."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest

from cdp import chromium
from digest.config import parse_config
from digest.models import papers_from_items
from digest.rank import ranking_key
from digest.render import render_post
from digest.site.serve import serving
from helpers import busy_day_items
from site_helpers import GOLDEN, HOSTILE, REPO, copy_posts

pytestmark = pytest.mark.browser

INSTALL = "apt-get install chromium fonts-nanum"
# Stands in for MathJax (no network in tests): proves the config loaded first and the
# script was allowed to run, by leaving what it saw on the page.
MATHJAX_STUB = """
document.documentElement.dataset.mathjax = JSON.stringify(window.MathJax.tex.inlineMath);
"""
KOREAN_FONT = ("Nanum", "Noto Sans CJK KR", "Noto Sans KR", "Malgun", "Apple SD Gothic")


def missing(message: str) -> None:
    """Skip locally; fail where the tools are required (CI)."""
    if os.environ.get("DIGEST_REQUIRE_SYSTEM_TOOLS") == "1":
        pytest.fail(f"{message} and DIGEST_REQUIRE_SYSTEM_TOOLS=1")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser_binary() -> str:
    binary = shutil.which("chromium")
    if binary is None:
        missing(f"Debian's chromium is not installed ({INSTALL})")
    assert binary
    return binary


@pytest.fixture(scope="module")
def korean_font() -> None:
    try:
        fonts = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return  # no fontconfig tools to ask: let the browser tell
    if not fonts.stdout.strip():
        missing(f"no Korean font is installed ({INSTALL})")


@pytest.fixture
def site_url(tmp_path, run, write_config):
    copy_posts(tmp_path / "_posts", GOLDEN, HOSTILE, REPO / "tests" / "fixtures" / "site")
    write_config('site:\n  mathjax_url: "/vendor/mathjax/tex-chtml.js"\n  thumbnails: true\n')
    result = run("site")
    assert result.code == 0, result.err
    stub = tmp_path / "_site" / "vendor" / "mathjax" / "tex-chtml.js"
    stub.parent.mkdir(parents=True)
    stub.write_text(MATHJAX_STUB, encoding="utf-8")
    with serving(tmp_path / "_site") as url:
        yield url


@pytest.fixture
def page(browser_binary, tmp_path):
    with chromium(browser_binary, tmp_path / "profile") as tab:
        yield tab


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("", "일간 다이제스트"),  # the list of daily digests, not the newest post
        ("posts/daily-papers-2026-02-20-ko/", "Hugging Face 일간 논문 - 2026-02-20"),
        ("posts/daily-papers-2026-02-20-en/", "Hugging Face Daily Papers - 2026-02-20"),
        ("en/archive/", "Archive"),
        ("ko/tags/ai/", "태그 ai"),
    ],
)
def test_pages_load_cleanly(page, site_url, tmp_path, path, heading):
    problems = page.open(site_url + path)
    assert not problems, problems
    assert page.evaluate("document.querySelector('h1').textContent.trim()") == heading
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "none"
    assert page.evaluate("document.querySelector('main').getBoundingClientRect().width") <= 800
    shot = page.screenshot(tmp_path / f"{path.strip('/').replace('/', '_') or 'home'}.png")
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("확산", "SpargeAttention2: Trainable Sparse Attention"),  # inside 확산 모델을
        ("사전분포로", "Unified Latents (UL): How to train your latents"),
        ("tsinghua sparse", "SpargeAttention2: Trainable Sparse Attention"),
    ],
)
def test_search_finds_papers_by_korean_and_english_words(page, site_url, tmp_path, query, first):
    problems = page.open(f"{site_url}ko/search/?q={query}")
    assert not problems, problems
    found = page.evaluate("[...document.querySelectorAll('.results li > a')].map(a => a.text)")
    assert found and found[0] == first, found
    href = page.evaluate("document.querySelector('.results li > a').getAttribute('href')")
    assert href.startswith("../../posts/") and "#arxiv-" in href
    assert page.evaluate("document.querySelector('.status').textContent").endswith("건")
    assert not page.open(f"{site_url}ko/search/?q=없는낱말xyz")
    assert page.evaluate("document.querySelector('.status').textContent") == "찾은 결과가 없습니다."


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_home_and_search(page, site_url, tmp_path, scheme):
    page.send(
        "Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": scheme}]
    )
    for name, path in (
        ("home", ""),
        ("search", "ko/search/?q=확산"),
        ("post", "posts/daily-papers-2026-02-26-ko/"),
    ):
        assert not page.open(site_url + path)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == {"light": "rgb(253, 253, 252)", "dark": "rgb(21, 23, 26)"}[scheme]
        shot = page.screenshot(tmp_path / f"{name}-{scheme}.png")
        assert shot.stat().st_size > 10_000
        if os.environ.get("DIGEST_SCREENSHOTS"):
            shutil.copy(shot, os.environ["DIGEST_SCREENSHOTS"])


def test_each_dollar_of_prose_is_alone_in_its_element(page, site_url):
    """MathJax pairs `$…$` only within one run of text (an element ends it): with each `$` of
    prose in an element of its own, no two can ever be paired."""
    assert not page.open(site_url + "posts/daily-papers-2026-02-26-ko/")
    body = page.evaluate("document.querySelector('.post-body').textContent")
    assert "a total training cost of only $7,800 and $5 more." in body
    runs = page.evaluate(
        "(() => { const found = [], walk = document.createTreeWalker("
        "document.querySelector('.post-body'), NodeFilter.SHOW_TEXT);"
        " while (walk.nextNode()) { const node = walk.currentNode;"
        " if (node.data.includes('$')) found.push([node.data, node.parentNode.outerHTML]); }"
        " return found; })()"
    )
    assert runs == [["$", "<span>$</span>"], ["$", "<span>$</span>"]]


def test_korean_is_drawn_with_a_real_korean_font(korean_font, page, site_url):
    assert not page.open(site_url + "posts/daily-papers-2026-02-20-ko/")
    fonts = page.fonts_for("h1")
    assert any(name.startswith(KOREAN_FONT) for name in fonts), (
        f"Korean drawn with {fonts}; install a Korean font ({INSTALL})"
    )


def test_hostile_post_shows_its_text_and_runs_nothing(page, site_url, tmp_path):
    problems = page.open(site_url + "posts/hostile/")
    assert not problems, problems
    assert page.evaluate("typeof window.__pwned") == "undefined"
    sources = page.evaluate("[...document.scripts].map(s => s.getAttribute('src'))")
    assert sources == ["../../assets/mathjax-config.js", "../../vendor/mathjax/tex-chtml.js"]
    title = page.evaluate("document.querySelector('h1').textContent")
    assert title.startswith("<script>window.__pwned = 'title'</script>")
    body = page.evaluate("document.querySelector('.post-body').textContent")
    assert '<script>window.__pwned = "body"</script>' in body
    # Links that were javascript: lost their target; hovering or clicking does nothing.
    assert page.evaluate("[...document.querySelectorAll('.post-body a:not([href])')].length") == 3
    page.evaluate("document.querySelectorAll('.post-body a').forEach(a => a.click())")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.screenshot(tmp_path / "hostile.png")


def test_math_page_loads_mathjax_after_its_config(page, site_url):
    assert not page.open(site_url + "posts/hand-written/")
    assert page.evaluate("document.documentElement.dataset.mathjax") == (
        '[["$","$"],["\\\\(","\\\\)"]]'
    )
    display = page.evaluate("document.querySelector('.math.display').textContent")
    assert display.startswith("\\[") and "\\sum_{i=1}^{n}" in display  # readable as TeX


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_feed_opens_as_atom(page, site_url, lang):
    # A feed has no <link rel=icon>: the browser's own try at /favicon.ico is not the site's.
    problems = page.open(f"{site_url}{lang}/feed.xml", ignore="/favicon.ico")
    assert not problems, problems
    # Chromium shows XML through its own viewer page; parse the feed as the browser does.
    feed = page.evaluate(
        """fetch(location.href).then(r => r.text()).then(text => {
            const doc = new DOMParser().parseFromString(text, "application/xml");
            const root = doc.documentElement;
            return {root: root.localName, ns: root.namespaceURI,
                    errors: doc.getElementsByTagName("parsererror").length,
                    entries: doc.getElementsByTagName("entry").length};
        })"""
    )
    assert feed["errors"] == 0
    assert feed["root"] == "feed" and feed["ns"] == "http://www.w3.org/2005/Atom"
    assert feed["entries"] >= 3
    assert "2026-02-20" in page.evaluate("document.body.textContent")


@pytest.fixture
def busy_day_url(tmp_path, run, write_config):
    """`digest site` over a 130-paper day's Korean and English posts, as digest writes them."""
    papers = sorted(papers_from_items(busy_day_items()), key=ranking_key)
    config = parse_config({}, env={})
    posts = tmp_path / "_posts"
    posts.mkdir()
    for lang in ("ko", "en"):
        post = render_post(
            papers, date(2026, 2, 20), lang, config, datetime(2026, 2, 21, tzinfo=UTC)
        )
        (posts / post.filename).write_text(post.text, encoding="utf-8")
    write_config("site:\n  mathjax_url: null\n")
    assert run("site").code == 0
    with serving(tmp_path / "_site") as url:
        yield url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_busy_day_has_its_table_and_every_anchor(page, busy_day_url, tmp_path, scheme):
    page.send(
        "Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": scheme}]
    )
    assert not page.open(busy_day_url + "posts/daily-papers-2026-02-20-ko/")
    links = page.evaluate("[...document.querySelectorAll('table a')].map(a => a.hash.slice(1))")
    assert len(links) == 130 and len(set(links)) == 130
    # Every row's link lands on its entry's heading, in the same order.
    headings = page.evaluate("[...document.querySelectorAll('h3[id]')].map(h => h.id)")
    assert headings == links
    full = page.evaluate("document.querySelectorAll('.post-body strong').length")
    assert full == 1 + 15  # the count in the opening line, and the 15 full entries' abstracts
    shots = [page.screenshot(tmp_path / f"busy-top-{scheme}.png")]
    page.evaluate(f"document.getElementById('{links[99]}').scrollIntoView()")
    shots.append(page.screenshot(tmp_path / f"busy-compact-{scheme}.png"))
    page.evaluate(f"document.getElementById('{links[2]}').scrollIntoView()")
    shots.append(page.screenshot(tmp_path / f"busy-full-{scheme}.png"))
    for shot in shots:
        assert shot.stat().st_size > 10_000
        if os.environ.get("DIGEST_SCREENSHOTS"):
            shutil.copy(shot, os.environ["DIGEST_SCREENSHOTS"])
