"""Reading posts back the way a reader meets them: front matter, and the text of the HTML."""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path

import frontmatter
import markdown

TAG = re.compile(r"<[^>]+>")
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hf-api"


def load_post(path: Path) -> frontmatter.Post:
    return frontmatter.loads(path.read_text(encoding="utf-8"))


def body_html(path: Path) -> str:
    return markdown.markdown(load_post(path).content)


def visible_text(fragment: str) -> str:
    return html.unescape(TAG.sub("", fragment))


def paper_headings(path: Path) -> list[str]:
    """The text of each paper's heading, in order, with its "N. " rank prefix."""
    found = re.findall(r"<h3>(.*?)</h3>", body_html(path), flags=re.S)
    # Python-Markdown without attr_list shows kramdown's `{#id}` as text: not the title's.
    return [re.sub(r"\s*\{#[\w-]+\}$", "", visible_text(h)) for h in found]


def paragraphs(path: Path) -> list[str]:
    return [visible_text(p) for p in re.findall(r"<p>(.*?)</p>", body_html(path), flags=re.S)]


def busy_day_items(count: int = 130) -> list[dict]:
    """A busy day (130 papers, as real days reach) made of the recorded API answers' real items,
    recycled in turn, each with an arXiv id of its own."""
    pool = []
    for name in sorted((FIXTURES).glob("daily_papers_*.json")):
        pool.extend(json.loads(name.read_bytes()))
    made = []
    for n in range(count):
        item = copy.deepcopy(pool[n % len(pool)])
        item["paper"]["id"] = f"2602.{10000 + n:05d}"
        made.append(item)
    return made
