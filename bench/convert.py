"""Benchmark: a post's conversion for the site (fastmark.to_html, then pageindex.records), this
tree against a baseline tree, side by side in one run.

    .venv/bin/python bench/convert.py [--days 60] [--baseline /work/main/src] [--pairs 5]

Writes N days of digest's own posts (Korean and English, from the three recorded API answers,
as site_vs_jekyll does), then times the conversion of every post in fresh processes, the
baseline's `src` and this tree's in turn (A B A B …): each process reads the bodies (not
timed), converts them once to warm up, then takes the best of three passes, in CPU time (the
machine is shared). Prints ms/post for each side and the ratio pair by pair (median, min to max),
and checks that both sides made the same bytes (HTML and records) for every post. A tree whose
fastmark has `convert` (HTML and records in one) is timed through it, as the site would call it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PASSES = 3


def worker(folder: Path) -> None:
    """In a process whose `digest` is the tree under test: print its figures as JSON."""
    from digest.site import fastmark, pageindex
    from digest.site.posts import read_body

    bodies = [read_body(path) for path in sorted(folder.glob("*.md"))]
    convert = getattr(fastmark, "convert", None)

    def one(body: str) -> tuple[str, list[list[str]]]:
        if convert is not None:
            done = convert(body)
            assert done is not None, "a post of digest's own fell back to Python-Markdown"
            return done
        html = fastmark.to_html(body)
        assert html is not None, "a post of digest's own fell back to Python-Markdown"
        return html, pageindex.records(html)

    results = [one(body) for body in bodies]  # warm-up, and the bytes to compare
    best = float("inf")
    for _ in range(PASSES):
        start = time.process_time()
        for body in bodies:
            one(body)
        best = min(best, time.process_time() - start)
    digest = hashlib.sha256(json.dumps(results, ensure_ascii=False).encode()).hexdigest()
    print(json.dumps({"ms": 1000 * best / len(bodies), "sha": digest, "posts": len(bodies)}))


def run_side(src: Path, folder: Path) -> dict[str, float | str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, __file__, "--worker", str(folder)]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=60, help="days of digests (2 posts each)")
    parser.add_argument("--baseline", type=Path, default=Path("/work/main/src"))
    parser.add_argument("--pairs", type=int, default=5, help="baseline/this-tree runs, in turn")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return 0
    if not (args.baseline / "digest" / "site" / "fastmark.py").is_file():
        print(f"{args.baseline} is not a digest source tree (no digest/site/fastmark.py)")
        return 2
    sys.path.insert(0, str(REPO / "bench"))
    from site_vs_jekyll import write_posts

    with tempfile.TemporaryDirectory(prefix="digest-convert-") as temp:
        folder = Path(temp)
        posts = write_posts(folder, args.days)
        print(f"{posts} posts ({args.days} days, ko and en); baseline {args.baseline}", flush=True)
        before: list[float] = []
        after: list[float] = []
        shas: set[str] = set()
        for _ in range(args.pairs):
            for side, src in ((before, args.baseline), (after, REPO / "src")):
                figures = run_side(src, folder)
                side.append(float(figures["ms"]))
                shas.add(str(figures["sha"]))
        ratios = [b / a for b, a in zip(before, after, strict=True)]
        print(f"baseline   {statistics.median(before):6.3f} ms/post (CPU, best of {PASSES})")
        print(f"this tree  {statistics.median(after):6.3f} ms/post")
        print(
            f"ratio      {statistics.median(ratios):.2f}x faster "
            f"(min {min(ratios):.2f}, max {max(ratios):.2f}, {args.pairs} pairs)"
        )
        same = len(shas) == 1
        print("output     " + ("the same bytes" if same else "DIFFERENT bytes: a defect"))
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
