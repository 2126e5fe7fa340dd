"""Benchmark: the site's page rendering (page contexts, Jinja) of this tree against a base
revision's, on the same posts, in one run.

    .venv/bin/python bench/render_pages.py [--days 1000] [--repeat 3] [--base main]

Writes N days of digests (bench/site_vs_jekyll.py's generator) and converts every post once
with this tree (Markdown conversion is not what is measured), then, in fresh processes taking
turns (base, this tree, base, …), renders every page of the site with each tree's code and
templates: the post pages, then the section pages (homes, archive, tag/organization/keyword
pages, search, feeds). Each process holds every post's HTML (and its papers' records, made by
its own tree) before its clock starts, and times `pages.render_page` over `post_page` and
`section_pages` alone, in CPU time (the machine is shared), with the allocator set as
`digest site` sets it. The base revision is `git archive`d into a temporary folder and run
from there (its `src/`, its `templates/`). Prints medians, base/this ratios taken pair by
pair, and whether every page's bytes agree.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
HTML = "converted.jsonl"  # every post's HTML: {"source": …, "html": …} a line


class Converted:
    """A build's bodies (`digest.site.bodies.Bodies`, as `Site` asks them), converted before
    the clock starts."""

    def __init__(self, made: dict[str, tuple[str, Any]]) -> None:
        self.made = made
        self.converted = 0

    def html(self, post: Any) -> str:
        return self.made[post.source][0]

    def records(self, post: Any) -> Any:
        return self.made[post.source][1]


def child(root: Path) -> None:
    """In a fresh process: render every page once, print the times and the pages' hash."""
    import hashlib

    from digest.config import load_config
    from digest.site import pageindex
    from digest.site.pages import Site, post_page, render_page, section_pages
    from digest.site.posts import read_posts

    _keep_freed_blocks()
    config = load_config(root / "config.yaml")
    posts = read_posts(root / "_posts", config.tz, config.languages[0])
    made = {}
    with (root / HTML).open(encoding="utf-8") as lines:
        for line in lines:
            post = json.loads(line)
            made[post["source"]] = (post["html"], pageindex.records(post["html"]))
    site = Site(config, posts, Converted(made))  # type: ignore[arg-type]
    digest = hashlib.sha256()
    seconds = {"posts": 0.0, "sections": 0.0}

    def render(part: str, make: Callable[[], Any]) -> bool:
        """One page made (its context) and rendered, timed; False when there are no more."""
        start = time.process_time()
        page = make()
        text = page and render_page(site, page)
        seconds[part] += time.process_time() - start
        if page:
            digest.update(f"{page.url}\n{text}".encode())  # not timed
        return page is not None

    for lang, in_lang in site.by_lang.items():
        for index in range(len(in_lang)):
            render("posts", lambda: post_page(site, lang, index))  # noqa: B023 (called at once)
    pages = section_pages(site)
    sections = 0
    while render("sections", lambda: next(pages, None)):
        sections += 1
    print(
        json.dumps(
            {
                **seconds,
                "pages": sections,
                "hash": digest.hexdigest(),
                "code": str(Path(sys.modules["digest"].__file__ or "").parent),
            }
        )
    )


def _keep_freed_blocks() -> None:
    """The allocator as `digest site` sets it (this tree's digest.heap), for either tree."""
    spec = importlib.util.spec_from_file_location("heap", REPO / "src" / "digest" / "heap.py")
    assert spec and spec.loader
    heap = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(heap)
    heap.keep_freed_blocks()


def _convert(root: Path) -> None:
    """Every post's HTML, by this tree, into `root / HTML`."""
    from digest.site.bodies import to_html
    from digest.site.posts import read_body

    with (root / HTML).open("w", encoding="utf-8") as out:
        for path in sorted((root / "_posts").glob("*.md")):
            html = to_html(read_body(path))
            out.write(json.dumps({"source": path.name, "html": html}, ensure_ascii=False) + "\n")


def _extract(rev: str, into: Path) -> Path:
    """The base revision's src/ and templates/ in `into`, where its digest finds them."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev, "src", "templates"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _run(src: Path, root: Path) -> dict[str, float | str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    code = f"import sys; sys.path.insert(0, {str(REPO / 'bench')!r}); import render_pages; "
    code += f"render_pages.child(__import__('pathlib').Path({str(root)!r}))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"rendering with {src} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=1000, help="days of digests (2 posts each)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--base", default="main", help="the revision to compare with")
    args = parser.parse_args()
    from site_vs_jekyll import write_posts

    with TemporaryDirectory(prefix="digest-render-") as temp:
        root = Path(temp) / "blog"
        count = write_posts(root / "_posts", args.days)
        (root / "config.yaml").write_text("{}\n", encoding="utf-8")
        _convert(root)
        sides = {"base": _extract(args.base, Path(temp) / "base"), "this": REPO / "src"}
        print(f"{args.days} days: {count} posts; base {args.base} against this tree", flush=True)
        runs: dict[str, list[dict[str, float | str]]] = {name: [] for name in sides}
        for round_ in range(args.repeat + 1):  # the first round warms the disk cache
            for name, src in sides.items():
                result = _run(src, root)
                assert str(result["code"]).startswith(str(src)), result["code"]
                if round_:
                    runs[name].append(result)
    _report(runs)
    return 0


def _report(runs: dict[str, list[dict[str, float | str]]]) -> None:
    base, this = runs["base"], runs["this"]
    print(f"{'':10}{'base s':>10}{'this s':>10}{'base/this':>12}  (median, min-max of pairs)")
    for part in ("posts", "sections", "all"):

        def seconds(run: dict[str, float | str], part: str = part) -> float:
            if part == "all":
                return float(run["posts"]) + float(run["sections"])
            return float(run[part])

        ratios = [seconds(b) / seconds(t) for b, t in zip(base, this, strict=True)]
        print(
            f"{part:10}{statistics.median(map(seconds, base)):10.2f}"
            f"{statistics.median(map(seconds, this)):10.2f}"
            f"{statistics.median(ratios):11.2f}x  ({min(ratios):.2f}-{max(ratios):.2f})"
        )
    hashes = {str(run["hash"]) for run in base + this}
    pages = base[0]["pages"]
    same = "every page the same bytes" if len(hashes) == 1 else "PAGES DIFFER between the trees"
    print(f"{pages} section pages and the post pages: {same}")


if __name__ == "__main__":
    sys.exit(main())
