"""The sections of settings (`api:`, `site:`, `daily:` …), each setting declared once: its
default, its checker and its doc line (config.yaml's comment above it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from digest.settings import (
    boolean,
    choice,
    http_url,
    integer,
    nonempty,
    number,
    optional,
    script_url,
    setting,
    some_of,
    string_list,
    titles_with,
)

DAY_FIELDS = frozenset({"date", "count"})
PERIOD_FIELDS = frozenset({"period", "name", "start", "end", "count"})
_ANY_LANGUAGE = "A language not named takes its language file's"


# One doc line for every kind's `detail_papers` (only the default differs).
DETAIL_DOC = (
    "The best this many papers get a full entry (authors, keywords, abstract); the rest a "
    "compact one (meta line, TL;DR). All are in the ranking table at the top."
)


@dataclass(frozen=True)
class ApiSettings:
    """How to reach the daily papers API."""

    base_url: str = setting(
        "https://huggingface.co",
        http_url,
        "Base URL; the environment variable DIGEST_API_BASE_URL (then HF_ENDPOINT) overrides it.",
    )
    timeout: float = setting(
        30.0, number(0.1), "Seconds one request may take: connecting and the whole answer."
    )
    retries: int = setting(
        4,
        integer(0, 10),
        "Further attempts after a 429, a 5xx, a timeout or a broken connection.",
    )
    backoff: float = setting(
        1.0,
        number(0),
        "Seconds before the first retry, doubled each time (Retry-After wins when longer).",
    )
    max_retry_wait: float = setting(
        60.0,
        number(0),
        "Longest single wait the API may ask for; a longer Retry-After fails the run at once.",
    )
    max_total_seconds: float = setting(
        300.0,
        number(1),
        "Most seconds one day's fetch may take in all, retries and waits included; then exit 3.",
    )
    page_size: int = setting(
        100,
        integer(1, 100),
        "Papers per request (the API caps it at 100); pages are fetched until a short one.",
    )
    # The largest recorded day is 180 KB (28 papers): 8 MiB is ~45 times that, and a whole
    # 100-paper page of the longest recorded items (11 KB each) would be 1.1 MB.
    max_response_bytes: int = setting(
        8 * 1024 * 1024,
        integer(1024),
        "Largest answer, in bytes after decompression (8 MiB; the largest real day is 180 KB); "
        "more fails the run (exit 4) with nothing written or archived.",
    )
    max_items: int = setting(
        1000,  # real days list 5 to ~100
        integer(1),
        "Most papers one day may list (a week or a month: 7 or 31 times that); more: exit 4.",
    )
    token_env: str | None = setting(
        "HF_TOKEN",
        optional(nonempty),
        "Environment variable with an optional Hugging Face token (Bearer; higher rate limits).",
    )


@dataclass(frozen=True)
class LockSettings:
    """What a run does when another run holds the output folder (cron overlap)."""

    when_busy: str = setting(
        "wait",
        choice("wait", "skip"),
        "wait: wait for it to finish (up to timeout); skip: stop at once. Either way a run that "
        "did not get the lock exits 5 and writes nothing.",
    )
    timeout: float = setting(
        600.0, number(0), "Seconds to wait for the other run before giving up."
    )


@dataclass(frozen=True)
class SiteSettings:
    """How `digest site` builds the static site."""

    output_dir: Path = setting(
        Path("_site"),
        nonempty,
        "Folder the site is written to; only pages whose bytes change are rewritten.",
        path=True,
    )
    title: Mapping[str, str] = setting(
        {},
        titles_with(frozenset()),
        "Site name per language, shown in every page's header and in the feeds; a language not "
        'named takes its language file\'s site_title ("Hugging Face Daily Papers").',
    )
    base_url: str | None = setting(
        None,
        optional(http_url),
        "Public address of the site, with its sub-path if any (https://user.github.io/blog). "
        "Used for feed links and canonical URLs; pages link each other relatively either way. "
        "null: feeds use relative links.",
    )
    mathjax_url: str | None = setting(
        "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js",
        optional(script_url),
        "MathJax 3 script (an http(s) URL, or a path from the site's root for a copy you host). "
        "It loads only on pages with math; null: no MathJax, TeX shows as typed.",
    )
    feed_entries: int = setting(20, integer(1), "Newest digests in each language's Atom feed.")
    recent: int = setting(
        10,
        integer(1),
        'Daily digests listed under "recent" on the home pages (weekly and monthly ones have '
        "a list of their own).",
    )
    thumbnails: bool = setting(
        False, boolean, "Each digest's image beside it in the lists, lazy-loaded."
    )
    cache_dir: Path | None = setting(
        Path(".digest-cache"),
        optional(nonempty),
        "Folder where `digest site` keeps the record of its last build, so a re-run reads only "
        "changed posts and renders only pages whose inputs changed (like Jekyll's "
        ".jekyll-cache; safe to delete; keep it out of git). null: no record.",
        path=True,
    )


@dataclass(frozen=True)
class BackfillSettings:
    """How hard `digest backfill` may press the API."""

    concurrency: int = setting(2, integer(1, 16), "Days fetched at the same time (1 to 16).")
    requests_per_second: float | None = setting(
        2.0,
        optional(number(0.01)),
        "Requests per second at most, across all of them (retries included); null: no limit.",
    )


AFFILIATION_SOURCES = ("hf", "arxiv", "openalex")
# Environment variables that override a base URL of the affiliations section.
AFFILIATION_ENV = {
    "arxiv_base_url": "DIGEST_ARXIV_BASE_URL",
    "openalex_base_url": "DIGEST_OPENALEX_BASE_URL",
}


@dataclass(frozen=True)
class AffiliationSettings:
    """Where each paper's affiliations come from, in order, and how many a post shows."""

    sources: tuple[str, ...] = setting(
        ("hf",),
        some_of(*AFFILIATION_SOURCES),
        "Sources in order; a paper keeps the first that names an institution. hf: the "
        "organization that claimed it on Hugging Face (always first when listed); arxiv: the "
        "author block of its arXiv HTML page; openalex: OpenAlex's institutions (they lag new "
        "papers by days). [hf] asks no other host; `digest init` writes [hf, arxiv].",
    )
    arxiv_base_url: str = setting(
        "https://arxiv.org",
        http_url,
        "arXiv's address; the environment variable DIGEST_ARXIV_BASE_URL overrides it.",
    )
    openalex_base_url: str = setting(
        "https://api.openalex.org",
        http_url,
        "OpenAlex's API; the environment variable DIGEST_OPENALEX_BASE_URL overrides it.",
    )
    max_shown: int = setting(
        3, integer(1, 20), "Institutions shown per paper, best first; the rest as +N."
    )
    requests_per_second: float = setting(
        1.0,
        number(0.01, 5),
        "Requests per second at most to each of arXiv and OpenAlex (arXiv asks robots to "
        "crawl gently).",
    )

    @property
    def asks_network(self) -> bool:
        """Whether any source needs a request (`sources: [hf]` makes none)."""
        return any(source != "hf" for source in self.sources)

    def with_env(self, env: Mapping[str, str], problems: list[str]) -> AffiliationSettings:
        """The base URLs the environment overrides (a bad one is added to `problems`)."""
        urls = {}
        for key, name in AFFILIATION_ENV.items():
            if env.get(name):
                try:
                    urls[key] = http_url(env[name])
                except ValueError as exc:
                    problems.append(f"{name} (environment): {exc}")
        return replace(self, **urls)


