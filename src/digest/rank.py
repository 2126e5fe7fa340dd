"""Ranking: the order a post lists papers in, and which papers make the cut. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable

from digest.models import Paper


def ranking_key(paper: Paper) -> tuple[int, int, str]:
    """Upvotes desc, then comments desc, then arXiv id asc: a total, deterministic order."""
    return (-paper.upvotes, -paper.comments, paper.id)


def rank(
    papers: Iterable[Paper], *, min_upvotes: int = 0, max_papers: int | None = None
) -> list[Paper]:
    """Best first; drop papers under `min_upvotes`, keep at most `max_papers`."""
    ranked = sorted((p for p in papers if p.upvotes >= min_upvotes), key=ranking_key)
    return ranked if max_papers is None else ranked[:max_papers]
