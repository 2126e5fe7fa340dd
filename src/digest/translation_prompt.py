"""Translation prompts: the versioned system message per target language, user file first."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from digest.errors import ConfigError, TemplateError
from digest.templating import default_templates_dir

PROMPTS = "prompts"
_VERSION = re.compile(r"version:\s*(\S+)\s*")


@dataclass(frozen=True)
class Prompt:
    """A system message and the version the cache keys it by."""

    lang: str
    version: str  # the file's version, plus the glossary's digest when there is one
    system: str
    path: Path


def prompt_name(lang: str) -> str:
    return f"{PROMPTS}/translate.{lang}.md"


def load_prompt(lang: str, templates_dir: Path | None, glossary: Path | None = None) -> Prompt:
    """The prompt for `lang`: `templates_dir/prompts/translate.<lang>.md` if there is one, else
    the packaged one; with `glossary`, its terms appended."""
    path = _find(lang, templates_dir)
    try:
        first, _, body = path.read_text(encoding="utf-8").partition("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"cannot read translation prompt {path}: {exc}") from None
    match = _VERSION.fullmatch(first)
    if not match or not body.strip():
        raise TemplateError(f"{path}: the first line must be 'version: <name>', then the prompt")
    version, system = match.group(1), body.strip()
    if glossary is not None:
        terms = read_glossary(glossary)
        if terms:
            listed = "\n".join(f"- {term}" for term in terms)
            system += f"\n\nKeep these terms in English, exactly as written:\n{listed}"
            digest = hashlib.sha256("\n".join(terms).encode("utf-8")).hexdigest()[:12]
            version = f"{version}+glossary-{digest}"
    return Prompt(lang=lang, version=version, system=system, path=path)


def read_glossary(path: Path) -> list[str]:
    """Terms, one a line; blank lines and `#` comments skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"translate.glossary: cannot read {path}: {exc}"]) from None
    terms = (line.split("#", 1)[0].strip() for line in lines)
    return [term for term in terms if term]


def _find(lang: str, templates_dir: Path | None) -> Path:
    searched = [d for d in (templates_dir, default_templates_dir()) if d is not None]
    for folder in searched:
        candidate = folder / prompt_name(lang)
        if candidate.is_file():
            return candidate
    where = ", ".join(str(d / PROMPTS) for d in searched)
    raise TemplateError(f"no translation prompt for '{lang}': add translate.{lang}.md to {where}")
