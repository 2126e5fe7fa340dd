"""The pipeline for one day, in order: config → fetch → models → rank → render → write."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime

import frontmatter

from digest import fetch, write
from digest.config import Config
from digest.errors import UpstreamInvalid
from digest.models import Paper, has_upvote_count, papers_from_items
from digest.rank import rank
from digest.render import (
    COUNT_KEY,
    FRONT_MATTER_TIME,
    SNAPSHOT_KEY,
    Post,
    filename_for,
    render_post,
)

log = logging.getLogger(__name__)

# A day that comes back with fewer than this share of the papers its post already lists is
# more likely a broken answer than a real change: keep the post unless --force.
SHRINK_GUARD = 0.5


class SuspiciousShrink(UpstreamInvalid):
    """The API now lists far fewer papers than the post on disk: the post is kept."""


@dataclass(frozen=True)
class FileResult:
    filename: str
    status: str  # written, unchanged, would write


@dataclass
class BuildReport:
    """What one run did, for the summary line and the exit code."""

    day: date
    fetched: int = 0
    papers: int = 0
    dry_run: bool = False
    files: list[FileResult] = field(default_factory=list)

    def summary(self) -> str:
        if not self.papers:
            shown = ", none left after filters" if self.fetched else ""
            return f"{self.day}: {self.fetched} papers{shown}; nothing written"
        counts: dict[str, int] = {}
        for result in self.files:
            counts[result.status] = counts.get(result.status, 0) + 1
        parts = ", ".join(f"{status} {n}" for status, n in counts.items())
        return f"{self.day}: {self.papers} papers; {parts}"


@dataclass(frozen=True)
class _Previous:
    """What an existing post says about the data it was built from."""

    text: str
    count: int | None
    snapshot: datetime | None


def build_day(
    day: date,
    config: Config,
    languages: Sequence[str],
    *,
    dry_run: bool = False,
    force: bool = False,
) -> BuildReport:
    """Fetch, rank, render and write one day's posts; an empty day writes nothing."""
    log.info("fetching %s from %s", day, config.api.base_url)
    fetched = fetch.fetch_day(day, config.api)
    uncounted = sum(not has_upvote_count(item) for item in fetched.items)
    if uncounted:
        log.warning(
            "%d of %d papers have no usable upvote count; counted as 0",
            uncounted,
            len(fetched.items),
        )
    papers = rank(
        papers_from_items(fetched.items),
        min_upvotes=config.min_upvotes,
        max_papers=config.max_papers,
    )
    report = BuildReport(day=day, fetched=len(fetched.items), papers=len(papers), dry_run=dry_run)
    if not papers:
        previous = {lang: _previous(config, day, lang) for lang in languages}
        _guard_against_shrink(day, papers, previous, force)
        log.info("%s: no papers listed; nothing to write", day)
        return report
    # Render before touching the output folder: a broken template stops the run here.
    posts = [render_post(papers, day, lang, config, fetched.fetched_at) for lang in languages]
    with _locked(config, dry_run):
        previous = {lang: _previous(config, day, lang) for lang in languages}
        _guard_against_shrink(day, papers, previous, force)
        for post in posts:
            kept = _as_on_disk(papers, day, config, previous[post.lang], post)
            report.files.append(_place(config, kept, previous[post.lang], dry_run))
    return report


def _locked(config: Config, dry_run: bool) -> AbstractContextManager[None]:
    """The output folder's lock; a dry run writes nothing and so takes none."""
    if dry_run:
        return nullcontext()
    return write.output_lock(
        config.output_dir, wait=config.lock.when_busy == "wait", timeout=config.lock.timeout
    )


def _as_on_disk(
    papers: Sequence[Paper], day: date, config: Config, previous: _Previous | None, post: Post
) -> Post:
    """Same papers as the post on disk → the post on disk, byte for byte (its snapshot time)."""
    if previous and previous.snapshot:
        same = render_post(papers, day, post.lang, config, previous.snapshot)
        if same.text == previous.text:
            return same
    return post


def _place(config: Config, post: Post, previous: _Previous | None, dry_run: bool) -> FileResult:
    path = config.output_dir / post.filename
    if previous and previous.text == post.text:
        log.info("unchanged %s", path)
        return FileResult(post.filename, "unchanged")
    if dry_run:
        log.info("would write %s (%d papers)", path, post.count)
        return FileResult(post.filename, "would write")
    write.write_text(config.output_dir, post.filename, post.text)
    log.info("wrote %s (%d papers)", path, post.count)
    return FileResult(post.filename, "written")


def _previous(config: Config, day: date, lang: str) -> _Previous | None:
    text = write.read_existing(config.output_dir, filename_for(day, lang))
    if text is None:
        return None
    try:
        matter = frontmatter.loads(text).metadata
    except Exception:  # a broken post on disk is replaced, whatever broke it
        return _Previous(text, None, None)
    count = matter.get(COUNT_KEY)
    return _Previous(
        text=text,
        count=count if isinstance(count, int) and not isinstance(count, bool) else None,
        snapshot=_parse_time(matter.get(SNAPSHOT_KEY)),
    )


def _parse_time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.strptime(str(value), FRONT_MATTER_TIME)
    except ValueError:
        return None


def _guard_against_shrink(
    day: date, papers: Sequence[Paper], previous: dict[str, _Previous | None], force: bool
) -> None:
    counts = [p.count for p in previous.values() if p and p.count]
    if force or not counts:
        return
    before = max(counts)
    if len(papers) < before * SHRINK_GUARD:
        raise SuspiciousShrink(
            f"{day}: the API now lists {len(papers)} papers but the post on disk has {before}; "
            "kept the existing post (use --force to replace it)"
        )
