"""How a setting is declared (its default, its checker, its doc line, in one place) and the
checkers: each turns a raw YAML value into the setting's value or raises ValueError."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator
from dataclasses import MISSING, Field, field, fields
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# A checker turns a raw YAML value into the setting's value, or raises ValueError with why.
Checker = Callable[[Any], Any]


def type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def nonempty(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {type_name(value)} {value!r}")
    return value


def optional(checker: Checker) -> Checker:
    def check(value: Any) -> Any:
        return None if value is None else checker(value)

    return check


def integer(minimum: int, maximum: int | None = None) -> Checker:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {type_name(value)} {value!r}")
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" to {maximum}" if maximum is not None else " or more"
            raise ValueError(f"expected {minimum}{upper}, got {value}")
        return value

    return check


def number(minimum: float, maximum: float | None = None) -> Checker:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {type_name(value)} {value!r}")
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" and at most {maximum}" if maximum is not None else ""
            raise ValueError(f"expected at least {minimum}{upper}, got {value}")
        return float(value)

    return check


def string_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"expected a list of non-empty strings, got {value!r}")
    return tuple(value)


def languages(value: Any) -> tuple[str, ...]:
    langs = string_list(value)
    if not langs:
        raise ValueError("expected at least one language")
    bad = [lang for lang in langs if not re.fullmatch(r"[a-z]{2,3}", lang)]
    if bad:
        raise ValueError(f"language codes are 2-3 lowercase letters (ko, en), got {bad}")
    if len(set(langs)) != len(langs):
        raise ValueError(f"a language is listed twice: {list(langs)}")
    return langs


def timezone(value: Any) -> str:
    name = nonempty(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        raise ValueError(f"unknown time zone {name!r} (use an IANA name like Asia/Seoul)") from None
    return name


def post_time(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 10:30 as the sexagesimal number 630.
        raise ValueError(f'quote the time, e.g. post_time: "{value // 60:02d}:{value % 60:02d}"')
    text = nonempty(value)
    match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?", text)
    if not match:
        raise ValueError(f"expected HH:MM or HH:MM:SS (24-hour), got {text!r}")
    return text if match.group(3) else f"{text}:00"


def some_of(*allowed: str) -> Checker:
    """A list of names from `allowed`, in the order given, none twice."""

    def check(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(f"expected a list of some of {', '.join(allowed)}, got {value!r}")
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise ValueError(f"unknown {unknown[0]!r} (expected some of {', '.join(allowed)})")
        if len(set(value)) != len(value):
            raise ValueError(f"a name is listed twice: {value}")
        return tuple(value)

    return check


def choice(*allowed: str) -> Checker:
    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {value!r}")
        return value

    return check


def template_fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid pattern ({exc})") from None


def titles_with(placeholders: frozenset[str]) -> Checker:
    def check(value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise ValueError(f"expected a mapping of language to text, got {type_name(value)}")
        titles = {}
        for lang, title in value.items():
            nonempty(title)
            unknown = template_fields(title) - placeholders
            if unknown:
                raise ValueError(
                    f"{lang}: unknown placeholder {sorted(unknown)}; use {sorted(placeholders)}"
                )
            titles[str(lang)] = title
        return titles

    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {type_name(value)} {value!r}")
    return value


def permalink(value: Any) -> str:
    text = nonempty(value)
    if not text.startswith("/") or template_fields(text) != {"slug"}:
        raise ValueError(f"expected a path starting with / that contains {{slug}}, got {text!r}")
    return text


def http_url(value: Any) -> str:
    text = nonempty(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected an http(s) URL, got {text!r}")
    return text.rstrip("/")


def script_url(value: Any) -> str:
    """An http(s) URL, or a path from the site's root ("/vendor/mathjax/tex-chtml.js")."""
    text = nonempty(value)
    if text.startswith("/") and not text.startswith("//"):
        return text
    return http_url(value)


# How much of a bad value an error line may quote.
QUOTE_LIMIT = 100


def clip(text: str) -> str:
    """An error's text, cut so that it quotes at most ~QUOTE_LIMIT characters of a value."""
    if len(text) <= QUOTE_LIMIT + 60:
        return text
    return f"{text[: QUOTE_LIMIT + 40]}… ({len(text):,} characters in all)"


def setting(
    default: Any, check: Checker, doc: str, *, key: str | None = None, path: bool = False
) -> Any:
    """A dataclass field that is a setting: `key` is its name in config.yaml when it differs
    from the attribute's; `path`: relative to the config file's folder."""
    meta = {"check": check, "doc": doc, "key": key, "path": path}
    if isinstance(default, (dict, list, set)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


def section(kind: type, doc: str) -> Any:
    """A dataclass field that is a section of settings (`api:`, `site:` …) of type `kind`."""
    return field(default_factory=kind, metadata={"section": kind, "doc": doc})


def key_of(item: Field[Any]) -> str:
    return item.metadata.get("key") or item.name


def default_of(item: Field[Any]) -> Any:
    if item.default is not MISSING:
        return item.default
    assert item.default_factory is not MISSING
    return item.default_factory()


def declared(kind: type, prefix: str = "") -> Iterator[tuple[str, Field[Any]]]:
    """Every setting and section of the settings class `kind`, as (dotted key, its field), a
    section before its settings: what config.yaml and docs/configuration.md are held to."""
    for item in fields(kind):
        if item.metadata:
            key = prefix + key_of(item)
            yield key, item
            if "section" in item.metadata:
                yield from declared(item.metadata["section"], key + ".")
