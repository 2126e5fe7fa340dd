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
    page_size: int = 100


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
    max_papers: int | None = None
    min_upvotes: int = 0
    max_authors: int = 5
    permalink: str | None = "/posts/{slug}/"
    templates_dir: Path | None = None
    api: ApiSettings = field(default_factory=ApiSettings)
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


def _template_fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid pattern ({exc})") from None


def _titles_with(placeholders: frozenset[str]) -> Checker:
    def check(value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise ValueError(f"expected a mapping of language to title, got {_type_name(value)}")
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


_API_FIELDS: dict[str, Checker] = {
    "base_url": _http_url,
    "timeout": _number(0.1),
    "retries": _integer(0, 10),
    "backoff": _number(0),
    "max_retry_wait": _number(0),
    "page_size": _integer(1, 100),
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

# Nested sections, checked key by key; each becomes its own settings object.
_SECTIONS: dict[str, dict[str, Checker]] = {
    "api": _API_FIELDS,
    "backfill": _BACKFILL_FIELDS,
    "weekly": _PERIOD_FIELDS,
    "monthly": _PERIOD_FIELDS,
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
    "max_papers": _optional(_integer(1)),
    "min_upvotes": _integer(0),
    "max_authors": _integer(1),
    "permalink": _optional(_permalink),
    "templates_dir": _optional(_text),
    "archive_dir": _optional(_text),
    **{name: lambda value: value for name in _SECTIONS},  # checked key by key below
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
    sections = {}
    for name, fields in _SECTIONS.items():
        section_raw = values.pop(name, {})
        if isinstance(section_raw, dict):
            sections[name] = _check_section(section_raw, fields, f"{name}.", problems)
        else:
            problems.append(f"{name}: expected a mapping, got {_type_name(section_raw)}")
            sections[name] = {}
    api_values = sections["api"]
    override = _env_base_url(env, problems)
    if override:
        api_values["base_url"] = override
    titles = {**DEFAULT_TITLES, **values.pop("title", {})}
    for lang in values.get("languages", Config.languages):
        if lang not in titles:
            problems.append(f"title.{lang}: no title for language '{lang}'")
    if problems:
        raise ConfigError(problems, str(source) if source else "config")

    base = source.parent if source else Path.cwd()
    if "output_dir" in values:
        values["output_dir"] = base / values["output_dir"]
    else:
        values["output_dir"] = base / Config.output_dir
    if values.get("templates_dir"):
        values["templates_dir"] = base / values["templates_dir"]
    archive_dir = values.pop("archive_dir", Config.archive_dir)
    return Config(
        **values,
        titles=titles,
        api=ApiSettings(**api_values),
        archive_dir=base / archive_dir if archive_dir is not None else None,
        backfill=BackfillSettings(**sections["backfill"]),
        weekly=_period_settings(WEEKLY, sections["weekly"]),
        monthly=_period_settings(MONTHLY, sections["monthly"]),
        source=source,
    )


def _period_settings(default: PeriodSettings, values: dict[str, Any]) -> PeriodSettings:
    titles = {**default.titles, **values.pop("title", {})}
    return replace(default, titles=titles, **values)


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
