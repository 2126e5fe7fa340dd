"""The `affiliations:` settings: their defaults, their checks, and the environment overrides."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit

from digest.errors import ConfigError

SOURCES = ("hf", "arxiv", "openalex")
INIT_SOURCES = ("hf", "arxiv")  # what `digest init` writes: a new blog gets them at once
ENV_ARXIV_BASE_URL = "DIGEST_ARXIV_BASE_URL"
ENV_OPENALEX_BASE_URL = "DIGEST_OPENALEX_BASE_URL"
SECTION = "affiliations"


@dataclass(frozen=True)
class AffiliationSettings:
    """Where affiliations come from, in order, and how many a post shows."""

    sources: tuple[str, ...] = ("hf",)
    arxiv_base_url: str = "https://arxiv.org"
    openalex_base_url: str = "https://api.openalex.org"
    max_shown: int = 3
    requests_per_second: float = 1.0

    @property
    def asks_network(self) -> bool:
        """Whether any source needs a request (`sources: [hf]` makes none)."""
        return any(source != "hf" for source in self.sources)


def check_affiliation_settings(raw: Any) -> list[str]:
    """Every problem in the raw `affiliations:` mapping, as `affiliations.key: reason`."""
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        return [f"{SECTION}: expected a mapping, got {_type_name(raw)}"]
    problems = []
    known = [field.name for field in fields(AffiliationSettings)]
    for key, value in raw.items():
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean '{SECTION}.{close[0]}'?)" if close else ""
            problems.append(f"{SECTION}.{key}: unknown key{hint}")
            continue
        reason = _CHECKS[key](value)
        if reason:
            problems.append(f"{SECTION}.{key}: {reason}")
    return problems


def affiliation_settings(
    raw: Any, env: Mapping[str, str], source: str = "config"
) -> AffiliationSettings:
    """The settings from a checked raw mapping and the environment; ConfigError otherwise."""
    problems = check_affiliation_settings(raw)
    overrides = {}
    for name, key in (
        (ENV_ARXIV_BASE_URL, "arxiv_base_url"),
        (ENV_OPENALEX_BASE_URL, "openalex_base_url"),
    ):
        if env.get(name):
            reason = _url(env[name])
            if reason:
                problems.append(f"{name} (environment): {reason}")
            overrides[key] = env[name]
    if problems:
        raise ConfigError(problems, source)
    values = {**(raw or {}), **overrides}
    if "sources" in values:
        values["sources"] = tuple(values["sources"])
    for key in ("arxiv_base_url", "openalex_base_url"):
        if key in values:
            values[key] = values[key].rstrip("/")
    if "requests_per_second" in values:
        values["requests_per_second"] = float(values["requests_per_second"])
    return replace(AffiliationSettings(), **values)


def _sources(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return f"expected a list of source names ({', '.join(SOURCES)}), got {value!r}"
    unknown = [item for item in value if item not in SOURCES]
    if unknown:
        return f"unknown source {unknown[0]!r} (expected some of {', '.join(SOURCES)})"
    if len(set(value)) != len(value):
        return f"a source is listed twice: {value}"
    return None


def _url(value: Any) -> str | None:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return f"expected an http(s) URL, got {value!r}"
    return None


def _max_shown(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"expected a whole number, got {_type_name(value)} {value!r}"
    return None if 1 <= value <= 20 else f"expected 1 to 20, got {value}"


def _rate(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"expected a number, got {_type_name(value)} {value!r}"
    # arXiv asks robots for gentle crawling: more than a few a second is refused here.
    return None if 0 < value <= 5 else f"expected more than 0 and at most 5, got {value}"


_CHECKS = {
    "sources": _sources,
    "arxiv_base_url": _url,
    "openalex_base_url": _url,
    "max_shown": _max_shown,
    "requests_per_second": _rate,
}


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__
