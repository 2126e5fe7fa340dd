"""A blog's own site templates: written the way earlier versions were, they still make the
same pages; edited between two builds of one process (`digest serve`), they are read again."""

from __future__ import annotations

import os

import pytest

from site_helpers import GOLDEN, REPO, copy_posts
from test_site_pages import SHAPED, page

# The post page and the post list as digest shipped them before `site/article.html` and
# `list_entries` (one call a list): a blog that copied them keeps its pages byte for byte.
EARLIER_POST = """\
{% extends "site/base.html" %}
{% from "site/macros.html" import article with context %}
{% block title %}{{ post.title }} · {{ site_title }}{% endblock %}
{% block content %}
{{ article(post, body) }}
<nav class="pager" aria-label="{{ labels.archive }}">
{% if newer %}
  <a rel="next" href="{{ link(newer.url) }}">← {{ labels.newer }}: {{ newer.title }}</a>
{% endif %}
{% if older %}
  <a rel="prev" href="{{ link(older.url) }}">{{ labels.older }}: {{ older.title }} →</a>
{% endif %}
</nav>
{% endblock %}
"""
EARLIER_LIST = """\
{% macro post_list(posts, thumbnails=false) %}
<ul class="post-list">
{% for post in posts %}
  {{ list_entry(post, thumbnails) }}
{% endfor %}
</ul>
{% endmacro %}
"""
POST = "posts/daily-papers-2026-02-20-ko/"
PAGES = ("", "en/", "ko/archive/", "ko/tags/", "ko/tags/papers/", POST)
# Where an edit of each template shows, and an end tag it always prints.
SHOWN = {"tags.html": ("ko/tags/", "</h1>"), "entry.html": ("ko/archive/", "</time>")}
SHOWN["article.html"] = (POST, "</article>")


def build(tmp_path, run, write_config, templates: dict[str, str]) -> dict[str, str]:
    for name, text in templates.items():
        (tmp_path / "mine" / "site").mkdir(parents=True, exist_ok=True)
        (tmp_path / "mine" / "site" / name).write_text(text, encoding="utf-8")
    write_config("templates_dir: mine\nsite:\n  thumbnails: true\n")
    result = run("site")
    assert result.code == 0, result.err
    return {path: page(tmp_path / "_site", path) for path in PAGES}


def test_templates_written_as_before_make_the_same_pages(tmp_path, run, write_config):
    copy_posts(tmp_path / "_posts", GOLDEN)
    copy_posts(tmp_path / "_posts", SHAPED)  # a post with a thumbnail
    packaged = build(tmp_path, run, write_config, {})
    earlier = build(tmp_path, run, write_config, {"post.html": EARLIER_POST})
    assert earlier == packaged
    macros = (REPO / "templates" / "site" / "macros.html").read_text(encoding="utf-8")
    start, end = macros.index("{% macro post_list"), macros.index("{% endmacro %}") + 15
    earlier_macros = macros[:start] + EARLIER_LIST + macros[end:]
    assert build(tmp_path, run, write_config, {"macros.html": earlier_macros}) == packaged
    assert 'class="thumb"' in packaged[""] and packaged["ko/tags/papers/"].count("<li>") > 1


def test_the_article_macro_can_link_its_heading(tmp_path, run, write_config):
    copy_posts(tmp_path / "_posts", GOLDEN)
    linked = EARLIER_POST.replace("article(post, body)", "article(post, body, heading_link=true)")
    pages = build(tmp_path, run, write_config, {"post.html": linked})
    assert '<h1><a href="./">' in pages[POST]


@pytest.mark.parametrize("name", ["tags.html", "entry.html", "article.html"])
def test_a_template_edited_between_two_builds_is_read_again(tmp_path, run, write_config, name):
    # The site's templates are loaded without a check of their files at each page: a build
    # checks them once, as it starts.
    copy_posts(tmp_path / "_posts", GOLDEN)
    path, end = SHOWN[name]
    packaged = (REPO / "templates" / "site" / name).read_text(encoding="utf-8")
    build(tmp_path, run, write_config, {name: packaged.replace(end, f"<!-- one -->{end}")})
    mine = tmp_path / "mine" / "site" / name
    mine.write_text(packaged.replace(end, f"<!-- two -->{end}"), encoding="utf-8")
    os.utime(mine, ns=(1, 1))  # a different mtime, however fast the disk
    shown = build(tmp_path, run, write_config, {})[path]
    assert "<!-- two -->" in shown and "<!-- one -->" not in shown
