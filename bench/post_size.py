"""Benchmark: how big a busy day's post is, at the defaults and with every entry in full.

Makes a 130-paper day from the recorded API answers (tests/fixtures/hf-api: real titles,
abstracts, TL;DRs, organizations, keywords and links, each paper given a fresh arXiv id so all
130 are distinct), ranks it, and renders the Korean and English posts side by side with
`daily.detail_papers` at 0, 10, its default and 130 (every entry full: the old shape, plus the
ranking table). Prints bytes, words (whitespace-separated, as `wc -w` counts) and lines.

    .venv/bin/python bench/post_size.py [--papers 130] [--target-kb 120]

Exits 1 when the Korean post at the defaults is over the target.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from digest.config import parse_config  # noqa: E402
from digest.models import papers_from_items  # noqa: E402
from digest.rank import ranking_key  # noqa: E402
from digest.render import render_post  # noqa: E402
from helpers import busy_day_items  # noqa: E402

DAY = date(2026, 2, 20)
SNAPSHOT = datetime(2026, 2, 21, 0, 0, tzinfo=UTC)


def measure(text: str) -> tuple[int, int, int]:
    return len(text.encode("utf-8")), len(text.split()), text.count("\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=130)
    parser.add_argument("--target-kb", type=float, default=120.0)
    args = parser.parse_args()
    papers = sorted(papers_from_items(busy_day_items(args.papers)), key=ranking_key)
    default = parse_config({}, env={}).daily.detail_papers
    print(f"{len(papers)} papers; daily.detail_papers default {default}")
    print(f"{'lang':5} {'detail':>6} {'KB':>8} {'words':>8} {'lines':>6} {'vs all full':>11}")
    verdict = 0
    for lang in ("ko", "en"):
        sizes = {}
        for detail in (0, 10, default, len(papers)):
            config = parse_config({"daily": {"detail_papers": detail}}, env={})
            sizes[detail] = measure(render_post(papers, DAY, lang, config, SNAPSHOT).text)
        full = sizes[len(papers)][0]
        for detail, (size, words, lines) in sizes.items():
            mark = " (default)" if detail == default else ""
            print(
                f"{lang:5} {detail:>6} {size / 1024:>8.1f} {words:>8} {lines:>6} "
                f"{size / full:>10.2f}x{mark}"
            )
        if lang == "ko" and sizes[default][0] > args.target_kb * 1024:
            print(f"ko at the defaults is over {args.target_kb} KB", file=sys.stderr)
            verdict = 1
    return verdict


if __name__ == "__main__":
    sys.exit(main())
