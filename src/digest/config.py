"""Settings: read `config.yaml`, check every key at once, apply environment overrides."""

from __future__ import annotations

import difflib
import os
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from digest.errors import ConfigError

DEFAULT_CONFIG_NAME = "config.yaml"
ENV_BASE_URL = "DIGEST_API_BASE_URL"
# huggingface_hub's own variable for mirrors; honoured after ours.
ENV_HF_ENDPOINT = "HF_ENDPOINT"
TITLE_FIELDS = frozenset({"date", "count"})
DEFAULT_TITLES = {
    "ko": "Hugging Face 일간 논문 - {date}",
    "en": "Hugging Face Daily Papers - {date}",
}
DEFAULT_DESCRIPTIONS = {
    "ko": "{date} Hugging Face Daily Papers에 올라온 논문 {count}편, 좋아요 순.",
    "en": "The {count} papers posted to Hugging Face Daily Papers on {date}, ranked by upvotes.",
}
# Front matter conventions of a Jekyll theme (see render.front_matter). minima, Jekyll's default
# theme, is the default: its posts also build on Chirpy, whereas Chirpy's (no `layout`) render
# as bare HTML on minima.
FLAVOURS = ("minima", "chirpy")
# Chirpy: "categories … designed to contain up to two elements"; `author` is a key of
# _data/authors.yml.
CHIRPY_MAX_CATEGORIES = 2
_CHIRPY_AUTHOR_ID = re.compile(r"[A-Za-z0-9_-]+")
PERIOD_TITLE_FIELDS = frozenset({"period", "start", "end", "count"})
DEFAULT_WEEKLY_TITLES = {
    "ko": "Hugging Face 주간 논문 - {period}",
    "en": "Hugging Face Weekly Papers - {period}",
}
DEFAULT_MONTHLY_TITLES = {
    "ko": "Hugging Face 월간 논문 - {period}",
    "en": "Hugging Face Monthly Papers - {period}",
}


@dataclass(frozen=True)
class ApiSettings:
    """How to reach the daily papers API."""

    base_url: str = "https://huggingface.co"
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    max_retry_wait: float = 60.0
    max_total_seconds: float = 300.0
    page_size: int = 100


DEFAULT_SITE_TITLES = {"ko": "Hugging Face 일간 논문", "en": "Hugging Face Daily Papers"}
DEFAULT_MATHJAX_URL = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"


@dataclass(frozen=True)
class SiteSettings:
    """How `digest site` builds the static site."""

    output_dir: Path = Path("_site")
    title: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_SITE_TITLES))
    base_url: str | None = None
    mathjax_url: str | None = DEFAULT_MATHJAX_URL
    feed_entries: int = 20
    recent: int = 10
    cache_dir: Path | None = Path(".digest-cache")
    thumbnails: bool = False  # each digest's lead image in the lists (lazy-loaded)

    def title_for(self, lang: str) -> str:
        return self.title.get(lang) or next(iter(self.title.values()), "Daily Papers")


@dataclass(frozen=True)
class LockSettings:
    """What a run does when another run holds the output folder (cron overlap)."""

    when_busy: str = "wait"  # wait | skip
    timeout: float = 600.0


@dataclass(frozen=True)
class BackfillSettings:
    """How hard `digest backfill` may press the API."""

    concurrency: int = 2
    requests_per_second: float | None = 2.0


@dataclass(frozen=True)
class PeriodSettings:
    """The posts of one kind of roll-up (weekly or monthly)."""

    titles: Mapping[str, str]
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    max_papers: int | None


WEEKLY = PeriodSettings(
    DEFAULT_WEEKLY_TITLES, ("Weekly Papers",), ("huggingface", "papers", "weekly", "ai"), 30
)
MONTHLY = PeriodSettings(
    DEFAULT_MONTHLY_TITLES, ("Monthly Papers",), ("huggingface", "papers", "monthly", "ai"), 50
)


