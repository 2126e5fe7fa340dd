"""Each paper's affiliations and where they came from: the HF organization, else the paper's
own arXiv author block, else OpenAlex, each answer cached in the archive."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from digest import write
from digest.errors import OutputError
from digest.lookup import ARXIV_ID, FAILED, FOUND, MISSING, NONE, UNREADABLE, WARNINGS, Lookup

if TYPE_CHECKING:  # the clients import requests: an offline build never does
    from digest.arxiv import ArxivClient
    from digest.openalex import OpenAlexClient
from digest.sections import AffiliationSettings

log = logging.getLogger(__name__)

CACHE_FOLDER = "affiliations"  # inside the archive folder: <source>/<arXiv id>.json
FORMAT = 1
# Bump when the extraction rules change: arXiv answers cached by older rules are asked again.
EXTRACTOR = 1
# A 404 (no HTML yet, not in OpenAlex yet) or an unreadable page is asked again after this.
RETRY_AFTER = timedelta(days=3)
KEPT = frozenset({FOUND, NONE, UNREADABLE, MISSING})  # FAILED is never cached
# Asked again after RETRY_AFTER; so is OpenAlex's NONE, as it fills institutions in late.
RETRIED = frozenset({MISSING, UNREADABLE})
WORKERS = 4  # threads share one rate limit per host: they overlap latency, not requests


class PaperLike(Protocol):
    """What is needed of a paper (models.Paper has it)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def organization(self) -> str | None: ...


@dataclass(frozen=True)
class Affiliation:
    """A paper's institutions, best first, and the source they came from (hf, arxiv, …)."""

    names: tuple[str, ...]
    source: str

    def shown(self, max_shown: int) -> tuple[tuple[str, ...], int]:
        """The names a post shows and how many more there are (the "+N")."""
        return self.names[:max_shown], max(0, len(self.names) - max_shown)


@dataclass
class AffiliationReport:
    """Per arXiv id, the affiliation found (a paper absent here shows none, as today)."""

    found: dict[str, Affiliation] = field(default_factory=dict)
    requests: int = 0
    warnings: Counter[str] = field(default_factory=Counter)

    def warning_lines(self) -> list[str]:
        """One line per kind of warning, with its count, for the run's log."""
        return [
            f"affiliations: {count} paper{'s' if count > 1 else ''}: {what}"
            for what, count in sorted(self.warnings.items())
        ]


@dataclass
class Clients:
    """The network clients, made only when a source needs one (tests pass their own)."""

    arxiv: ArxivClient | None = None
    openalex: OpenAlexClient | None = None

    @classmethod
    def for_settings(cls, settings: AffiliationSettings) -> Clients:
        from digest.arxiv import ArxivClient
        from digest.openalex import OpenAlexClient

        rate = settings.requests_per_second
        return cls(
            ArxivClient(settings.arxiv_base_url, rate) if "arxiv" in settings.sources else None,
            OpenAlexClient(settings.openalex_base_url, rate)
            if "openalex" in settings.sources
            else None,
        )

    @property
    def requests(self) -> int:
        return sum(client.requests for client in (self.arxiv, self.openalex) if client)

    def close(self) -> None:
        for client in (self.arxiv, self.openalex):
            if client:
                client.session.close()


def find_affiliations(
    papers: Sequence[PaperLike],
    settings: AffiliationSettings,
    archive_dir: Path | None,
    *,
    offline: bool = False,
    now: datetime | None = None,
    clients: Clients | None = None,
) -> AffiliationReport:
    """Each paper's affiliation from the first source that yields one. The HF organization
    wins whenever `hf` is a source; cached answers are reused, so a re-run asks nobody, and
    `offline` asks nobody at all. Never raises for a source's fault: it counts a warning."""
    now = now or datetime.now(timezone.utc)
    report = AffiliationReport()
    pending = []
    for paper in papers:
        if "hf" in settings.sources and paper.organization:
            report.found[paper.id] = Affiliation((paper.organization,), "hf")
        elif settings.asks_network:
            pending.append(paper)
    if not pending:
        return report
    own = clients is None and not offline
    if own:
        clients = Clients.for_settings(settings)
    try:
        _find(pending, settings, Cache(archive_dir, now, offline), clients, report, offline)
    finally:
        if own and clients:
            clients.close()
    report.requests = clients.requests if clients else 0
    return report


