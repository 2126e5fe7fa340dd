"""Fingerprints: one SHA-256 of anything an output is made from, so an unchanged input can be
told from a changed one (archive records, rebuild inputs, site pages). Pure."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any


class Fingerprints:
    """Fingerprints of values made of str, numbers, dates, paths, bytes, lists, mappings and
    dataclasses. A callable is refused, never skipped: what it captures would be unseen, and a
    page made from it could go stale silently (make it a dataclass with `__call__`).

    One instance memoises each dataclass object's part, for many contexts sharing posts."""

    def __init__(self) -> None:
        self.memo: dict[int, tuple[Any, str]] = {}

    def __call__(self, *parts: Any) -> str:
        text = json.dumps(self.canonical(list(parts)), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def canonical(self, value: Any) -> Any:
        """A JSON-able form of `value` that differs whenever `value` does."""
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            # Keyed by id() while the object is held in the memo (it cannot be reused meanwhile).
            kept = self.memo.get(id(value))
            if kept is None or kept[0] is not value:
                data = {f.name: self.canonical(getattr(value, f.name)) for f in _fields(value)}
                kept = (value, self(type(value).__name__, data))
                self.memo[id(value)] = kept
            return kept[1]
        if isinstance(value, Mapping):
            return {str(k): self.canonical(v) for k, v in value.items()}
        if isinstance(value, (list, tuple, frozenset, set)):
            items = [self.canonical(v) for v in value]
            return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
        return leaf(value)


def leaf(value: Any) -> Any:
    """The JSON-able form of a value that holds no other values (times, paths, bytes, the
    rest by repr); a callable is refused: what it captures is unseen."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if callable(value):
        raise TypeError(f"cannot fingerprint {value!r}: what it captures is unseen")
    return repr(value)


def _fields(value: Any) -> list[dataclasses.Field[Any]]:
    # Fields marked `fingerprint=False` stand for data already fingerprinted another way (a
    # post's body by its hash).
    return [f for f in dataclasses.fields(value) if f.metadata.get("fingerprint", True)]


def fingerprint(*parts: Any) -> str:
    """The fingerprint of `parts`, together."""
    return Fingerprints()(*parts)


def of_files(folders: Iterable[Path], suffixes: tuple[str, ...]) -> str:
    """The fingerprint of every file with one of `suffixes` under `folders`: names and bytes."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in suffixes:
                digest.update(f"{path.relative_to(folder)}\0".encode() + path.read_bytes())
    return digest.hexdigest()
