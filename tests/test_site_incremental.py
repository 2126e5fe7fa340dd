"""`digest site` re-runs and its worker processes: what is rendered again, by whom, and that
the site is the same bytes whichever way it was made."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from site_helpers import GOLDEN, REPO, copy_posts

MANIFEST = Path(".digest-cache") / "site-manifest.json"


def page(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8")


def written(out: str) -> int:
    found = re.search(r"written (\d+),", out)
    assert found, out
    return int(found.group(1))


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def golden_site(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    copy_posts(tmp_path / "_posts", GOLDEN)
    assert run("site").code == 0
    return tmp_path / "_site"


def test_a_post_page_follows_its_neighbours_title(golden_site, run, tmp_path):
    middle = tmp_path / "_posts" / "2025-06-10-daily-papers-2025-06-10-en.md"
    text = middle.read_text(encoding="utf-8")
    title = re.search(r'^title: "(.*)"$', text, re.M)
    assert title
    middle.write_text(text.replace(title.group(0), 'title: "A title of its own"'), "utf-8")
    assert run("site").code == 0
    for neighbour in ("2024-06-20", "2026-02-20"):
        shown = page(golden_site, f"/posts/daily-papers-{neighbour}-en/")
        assert "A title of its own" in shown and title.group(1) not in shown
    assert "A title of its own" not in page(golden_site, "/posts/daily-papers-2026-02-20-ko/")


def test_nothing_changed_rewrites_nothing_not_even_the_manifest(golden_site, run, tmp_path):
    manifest = tmp_path / MANIFEST
    before = manifest.stat().st_mtime_ns
    result = run("site")
    assert result.code == 0 and written(result.out) == 0
    assert manifest.stat().st_mtime_ns == before


def test_a_page_changed_by_hand_is_written_again(golden_site, run):
    archive = golden_site / "en" / "archive" / "index.html"
    kept = archive.read_text(encoding="utf-8")
    archive.write_text(kept + "<!-- by hand -->", encoding="utf-8")
    result = run("site")
    assert result.code == 0 and written(result.out) == 1
    assert archive.read_text(encoding="utf-8") == kept


def test_a_setting_reaches_every_page(golden_site, run, tmp_path):
    pages = sum(1 for p in golden_site.rglob("*.html"))
    (tmp_path / "config.yaml").write_text(
        "site:\n  title:\n    en: Another title\n    ko: 다른 제목\n", encoding="utf-8"
    )
    result = run("site")
    assert result.code == 0 and written(result.out) >= pages
    assert "Another title" in page(golden_site, "/en/archive/")


def _site(root: Path) -> None:
    """`digest site` in a process of its own (this one keeps its templates compiled)."""
    command = [sys.executable, "-m", "digest", "site", "-q"]
    subprocess.run(command, cwd=root, check=True, timeout=300)


def test_compiled_templates_are_kept_and_a_broken_one_compiled_again(tmp_path):
    copy_posts(tmp_path / "_posts", GOLDEN)
    _site(tmp_path)
    compiled = list((tmp_path / ".digest-cache" / "templates").iterdir())
    assert len(compiled) >= 3  # post, home, archive, … and what they extend
    for path in compiled:
        path.write_bytes(b"not bytecode")
    post = tmp_path / "_posts" / "2024-06-20-daily-papers-2024-06-20-en.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    _site(tmp_path)
    assert "One more line." in page(tmp_path / "_site", "/posts/daily-papers-2024-06-20-en/")
    # Those it used (the post page's, the feed's …) are compiled again and kept again.
    assert any(path.read_bytes().startswith(b"j2") for path in compiled)


# Enough posts for the worker processes (parallel.PARALLEL_FROM), small enough to be quick.
DAYS = 36


def _write_posts(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(DAYS):
        day = f"2026-01-{n + 1:02d}" if n < 31 else f"2026-02-{n - 30:02d}"
        for lang, other in (("en", "ko"), ("ko", "en")):
            text = f"""---
title: "Papers of {day} ({lang})"
date: "{day} 09:00:00 +0900"
tags: ["papers", "t{n % 4}"]
keywords: ["k{n % 3}"]
lang: "{lang}"
lang_ref: "d-{day}"
permalink: "/posts/d-{day}-{lang}/"
papers: 2
---
[{other}](../d-{day}-{other}/) · $x^{n}$ and `code` 😀 한국어

| Rank | Paper |
|---:|---|
| 1 | [First]({"#"}a{n}-1) |

### 1. First of {day} {{#a{n}-1}}
Meta line. **TL;DR** one <script>alert(1)</script>.

### 2. Second of {day} {{#a{n}-2}}
Another: "quotes", colons: and 中文.
"""
            (folder / f"{day}-d-{day}-{lang}.md").write_text(text, encoding="utf-8")


def _one_core_site(root: Path, out: str) -> None:
    """`digest site` in a process that sees one CPU: no workers, every page rendered here."""
    code = (
        "import os, sys; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
        f"from digest.cli import main; sys.exit(main(['site', '-q', '--out', {out!r}]))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True, timeout=300)


@pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="the worker processes need two CPUs",
)
def test_the_workers_make_the_same_site_as_one_process(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write_posts(tmp_path / "_posts")
    result = run("site", "-v")
    assert result.code == 0, result.err
    assert f"converted {2 * DAYS} posts" in result.err
    _one_core_site(tmp_path, "_alone")
    ours, alone = tree(tmp_path / "_site"), tree(tmp_path / "_alone")
    assert sorted(ours) == sorted(alone)
    assert [name for name in ours if ours[name] != alone[name]] == []
    assert "&lt;script&gt;" in page(tmp_path / "_site", "/posts/d-2026-01-10-en/")
    # A re-run by the workers too (every post's page is a job when templates change).
    (tmp_path / "mine" / "site").mkdir(parents=True)
    post_html = (REPO / "templates" / "site" / "post.html").read_text("utf-8")
    mine = post_html.replace("{% endblock %}", "<!-- mine -->{% endblock %}")
    (tmp_path / "mine" / "site" / "post.html").write_text(mine, encoding="utf-8")
    (tmp_path / "config.yaml").write_text("templates_dir: mine\n", encoding="utf-8")
    result = run("site", "-v")
    assert result.code == 0 and written(result.out) == 2 * DAYS, result.out
    # Each post converted once, for its page (no feed or search file changed).
    assert f"converted {2 * DAYS} posts" in result.err
    assert "<!-- mine -->" in page(tmp_path / "_site", "/posts/d-2026-02-05-ko/")