@dataclass(frozen=True)
class EditionSettings:
    """The posts of one kind of edition; each kind's section below declares its own defaults.
    Titles and descriptions are per language; a language not named takes its language file's."""

    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    max_papers: int | None = None
    detail_papers: int = 0
    titles: Mapping[str, str] = setting({}, titles_with(DAY_FIELDS), "", key="title")
    descriptions: Mapping[str, str] = setting({}, titles_with(DAY_FIELDS), "", key="description")


@dataclass(frozen=True)
class DailySettings(EditionSettings):
    categories: tuple[str, ...] = setting(
        ("Daily Papers",), string_list, "Jekyll categories and tags."
    )
    tags: tuple[str, ...] = setting(
        ("huggingface", "papers", "daily", "ai"), string_list, "Jekyll categories and tags."
    )
    max_papers: int | None = setting(
        None,
        optional(integer(1)),
        "At most this many papers per post, best first; null: all of them.",
    )
    detail_papers: int = setting(
        15,
        integer(0),
        DETAIL_DOC,
    )
    titles: Mapping[str, str] = setting(
        {},
        titles_with(DAY_FIELDS),
        "Post title per language. Placeholders: {date} (YYYY-MM-DD) and {count} (papers in the "
        f'post). {_ANY_LANGUAGE} daily_title, e.g. en: "Hugging Face Daily Papers - {{date}}"',
        key="title",
    )
    descriptions: Mapping[str, str] = setting(
        {},
        titles_with(DAY_FIELDS),
        "Front matter description per language (SEO, and Chirpy's post list); placeholders as "
        f"in title. {_ANY_LANGUAGE} daily_description.",
        key="description",
    )


def _period_settings(
    kind: str, example: str, human: str, count: int, spread: str
) -> type[EditionSettings]:
    """The section of weekly or monthly posts: the same keys, their own defaults."""
    placeholders = (
        f"Title per language. Placeholders: {{period}} ({example}), {{name}} (as a person "
        f"says it: {human}), {{start}}, {{end}} "
        f"(YYYY-MM-DD), {{count}}. {_ANY_LANGUAGE} {kind}_title."
    )

    @dataclass(frozen=True)
    class PeriodSettings(EditionSettings):
        categories: tuple[str, ...] = setting(
            (f"{kind.capitalize()} Papers",), string_list, "Jekyll categories and tags."
        )
        tags: tuple[str, ...] = setting(
            ("huggingface", "papers", kind, "ai"), string_list, "Jekyll categories and tags."
        )
        max_papers: int | None = setting(
            count,
            optional(integer(1)),
            f"At most this many papers, best first ({spread}); null: all of them.",
        )
        detail_papers: int = setting(
            10,
            integer(0),
            DETAIL_DOC,
        )
        titles: Mapping[str, str] = setting(
            {}, titles_with(PERIOD_FIELDS), placeholders, key="title"
        )
        descriptions: Mapping[str, str] = setting(
            {},
            titles_with(PERIOD_FIELDS),
            "Front matter description per language; placeholders as in title. None by default.",
            key="description",
        )

    PeriodSettings.__name__ = PeriodSettings.__qualname__ = f"{kind.capitalize()}Settings"
    return PeriodSettings


WeeklySettings = _period_settings(
    "weekly", "2026-W08", "Third week of May 2026 (May 11\u201317)", 30, "a week lists hundreds"
)
MonthlySettings = _period_settings(
    "monthly", "2026-02", "February 2026", 50, "a month lists over a thousand"
)
