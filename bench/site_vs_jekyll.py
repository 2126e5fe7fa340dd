"""Benchmark: `digest site` against real Jekyll building the same posts, in one run.

Writes N days of digests (Korean and English, rendered by digest from the three recorded API
responses in turn) into a temporary folder, then times `digest site` and `jekyll build`
(minima + jekyll-feed + jekyll-seo-tag + jekyll-sitemap) on the same posts, each as a fresh
process: from nothing; re-run with nothing changed; re-run after one more day's posts (what a
daily cron job does). Each tool keeps its own cache between runs (.digest-cache, .jekyll-cache).
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
# future: Jekyll leaves out a post dated after today unless told (a bench of many days).
JEKYLL_CONFIG = """\
title: Hugging Face Daily Papers
future: true
theme: minima
plugins: [jekyll-feed, jekyll-seo-tag, jekyll-sitemap]
"""


def write_posts(folder: Path, days: int, first: int = 0) -> int:
    config = parse_config({}, env={})
    fixtures = [
        rank(papers_from_items(json.loads(path.read_text(encoding="utf-8"))))
        for path in sorted(FIXTURES.glob("daily_papers_*.json"))
    ]
    snapshot = datetime(2026, 1, 1, tzinfo=timezone.utc)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for i in range(first, first + days):
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

        env = {**os.environ, "JEKYLL_NO_BUNDLER_REQUIRE": "true"}
        build = [jekyll, "build", "--strict_front_matter", "-q", "-s", ".", "-d", "_site"]
        runs = {"digest site": ([], digest, root / "digest", None)}
        runs["jekyll build"] = ([], build, root / "jekyll", env)
        for step in ("from nothing", "nothing changed", "one more day"):
            if step == "one more day":
                for folder in ("digest", "jekyll"):
                    write_posts(root / folder / "_posts", 1, first=args.days)
            for times, command, cwd, environ in runs.values():
                times.append(timed(command, cwd, environ))
        pages = sum(1 for p in (root / "digest" / "_site").rglob("*") if p.is_file())

    print(f"{'':13}  from nothing  nothing changed  one more day   ({pages} files)")
    for name, (times, *_) in runs.items():
        print(f"{name:13}  {times[0]:10.1f} s  {times[1]:13.1f} s  {times[2]:10.1f} s")
    ours, theirs = runs["digest site"][0], runs["jekyll build"][0]
    ratios = "  ".join(f"{t / o:.1f}x" for o, t in zip(ours, theirs, strict=True))
    print(f"digest site faster by: {ratios}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
