"""What one enrichment source (arXiv, OpenAlex) said about one paper."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A new-style arXiv id (2602.12345), the only kind arXiv HTML and OpenAlex's DOI exist for.
ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}")

# What one source said about one paper. FOUND: institutions. NONE: the paper names none (an
# email-only block). UNREADABLE: no author block, or one cut off. MISSING: no such page (404).
# FAILED: no answer worth keeping (timeout, 429, another paper's page): ask again next run.
FOUND, NONE, UNREADABLE, MISSING, FAILED = "found", "none", "unreadable", "missing", "failed"
# Outcomes counted as warnings: the paper is left as it is today.
WARNINGS = frozenset({UNREADABLE, MISSING, FAILED})


@dataclass(frozen=True)
class Lookup:
    """What one source said about one paper (`status` is one of the five above)."""

    status: str
    names: tuple[str, ...] = ()
    reason: str = ""
