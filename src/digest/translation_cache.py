"""The translation cache: every translation kept under the archive, one file per paper, field and
language, named by the hash of what made it (source text, model, prompt version, language).

A cached file is only ever read back by the same key, so a changed abstract, another model or
a new prompt version is a miss and the old file simply stays. Writes go through `write`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from digest import write
from digest.errors import OutputError

log = logging.getLogger(__name__)

FORMAT = 1
CACHE_DIR = "translations"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class CacheKey:
    """What a translation depends on; `name` is its file under the archive folder."""

    paper_id: str
    field: str
    lang: str
    model: str
    prompt_version: str
    source_sha256: str

    @property
    def digest(self) -> str:
        parts = (str(FORMAT), self.source_sha256, self.model, self.prompt_version, self.lang)
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()

    @property
    def name(self) -> str:
        folder = _UNSAFE.sub("_", self.paper_id).lstrip(".") or "_"
        return f"{CACHE_DIR}/{self.lang}/{folder}/{self.field}.{self.digest[:24]}.json"


def cache_key(
    paper_id: str, field: str, source: str, *, lang: str, model: str, prompt_version: str
) -> CacheKey:
    source_sha = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return CacheKey(paper_id, field, lang, model, prompt_version, source_sha)


def _record(key: CacheKey) -> dict[str, object]:
    return {
        "format": FORMAT,
        "paper": key.paper_id,
        "field": key.field,
        "lang": key.lang,
        "model": key.model,
        "prompt_version": key.prompt_version,
        "source_sha256": key.source_sha256,
    }


def read_cached(root: Path, key: CacheKey) -> str | None:
    """The cached translation for `key`, or None (absent, unreadable or not this key's)."""
    try:
        raw = write.read_existing(root, key.name)
    except OutputError as exc:
        log.warning("translation cache: %s; translating again", exc)
        return None
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        log.warning("translation cache: %s is not JSON; translating again", root / key.name)
        return None
    text = data.get("text") if isinstance(data, dict) else None
    # Checked whole: a file of another key (a hash clash, a hand edit) is a miss, not a hit.
    if not isinstance(text, str) or not text or data != {**_record(key), "text": text}:
        return None
    return text


def write_cached(root: Path, key: CacheKey, text: str) -> None:
    """Keep `text` as the translation for `key` (atomically; nothing secret is in it)."""
    body = json.dumps({**_record(key), "text": text}, ensure_ascii=False, indent=1) + "\n"
    write.write_text(root, key.name, body)
