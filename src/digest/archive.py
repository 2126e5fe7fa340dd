"""The raw archive: every API answer kept byte for byte, per day (or week, month), with when
the server gave it. Posts are a pure function of these files plus config and templates.

Layout of `archive_dir`, one record per key (a day `2026-02-20`, a week `2026-W08`, a month
`2026-02`):

    <key>.json        page 0 of the answer: the response body exactly as received
    <key>.p<N>.json   page N (N = 1, 2, ...), only when the answer took more than one page
    <key>.meta.json   the record: the query, the server's time of the answer, and each page's
                      size and SHA-256; written last, so a record exists only once it is whole

Pages are stored as they came, never merged into one list: a merged list would be a
re-serialisation, not the response. Writes go through `write`; reading is here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from digest import editions, write
from digest.editions import Edition
from digest.errors import ArchiveError, UpstreamInvalid
from digest.fingerprint import fingerprint as fingerprint_of
from digest.payload import parse_payload

FORMAT = 1
META_SUFFIX = ".meta.json"
_KEY = re.compile(r"\d{4}-\d{2}-\d{2}|\d{4}-W\d{2}|\d{4}-\d{2}")


@dataclass(frozen=True)
class Record:
    """One archived answer (or a period put together from its archived days)."""

    key: str
    fetched_at: datetime
    bodies: tuple[bytes, ...]
    digests: tuple[str, ...]
    from_days: bool = False  # a period put together from its days, not the API's own answer
    where: Path | None = None  # the archive folder, for messages

    @cached_property
    def items(self) -> tuple[dict[str, Any], ...]:
        """The papers listed, page after page; decoded when first asked for."""
        items: list[dict[str, Any]] = []
        for index, body in enumerate(self.bodies):
            name = page_name(self.key, index) if not self.from_days else f"{self.key} (from days)"
            try:
                items.extend(parse_payload(body, str((self.where or Path()) / name)))
            except UpstreamInvalid as exc:
                raise ArchiveError(f"archive {self.key}: {exc}") from None
        return _first_of_each_id(items)


def page_name(key: str, index: int) -> str:
    return f"{key}.json" if index == 0 else f"{key}.p{index}.json"


def meta_name(key: str) -> str:
    return key + META_SUFFIX


def store(
    root: Path,
    key: str,
    query: Mapping[str, str],
    bodies: Sequence[bytes],
    fetched_at: datetime,
    *,
    endpoint: str,
    dry_run: bool = False,
) -> Record:
    """Keep an answer (pages `fetch` has checked). The same bytes as the archived answer keep
    the archived record, and with it the time they were first fetched: no file changes."""
    new = _record(key, fetched_at, tuple(bodies), root)
    old = _load_or_none(root, key)
    if old and old.digests == new.digests:
        return old
    if dry_run:
        return new
    for index, body in enumerate(new.bodies):
        write.write_bytes(root, page_name(key, index), body)
    # A refetched day that now fits fewer pages must not keep its old extra pages.
    for index in range(len(new.bodies), len(old.bodies) if old else 0):
        write.remove(root, page_name(key, index))
    meta = {
        "format": FORMAT,
        "key": key,
        "query": dict(query),
        "endpoint": endpoint,
        "fetched_at": fetched_at.isoformat(),
        "pages": [
            {"file": page_name(key, i), "bytes": len(body), "sha256": digest}
            for i, (body, digest) in enumerate(zip(new.bodies, new.digests, strict=True))
        ],
    }
    write.write_text(root, meta_name(key), json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    return new


def load(root: Path | None, key: str) -> Record:
    """The archived record for `key`, checked page by page against its SHA-256."""
    root, fetched_at, pages = _read_meta(root, key)
    bodies = []
    for name, digest in pages:
        try:
            body = (root / name).read_bytes()
        except OSError as exc:
            raise ArchiveError(f"archive {key}: cannot read page {name}: {exc}") from None
        if _sha256(body) != digest:
            raise ArchiveError(
                f"archive {key}: {name} does not match its record (SHA-256 differs); "
                f"{_fetch_hint(key, refresh=True)}"
            )
        bodies.append(body)
    return Record(key, fetched_at, tuple(bodies), tuple(d for _, d in pages), where=root)


def fingerprint(root: Path | None, edition: Edition) -> str:
    """What a post made from `load_edition(root, edition)` depends on, from the records alone
    (pages unread)."""
    if edition.is_day or has(root, edition.key):
        _, fetched_at, pages = _read_meta(root, edition.key)
        return _fingerprint(edition.key, fetched_at, False, [digest for _, digest in pages])
    _require_days(root, edition)
    metas = [_read_meta(root, d.isoformat()) for d in edition.days()]
    digests = [digest for _, _, pages in metas for _, digest in pages]
    return _fingerprint(edition.key, max(when for _, when, _ in metas), True, digests)


def has(root: Path | None, key: str) -> bool:
    """True when `key` has a whole, unaltered record."""
    return _load_or_none(root, key) is not None


def keys(root: Path | None) -> list[str]:
    """Every key with a record, sorted (days, weeks and months together)."""
    if root is None or not root.is_dir():
        return []
    found = (p.name[: -len(META_SUFFIX)] for p in root.glob("*" + META_SUFFIX))
    return sorted(key for key in found if _KEY.fullmatch(key))


def days(root: Path | None, start: date | None = None, end: date | None = None) -> list[date]:
    """The archived days from `start` to `end` (both included, either open)."""
    found = [e.start for e in map(editions.from_key, keys(root)) if e and e.is_day]
    return [d for d in found if (start is None or d >= start) and (end is None or d <= end)]


def load_edition(root: Path | None, edition: Edition) -> Record:
    """A day's record; for a week or month, the API's own answer if archived, else one put
    together from its archived days."""
    if edition.is_day or has(root, edition.key):
        return load(root, edition.key)
    _require_days(root, edition)
    records = [load(root, d.isoformat()) for d in edition.days()]
    return Record(
        key=edition.key,
        fetched_at=max(r.fetched_at for r in records),
        bodies=tuple(b for r in records for b in r.bodies),
        digests=tuple(d for r in records for d in r.digests),
        from_days=True,
        where=root,
    )


def _require_days(root: Path | None, period: Edition) -> None:
    missing = [d for d in period.days() if not has(root, d.isoformat())]
    if missing:
        shown = ", ".join(d.isoformat() for d in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise ArchiveError(
            f"{period.key} is not in the archive ({root}), nor are {len(missing)} of its days "
            f"({shown}{more}); fetch them with `digest backfill --from {period.start} "
            f"--to {period.end}`, or build it online with `digest build --{period.kind} "
            f"{period.key}`"
        )


def _read_meta(root: Path | None, key: str) -> tuple[Path, datetime, list[tuple[str, str]]]:
    """The record's fetch time and its pages (file name, SHA-256), checked for shape."""
    if root is None:
        raise ArchiveError("the archive is off (archive_dir: null in the config); set archive_dir")
    meta_path = root / meta_name(key)
    try:
        meta = json.loads(meta_path.read_bytes())
    except FileNotFoundError:
        raise ArchiveError(f"{key} is not in the archive ({root}); {_fetch_hint(key)}") from None
    except (OSError, ValueError) as exc:
        raise ArchiveError(f"archive {key}: cannot read {meta_path}: {exc}") from None
    try:
        fetched_at = datetime.fromisoformat(meta["fetched_at"])
        pages = [(page["file"], page["sha256"]) for page in meta["pages"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ArchiveError(f"archive {key}: {meta_path} is not a valid record ({exc!r})") from None
    if fetched_at.tzinfo is None or not pages:
        raise ArchiveError(f"archive {key}: {meta_path} is not a valid record")
    for index, (name, _) in enumerate(pages):
        # File names come from the key, never from the record: a record cannot point elsewhere.
        if name != page_name(key, index):
            raise ArchiveError(f"archive {key}: page {index} should be {page_name(key, index)}")
    return root, fetched_at, pages


def _fingerprint(key: str, fetched_at: datetime, from_days: bool, digests: list[str]) -> str:
    return fingerprint_of(key, fetched_at, from_days, digests)


def _load_or_none(root: Path | None, key: str) -> Record | None:
    try:
        return load(root, key)
    except ArchiveError:
        return None


def _record(key: str, fetched_at: datetime, bodies: tuple[bytes, ...], root: Path) -> Record:
    digests = tuple(_sha256(body) for body in bodies)
    return Record(key=key, fetched_at=fetched_at, bodies=bodies, digests=digests, where=root)


def _first_of_each_id(items: Any) -> tuple[dict[str, Any], ...]:
    """As `fetch` pages: a paper already seen on an earlier page is not listed again."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if item["paper"]["id"] not in seen:
            seen.add(item["paper"]["id"])
            kept.append(item)
    return tuple(kept)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fetch_hint(key: str, refresh: bool = False) -> str:
    edition = editions.from_key(key)
    if edition is None or edition.is_day:
        again = " --refresh" if refresh else ""
        return f"fetch it with `digest backfill{again} --from {key} --to {key}`"
    return f"fetch it again with `digest build --{edition.kind} {key}`"
