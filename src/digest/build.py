"""The pipeline for one day (or week, month), in order: config → fetch → archive → models →
rank → render → write. Offline, the archive stands in for fetch."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from digest import archive, write
from digest.config import Config, check_period_titles
from digest.errors import UpstreamInvalid
from digest.models import Paper, has_upvote_count, papers_from_items
from digest.periods import Period
from digest.rank import rank
from digest.render import (
    COUNT_KEY,
    FRONT_MATTER_TIME,
    SNAPSHOT_KEY,
    Post,
    check_templates,
    filename_for,
    period_filename_for,
    period_settings,
    render_period_post,
    render_post,
)

if TYPE_CHECKING:
    import requests

    from digest.fetch import Fetched

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

    day: date | Period
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
    offline: bool = False,
    session: requests.Session | None = None,
    locked: bool = False,
) -> BuildReport:
    """Fetch (offline: read from the archive), rank, render and write one day's posts; an
    empty day writes no post. `locked`: the caller already holds the output folder's lock."""
    key, query = day.isoformat(), {"date": day.isoformat()}
    data = archive.load(config.archive_dir, key) if offline else _fetch(query, config, session)
    _warn_uncounted(data.items)
    papers = rank(
        papers_from_items(data.items),
        min_upvotes=config.min_upvotes,
        max_papers=config.max_papers,
    )
    report = BuildReport(day=day, fetched=len(data.items), papers=len(papers), dry_run=dry_run)
    if papers:
        # A broken template stops the run here, before anything is touched.
        check_templates(config, [f"daily.{lang}.md" for lang in languages])
    with _locked(config, skip=dry_run or locked or not papers):
        # Offline there is no guard and no old snapshot to keep: the old text is all that matters.
        previous = {lang: _previous(config, day, lang, parse=not offline) for lang in languages}
        if not offline:
            _guard_against_shrink(day, papers, previous, force)
            data = _archive(config, key, query, data, dry_run)
        if not papers:
            log.info("%s: no papers listed; nothing to write", day)
            return report
        # With an archive, a post is a function of it alone (its fetch time included), so an
        # offline rebuild gives the same bytes; without one, an unchanged post keeps its old
        # snapshot time.
        keep = {lang: None if config.archive_dir else previous[lang] for lang in languages}
        posts = [
            _render(papers, day, lang, config, data.fetched_at, keep[lang]) for lang in languages
        ]
        report.files.extend(_place(config, posts, previous, dry_run))
    return report


def _warn_uncounted(items: Sequence[Mapping[str, object]]) -> None:
    uncounted = sum(not has_upvote_count(item) for item in items)
    if uncounted:
        log.warning(
            "%d of %d papers have no usable upvote count; counted as 0", uncounted, len(items)
        )


def _locked(config: Config, *, skip: bool) -> AbstractContextManager[None]:
    """The output folder's lock, so overlapping runs never interleave their writes."""
    if skip:
        return nullcontext()
    return output_lock(config)


def output_lock(config: Config) -> AbstractContextManager[None]:
    """The output folder's lock as the config asks for it (for runs of many days too)."""
    return write.output_lock(
        config.output_dir, wait=config.lock.when_busy == "wait", timeout=config.lock.timeout
    )


def _render(
    papers: Sequence[Paper],
    day: date,
    lang: str,
    config: Config,
    fetched_at: datetime,
    previous: _Previous | None,
) -> Post:
    """Same papers as the post on disk → the post on disk, byte for byte (its snapshot time)."""
    if previous and previous.snapshot:
        same = render_post(papers, day, lang, config, previous.snapshot)
        if same.text == previous.text:
            return same
    return render_post(papers, day, lang, config, fetched_at)


def _place(
    config: Config,
    posts: Sequence[Post],
    previous: Mapping[str, _Previous | None],
    dry_run: bool,
) -> list[FileResult]:
    """Write the changed posts together: every language is staged before any is replaced."""
    changed = [p for p in posts if not (previous[p.lang] and previous[p.lang].text == p.text)]
    if changed and not dry_run:
        write.write_together(config.output_dir, [(p.filename, p.text) for p in changed])
    results = []
    for post in posts:
        path = config.output_dir / post.filename
        if any(post is c for c in changed):
            log.info("%s %s (%d papers)", "would write" if dry_run else "wrote", path, post.count)
            results.append(FileResult(post.filename, "would write" if dry_run else "written"))
        else:
            log.info("unchanged %s", path)
            results.append(FileResult(post.filename, "unchanged"))
    return results


def _previous(config: Config, day: date, lang: str, parse: bool = True) -> _Previous | None:
    return _previous_file(config, filename_for(day, lang), parse)


def _previous_file(config: Config, filename: str, parse: bool = True) -> _Previous | None:
    text = write.read_existing(config.output_dir, filename)
    if text is None or not parse:
        return None if text is None else _Previous(text, None, None)
    import frontmatter  # only here: a start-up cost that builds without an old post skip

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
    day: date | Period,
    papers: Sequence[Paper],
    previous: dict[str, _Previous | None],
    force: bool,
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


def build_period(
    period: Period,
    config: Config,
    languages: Sequence[str],
    *,
    dry_run: bool = False,
    force: bool = False,
    offline: bool = False,
    locked: bool = False,
) -> BuildReport:
    """A weekly or monthly post per language: the API's `week`/`month` answer (offline: the
    archived one, or the period's archived days put together), ranked as a day is."""
    check_period_titles(config, period.kind, languages)
    if offline:
        data = archive.load_period(config.archive_dir, period)
    else:
        data = _fetch(period.query, config, None)
    _warn_uncounted(data.items)
    listed = papers_from_items(data.items)
    settings = period_settings(config, period)
    papers = rank(listed, min_upvotes=config.min_upvotes, max_papers=settings.max_papers)
    report = BuildReport(day=period, fetched=len(data.items), papers=len(papers), dry_run=dry_run)
    names = {lang: period_filename_for(period, lang) for lang in languages}
    with _locked(config, skip=dry_run or locked or not papers):
        previous = {lang: _previous_file(config, names[lang], not offline) for lang in languages}
        if not offline:
            _guard_against_shrink(period, papers, previous, force)
            data = _archive(config, period.key, period.query, data, dry_run)
        if not papers:
            log.info("%s: no papers listed; nothing to write", period)
            return report
        from_days = isinstance(data, archive.Record) and data.from_days
        posts = [
            render_period_post(
                papers,
                period,
                lang,
                config,
                data.fetched_at,
                total=len(listed),
                from_days=from_days,
            )
            for lang in languages
        ]
        report.files.extend(_place(config, posts, previous, dry_run))
    return report


def _fetch(query: Mapping[str, str], config: Config, session: requests.Session | None) -> Fetched:
    from digest import fetch  # here, not at the top: offline builds never import requests

    log.info("fetching %s from %s", ", ".join(query.values()), config.api.base_url)
    return fetch.fetch_papers(dict(query), config.api, session)


def _archive(
    config: Config, key: str, query: Mapping[str, str], fetched: Fetched, dry_run: bool
) -> Fetched | archive.Record:
    """Keep the answer verbatim; the posts are then rendered from what the archive holds."""
    if config.archive_dir is None:
        return fetched
    from digest.fetch import ENDPOINT

    return archive.store(
        config.archive_dir,
        key,
        query,
        fetched.bodies,
        fetched.fetched_at,
        endpoint=config.api.base_url + ENDPOINT,
        dry_run=dry_run,
    )
