"""One real Jekyll site holding every fixture's posts, as `digest build` wrote them.

The example site (examples/jekyll-site/) is copied, each edition below is built into its
`_posts/` by the real CLI against the fake API, and Jekyll runs once (`build`, then `doctor`),
so the whole suite costs one Jekyll start-up rather than one per fixture.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import pytest

from digest.cli import main
from digest.models import Paper, papers_from_items
from digest.rank import rank
from hf_server import FIXTURES, Knobs, serve

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_SITE = REPO / "examples" / "jekyll-site"
ADVERSARIAL = Path(__file__).parent / "fixtures" / "adversarial"
APT_PACKAGES = (
    "jekyll jekyll-theme-minima ruby-jekyll-feed ruby-jekyll-seo-tag ruby-jekyll-sitemap "
    "ruby-kramdown-parser-gfm"
)
INSTALL_HINT = f"apt-get install --no-install-recommends {APT_PACKAGES} (as .ci/run does)"
# Jekyll finds gems through bundler when a Gemfile exists; offline, Debian's gems need no bundler.
JEKYLL_ENV = {"JEKYLL_NO_BUNDLER_REQUIRE": "true", "LC_ALL": "C.UTF-8", "TZ": "UTC"}
# Anything Jekyll, Liquid or kramdown says beyond its progress lines is a problem.
TROUBLE = re.compile(r"warn|error|conflict|deprecat|invalid", re.I)
SITE_URL = "https://example.org"  # examples/jekyll-site/_config.yml

MINIMA = "flavour: minima\n"
# Hostile settings: a far-off time zone and late hour (the post's day differs in UTC and in
# the site's Asia/Seoul), and titles full of YAML, Markdown and Liquid syntax.
HOSTILE = """\
flavour: minima
timezone: America/New_York
post_time: "23:30"
author: "김 O'Doe: \\"digest\\""
categories: [Daily Papers, "논문: #1"]
title:
  ko: ':{date} "논문" #{count}: {{{{ site.title }}}} {{% raw %}} | *별* <b>'
  en: "'Papers': {date} & [{count}] -- \\"quoted\\" {{{{x}}}} %}} $5 $10"
"""
CHIRPY = """\
flavour: chirpy
permalink: "/chirpy/{slug}/"
author: hf_digest
categories: [Papers, Daily]
tags: [HuggingFace, Papers, AI]
image: true
pin: true
"""


@dataclass(frozen=True)
class Edition:
    """One `digest build` run into the site: a day's fixture with some settings."""

    name: str
    day: str
    settings: str
    folder: str = "_posts"
    adversarial: bool = False

    def items(self) -> list[dict]:
        base = ADVERSARIAL if self.adversarial else FIXTURES
        return json.loads((base / f"daily_papers_{self.day}.json").read_text(encoding="utf-8"))

    def papers(self) -> list[Paper]:
        return rank(papers_from_items(self.items()))


EDITIONS = (
    Edition("2024-06-20", "2024-06-20", MINIMA),
    Edition("2025-06-10", "2025-06-10", MINIMA),
    Edition("2026-02-20", "2026-02-20", MINIMA),
    Edition("adversarial", "2025-12-01", HOSTILE, adversarial=True),
    Edition("chirpy", "2026-02-20", CHIRPY, folder="_posts/chirpy"),
    Edition("chirpy-adversarial", "2025-12-01", CHIRPY, "_posts/chirpy", adversarial=True),
)
# The adversarial posts once more with Liquid on (Jekyll 3, GitHub Pages' classic build, does
# not honour render_with_liquid: false): the escaping alone must keep Liquid out.
LIQUID_ON_FOLDER = "_posts/liquid-on"


@dataclass(frozen=True)
class BuiltPost:
    edition: Edition
    lang: str
    source: Path  # the .md digest wrote
    page: Path  # the HTML Jekyll made of it

    @property
    def post(self) -> frontmatter.Post:
        return frontmatter.loads(self.source.read_text(encoding="utf-8"))

    @property
    def url(self) -> str:
        return SITE_URL + self.post["permalink"]

    @property
    def html(self) -> str:
        return self.page.read_text(encoding="utf-8")


@dataclass
class Site:
    root: Path
    build_output: str
    doctor_code: int
    doctor_output: str
    posts: list[BuiltPost] = field(default_factory=list)

    @property
    def dest(self) -> Path:
        return self.root / "_site"

    def page_for(self, permalink: str) -> Path:
        return self.dest / permalink.strip("/") / "index.html"

    def find(self, edition: str, lang: str) -> BuiltPost:
        return next(p for p in self.posts if p.edition.name == edition and p.lang == lang)


def _write_posts(root: Path, work: Path) -> None:
    adversarial = {
        e.day: (ADVERSARIAL / f"daily_papers_{e.day}.json").read_bytes()
        for e in EDITIONS
        if e.adversarial
    }
    with serve(Knobs(days=adversarial)) as server, pytest.MonkeyPatch.context() as env:
        env.setenv("DIGEST_API_BASE_URL", server.url)
        env.delenv("HF_ENDPOINT", raising=False)
        for edition in EDITIONS:
            config = work / f"{edition.name}.yaml"
            config.write_text(edition.settings, encoding="utf-8")
            args = ["build", "--date", edition.day, "--config", str(config), "-q"]
            code = main([*args, "--output", str(root / edition.folder)])
            assert code == 0, f"digest build failed for {edition.name}"


def _liquid_on_copies(root: Path) -> None:
    """The adversarial minima posts without `render_with_liquid: false`, at other URLs."""
    target = root / LIQUID_ON_FOLDER
    target.mkdir(parents=True)
    for source in (root / "_posts").glob("2025-12-01-*.md"):
        text = source.read_text(encoding="utf-8")
        text = text.replace("render_with_liquid: false\n", "")
        text = text.replace('permalink: "/posts/', 'permalink: "/liquid-on/')
        assert "render_with_liquid" not in text and "/liquid-on/" in text
        (target / source.name).write_text(text, encoding="utf-8")


def run_jekyll(jekyll: str, command: str, root: Path) -> subprocess.CompletedProcess[str]:
    extra = ["--strict_front_matter"] if command == "build" else []
    return subprocess.run(
        [jekyll, command, *extra, "-s", str(root), "-d", str(root / "_site")],
        env={**os.environ, **JEKYLL_ENV},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def build_site(jekyll: str, work: Path) -> Site:
    """Copy the example site, write every edition's posts, build once, run the doctor."""
    root = work / "site"
    shutil.copytree(EXAMPLE_SITE, root, ignore=shutil.ignore_patterns("_site", "_posts"))
    _write_posts(root, work)
    _liquid_on_copies(root)
    built = run_jekyll(jekyll, "build", root)
    output = built.stdout + built.stderr
    assert built.returncode == 0, f"jekyll build failed:\n{output}"
    doctor = run_jekyll(jekyll, "doctor", root)
    site = Site(root, output, doctor.returncode, doctor.stdout + doctor.stderr)
    for edition in EDITIONS:
        for source in sorted((root / edition.folder).glob(f"{edition.day}-*.md")):
            post = frontmatter.loads(source.read_text(encoding="utf-8"))
            page = site.page_for(post["permalink"])
            lang = post["lang"].split("-")[0]  # Chirpy's posts say ko-KR
            site.posts.append(BuiltPost(edition, lang, source, page))
    return site
