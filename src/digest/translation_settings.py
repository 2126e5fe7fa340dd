"""Translation settings: the `translate:` section of config.yaml, its defaults and its checks."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The checkers are config's own, so a `translate.` problem reads like every other config problem.
from digest.config import (
    Checker,
    _boolean,
    _check_section,
    _http_url,
    _integer,
    _languages,
    _number,
    _optional,
    _string_list,
    _text,
    _type_name,
)
from digest.errors import ConfigError

ENV_BASE_URL = "DIGEST_TRANSLATE_BASE_URL"
SECTION = "translate"
# Config names are the API's (`summary` is the abstract); the values are `Paper` attributes.
PAPER_ATTRIBUTES = {"ai_summary": "ai_summary", "summary": "abstract"}
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# What keys look like (GitHub tokens, OpenAI keys): a value like this is a key pasted in by mistake.
_KEY_LIKE = re.compile(r"(?:gh[pousr]_|github_pat_|sk-)", re.I)


@dataclass(frozen=True)
class TranslateSettings:
    """How TL;DRs and abstracts are translated for the non-English posts."""

    enabled: bool = False
    base_url: str = "https://models.github.ai/inference"
    model: str = "openai/gpt-4.1-mini"
    api_key_env: str = "GITHUB_TOKEN"  # the NAME of the variable holding the key, never the key
    languages: tuple[str, ...] = ("ko",)
    fields: tuple[str, ...] = ("ai_summary", "summary")
    max_papers: int | None = None
    max_calls: int | None = None
    concurrency: int = 4
    requests_per_second: float | None = None
    timeout: float = 60.0
    retries: int = 3
    max_total_seconds: float = 600.0
    glossary: Path | None = None
    required: bool = False


def _api_key_env(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected the name of an environment variable, got {_type_name(value)}")
    # Never repeat the value: it may be the key itself.
    if _KEY_LIKE.match(value):
        raise ValueError(
            "this looks like a key, not a variable name: put the key in an environment "
            "variable and write its NAME here (e.g. GITHUB_TOKEN)"
        )
    if not _ENV_NAME.fullmatch(value):
        raise ValueError("expected an environment variable name (letters, digits, _)")
    return value


def _target_languages(value: Any) -> tuple[str, ...]:
    langs = _languages(value)
    if "en" in langs:
        raise ValueError("English posts are the source; list only the languages to translate to")
    return langs


def _fields(value: Any) -> tuple[str, ...]:
    names = _string_list(value)
    unknown = [name for name in names if name not in PAPER_ATTRIBUTES]
    if unknown or not names or len(set(names)) != len(names):
        raise ValueError(f"expected some of {', '.join(PAPER_ATTRIBUTES)} once each, got {names}")
    return names


TRANSLATE_FIELDS: dict[str, Checker] = {
    "enabled": _boolean,
    "base_url": _http_url,
    "model": _text,
    "api_key_env": _api_key_env,
    "languages": _target_languages,
    "fields": _fields,
    "max_papers": _optional(_integer(1)),
    "max_calls": _optional(_integer(0)),
    "concurrency": _integer(1, 16),
    "requests_per_second": _optional(_number(0.001)),
    "timeout": _number(0.1),
    "retries": _integer(0, 10),
    "max_total_seconds": _number(1),
    "glossary": _optional(_text),
    "required": _boolean,
}


def _checked(raw: Any, problems: list[str]) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(f"{SECTION}: expected a mapping, got {_type_name(raw)}")
        return {}
    return _check_section(raw, TRANSLATE_FIELDS, f"{SECTION}.", problems)


def check_translate_settings(raw: dict) -> list[str]:
    """Every problem of a raw `translate:` section, as `key: reason` lines (none: it is fine)."""
    problems: list[str] = []
    _checked(raw, problems)
    return problems


def translate_settings(
    raw: Any, *, base: Path | None = None, env: Mapping[str, str] | None = None
) -> TranslateSettings:
    """Settings from a raw `translate:` section; `DIGEST_TRANSLATE_BASE_URL` overrides
    `base_url`, a relative `glossary` is read from `base` (the config file's folder)."""
    env = os.environ if env is None else env
    problems: list[str] = []
    values = _checked(raw, problems)
    if env.get(ENV_BASE_URL):
        try:
            values["base_url"] = _http_url(env[ENV_BASE_URL])
        except ValueError as exc:
            problems.append(f"{ENV_BASE_URL} (environment): {exc}")
    if problems:
        raise ConfigError(problems)
    if values.get("glossary"):
        values["glossary"] = (base or Path.cwd()) / values["glossary"]
    return TranslateSettings(**values)