def _find(
    pending: list[PaperLike],
    settings: AffiliationSettings,
    cache: Cache,
    clients: Clients | None,
    report: AffiliationReport,
    offline: bool,
) -> None:
    """Look the papers up in threads: they overlap latency, the rate limit spaces requests."""

    def one(paper: PaperLike) -> tuple[str, Affiliation | None, list[str]]:
        found, warnings = _first_source(paper, settings, cache, None if offline else clients)
        return paper.id, found, warnings

    with ThreadPoolExecutor(max_workers=min(WORKERS, len(pending))) as pool:
        for paper_id, found, warnings in pool.map(one, pending):
            if found:
                report.found[paper_id] = found
            report.warnings.update(warnings)


def _first_source(
    paper: PaperLike, settings: AffiliationSettings, cache: Cache, clients: Clients | None
) -> tuple[Affiliation | None, list[str]]:
    warnings = []
    for source in settings.sources:
        if source == "hf":
            continue
        lookup = cache.get(source, paper.id)
        if lookup is None:
            lookup = _ask(source, paper, clients)
            if lookup is None:
                warnings.append(f"{source}: not in the cache (offline)")
                continue
            cache.put(source, paper.id, lookup)
        if lookup.status in WARNINGS:
            warnings.append(f"{source}: {lookup.reason}")
        if lookup.status == FOUND and lookup.names:
            return Affiliation(lookup.names, source), warnings
    return None, warnings


def _ask(source: str, paper: PaperLike, clients: Clients | None) -> Lookup | None:
    if clients is None:
        return None
    if not ARXIV_ID.fullmatch(paper.id):
        return Lookup(FAILED, reason="not a new-style arXiv id")
    if source == "arxiv" and clients.arxiv:
        return clients.arxiv.institutions(paper.id, paper.title)
    if source == "openalex" and clients.openalex:
        return clients.openalex.institutions(paper.id)
    return None


class Cache:
    """`<archive>/affiliations/<source>/<id>.json`, one answer each, written atomically."""

    def __init__(self, root: Path | None, now: datetime, offline: bool) -> None:
        self.root = root
        self.now = now
        self.offline = offline

    def get(self, source: str, paper_id: str) -> Lookup | None:
        """The cached answer while it holds (a 404 for RETRY_AFTER; offline, any age)."""
        if self.root is None or not ARXIV_ID.fullmatch(paper_id):
            return None
        try:
            text = write.read_existing(self.root, _name(source, paper_id))
            record = json.loads(text) if text is not None else None
            lookup = Lookup(record["status"], tuple(record["names"]), record["reason"])
            checked = datetime.fromisoformat(record["checked_at"])
            stale_rules = source == "arxiv" and record.get("extractor") != EXTRACTOR
        except (OutputError, ValueError, KeyError, TypeError):
            return None  # unreadable or from another version: ask again
        if lookup.status not in KEPT:
            return None
        if self.offline:
            return lookup  # whatever its age: an offline build asks nobody
        retried = RETRIED | ({NONE} if source == "openalex" else set())
        if stale_rules or (lookup.status in retried and self.now - checked >= RETRY_AFTER):
            return None
        return lookup

    def put(self, source: str, paper_id: str, lookup: Lookup) -> None:
        if self.root is None or lookup.status not in KEPT:
            return
        record = {
            "format": FORMAT,
            "id": paper_id,
            "source": source,
            "status": lookup.status,
            "names": list(lookup.names),
            "reason": lookup.reason,
            "checked_at": self.now.isoformat(timespec="seconds"),
            "extractor": EXTRACTOR,
        }
        text = json.dumps(record, ensure_ascii=False, indent=1) + "\n"
        try:
            write.write_text(self.root, _name(source, paper_id), text)
        except OutputError as exc:
            log.warning("affiliations: cannot cache %s: %s", paper_id, exc)


def _name(source: str, paper_id: str) -> str:
    return f"{CACHE_FOLDER}/{source}/{paper_id}.json"
