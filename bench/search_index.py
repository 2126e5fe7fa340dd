"""Benchmark: the site's search, digest's JSON index + search.js against pagefind, in one run.

Writes N days of Korean digests in the shape digest writes them (every paper a heading with its
anchor, meta line, a Korean TL;DR; real titles, organizations and keywords from the recorded API
answers, 130 papers a day), builds the site with `digest site`, then indexes the same pages with
pagefind. Prints, side by side: build time, index bytes on disk, and the bytes a browser fetches
for one search (headless Chromium, when installed), and which queries each one finds.

    .venv/bin/python bench/search_index.py [--days 60] [--pagefind /path/to/venv/bin/python]

pagefind is not a dependency: pass the Python of a venv where `pip install 'pagefind[bin]'`
ran. Nothing is kept: everything goes to a temporary folder.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from cdp import chromium  # noqa: E402
from digest.entries import anchor  # noqa: E402
from digest.escape import escape_markdown, escape_markdown_math  # noqa: E402
from digest.models import papers_from_items  # noqa: E402
from digest.site.serve import serving  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "hf-api"
PER_DAY = 130
# Korean TL;DRs in the shape the translated ones have (issue 11): the keywords inside sentences,
# particles attached, so a word splitter sees `모델을`, not `모델`.
TLDRS = (
    "{a}을(를) 활용해 {b} 성능을 높이는 새로운 방법을 제안합니다.",
    "{a} 기반의 확산모델로 {b} 문제를 효율적으로 해결합니다.",
    "대규모 언어모델에서 {a}와(과) {b}를 결합한 학습 기법을 소개합니다.",
)
QUERIES = ("확산", "언어모델", "모델", "Tsinghua", "diffusion models", "강화학습")


def papers() -> list:
    found = []
    for path in sorted(FIXTURES.glob("daily_papers_*.json")):
        found.extend(papers_from_items(json.loads(path.read_bytes())))
    return found


def write_posts(folder: Path, days: int) -> None:
    pool = papers()
    start = date(2026, 1, 1)
    for n in range(days):
        day = start + timedelta(days=n)
        lines = [
            "---",
            f'title: "Hugging Face 일간 논문 - {day}"',
            f'date: "{day} 09:00:00 +0900"',
            'lang: "ko"',
            f"papers: {PER_DAY}",
            "---",
            "",
        ]
        for rank in range(1, PER_DAY + 1):
            paper = pool[(n * PER_DAY + rank) % len(pool)]
            words = list(paper.keywords) or ["강화학습", "추론"]
            tldr = TLDRS[rank % len(TLDRS)].format(a=words[0], b=words[-1])
            org = paper.organization or "HF 조직 미등록"
            pid = f"{26 + n // 365:02d}{n % 12 + 1:02d}.{rank:05d}"
            lines += [
                f"### {rank}. {escape_markdown(paper.title)} {{#{anchor(pid)}}}",
                "",
                f"- 👍 {paper.upvotes} · 🏛️ {escape_markdown(org)} · "
                f"🏷️ {escape_markdown(', '.join(paper.keywords[:5]))}",
                f"- 💡 {escape_markdown_math(tldr)}",
                "",
            ]
            if rank <= 10:
                lines += [escape_markdown_math(paper.abstract), ""]
        (folder / f"{day}-daily-papers-{day}-ko.md").write_text("\n".join(lines), "utf-8")


def timed(command: list[str], cwd: Path) -> float:
    began = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - began


def folder_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


PAGEFIND_PAGE = """<!doctype html><meta charset="utf-8"><script type="module">
const pf = await import("/pagefind/pagefind.js");
window.run = async (q) => {
  const r = await pf.search(q);
  const shown = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
  return [r.results.length, shown.map((d) => d.meta.title)];
};
window.ready = true;
</script>"""


def browser_figures(site: Path) -> dict[str, tuple[int, list[int]]] | None:
    """Bytes fetched for the first query, and per query the results shown (digest: papers and
    digests, at most 50) or found (pagefind: pages, one a day), for each engine."""
    binary = shutil.which("chromium")
    if binary is None:
        return None
    (site / "pf.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    figures = {}
    with (
        tempfile.TemporaryDirectory() as profile,
        serving(site) as url,
        chromium(binary, Path(profile)) as tab,
    ):
        tab.send("Network.setCacheDisabled", cacheDisabled=True)
        for engine in ("digest", "pagefind"):
            counts, fetched = [], 0
            for i, query in enumerate(QUERIES):
                tab.events.clear()
                if engine == "digest":
                    tab.open(f"{url}ko/search/?q={query}", settle=0.5)
                    shown = "document.querySelectorAll('.results li').length"
                    counts.append(tab.evaluate(shown))
                else:
                    tab.open(f"{url}pf.html", settle=0.5)
                    counts.append(tab.evaluate(f"run({json.dumps(query)})")[0])
                    tab.evaluate("new Promise(r => setTimeout(r, 300))")
                if i == 0:
                    fetched = sum(
                        e["params"]["encodedDataLength"]
                        for e in tab.events
                        if e.get("method") == "Network.loadingFinished"
                    )
            figures[engine] = (fetched, counts)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--pagefind", help="a Python with pagefind[bin] installed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "_posts").mkdir()
        write_posts(root / "_posts", args.days)
        (root / "config.yaml").write_text("site:\n  cache_dir: null\n", encoding="utf-8")
        digest = [sys.executable, "-m", "digest", "site", "--config", "config.yaml"]
        site_seconds = timed(digest, root)
        shards = sorted((root / "_site" / "ko" / "search").glob("*.json"))
        index = b"".join(path.read_bytes() for path in shards)
        js = (root / "_site" / "assets" / "search.js").stat().st_size
        print(f"{args.days} days x {PER_DAY} papers, Korean")
        print(
            f"digest site (whole site, index included): {site_seconds:.1f} s; index "
            f"{len(index) / 1e6:.2f} MB in {len(shards)} weekly files, "
            f"{len(gzip.compress(index)) / 1e6:.2f} MB gzipped (the bench repeats 47 real papers: "
            f"real text gzips about 3x); search.js {js / 1e3:.1f} KB"
        )
        if not args.pagefind:
            print("pagefind: not measured (pass --pagefind)")
            return
        pagefind = [args.pagefind, "-m", "pagefind", "--site", "_site"]
        pf_seconds = timed(pagefind, root)
        size, files = folder_bytes(root / "_site" / "pagefind")
        print(
            f"pagefind: {pf_seconds:.1f} s on top of digest site ({pf_seconds / site_seconds:.2f}x "
            f"its time); pagefind/ {size / 1e6:.2f} MB in {files} files"
        )
        figures = browser_figures(root / "_site")
        if figures is None:
            print("browser figures: chromium not installed")
            return
        ours, theirs = figures["digest"], figures["pagefind"]
        print(
            f"bytes fetched for one search ({QUERIES[0]}), cache off: "
            f"digest {ours[0] / 1e6:.2f} MB, pagefind {theirs[0] / 1e6:.2f} MB "
            f"(ratio {ours[0] / max(theirs[0], 1):.1f}x)"
        )
        print("results per query (digest: papers shown, max 50; pagefind: day pages found)")
        print("            " + "  ".join(f"{q}" for q in QUERIES))
        print("  digest:   " + "  ".join(str(n) for n in ours[1]))
        print("  pagefind: " + "  ".join(str(n) for n in theirs[1]))


if __name__ == "__main__":
    main()
