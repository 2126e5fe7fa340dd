"""Relative links between site paths: the string-only path agrees with posixpath.relpath."""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from hypothesis import example, given, settings
from hypothesis import strategies as st

from digest.site.urls import relative

# Segments that normalising cares about (empty, `.`, `..`, dots inside names), and text that
# quoting does (Korean, spaces, `%`, `?`, `#`).
SEGMENTS = ["", ".", "..", "...", ".h", "a", "ab", "b", "a.", "x.y", "2026", "한국어 글", "%", "?q"]
SEGMENTS += ["#f"]
paths = st.lists(st.sampled_from(SEGMENTS), max_size=6).map("/".join)
site_paths = paths | paths.map(lambda p: "/" + p) | st.just("/")


def relpath_relative(src: str, dst: str) -> str:
    """`relative` as it was: posixpath.relpath from the page's folder."""
    base = src if src.endswith("/") else posixpath.dirname(src) + "/"
    rel = posixpath.relpath(dst, base)
    if dst.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return quote(rel, safe="/:@!$&'()*+,;=-._~")


@settings(max_examples=3000, deadline=None)
@given(site_paths, site_paths)
@example("/", "/")
@example("/ko/", "/ko/")
@example("/ko/tags/x/", "/ko/2026/01/01/a/")
@example("/ko/feed.xml", "/assets/site.css")
@example("/ko/a", "/ko/a/")
@example("/ko/tags/", "/ko/tags")
@example("/a/b/", "/a/b//")
@example("/a/./b/", "/a/b/../c")
@example("/posts/a/", "/posts")
@example("/posts/a/", "/postscript/b/")
@example("/ko/", "/")
@example("/ko/x", "/en/y/")
def test_relative_is_relpath(src: str, dst: str) -> None:
    try:
        expected = relpath_relative(src, dst)
    except ValueError:  # no path at all: relpath refuses it, and so must `relative`
        expected = "ValueError"
    try:
        got = relative(src, dst)
    except ValueError:
        got = "ValueError"
    assert got == expected


def test_relative_examples() -> None:
    assert relative("/ko/tags/x/", "/ko/2026/01/01/a/") == "../../2026/01/01/a/"
    assert relative("/ko/feed.xml", "/ko/") == "./"
    assert relative("/", "/assets/site.css") == "assets/site.css"
    assert relative("/ko/", "/ko/태그/") == "%ED%83%9C%EA%B7%B8/"


def test_links_up_to_the_root_are_alike_from_pages_as_deep() -> None:
    # Made once per depth and target: the page's own folder names must not leak into it.
    for src in ("/ko/tags/x/", "/en/keywords/y/", "/ko/tags/x/index.html"):
        assert relative(src, "/posts/a/") == "../../../posts/a/"
    assert relative("/posts/a/", "/posts/b/") == "../b/"  # same top folder: not climbing
    assert relative("/posts/a/", "/postscript/") == "../../postscript/"
