"""Benchmark: `digest rebuild` of N archived days against its floor, measured in the same run.

    .venv/bin/python bench/rebuild_floor.py [--days 1000] [--repeat 3]

The floor is the least any rebuild must do, in one plain Python process: read each archived
day, `json.loads` it, render each language's post with a minimal safe renderer (f-strings,
one whitespace-collapsing and one escape pass per field: a `str.translate` as strict as
digest's), write it (temporary file and rename, no fsync, as rebuild does). Both run from
nothing (no posts, no manifest), in turn, under /usr/bin/time; CPU seconds are user + system
summed over every process (rebuild's workers too). Prints both and digest/floor pair by pair
(target: CPU <= 2x). `--floor ARCHIVE OUT` runs the floor alone (what the bench times).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent))

import timing
from timing import Side

LANGUAGES = {
    "ko": ("추천", "댓글", "저자", "요약", "초록", "외 {n}명"),
    "en": ("upvotes", "comments", "Authors", "TL;DR", "Abstract", " and {n} more"),
}
# As strict as digest's escaping: Markdown's specials backslashed, HTML's and the rest encoded.
ESCAPES = str.maketrans(
    {
        **{c: "\\" + c for c in "\\`*_[]#"},
        **{"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "|": "&#124;"},
        **{"$": "<span>&#36;</span>", "{": "&#123;", "}": "&#125;", "~": "&#126;"},
    }
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=1000, help="archived days (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="counted runs of each (default 3)")
    parser.add_argument(
        "--remove-outputs", action="store_true", help="remove outputs, not set them aside"
    )
    parser.add_argument("--floor", nargs=2, type=Path, metavar=("ARCHIVE", "OUT"))
    args = parser.parse_args()
    timing.REMOVE_OUTPUTS = args.remove_outputs
    if args.floor:
        return floor(*args.floor)
    if missing := timing.require_time():
        print(missing)
        return 2
    from run import write_archive

    with TemporaryDirectory(prefix="digest-bench-") as temp:
        root = Path(temp)
        write_archive(root, args.days)
        trash = root / "trash"  # outputs set aside, not removed, before each run: timing.clear
        env = {**os.environ, "DIGEST_API_BASE_URL": "http://127.0.0.1:9"}  # no network needed
        digest = [sys.executable, "-m", "digest", "rebuild", "-q"]
        written = root / "posts"  # what rebuild writes (config.yaml's output_dir there)
        ours = Side("digest rebuild", digest, root, lambda: timing.clear(trash, written), env)
        low = [sys.executable, __file__, "--floor", "archive", "floor"]
        theirs = Side("floor", low, root, lambda: timing.clear(trash, root / "floor"))
        print(f"{os.cpu_count()} CPUs, load {timing.load()}; {args.days} archived days")
        timing.paired([ours, theirs], args.repeat)
        posts = [sum(1 for p in (root / d).glob("*.md")) for d in ("posts", "floor")]
        size = [
            sum(p.stat().st_size for p in (root / d).glob("*.md")) >> 20 for d in ("posts", "floor")
        ]
    for side, n, mb in zip((ours, theirs), posts, size, strict=True):
        print(
            f"{side.name:15} {n} posts, {mb} MB: median cpu {side.median('cpu'):.2f} s, "
            f"wall {side.median('wall'):.2f} s, peak {side.median('rss_mb'):.0f} MB"
        )
    for figure in ("cpu", "wall"):
        mid, lo, hi = timing.ratio(ours, theirs, figure)
        print(f"digest / floor {figure}: {mid:.2f}x [{lo:.2f}-{hi:.2f}] over {args.repeat} pairs")
        print(f"  its median lies in {timing.interval_text(timing.ratios(ours, theirs, figure))}")
    print(f"target: cpu <= 2.00x; load {timing.load()} (end)")
    return 0


def floor(archive: Path, out: Path) -> int:
    """Read, json.loads, render, write: every archived day, every language."""
    out.mkdir(exist_ok=True)
    for path in sorted(archive.glob("????-??-??.json")):
        day = path.name[:10]
        items = json.loads(path.read_bytes())
        items.sort(key=lambda item: -item["paper"].get("upvotes", 0))
        for lang, words in LANGUAGES.items():
            text = render(day, lang, words, items)
            temp = out / f".{day}-{lang}.tmp"
            temp.write_text(text, encoding="utf-8")
            os.replace(temp, out / f"{day}-daily-papers-{day}-{lang}.md")
    return 0


def field(text: object) -> str:
    return " ".join(str(text or "").split()).translate(ESCAPES)


def render(day: str, lang: str, words: tuple[str, ...], items: list[dict]) -> str:
    upvotes, comments, authors, tldr, abstract, more = words
    parts = [
        f'---\nlayout: "post"\ntitle: "Hugging Face Daily Papers - {day}"\n'
        f'date: "{day} 09:00:00 +0900"\nlang: "{lang}"\npapers: {len(items)}\n---\n\n'
    ]
    for rank, item in enumerate(items, 1):
        paper = item["paper"]
        names = [field(a.get("name")) for a in paper.get("authors", [])]
        extra = more.format(n=len(names) - 5) if len(names) > 5 else ""
        pid = field(paper["id"])
        parts.append(
            f"### {rank}. {field(paper.get('title'))}\n\n"
            f"- 👍 {paper.get('upvotes', 0)} {upvotes}"
            f" · 💬 {item.get('numComments', 0)} {comments}\n"
            f"- ✍️ {authors}: {', '.join(names[:5])}{extra}\n"
            f"- 🔗 [HF](https://huggingface.co/papers/{pid}) · [arXiv](https://arxiv.org/abs/{pid})"
            f" · [PDF](https://arxiv.org/pdf/{pid})\n"
            f"- 💡 {tldr}: {field(paper.get('ai_summary'))}\n"
            f"- 🏷️ {', '.join(field(k) for k in paper.get('ai_keywords') or [])}\n\n"
            f"**{abstract}**\n\n{field(paper.get('summary'))}\n\n"
        )
    return "".join(parts)


if __name__ == "__main__":
    sys.exit(main())