@dataclass(frozen=True)
class Config:
    """Every setting `digest build` uses, validated."""

    output_dir: Path = Path("_posts")
    languages: tuple[str, ...] = ("ko", "en")
    timezone: str = "Asia/Seoul"
    post_time: str = "09:00:00"
    author: str | None = None
    categories: tuple[str, ...] = ("Daily Papers",)
    tags: tuple[str, ...] = ("huggingface", "papers", "daily", "ai")
    titles: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TITLES))
    descriptions: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_DESCRIPTIONS))
    flavour: str = "minima"
    image: bool = False
    pin: bool = False
    max_papers: int | None = None
    min_upvotes: int = 0
    max_authors: int = 5
    permalink: str | None = "/posts/{slug}/"
    templates_dir: Path | None = None
    api: ApiSettings = field(default_factory=ApiSettings)
    lock: LockSettings = field(default_factory=LockSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    # The raw archive; None turns it off (and with it --offline, rebuild and backfill).
    archive_dir: Path | None = Path("_archive/daily_papers")
    backfill: BackfillSettings = field(default_factory=BackfillSettings)
    weekly: PeriodSettings = WEEKLY
    monthly: PeriodSettings = MONTHLY
    source: Path | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def title_for(self, lang: str) -> str:
        return self.titles[lang]

    def description_for(self, lang: str) -> str | None:
        return self.descriptions.get(lang)


# A checker turns a raw YAML value into the setting's value, or raises ValueError with the reason.
Checker = Callable[[Any], Any]


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {_type_name(value)} {value!r}")
    return value


def _optional(checker: Checker) -> Checker:
    def check(value: Any) -> Any:
        return None if value is None else checker(value)

    return check


def _integer(minimum: int, maximum: int | None = None) -> Checker:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {_type_name(value)} {value!r}")
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" to {maximum}" if maximum is not None else " or more"
            raise ValueError(f"expected {minimum}{upper}, got {value}")
        return value

    return check


def _number(minimum: float) -> Checker:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {_type_name(value)} {value!r}")
        if value < minimum:
            raise ValueError(f"expected at least {minimum}, got {value}")
        return float(value)

    return check


def _string_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"expected a list of non-empty strings, got {value!r}")
    return tuple(value)


def _languages(value: Any) -> tuple[str, ...]:
    langs = _string_list(value)
    if not langs:
        raise ValueError("expected at least one language")
    bad = [lang for lang in langs if not re.fullmatch(r"[a-z]{2,3}", lang)]
    if bad:
        raise ValueError(f"language codes are 2-3 lowercase letters (ko, en), got {bad}")
    if len(set(langs)) != len(langs):
        raise ValueError(f"a language is listed twice: {list(langs)}")
    return langs


def _timezone(value: Any) -> str:
    name = _text(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name like Asia/Seoul)") from None
    return name


