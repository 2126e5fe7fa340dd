"""The pipeline for one edition (a day, a week, a month), in order: config → fetch → archive →
models → rank → render → write. Offline, the archive stands in for fetch."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from digest import archive, editions, matter, write
from digest.affiliations import Affiliation, Clients, find_affiliations
from digest.config import Config
from digest.editions import Edition
from digest.errors import UpstreamInvalid
from digest.models import Paper, has_upvote_count, papers_from_items
from digest.prepare import prepare
from digest.rank import rank
from digest.render import Post, check_templates, render_post
from digest.translation_run import translate_posts, translating

if TYPE_CHECKING:
    import requests

    from digest.fetch import Fetched
    from digest.translate import Translator

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

    edition: Edition  # what was built (its key in the summary)
    fetched: int = 0
    papers: int = 0
    dry_run: bool = False
    files: list[FileResult] = field(default_factory=list)
    untranslated: int = 0  # texts the posts would translate that stayed English this time

    def summary(self) -> str:
        if not self.papers:
            shown = ", none left after filters" if self.fetched else ""
            return f"{self.edition}: {self.fetched} papers{shown}; nothing written"
        counts: dict[str, int] = {}
        for result in self.files:
            counts[result.status] = counts.get(result.status, 0) + 1
        parts = ", ".join(f"{status} {n}" for status, n in counts.items())
        return f"{self.edition}: {self.papers} papers; {parts}"


@dataclass(frozen=True)
class _Previous:
    """What an existing post says about the data it was built from."""

    text: str
    count: int | None
    snapshot: datetime | None


def build_day(day: date, config: Config, languages: Sequence[str], **options: Any) -> BuildReport:
    """One day's posts: `build(editions.day(day), …)`."""
    return build(editions.day(day), config, languages, **options)


def build(
    edition: Edition,
    config: Config,
    languages: Sequence[str],
    *,
    translator: Translator | None = None,
    **options: Any,
) -> BuildReport:
    """Fetch (offline: read from the archive), rank, render and write an edition's posts, one
    per language; an empty edition writes none (options: see `_build`). `translator`: the
    run's (`translating`); without one, a build with translation on makes its own (a dry run
    reads the cache only) and, with `translate.required`, fails after writing when a text
    stayed English."""
    if translator is not None or not config.translate.enabled:
        return _build(edition, config, languages, translator=translator, **options)
    with translating(config, offline=bool(options.get("dry_run"))) as own:
        report = _build(edition, config, languages, translator=own, **options)
    assert own is not None
    own.raise_if_required()
    return report


