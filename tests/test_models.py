"""Papers from items of every API era: absent, null and odd fields, hidden authors, repeats."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURE_DAYS, fixture_items
from digest.escape import escape_markdown
from digest.models import (
    _INVISIBLE,
    _UNPRINTABLE,
    Paper,
    normalize_space,
    paper_from_item,
    papers_from_items,
    visible_text,
)


@pytest.mark.parametrize("day", FIXTURE_DAYS)
def test_every_fixture_item_becomes_a_paper(day):
    papers = papers_from_items(fixture_items(day))
    assert len(papers) == len(fixture_items(day))
    for paper in papers:
        assert paper.title and "\n" not in paper.title and "  " not in paper.title
        assert paper.abstract
        assert paper.hf_url == f"https://huggingface.co/papers/{paper.id}"


def test_era_fields():
    old = papers_from_items(fixture_items("2024-06-20"))
    assert all(p.ai_summary is None and p.organization is None and not p.keywords for p in old)
    mid = papers_from_items(fixture_items("2025-06-10"))
    assert any(p.ai_summary for p in mid) and any(p.github_repo for p in mid)
    new = {p.id: p for p in papers_from_items(fixture_items("2026-02-20"))}
    assert new["2602.13515"].organization == "Tsinghua University"
    assert new["2602.13515"].project_page == "https://github.com/thu-ml/SpargeAttn"
    assert new["2602.16968"].organization is None


def test_minimal_item_and_nulls():
    paper = paper_from_item(
        {
            "paper": {
                "id": "2401.00001",
                "title": None,
                "upvotes": None,
                "authors": None,
                "ai_keywords": None,
                "organization": None,
                "githubStars": None,
            }
        }
    )
    assert paper == Paper(id="2401.00001", title="2401.00001")


def test_wrong_types_are_tolerated():
    paper = paper_from_item(
        {
            "numComments": "7",
            "paper": {
                "id": "2401.00001",
                "title": ["not", "text"],
                "summary": 3,
                "upvotes": "12",
                "authors": "someone",
                "ai_keywords": "kw",
                "githubRepo": "javascript:alert(1)",
                "projectPage": 5,
                "organization": "Org as text",
                "githubStars": True,
            },
        }
    )
    assert (paper.upvotes, paper.comments, paper.authors, paper.keywords) == (0, 0, (), ())
    assert paper.github_repo is None and paper.project_page is None
    assert paper.organization is None and paper.github_stars is None


@pytest.mark.parametrize(
    "link", ["http://[x", "https://[::1/", "http://a]b/", "http://[::1]:99999/"]
)
def test_a_link_urllib_cannot_split_is_no_link(link):
    # A lying server's link that urlsplit raises on: the paper stays, without the link.
    item = {"paper": {"id": "2401.00001", "githubRepo": link, "projectPage": link}}
    paper = paper_from_item({**item, "thumbnail": link})
    assert (paper.github_repo, paper.project_page, paper.thumbnail) == (None, None, None)
    assert paper_from_item(
        {"paper": {"id": "2401.00001", "githubRepo": "http://[::1]/"}}
    ).github_repo


def test_organization_fullname_then_name():
    def org(value):
        return paper_from_item({"paper": {"id": "1", "organization": value}}).organization

    assert org({"name": "thu", "fullname": "Tsinghua University"}) == "Tsinghua University"
    assert org({"name": "thu", "fullname": " "}) == "thu"
    assert org({}) is None


def test_hidden_and_repeated_authors_are_dropped():
    paper = paper_from_item(
        {
            "paper": {
                "id": "1",
                "authors": [
                    {"name": "A. Author", "hidden": False},
                    {"name": "Hidden Person", "hidden": True},
                    {"name": "A.  Author"},
                    {"name": "B. Author"},
                    {"hidden": False},
                ],
            }
        }
    )
    assert paper.authors == ("A. Author", "B. Author")


def test_repeated_ids_are_merged():
    items = [
        {"numComments": 1, "paper": {"id": "2401.1", "title": "T", "upvotes": 3}},
        {
            "numComments": 2,
            "paper": {"id": "2401.1", "title": "T", "upvotes": 5, "ai_summary": "S"},
        },
        {
            "paper": {
                "id": "2401.1",
                "title": "T",
                "upvotes": 1,
                "githubRepo": "https://github.com/a/b",
            }
        },
    ]
    (paper,) = papers_from_items(items)
    assert (paper.upvotes, paper.comments, paper.ai_summary) == (5, 2, "S")
    assert paper.github_repo == "https://github.com/a/b"


def test_invisible_characters_are_dropped():
    """Controls and lone surrogates (JSON may escape them) would break UTF-8 files and XML feeds."""
    paper = paper_from_item(
        {
            "paper": {
                "id": "1",
                "title": "Bell\u0007 nul\u0000 tab\there\nline\u2028sep \ud800half\uffff",
                "summary": "\x1b[31mred\x9b",
                "authors": [{"name": "A\u0000"}, {"name": "\u200bZero-width joiner\u200d🤗"}],
            }
        }
    )
    assert paper.title == "Bell nul tab here line sep half"
    assert paper.abstract == "[31mred"
    # In a name, zero-width characters go too (a ZWJ stays only between emoji: issue 12).
    assert paper.authors == ("A", "Zero-width joiner🤗")


# The text the fast paths must treat exactly as the plain regexes did: every kind of blank,
# controls, surrogates, digits of any script, the characters escaping reacts to.
_TRICKY = st.text(
    alphabet=st.sampled_from(
        list(" \t\n\x85\xa0\u2028\u3000\x1c\x00\ud800\ufffe\u200b\u200d😀a1٣²-.+=:$\\*{)")
    ),
    max_size=12,
)


@given(_TRICKY)
def test_fast_paths_give_what_the_plain_regexes_give(text: str) -> None:
    plain = re.sub(r"\s+", " ", _UNPRINTABLE.sub("", text)).strip()
    assert normalize_space(text) == plain
    assert visible_text(text) == _INVISIBLE.sub("", text)
    escaped = escape_markdown(text)
    assert escaped == escape_markdown(plain)
    assert not re.match(r"[-+=:]|\d+[.)](?=\s|$)", escaped)  # never opens a block
    assert "--" not in escaped and "..." not in escaped  # kramdown's dashes and ellipses
