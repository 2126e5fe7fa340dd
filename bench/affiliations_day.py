"""What affiliations cost a 50-paper day: requests and seconds, against the local fake arXiv.

    .venv/bin/python bench/affiliations_day.py                 # requests_per_second 1, ~75 s
    .venv/bin/python bench/affiliations_day.py --rps 5 --latency 0.3

Side by side in one run, with sources [hf, arxiv]:
  1. a 2026-like day: 61% of papers carry an HF organization (HF-API.md), the rest ask arXiv;
  2. the same day again: every answer comes from the cache in the archive folder;
  3. the same day --offline: no client is made at all;
  4. a 2024-like day: no HF organization, every paper asks arXiv.
Each arXiv page is a LaTeXML fixture wrapped as arXiv serves it, 3 MB long, answered after
`--latency` seconds. Printed: requests, wall seconds, their ratio to the rate limit's floor
((requests - 1) / rps), and bytes read against bytes the pages hold.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from digest.affiliations import Clients, find_affiliations  # noqa: E402
from digest.sections import AffiliationSettings  # noqa: E402
from enrich_server import Knobs, arxiv_page, serve  # noqa: E402

FIXTURES = ("neurips", "iclr_superscripts", "cvpr", "acl_symbols", "ieee", "revtex", "llncs")
PAGE_BYTES = 3_000_000


@dataclass(frozen=True)
class Paper:
    id: str
    title: str = ""
    organization: str | None = None


def day(papers: int, with_org: float) -> list[Paper]:
    orgs = round(papers * with_org)
    return [
        Paper(f"2602.{20000 + n}", organization="Org" if n < orgs else None) for n in range(papers)
    ]


def run(
    label: str,
    papers: list[Paper],
    settings: AffiliationSettings,
    archive: Path,
    *,
    offline: bool = False,
    page_bytes: int,
) -> None:
    clients = None if offline else Clients.for_settings(settings)
    started = time.monotonic()
    report = find_affiliations(papers, settings, archive, offline=offline, clients=clients)
    seconds = time.monotonic() - started
    floor = max(report.requests - 1, 0) / settings.requests_per_second
    ratio = f"{seconds / floor:.2f}x the floor" if floor else "no floor"
    read = clients.arxiv.bytes_read if clients and clients.arxiv else 0
    held = report.requests * page_bytes
    share = f", read {read / 1024:.0f} KiB of {held / 1e6:.0f} MB" if held else ""
    print(
        f"{label:34} {report.requests:3d} requests {seconds:6.2f} s ({ratio}){share}; "
        f"{len(report.found)}/{len(papers)} with affiliations"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=50)
    parser.add_argument("--rps", type=float, default=1.0)
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args()
    with serve(Knobs(latency=args.latency)) as server, tempfile.TemporaryDirectory() as tmp:
        for n in range(args.papers):
            paper_id = f"2602.{20000 + n}"
            fixture = FIXTURES[n % len(FIXTURES)]
            server.knobs.pages[paper_id] = arxiv_page(fixture, paper_id, body_bytes=PAGE_BYTES)
        settings = AffiliationSettings(
            sources=("hf", "arxiv"), arxiv_base_url=server.url, requests_per_second=args.rps
        )
        print(f"{args.papers} papers, requests_per_second {args.rps:g}, latency {args.latency:g} s")
        today = day(args.papers, 0.61)
        run("2026-like day (61% HF org)", today, settings, Path(tmp) / "a", page_bytes=PAGE_BYTES)
        run("  the same day again (cache)", today, settings, Path(tmp) / "a", page_bytes=PAGE_BYTES)
        run(
            "  the same day --offline",
            today,
            settings,
            Path(tmp) / "a",
            offline=True,
            page_bytes=PAGE_BYTES,
        )
        run(
            "2024-like day (no HF org)",
            day(args.papers, 0.0),
            settings,
            Path(tmp) / "b",
            page_bytes=PAGE_BYTES,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