def _build(
    edition: Edition,
    config: Config,
    languages: Sequence[str],
    *,
    dry_run: bool = False,
    force: bool = False,
    offline: bool = False,
    session: requests.Session | None = None,
    locked: bool = False,
    lookups: Clients | bool | None = None,
    translator: Translator | None = None,
) -> BuildReport:
    """A week or month offline is the API's archived answer, or its archived days put
    together. `locked`: the caller holds the output lock. `lookups`: whether affiliations may
    be asked of arXiv/OpenAlex (default: not offline and not a dry run; else the archive's
    cached answers only), or the clients to ask them with. `translator`: the run's one."""
    # A broken template or language file stops the run here, before anything is fetched.
    check_templates(config, languages, edition)
    if offline:
        data: Fetched | archive.Record = archive.load_edition(config.archive_dir, edition)
    else:
        data = _fetch(edition.query, config, session)
    _warn_uncounted(data.items)
    listed = papers_from_items(data.items)
    settings = config.edition(edition.section)
    papers = rank(listed, min_upvotes=config.min_upvotes, max_papers=settings.max_papers)
    report = BuildReport(
        edition=edition, fetched=len(data.items), papers=len(papers), dry_run=dry_run
    )
    with _locked(config, skip=dry_run or locked or not papers):
        # Offline there is no guard and no old snapshot to keep: the old text is all that matters.
        names = {lang: edition.filename(lang) for lang in languages}
        previous = {lang: _previous(config, names[lang], not offline) for lang in languages}
        if not offline:
            _guard_against_shrink(edition, papers, previous, force)
            data = _archive(config, edition, data, dry_run)
        if not papers:
            log.info("%s: no papers listed; nothing to write", edition)
            return report
        online = not (offline or dry_run) if lookups is None else bool(lookups)
        clients = lookups if isinstance(lookups, Clients) else None
        found = _affiliations(config, papers, online, clients)
        from_days = isinstance(data, archive.Record) and data.from_days
        translated = translate_posts(translator, papers, config, edition, languages)
        report.untranslated = sum(r.counts.failed + r.counts.skipped for r in translated.values())
        # What every language's post shares (entries, the papers' front matter, escapes): once.
        prepared = prepare(papers, config, edition, found)

        def render(lang: str, snapshot: datetime) -> Post:
            return render_post(
                papers,
                edition,
                lang,
                config,
                snapshot,
                total=len(listed),
                from_days=from_days,
                affiliations=found,
                translation=translated.get(lang),
                prepared=prepared,
            )

        # With an archive, a post is a function of it alone (its fetch time included), so an
        # offline rebuild gives the same bytes; without one, an unchanged post keeps its old
        # snapshot time. Every language is rendered before any is written.
        keep = {lang: None if config.archive_dir else previous[lang] for lang in languages}
        posts = [_render(render, lang, data.fetched_at, keep[lang]) for lang in languages]
        report.files.extend(_place(config, posts, previous, dry_run))
    return report


def _affiliations(
    config: Config, papers: Sequence[Paper], online: bool, clients: Clients | None
) -> dict[str, Affiliation]:
    """Each paper's affiliation; a source that fails is a warning line, never the run's end."""
    found = find_affiliations(
        papers, config.affiliations, config.archive_dir, offline=not online, clients=clients
    )
    for line in found.warning_lines():
        log.warning("%s", line)
    if found.requests:
        log.info("affiliations: %d requests", found.requests)
    return found.found


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
    render: Callable[[str, datetime], Post],
    lang: str,
    fetched_at: datetime,
    previous: _Previous | None,
) -> Post:
    """Same papers as the post on disk → the post on disk, byte for byte (its snapshot time)."""
    if previous and previous.snapshot:
        same = render(lang, previous.snapshot)
        if same.text == previous.text:
            return same
    return render(lang, fetched_at)


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


def _previous(config: Config, filename: str, parse: bool = True) -> _Previous | None:
    text = write.read_existing(config.output_dir, filename)
    if text is None or not parse:
        return None if text is None else _Previous(text, None, None)
    try:
        header, _ = matter.split(text)
    except Exception:  # a broken post on disk is replaced, whatever broke it
        return _Previous(text, None, None)
    return _Previous(text, matter.count_of(header), matter.snapshot_of(header))


def _guard_against_shrink(
    edition: Edition,
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
            f"{edition}: the API now lists {len(papers)} papers but the post on disk has {before}; "
            "kept the existing post (use --force to replace it)"
        )


def _fetch(query: Mapping[str, str], config: Config, session: requests.Session | None) -> Fetched:
    from digest import fetch  # here, not at the top: offline builds never import requests

    log.info("fetching %s from %s", ", ".join(query.values()), config.api.base_url)
    return fetch.fetch_papers(dict(query), config.api, session)


def _archive(
    config: Config, edition: Edition, fetched: Fetched, dry_run: bool
) -> Fetched | archive.Record:
    """Keep the answer verbatim; the posts are then rendered from what the archive holds."""
    if config.archive_dir is None:
        return fetched
    from digest.fetch import ENDPOINT

    return archive.store(
        config.archive_dir,
        edition.key,
        edition.query,
        fetched.bodies,
        fetched.fetched_at,
        endpoint=config.api.base_url + ENDPOINT,
        dry_run=dry_run,
    )
