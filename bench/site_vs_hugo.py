"""Benchmark: `digest site` against Hugo (and Jekyll when installed) on the same posts, in one run.

    .venv/bin/python bench/site_vs_hugo.py [--days 1000] [--repeat 3] [--memory-days 100 1000 3000]

Writes N days of digests (Korean and English, rendered by digest from the three recorded API
answers in turn: bench/site_vs_jekyll.py's generator), then builds them with `digest site`, with
Debian's `hugo` (minimal layouts written here: a page per post, the home page, a list page per
section and tag, RSS) and with Jekyll (minima + feed, seo-tag, sitemap) if it is installed.
Three steps, each a fresh process per run, the tools in turn: from nothing (no output, no
cache: the last run's are set aside, see timing.clear); one post changed (a line added to one
post before each run); nothing changed. Every tool keeps its own cache between runs of a step
(.digest-cache, .jekyll-cache; Hugo keeps none).
Prints medians and digest/other ratios taken pair by pair (targets: ≤ 1.0x Hugo from nothing,
≤ 0.25x Hugo on re-runs), then peak memory of `digest site` (and Hugo) from nothing per size
(target: < 150 MB at 3,000 days, flat). Needs: hugo (apt-get install hugo), GNU time (apt-get
install time); jekyll optional (see ../shared/JEKYLL.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent))

import timing
from site_vs_jekyll import JEKYLL_CONFIG, write_posts
from timing import Side

# buildFuture: Hugo leaves out a post dated after today unless told (as Jekyll does without
# `future`); a bench whose days run past today would compare part of the posts with all of them.
HUGO_CONFIG = """\
baseURL = "https://example.org/"
buildFuture = true
title = "Hugging Face Daily Papers"
disableKinds = ["sitemap", "robotsTXT", "404"]
[taxonomies]
  tag = "tags"
[services.rss]
  limit = 20
