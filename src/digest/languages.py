"""Languages as data: each language's words (titles, labels, post wording) from
`languages/<lang>.yaml`, read by posts and the site alike. A new language is one such file."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from digest.errors import TemplateError
from digest.templating import searched

FALLBACK = "en"  # the site's words for a language that has no file
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def file_name(lang: str) -> str:
    return f"languages/{lang}.yaml"


@lru_cache(maxsize=64)
def _read(user_dir: Path | None, lang: str) -> Mapping[str, Any] | None:
    """The language's words: the packaged file's, each key overridden by the user's file."""
    words: dict[str, Any] = {}
    found = False
    for folder in reversed(searched(user_dir)):
        path = Path(folder) / file_name(lang)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"{path}: cannot read: {exc}") from None
        try:
            data = yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            raise TemplateError(f"{path}: invalid YAML: {exc}") from None
        if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
            raise TemplateError(f"{path}: expected a mapping of words")
        words.update(data)
        found = True
    return words if found else None


def words(user_dir: Path | None, lang: str) -> Mapping[str, Any]:
    """Every word a post in `lang` needs; a language without a file is an error."""
    found = _read(user_dir, lang)
    if found is None:
        where = ", ".join(searched(user_dir))
        raise TemplateError(
            f"no words for language '{lang}': add {file_name(lang)} (see templates/README.md) "
            f"to one of: {where}"
        )
    return found


def site_words(user_dir: Path | None, lang: str) -> dict[str, Any]:
    """The words of the site's pages: the language's over English's (hand-written posts may be
    in a language digest has no file for)."""
    fallback = _read(user_dir, FALLBACK) or {}
    return {**fallback, **(_read(user_dir, lang) or {})}


def name(user_dir: Path | None, lang: str) -> str:
    """The language's own name (`English`, `한국어`), for links between versions."""
    found = _read(user_dir, lang) or {}
    return str(found.get("name") or lang)
