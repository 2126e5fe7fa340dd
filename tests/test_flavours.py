"""Front matter flavours: Chirpy's documented rules and minima's, on posts the real CLI wrote.

minima's posts are also built by real Jekyll in test_jekyll.py; Chirpy cannot be installed
offline, so its posts are checked here against the rules its documentation states
(https://chirpy.cotes.page/posts/write-a-new-post/, "Front Matter" and the sections after it).
"""

from __future__ import annotations

import re
from pathlib import Path

import frontmatter
import pytest

from helpers import load_post
from jekyll_site import ADVERSARIAL, CHIRPY

CHIRPY_KEYS = {
    # Chirpy's documented keys, Jekyll's own, and digest's bookkeeping.
    "title", "date", "categories", "tags", "author", "authors", "description", "image", "pin",
    "math", "toc", "comments", "mermaid", "media_subpath", "render_with_liquid", "permalink",
    "lang", "lang_ref", "translations", "papers", "upvotes_as_of",
    # digest site's organization and keyword pages (Jekyll and Chirpy ignore them).
    "organizations", "keywords",
}  # fmt: skip


def chirpy_problems(matter: dict, body: str) -> list[str]:
    """Where a post's front matter breaks Chirpy's documented conventions."""
    problems = []
    if set(matter) - CHIRPY_KEYS:
        problems.append(f"unknown keys {sorted(set(matter) - CHIRPY_KEYS)}")
    if "layout" in matter:
        problems.append("layout: Chirpy sets `post` itself")
    if not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", str(matter.get("date"))):
        problems.append("date: not YYYY-MM-DD HH:MM:SS +/-TTTT")
    categories = matter.get("categories", [])
    if not isinstance(categories, list) or len(categories) > 2:
        problems.append("categories: up to two elements")
    if any(tag != tag.lower() for tag in matter.get("tags", [])):
        problems.append("tags: always lowercase")
    if "author" in matter and not re.fullmatch(r"[\w-]+", matter["author"], flags=re.ASCII):
        problems.append("author: an id from _data/authors.yml")
    description = matter.get("description", "")
    if not isinstance(description, str) or re.search(r"[<>\n]", description):
        problems.append("description: one line of plain text")
    image = matter.get("image")
    if image is not None and (
        not isinstance(image, dict)
        or set(image) - {"path", "alt", "lqip"}
        or re.search(r"[\s\"'<>]", image["path"])
    ):
        problems.append("image: {path, alt}, a path fit for an HTML attribute")
    for flag in ("pin", "math"):
        if flag in matter and matter[flag] is not True:
            problems.append(f"{flag}: true or absent")
    if matter.get("math") != ("$$" in body or None):
        problems.append("math: true exactly when the body has a math span")
    return problems


@pytest.fixture
def chirpy_posts(hf_server, run, write_config, tmp_path) -> list[Path]:
    hf_server.knobs.days["2025-12-01"] = (ADVERSARIAL / "daily_papers_2025-12-01.json").read_bytes()
    write_config(CHIRPY)
    for day in ("2026-02-20", "2025-12-01"):
        assert run("build", "--date", day).code == 0
    return sorted((tmp_path / "_posts").glob("*.md"))


def test_chirpy_posts_follow_chirpys_rules(chirpy_posts):
    assert len(chirpy_posts) == 4
    for path in chirpy_posts:
        post = load_post(path)
        assert chirpy_problems(post.metadata, post.content) == [], path.name
        # Configured as HuggingFace, …; then ASCII slugs of the papers' keywords and organizations.
        assert post["tags"][:3] == ["huggingface", "papers", "ai"]
        assert 3 < len(post["tags"]) <= 3 + 8
        assert post["lang"] == {"ko": "ko-KR", "en": "en"}[path.stem.rsplit("-", 1)[1]]
        assert post["author"] == "hf_digest" and post["pin"] is True
        assert post["permalink"].startswith("/chirpy/")


def test_chirpy_image_is_the_best_ranked_thumbnail(chirpy_posts):
    real = load_post(next(p for p in chirpy_posts if p.name.startswith("2026-02-20")))
    assert real["image"] == {
        "path": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2602.13515.png",
        "alt": "arXiv 2602.13515",
    }
    hostile = load_post(next(p for p in chirpy_posts if p.name.startswith("2025-12-01")))
    # The fixture's thumbnail URL has `"<x>`: quoted, so no theme can break out of src="…".
    assert hostile["image"]["path"] == "https://cdn.example/thumb/2512.00001%22%3Cx%3E.png"


def test_no_api_text_in_front_matter(chirpy_posts):
    """Themes print front matter unescaped (Chirpy's description, image alt): digest writes
    only its own words there, but for the names digest site lists (`organizations`,
    `keywords`), which carry no markup character at all, and tags slugged from them."""
    for path in chirpy_posts:
        post = load_post(path)
        names = [*post.get("organizations", []), *post.get("keywords", [])]
        assert all(not set(name) & set("<>&\"'{}$\\`|") for name in names), path.name
        for key in ("organizations", "keywords"):
            post.metadata.pop(key, None)
        head = frontmatter.dumps(post).split("\n---\n", 1)[0]
        for hostile in ("<script", "{{", "{%", "Attention", "snake_case", "한국어 제목"):
            assert hostile not in head, (path.name, hostile)
        assert all(re.fullmatch(r"[a-z0-9-]+", tag) for tag in post["tags"]), path.name


def test_the_rule_check_catches_each_broken_rule():
    good = {"title": "t", "date": "2026-02-20 09:00:00 +0900", "categories": ["a"], "tags": []}
    assert chirpy_problems(good, "") == []
    broken = {
        "layout": "post",
        "date": "2026-02-20",
        "categories": ["a", "b", "c"],
        "tags": ["AI"],
        "author": "Jane Doe",
        "description": "<b>x</b>",
        "image": {"path": 'x" onerror="y'},
        "pin": "yes",
        "math": True,
        "extra": 1,
    }
    assert len(chirpy_problems(broken, "no math here")) == 10


def test_minima_posts_name_their_layout(hf_server, run, write_config, tmp_path):
    write_config("flavour: minima\ntags: [HuggingFace]\n")
    assert run("build", "--date", "2026-02-20").code == 0
    for path in (tmp_path / "_posts").glob("*.md"):
        post = load_post(path)
        assert post["layout"] == "post"  # minima has no default layout for posts
        assert post["tags"][0] == "HuggingFace"  # minima keeps tags as configured
        assert post["lang"] in ("ko", "en")
        assert "pin" not in post and "image" not in post and "math" not in post


def test_chirpy_keys_pass_through_from_the_config(hf_server, run, write_config, tmp_path):
    write_config(CHIRPY + "toc: true\ncomments: false\nmedia_subpath: /assets/img/papers\n")
    assert run("build", "--date", "2026-02-20").code == 0
    for path in sorted((tmp_path / "_posts").glob("*.md")):
        post = load_post(path)
        assert (post["toc"], post["comments"]) == (True, False)
        assert post["media_subpath"] == "/assets/img/papers"
    write_config("toc: true\n")  # minima: Chirpy's keys are not written
    assert run("build", "--date", "2026-02-20").code == 0
    assert all("toc" not in load_post(p).metadata for p in (tmp_path / "_posts").glob("*.md"))