"""
HUGO_BASE = """\
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" \
href="{{ .RelPermalink }}">{{ end }}</head><body>{{ block "main" . }}{{ end }}</body></html>
"""
HUGO_SINGLE = """\
{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>
{{ .Content }}<p>{{ range .Params.tags }}<a href="/tags/{{ . | urlize }}/">{{ . }}</a> {{ end }}
</p></article>{{ end }}
"""
HUGO_LIST = """\
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">\
{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>{{ end }}
"""
HUGO_HOME = """\
{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>{{ range first 20 .Site.RegularPages }}\
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": HUGO_BASE,
    "_default/single.html": HUGO_SINGLE,
    "_default/post.html": HUGO_SINGLE,  # the posts ask for `layout: post`
    "_default/list.html": HUGO_LIST,
    "index.html": HUGO_HOME,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=1000, help="days for the timings (2 posts)")
    parser.add_argument("--repeat", type=int, default=3, help="counted runs per tool and step")
    parser.add_argument(
        "--memory-days", type=int, nargs="*", default=[100, 1000, 3000], help="sizes for memory"
    )
    parser.add_argument("--no-jekyll", action="store_true", help="leave Jekyll out")
    parser.add_argument("--no-timing", action="store_true", help="memory only")
    parser.add_argument(
        "--remove-outputs",
        action="store_true",
        help="remove each output before a run from nothing, not set it aside (see timing.clear)",
    )
    args = parser.parse_args()
    timing.REMOVE_OUTPUTS = args.remove_outputs
    hugo = shutil.which("hugo")
    missing = timing.require_time() or (None if hugo else "hugo is missing: apt-get install hugo")
    if missing:
        print(missing)
        return 2
    jekyll = None if args.no_jekyll else shutil.which("jekyll")
    digest = [sys.executable, "-m", "digest", "site", "-q"]
    print(f"{os.cpu_count()} CPUs, load {timing.load()}; hugo {hugo}, jekyll {jekyll or 'no'}")
    cleared = "removed" if args.remove_outputs else "set aside (see timing.clear)"
    print(f"before each run from nothing, the outputs are {cleared}")
    with TemporaryDirectory(prefix="digest-bench-") as temp:
        root = Path(temp)
        most = max([0 if args.no_timing else args.days, *args.memory_days])
        pool = root / "pool"
        print(f"writing {most} days of posts …", flush=True)
        write_posts(pool, most)
        if not args.no_timing:
            bench_steps(root / "steps", pool, args.days, args.repeat, digest, hugo, jekyll)
        if args.memory_days:
            bench_memory(root / "memory", pool, args.memory_days, digest, hugo)
    print(f"load {timing.load()} (end)")
    return 0


def bench_steps(
    root: Path, pool: Path, days: int, repeat: int, digest: list[str], hugo: str, jekyll: str | None
) -> None:
    folders = _folders(root, pool, days, jekyll is not None)
    posts = sorted((folders["digest"] / "_posts").iterdir())
    changed = {
        name: _post_in(folder, posts[len(posts) // 2].name) for name, folder in folders.items()
    }
    sides = {"digest": Side("digest site", digest, folders["digest"])}
    sides["hugo"] = Side("hugo", [hugo, "--quiet"], folders["hugo"])
    if jekyll:
        build = [jekyll, "build", "-q", "-s", ".", "-d", "_site"]
        env = {**os.environ, "JEKYLL_NO_BUNDLER_REQUIRE": "true"}
        sides["jekyll"] = Side("jekyll build", build, folders["jekyll"], env=env)
    outputs = {
        "digest": ("_site", ".digest-cache"),
        "hugo": ("public", "resources"),
        "jekyll": ("_site", ".jekyll-cache"),
    }
    print(f"\n{days} days = {len(posts)} posts; {repeat} counted runs per tool and step, in turn")
    results: dict[str, dict[str, Side]] = {}
    for step in ("from nothing", "one post changed", "nothing changed"):
        step_sides = []
        for key, side in sides.items():
            folder = folders[key]
            if step == "from nothing":
                prepare = lambda f=folder, k=key: timing.clear(  # noqa: E731
                    root / "trash", *(f / o for o in outputs[k])
                )
            elif step == "one post changed":
                prepare = lambda p=changed[key]: _touch(p)  # noqa: E731
            else:
                prepare = lambda: None  # noqa: E731
            step_sides.append(Side(side.name, side.command, side.cwd, prepare, side.env))
        timing.paired(step_sides, repeat)
        results[step] = dict(zip(sides, step_sides, strict=True))
        print(f"  {step}: done (load {timing.load()})", flush=True)
    files = {
        k: sum(1 for p in folders[k].joinpath(outputs[k][0]).rglob("*") if p.is_file())
        for k in sides
    }
    print("files written: " + ", ".join(f"{sides[k].name} {n}" for k, n in files.items()))
    for key, side in sides.items():
        _check_pages(side.name, folders[key] / outputs[key][0], len(posts))
    _print_steps(results)


def _print_steps(results: dict[str, dict[str, Side]]) -> None:
    print(f"\n{'median wall s (cpu s, peak MB)':34}", end="")
    print("".join(f"{step:>26}" for step in results))
    for key in next(iter(results.values())):
        print(f"{results['from nothing'][key].name:34}", end="")
        for sides in results.values():
            s = sides[key]
            figures = f"{s.median('wall'):.2f} ({s.median('cpu'):.1f}, {s.median('rss_mb'):.0f})"
            print(f"{figures:>26}", end="")
        print()
    for other in [k for k in next(iter(results.values())) if k != "digest"]:
        for figure in ("wall", "cpu"):
            print(f"{f'digest / {other} {figure} [min-max]':34}", end="")
            for sides in results.values():
                mid, low, high = timing.ratio(sides["digest"], sides[other], figure)
                print(f"{f'{mid:.2f}x [{low:.2f}-{high:.2f}]':>26}", end="")
            print()
            print(f"{'  its median lies in (confidence)':34}", end="")
            for sides in results.values():
                text = timing.interval_text(timing.ratios(sides["digest"], sides[other], figure))
                print(f"{text:>26}", end="")
            print()
    print("targets: digest / hugo wall <= 1.00x from nothing, <= 0.25x on both re-runs")
    print("a target holds with that confidence when its interval's top is under it")


def bench_memory(root: Path, pool: Path, sizes: list[int], digest: list[str], hugo: str) -> None:
    print("\npeak memory, from nothing (largest single process, /usr/bin/time)")
    print(
        f"{'days':>6} {'posts':>6} {'digest MB':>10} {'digest s':>9} {'hugo MB':>8} {'hugo s':>7}"
    )
    for days in sizes:
        folders = _folders(root / str(days), pool, days, jekyll=False)
        ours = timing.measure(digest, folders["digest"])
        theirs = timing.measure([hugo, "--quiet"], folders["hugo"])
        posts = len(list((folders["digest"] / "_posts").iterdir()))
        _check_pages("digest site", folders["digest"] / "_site", posts)
        _check_pages("hugo", folders["hugo"] / "public", posts)
        print(
            f"{days:6} {posts:6} {ours.rss_mb:10.0f} {ours.wall:9.2f} "
            f"{theirs.rss_mb:8.0f} {theirs.wall:7.2f}",
            flush=True,
        )
        timing.clear(root / "trash", root / str(days))
    print("target: digest < 150 MB at 3,000 days and about the same at every size")


def _folders(root: Path, pool: Path, days: int, jekyll: bool) -> dict[str, Path]:
    """The first `days` days of the pool's posts, as each tool wants them."""
    names = sorted(p.name for p in pool.iterdir())[: 2 * days]  # two languages a day
    places = {"digest": root / "digest" / "_posts", "hugo": root / "hugo" / "content" / "posts"}
    if jekyll:
        places["jekyll"] = root / "jekyll" / "_posts"
    for folder in places.values():
        folder.mkdir(parents=True)
        for name in names:
            shutil.copyfile(pool / name, folder / name)
    (root / "hugo" / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (root / "hugo" / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "hugo" / "layouts" / name).write_text(text, encoding="utf-8")
    if jekyll:
        (root / "jekyll" / "_config.yml").write_text(JEKYLL_CONFIG, encoding="utf-8")
        (root / "jekyll" / "index.md").write_text("---\nlayout: home\n---\n", encoding="utf-8")
    return {
        name: folder.parents[1] if name == "hugo" else folder.parent
        for name, folder in places.items()
    }


def _check_pages(tool: str, out: Path, posts: int) -> None:
    """Stop unless the tool made every post's page (`/posts/<name>/`, as each of them names it):
    figures for part of the posts would compare nothing."""
    pages = len(list((out / "posts").glob("*/index.html")))
    if pages != posts:
        raise SystemExit(f"{tool} made {pages} post pages of {posts}: not comparable")


def _post_in(folder: Path, name: str) -> Path:
    return next(p for p in folder.rglob(name))


def _touch(post: Path) -> None:
    """A real edit, different each time: one more line at the end of the post."""
    with post.open("a", encoding="utf-8") as file:
        file.write(f"\nEdited {os.urandom(4).hex()}.\n")


if __name__ == "__main__":
    sys.exit(main())
