"""Settings: each declared once (its default, checker and doc line) on the dataclasses below;
`config.yaml` is read against them, every key checked at once, environment overrides applied."""

from __future__ import annotations

import difflib
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from digest.errors import ConfigError
from digest.sections import (
    ApiSettings,
    BackfillSettings,
    DailySettings,
    EditionSettings,
    LockSettings,
    MonthlySettings,
    SiteSettings,
    WeeklySettings,
)
from digest.settings import (
    boolean,
    choice,
    clip,
    default_of,
    http_url,
    integer,
    key_of,
    languages,
    nonempty,
    optional,
    permalink,
    post_time,
    section,
    setting,
    timezone,
    type_name,
)

log = logging.getLogger(__name__)

DEFAULT_CONFIG_NAME = "config.yaml"
ENV_BASE_URL = "DIGEST_API_BASE_URL"
# huggingface_hub's own variable for mirrors; honoured after ours.
ENV_HF_ENDPOINT = "HF_ENDPOINT"
# Front matter conventions of a Jekyll theme (see matter.front_matter). minima, Jekyll's
# default theme, is the default: its posts also build on Chirpy, whereas Chirpy's (no `layout`)
# render as bare HTML on minima.
FLAVOURS = ("minima", "chirpy")
# Chirpy: "categories … designed to contain up to two elements"; `author` is a key of
# _data/authors.yml.
CHIRPY_MAX_CATEGORIES = 2
_CHIRPY_AUTHOR_ID = re.compile(r"[A-Za-z0-9_-]+")
# Top-level keys of old that now live in the `daily` section (still read, with a warning).
OLD_DAILY_KEYS = ("title", "description", "categories", "tags", "max_papers")


@dataclass(frozen=True)
class Config:
    """Every setting digest uses, validated; `source` is the file it was read from."""

    output_dir: Path = setting(
        Path("_posts"),
        nonempty,
        "Folder the posts are written to (Jekyll reads _posts/).",
        path=True,
    )
    languages: tuple[str, ...] = setting(
        ("ko", "en"),
        languages,
        "Languages to write, one post each; the first is the blog's main language. Each needs "
        "its words in languages/<lang>.yaml (ko and en ship with digest; see "
        "templates/README.md to add one).",
    )
    timezone: str = setting(
        "Asia/Seoul",
        timezone,
        "IANA time zone of the blog: the post's date carries its UTC offset (e.g. +0900).",
    )
    post_time: str = setting(
        "09:00:00",
        post_time,
        'Time of day written into each post\'s date, in that time zone. Quote it ("10:30"): '
        "YAML reads an unquoted 10:30 as a number.",
    )
    flavour: str = setting(
        "minima",
        choice(*FLAVOURS),
        "Front matter conventions of your Jekyll theme: minima (Jekyll's default theme; its "
        "posts also build on Chirpy) or chirpy (no layout key, at most 2 categories, tags "
        "lowercased, author an id).",
    )
    author: str | None = setting(
        None,
        optional(nonempty),
        "Author written into the front matter (for Chirpy, an id from _data/authors.yml); "
        "null: none.",
    )
    image: bool = setting(
        False,
        boolean,
        "true: front matter image is the best-ranked paper's thumbnail (Chirpy's preview image, "
        "the og:image of jekyll-seo-tag).",
    )
    pin: bool = setting(
        False,
        boolean,
        "true: pin every post to the top of Chirpy's home page (flavour: chirpy only).",
    )
    toc: bool | None = setting(
        None, optional(boolean), "Chirpy's table of contents per post; null: the site's default."
    )
    comments: bool | None = setting(
        None, optional(boolean), "Chirpy's comments per post; null: the site's default."
    )
    media_subpath: str | None = setting(
        None,
        optional(nonempty),
        "Chirpy's media_subpath (a folder or URL its relative images are under); null: none.",
    )
    min_upvotes: int = setting(0, integer(0), "Leave out papers with fewer upvotes than this.")
    max_authors: int = setting(5, integer(1), 'Authors listed per paper before "and N more".')
    permalink: str | None = setting(
        "/posts/{slug}/",
        optional(permalink),
        "URL path of each post; {slug} is daily-papers-<date>-<lang>, unique per date and "
        "language. null: leave permalinks to the site's own setting.",
    )
    templates_dir: Path | None = setting(
        None,
        optional(nonempty),
        "Folder of your own templates; a file there replaces the packaged one of the same name. "
        "null: only the packaged templates.",
        path=True,
    )
    api: ApiSettings = section(ApiSettings, "The Hugging Face daily papers API.")
    lock: LockSettings = section(
        LockSettings,
        "When another digest run is writing to the same output folder (cron runs that overlap).",
    )
    site: SiteSettings = section(
        SiteSettings,
        "The static site `digest site` builds from the posts (a home page, an archive, tag "
        "pages, an Atom feed per language); no Jekyll needed.",
    )
    archive_dir: Path | None = setting(
        Path("_archive/daily_papers"),
        optional(nonempty),
        "The raw archive: every API answer, byte for byte, per day (2026-02-20.json), week "
        "(2026-W08.json) or month (2026-02.json), with the fetch time beside it "
        "(<key>.meta.json). Posts are rebuilt from it (build --offline, rebuild). An underscore "
        "folder, so Jekyll does not publish it with the site. null: keep no archive (then "
        "--offline, rebuild and backfill refuse).",
        path=True,
    )
    backfill: BackfillSettings = section(
        BackfillSettings, "digest backfill: how hard it may press the API."
    )
    daily: EditionSettings = section(
        DailySettings,
        "Daily posts (digest build --date 2026-02-20). These keys were once top-level (title:, "
        "tags: …): they still work there, with a warning.",
    )
    weekly: EditionSettings = section(
        WeeklySettings,
        "Weekly posts (digest build --week 2026-W08), dated on the week's Sunday.",
    )
    monthly: EditionSettings = section(
        MonthlySettings,
        "Monthly posts (digest build --month 2026-02), dated on the month's last day.",
    )
    source: Path | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def edition(self, name: str) -> EditionSettings:
        """The settings of `daily`, `weekly` or `monthly` posts (an edition's `section`)."""
        return {"daily": self.daily, "weekly": self.weekly, "monthly": self.monthly}[name]


