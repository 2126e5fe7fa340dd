"""Benchmark: a post's conversion for the site (fastmark.to_html, then pageindex.records), this
tree against a baseline tree, side by side in one run.

    .venv/bin/python bench/convert.py [--days 60] [--baseline /work/main/src] [--pairs 5]

Writes N days of digest's own posts (Korean and English, from the three recorded API answers,
as site_vs_jekyll does), then times the conversion of every post in fresh processes, the
baseline's `src` and this tree's in turn (A B A B …): each process reads the bodies (not
timed), converts them once to warm up, then takes the best of five passes, in CPU time (the
machine is shared). Prints ms/post for each side and the ratio pair by pair (median, min to max),
and checks that both sides made the same bytes (HTML and records) for every post. A tree whose
fastmark has `convert` (the HTML and its records in one pass) is timed that way too.
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
PASSES = 5


def worker(folder: Path) -> None:
    """In a process whose `digest` is the tree under test: print its figures as JSON."""
    from digest.site import fastmark, pageindex
    from digest.site.posts import read_body

    bodies = [read_body(path) for path in sorted(folder.glob("*.md"))]

    def apart(body: str) -> tuple[str, list[list[str]]]:
        html = fastmark.to_html(body)
        assert html is not None, "a post of digest's own fell back to Python-Markdown"
        return html, pageindex.records(html)

    def together(body: str) -> tuple[str, list[list[str]]]:
        done = fastmark.convert(body)
        assert done is not None, "a post of digest's own fell back to Python-Markdown"
        return done

    ways = {"apart": apart}
    if hasattr(fastmark, "convert"):
        ways["together"] = together
    figures: dict[str, object] = {"posts": len(bodies)}
    for name, one in ways.items():
        results = [one(body) for body in bodies]  # warm-up, and the bytes to compare
        best = float("inf")
        for _ in range(PASSES):
            start = time.process_time()
            for body in bodies:
                one(body)
            best = min(best, time.process_time() - start)
        text = json.dumps(results, ensure_ascii=False).encode()
        figures[name] = {"ms": 1000 * best / len(bodies), "sha": hashlib.sha256(text).hexdigest()}
    print(json.dumps(figures))


def run_side(src: Path, folder: Path) -> dict[str, dict[str, float | str]]:
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
        runs: dict[str, list[float]] = {"baseline": [], "apart": [], "together": []}
        shas: set[str] = set()
        for _ in range(args.pairs):
            baseline = run_side(args.baseline, folder)["apart"]
            runs["baseline"].append(float(baseline["ms"]))
            shas.add(str(baseline["sha"]))
            for name, figures in run_side(REPO / "src", folder).items():
                if name in runs:
                    runs[name].append(float(figures["ms"]))
                    shas.add(str(figures["sha"]))
        print(
            f"baseline, to_html then records   {statistics.median(runs['baseline']):6.3f} ms/post"
        )
        for name, label in (
            ("apart", "to_html then records"),
            ("together", "convert (both at once)"),
        ):
            if not runs[name]:
                continue
            ratios = [b / a for b, a in zip(runs["baseline"], runs[name], strict=True)]
            print(
                f"this tree, {label:22s} {statistics.median(runs[name]):6.3f} ms/post: "
                f"{statistics.median(ratios):.2f}x faster (min {min(ratios):.2f}, "
                f"max {max(ratios):.2f}, {args.pairs} pairs)"
            )
        print(f"CPU time, best of {PASSES} passes a process")
        same = len(shas) == 1
        print("output: " + ("the same bytes" if same else "DIFFERENT bytes, a defect"))
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
