"""Benchmark: `digest site` against real Jekyll building the same posts, in one run.

Writes N days of digests (Korean and English, rendered by digest from the three recorded API
responses in turn) into a temporary folder, then times, each as a fresh process:
  - `digest site` from nothing, and again with nothing changed (incremental re-run);
  - `jekyll build` (minima + jekyll-feed + jekyll-seo-tag + jekyll-sitemap) from nothing,
    and again with its cache warm.
Prints both and the ratios. Needs Jekyll from Debian (see ../shared/JEKYLL.md):
    .venv/bin/python bench/site_vs_jekyll.py [--days 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from digest.config import parse_config
from digest.models import papers_from_items
from digest.rank import rank
from digest.render import render_post

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "hf-api"
JEKYLL_CONFIG = """\
title: Hugging Face Daily Papers
theme: minima
plugins: [jekyll-feed, jekyll-seo-tag, jekyll-sitemap]
"""


def write_posts(folder: Path, days: int) -> int:
    config = parse_config({}, env={})
    fixtures = [
        rank(papers_from_items(json.loads(path.read_text(encoding="utf-8"))))
        for path in sorted(FIXTURES.glob("daily_papers_*.json"))
    ]
    snapshot = datetime(2026, 1, 1, tzinfo=timezone.utc)
    folder.mkdir(parents=True)
    count = 0
    for i in range(days):
        day = date(2023, 1, 1) + timedelta(days=i)
        for lang in config.languages:
            post = render_post(fixtures[i % len(fixtures)], day, lang, config, snapshot)
            (folder / post.filename).write_text(post.text, encoding="utf-8")
            count += 1
    return count


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=1000, help="days of digests (2 posts each)")
    args = parser.parse_args()
    jekyll = shutil.which("jekyll")
    if not jekyll:
        print("jekyll is not installed: see ../shared/JEKYLL.md (apt-get install jekyll …)")
        return 2
    digest = [sys.executable, "-m", "digest", "site", "-q"]
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as temp:
        root = Path(temp)
        posts = write_posts(root / "jekyll" / "_posts", args.days)
        (root / "jekyll" / "_config.yml").write_text(JEKYLL_CONFIG, encoding="utf-8")
        (root / "jekyll" / "index.md").write_text("---\nlayout: home\n---\n", encoding="utf-8")
        shutil.copytree(root / "jekyll" / "_posts", root / "digest" / "_posts")
        print(f"{args.days} days of digests: {posts} posts (ko, en) in {root}", flush=True)

        site = root / "digest"
        ours_cold = timed(digest, site)
        ours_warm = timed(digest, site)
        pages = sum(1 for p in (site / "_site").rglob("*") if p.is_file())

        env = {**os.environ, "JEKYLL_NO_BUNDLER_REQUIRE": "true"}
        build = [jekyll, "build", "--strict_front_matter", "-q", "-s", ".", "-d", "_site"]
        theirs_cold = timed(build, root / "jekyll", env)
        theirs_warm = timed(build, root / "jekyll", env)

    print(f"digest site : {ours_cold:6.1f} s from nothing, {ours_warm:5.1f} s re-run ({pages} files)")
    print(f"jekyll build: {theirs_cold:6.1f} s from nothing, {theirs_warm:5.1f} s re-run")
    print(
        f"digest site is {theirs_cold / ours_cold:.1f}x faster from nothing, "
        f"{theirs_warm / ours_warm:.1f}x on a re-run"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