def _check(kind: type, raw: Mapping[str, Any], prefix: str, base: Path, problems: list[str]) -> Any:
    """An instance of the settings class `kind` from `raw`, each key checked by its declared
    checker (problems are collected, not raised); paths are made relative to `base`."""
    items = {key_of(item): item for item in fields(kind) if item.metadata}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        item, name = items.get(str(key)), clip(f"{prefix}{key}")
        if item is None:
            close = difflib.get_close_matches(str(key), list(items), n=1)
            hint = f" (did you mean '{prefix}{close[0]}'?)" if close else ""
            problems.append(f"{name}: unknown key{hint}")
        elif "section" in item.metadata:
            if not isinstance(value, dict):
                problems.append(f"{name}: expected a mapping, got {type_name(value)}")
            else:
                inner = _check(item.metadata["section"], value, f"{prefix}{key}.", base, problems)
                values[item.name] = inner
        else:
            try:
                values[item.name] = item.metadata["check"](value)
            except ValueError as exc:
                problems.append(f"{name}: {clip(str(exc))}")
    for item in items.values():
        if "section" in item.metadata and item.name not in values:
            values[item.name] = _check(item.metadata["section"], {}, "", base, problems)
        elif item.metadata.get("path"):
            value = values.get(item.name, default_of(item))
            values[item.name] = base / value if value is not None else None
    return kind(**values)


def _moved_daily_keys(raw: Mapping[str, Any], problems: list[str]) -> Mapping[str, Any]:
    """Old top-level daily keys (`title:`, `tags:` …) read as the `daily` section's, once warned."""
    old = [key for key in OLD_DAILY_KEYS if key in raw]
    daily = raw.get("daily", {})
    if not old or not isinstance(daily, dict):
        return raw  # a bad `daily` is reported as such
    for key in old:
        if key in daily:
            problems.append(
                f"{key}: set both at the top level and as daily.{key}; keep daily.{key}"
            )
    log.warning(
        "config: %s at the top level: deprecated, move %s under `daily:` (read as before)",
        ", ".join(old),
        "it" if len(old) == 1 else "them",
    )
    moved = {key: value for key, value in raw.items() if key not in OLD_DAILY_KEYS}
    moved["daily"] = {**{key: raw[key] for key in old}, **daily}
    return moved


def _editions(config: Config) -> list[tuple[str, EditionSettings]]:
    return [(name, config.edition(name)) for name in ("daily", "weekly", "monthly")]


def _flavour_problems(config: Config) -> list[str]:
    """Settings that break the chosen theme's rules (each already valid on its own)."""
    chirpy = config.flavour == "chirpy"
    if not chirpy:
        return (
            ["pin: only Chirpy pins posts; set flavour: chirpy or drop pin"] if config.pin else []
        )
    problems = [
        f"{name}.categories: Chirpy takes at most {CHIRPY_MAX_CATEGORIES} "
        f"(a category and a sub-category), got {list(settings.categories)}"
        for name, settings in _editions(config)
        if len(settings.categories) > CHIRPY_MAX_CATEGORIES
    ]
    if config.author and not _CHIRPY_AUTHOR_ID.fullmatch(config.author):
        problems.append(
            f"author: Chirpy wants an id from _data/authors.yml (letters, digits, _ or -), "
            f"got {config.author!r}"
        )
    return problems


def _env_base_url(env: Mapping[str, str], problems: list[str]) -> str | None:
    for name in (ENV_BASE_URL, ENV_HF_ENDPOINT):
        if env.get(name):
            try:
                return http_url(env[name])
            except ValueError as exc:
                problems.append(f"{name} (environment): {clip(str(exc))}")
    return None


def parse_config(
    raw: Mapping[str, Any], *, source: Path | None = None, env: Mapping[str, str] | None = None
) -> Config:
    """Validate a raw settings mapping; raise ConfigError naming every bad key."""
    env = os.environ if env is None else env
    problems: list[str] = []
    base = source.parent if source else Path.cwd()
    config = _check(Config, _moved_daily_keys(raw, problems), "", base, problems)
    override = _env_base_url(env, problems)
    if override:
        config = replace(config, api=replace(config.api, base_url=override))
    problems.extend(_flavour_problems(config))
    if problems:
        raise ConfigError(problems, str(source) if source else "config")
    return replace(config, source=source)


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases: a few hundred bytes of nested aliases expand to
    gigabytes (a "billion laughs"), and a settings file has no need for them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a config file", event.start_mark
            )
        return super().compose_node(parent, index)


def _read_yaml(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"file not found: {path}"], str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"cannot read: {exc}"], str(path)) from None
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"invalid YAML at {where}{clip(reason)}"], str(path)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError([f"expected a mapping of settings, got {type_name(data)}"], str(path))
    return data


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Load `path`, else ./config.yaml when present, else the defaults."""
    if path is None:
        candidate = Path(DEFAULT_CONFIG_NAME)
        path = candidate if candidate.is_file() else None
    raw = _read_yaml(path) if path is not None else {}
    return parse_config(raw, source=path.resolve() if path else None, env=env)
