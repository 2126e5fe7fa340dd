"""Benchmark of translation against the OpenAI-compatible stand-in on 127.0.0.1.

    .venv/bin/python bench/translate.py                   # 130 papers, 1 s a call, 4 at once
    .venv/bin/python bench/translate.py --papers 50 --latency 0.5 --concurrency 2

Prints, in one run:
  1. a day of N papers (the recorded fixture days repeated with distinct ids) translated from
     an empty cache: wall time ÷ the latency bound (calls x latency ÷ concurrency), target ≤ 1.3;
  2. the same day again: its model calls (target 0) and wall time;
  3. what a day costs in calls (TL;DR + abstract per paper) for 50 and 130 papers.

The stand-in (tests/llm_server.py) runs in this process, in a thread; the cache goes to a
temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from digest.models import Paper, papers_from_items  # noqa: E402
from digest.translate import Translator  # noqa: E402
from digest.translation_plan import plan_jobs  # noqa: E402
from digest.translation_settings import TranslateSettings  # noqa: E402
from llm_server import Knobs, serve  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "hf-api"
TARGET_RATIO = 1.3


def day_of(count: int) -> list[Paper]:
    """`count` papers: the fixture days' papers over and over, each copy with its own id."""
    recorded = [
        paper
        for path in sorted(FIXTURES.glob("daily_papers_*.json"))
        for paper in papers_from_items(json.loads(path.read_text("utf-8")))
    ]
    return [
        replace(recorded[n % len(recorded)], id=f"9999.{n:05d}", upvotes=count - n)
        for n in range(count)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=130, help="papers in the day (130)")
    parser.add_argument("--latency", type=float, default=1.0, help="seconds per call (1.0)")
    parser.add_argument("--concurrency", type=int, default=4, help="calls at once (4)")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (start)")
    papers = day_of(args.papers)
    env = {"GITHUB_TOKEN": "bench-key"}
    with serve(Knobs(latency=args.latency)) as llm, tempfile.TemporaryDirectory() as tmp:
        settings = TranslateSettings(
            enabled=True, base_url=llm.url, concurrency=args.concurrency, max_total_seconds=3600
        )
        runs = []
        for _ in range(2):
            started = time.monotonic()
            with Translator(settings, cache_root=Path(tmp), env=env) as translator:
                result = translator.translate(papers, "ko")
            runs.append((time.monotonic() - started, result.counts))
    (first_time, first), (again_time, again) = runs
    bound = first.calls * args.latency / args.concurrency
    ratio = first_time / bound if bound else float("nan")
    ok_first = first.failed == 0 and first.skipped == 0 and ratio <= TARGET_RATIO
    print(
        f"1. {args.papers} papers, empty cache: {first.calls} calls, {first.new} texts translated "
        f"in {first_time:.1f}s; bound {first.calls} x {args.latency:g}s / {args.concurrency} = "
        f"{bound:.1f}s; ratio {ratio:.3f} (target <= {TARGET_RATIO}) "
        f"{'OK' if ok_first else 'MISSED'}"
    )
    print(
        f"2. the same day again: {again.calls} model calls (target 0), {again.cached} texts from "
        f"the cache in {again_time:.2f}s {'OK' if again.calls == 0 else 'MISSED'}"
    )
    for size in (50, 130):
        jobs, _ = plan_jobs(day_of(size), TranslateSettings())
        tldrs = sum(1 for job in jobs if job.field == "ai_summary")
        chars = sum(len(job.source) for job in jobs)
        print(
            f"3. a day of {size}: {len(jobs)} calls ({tldrs} TL;DRs, {len(jobs) - tldrs} "
            f"abstracts), {chars:,} characters of English to translate"
        )
    return 0 if ok_first and again.calls == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
