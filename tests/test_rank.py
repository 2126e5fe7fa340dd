"""Ranking: upvotes desc, comments desc, arXiv id asc, whatever order the API sent."""

from __future__ import annotations

import random

from conftest import fixture_items
from digest.models import Paper, papers_from_items
from digest.rank import rank


def test_ties_break_on_comments_then_id():
    papers = [
        Paper(id="2602.00003", title="c", upvotes=5, comments=1),
        Paper(id="2602.00001", title="a", upvotes=5, comments=1),
        Paper(id="2602.00002", title="b", upvotes=5, comments=4),
        Paper(id="2602.00009", title="z", upvotes=9, comments=0),
    ]
    for _ in range(20):
        random.shuffle(papers)
        assert [p.id for p in rank(papers)] == [
            "2602.00009",
            "2602.00002",
            "2602.00001",
            "2602.00003",
        ]


def test_real_day_ties_are_deterministic():
    items = fixture_items("2026-02-20")
    expected = [p.id for p in rank(papers_from_items(items))]
    # Four papers share 0 upvotes and 1 comment there: they must come in id order.
    assert expected[-4:] == ["2602.13579", "2602.16802", "2602.17363", "2602.17365"]
    for seed in range(10):
        random.Random(seed).shuffle(items)
        assert [p.id for p in rank(papers_from_items(items))] == expected


def test_min_upvotes_and_max_papers():
    papers = [Paper(id=str(n), title=str(n), upvotes=n) for n in range(10)]
    assert [p.upvotes for p in rank(papers, min_upvotes=7)] == [9, 8, 7]
    assert [p.upvotes for p in rank(papers, max_papers=2)] == [9, 8]
    assert rank([], max_papers=3) == []
