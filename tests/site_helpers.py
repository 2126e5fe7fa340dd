"""Building a site from posts in a test folder, and reading its pages back."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
HOSTILE = REPO / "tests" / "fixtures" / "posts"


def copy_posts(dest: Path, *sources: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for source in sources:
        for path in source.iterdir():
            if path.is_file():
                shutil.copy2(path, dest / path.name)
    return dest


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            self.attributes.append((tag, name, value))
            if name in ("href", "src") and value is not None:
                self.links.append(value)
        if tag == "script":
            self.scripts.append(dict(attrs))


def parse_page(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def local_target(site: Path, page: Path, link: str) -> Path | None:
    """The file a relative link on `page` opens, or None for an external link."""
    if urlsplit(link).scheme or link.startswith("//"):
        return None
    page_url = "/" + page.relative_to(site).as_posix()
    path = unquote(urlsplit(urljoin(page_url, link)).path)
    target = site / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