def _post_time(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 10:30 as the sexagesimal number 630.
        raise ValueError(f'quote the time, e.g. post_time: "{value // 60:02d}:{value % 60:02d}"')
    text = _text(value)
    match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?", text)
    if not match:
        raise ValueError(f"expected HH:MM or HH:MM:SS (24-hour), got {text!r}")
    return text if match.group(3) else f"{text}:00"


def _choice(*allowed: str) -> Checker:
    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {value!r}")
        return value

    return check


def _template_fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid pattern ({exc})") from None


def _titles_with(placeholders: frozenset[str]) -> Checker:
    def check(value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise ValueError(f"expected a mapping of language to text, got {_type_name(value)}")
        titles = {}
        for lang, title in value.items():
            _text(title)
            unknown = _template_fields(title) - placeholders
            if unknown:
                raise ValueError(
                    f"{lang}: unknown placeholder {sorted(unknown)}; use {sorted(placeholders)}"
                )
            titles[str(lang)] = title
        return titles

    return check


_titles = _titles_with(TITLE_FIELDS)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_type_name(value)} {value!r}")
    return value


def _flavour(value: Any) -> str:
    if value not in FLAVOURS:
        raise ValueError(f"expected one of {', '.join(FLAVOURS)}, got {value!r}")
    return str(value)


def _flavour_problems(values: Mapping[str, Any]) -> list[str]:
    """Settings that break the chosen theme's rules (each already valid on its own)."""
    chirpy = values.get("flavour", Config.flavour) == "chirpy"
    problems = []
    if values.get("pin") and not chirpy:
        problems.append("pin: only Chirpy pins posts; set flavour: chirpy or drop pin")
    if not chirpy:
        return problems
    categories = values.get("categories", Config.categories)
    if len(categories) > CHIRPY_MAX_CATEGORIES:
        problems.append(
            f"categories: Chirpy takes at most {CHIRPY_MAX_CATEGORIES} "
            f"(a category and a sub-category), got {list(categories)}"
        )
    author = values.get("author")
    if author and not _CHIRPY_AUTHOR_ID.fullmatch(author):
        problems.append(
            f"author: Chirpy wants an id from _data/authors.yml (letters, digits, _ or -), "
            f"got {author!r}"
        )
    return problems


def _permalink(value: Any) -> str:
    text = _text(value)
    if not text.startswith("/") or _template_fields(text) != {"slug"}:
        raise ValueError(f"expected a path starting with / that contains {{slug}}, got {text!r}")
    return text


def _http_url(value: Any) -> str:
    text = _text(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected an http(s) URL, got {text!r}")
    return text.rstrip("/")


def _script_url(value: Any) -> str:
    """An http(s) URL, or a path from the site's root ("/vendor/mathjax/tex-chtml.js")."""
    text = _text(value)
    if text.startswith("/") and not text.startswith("//"):
        return text
    return _http_url(value)


def _site_titles(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise ValueError(f"expected a mapping of language to title, got {_type_name(value)}")
    return {**DEFAULT_SITE_TITLES, **{str(lang): _text(t) for lang, t in value.items()}}


_SITE_FIELDS: dict[str, Checker] = {
    "output_dir": _text,
    "title": _site_titles,
    "base_url": _optional(_http_url),
    "mathjax_url": _optional(_script_url),
    "feed_entries": _integer(1),
    "recent": _integer(1),
    "cache_dir": _optional(_text),
    "thumbnails": _boolean,
}

_API_FIELDS: dict[str, Checker] = {
    "base_url": _http_url,
    "timeout": _number(0.1),
    "retries": _integer(0, 10),
    "backoff": _number(0),
    "max_retry_wait": _number(0),
    "max_total_seconds": _number(1),
    "page_size": _integer(1, 100),
}

_LOCK_FIELDS: dict[str, Checker] = {
    "when_busy": _choice("wait", "skip"),
    "timeout": _number(0),
}

_BACKFILL_FIELDS: dict[str, Checker] = {
    "concurrency": _integer(1, 16),
    "requests_per_second": _optional(_number(0.01)),
}

_PERIOD_FIELDS: dict[str, Checker] = {
    "title": _titles_with(PERIOD_TITLE_FIELDS),
    "categories": _string_list,
    "tags": _string_list,
    "max_papers": _optional(_integer(1)),
}


def _period_settings(default: PeriodSettings) -> Callable[..., PeriodSettings]:
    def build(**values: Any) -> PeriodSettings:
        titles = {**default.titles, **values.pop("title", {})}
        return replace(default, titles=titles, **values)

    return build


# Nested settings: name -> (its keys, what builds its settings object from the checked values).
_SECTIONS: dict[str, tuple[dict[str, Checker], Callable[..., Any]]] = {
    "api": (_API_FIELDS, ApiSettings),
    "lock": (_LOCK_FIELDS, LockSettings),
    "site": (_SITE_FIELDS, SiteSettings),
    "backfill": (_BACKFILL_FIELDS, BackfillSettings),
    "weekly": (_PERIOD_FIELDS, _period_settings(WEEKLY)),
    "monthly": (_PERIOD_FIELDS, _period_settings(MONTHLY)),
}

_FIELDS: dict[str, Checker] = {
    "output_dir": _text,
    "languages": _languages,
    "timezone": _timezone,
    "post_time": _post_time,
    "author": _optional(_text),
    "categories": _string_list,
    "tags": _string_list,
    "title": _titles,
    "description": _titles,
    "flavour": _flavour,
    "image": _boolean,
    "pin": _boolean,
    "max_papers": _optional(_integer(1)),
    "min_upvotes": _integer(0),
    "max_authors": _integer(1),
    "permalink": _optional(_permalink),
    "templates_dir": _optional(_text),
    "archive_dir": _optional(_text),
    # Sections are checked key by key in _check_sections.
    **{name: (lambda value: value) for name in _SECTIONS},
}


def _check_section(
    raw: Mapping[str, Any], fields: Mapping[str, Checker], prefix: str, problems: list[str]
) -> dict[str, Any]:
    values = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if key not in fields:
            close = difflib.get_close_matches(str(key), list(fields), n=1)
            hint = f" (did you mean '{prefix}{close[0]}'?)" if close else ""
            problems.append(f"{name}: unknown key{hint}")
            continue
        try:
            values[key] = fields[key](value)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    return values


def _check_sections(values: dict[str, Any], problems: list[str]) -> dict[str, dict[str, Any]]:
    sections = {}
    for name, (fields, _) in _SECTIONS.items():
        raw = values.pop(name, {})
        if isinstance(raw, dict):
            sections[name] = _check_section(raw, fields, f"{name}.", problems)
        else:
            problems.append(f"{name}: expected a mapping, got {_type_name(raw)}")
            sections[name] = {}
    return sections


def _read_yaml(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"file not found: {path}"], str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"cannot read: {exc}"], str(path)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"invalid YAML at {where}{reason}"], str(path)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError([f"expected a mapping of settings, got {_type_name(data)}"], str(path))
    return data


def _env_base_url(env: Mapping[str, str], problems: list[str]) -> str | None:
    for name in (ENV_BASE_URL, ENV_HF_ENDPOINT):
        if env.get(name):
            try:
                return _http_url(env[name])
            except ValueError as exc:
                problems.append(f"{name} (environment): {exc}")
    return None


def parse_config(
    raw: Mapping[str, Any], *, source: Path | None = None, env: Mapping[str, str] | None = None
) -> Config:
    """Validate a raw settings mapping; raise ConfigError naming every bad key."""
    env = os.environ if env is None else env
    problems: list[str] = []
    values = _check_section(raw, _FIELDS, "", problems)
    sections = _check_sections(values, problems)
    override = _env_base_url(env, problems)
    if override:
        sections["api"]["base_url"] = override
    titles = {**DEFAULT_TITLES, **values.pop("title", {})}
    descriptions = {**DEFAULT_DESCRIPTIONS, **values.pop("description", {})}
    for lang in values.get("languages", Config.languages):
        if lang not in titles:
            problems.append(f"title.{lang}: no title for language '{lang}'")
    problems.extend(_flavour_problems(values))
    if problems:
        raise ConfigError(problems, str(source) if source else "config")

    base = source.parent if source else Path.cwd()
    if "output_dir" in values:
        values["output_dir"] = base / values["output_dir"]
    else:
        values["output_dir"] = base / Config.output_dir
    if values.get("templates_dir"):
        values["templates_dir"] = base / values["templates_dir"]
    site = sections["site"]
    site["output_dir"] = base / site.get("output_dir", SiteSettings.output_dir)
    cache_dir = site.get("cache_dir", SiteSettings.cache_dir)
    site["cache_dir"] = base / cache_dir if cache_dir else None
    archive_dir = values.pop("archive_dir", Config.archive_dir)
    values["archive_dir"] = base / archive_dir if archive_dir is not None else None
    built = {name: build(**sections[name]) for name, (_, build) in _SECTIONS.items()}
    return Config(**values, **built, titles=titles, descriptions=descriptions, source=source)


def check_period_titles(config: Config, kind: str, languages: Sequence[str]) -> None:
    """Weekly and monthly titles are needed only once such a post is built: name any missing."""
    section = f"{kind}ly"
    titles = getattr(config, section).titles
    missing = [
        f"{section}.title.{lang}: no title for language '{lang}'"
        for lang in languages
        if lang not in titles
    ]
    if missing:
        raise ConfigError(missing, str(config.source) if config.source else "config")


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Load `path`, else ./config.yaml when present, else the defaults."""
    if path is None:
        candidate = Path(DEFAULT_CONFIG_NAME)
        path = candidate if candidate.is_file() else None
    raw = _read_yaml(path) if path is not None else {}
    return parse_config(raw, source=path.resolve() if path else None, env=env)
