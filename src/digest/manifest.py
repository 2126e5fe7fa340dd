"""The one manifest convention: what a re-run may skip, as one JSON file per output folder,

    {"format": 2, "signature": "<what every entry depends on>",
     "<section>": {"<key>": <entry>, …}, …}

one entry per line (a small diff when the folder is kept in git). A manifest that is missing,
broken, of another format or made with another signature reads as empty: redo everything."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from digest import write

FORMAT = 2
# One encoder each, made once: json.dumps makes one a call for any argument not its default.
_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_UNSORTED = json.JSONEncoder(ensure_ascii=False).encode


class Encoded(bytes):
    """An entry already in the manifest's JSON (`encode`): made where its data was, on a
    worker's core, rather than all at once as the manifest is saved."""


def encode(value: Any) -> Encoded:
    """`value` as `save` writes an entry: keys sorted, UTF-8 (`Encoded` already: as it is)."""
    if isinstance(value, Encoded):
        return value
    return Encoded(_SORTED(value).encode("utf-8"))


def encode_list(*items: Any) -> Encoded:
    """`encode(list(items))`, where an item may be `Encoded` already (the encoders' own item
    separator between them)."""
    return Encoded(b"[" + b", ".join(map(encode, items)) + b"]")


def read(folder: Path | None, name: str, signature: str, sections: Sequence[str]) -> list[dict]:
    """Each of `sections` (mappings of key to entry) as last written with `signature`."""
    text = write.read_existing(folder, name) if folder else None
    try:
        data = json.loads(text) if text is not None else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or (data.get("format"), data.get("signature")) != (
        FORMAT,
        signature,
    ):
        return [{} for _ in sections]
    found = [data.get(section) for section in sections]
    return [dict(entries) if isinstance(entries, dict) else {} for entries in found]


def save(
    folder: Path,
    name: str,
    signature: str,
    sections: Mapping[str, Mapping[str, Any]],
    *,
    durable: bool = True,
) -> None:
    """Write the manifest (atomically, through `write`). Each entry is made (`entries[key]`)
    and encoded in turn (unless it is `Encoded` already), so a lazy mapping never holds all
    its entries at once; the file is built as UTF-8 bytes, not as a str (a str with one
    Korean title takes 2 bytes a character)."""
    pieces = [b'{\n  "format": %d,\n  "signature": ' % FORMAT, _json(signature)]
    for section, entries in sections.items():
        pieces.append(b",\n  " + _json(section) + b": {")
        for i, key in enumerate(sorted(entries)):
            row = _json(key) + b": " + encode(entries[key])
            pieces.append((b"\n    " if i == 0 else b",\n    ") + row)
        pieces.append(b"\n  }" if entries else b"}")
    pieces.append(b"\n}\n")
    write.write_bytes(folder, name, b"".join(pieces), durable=durable)


def _json(value: Any) -> bytes:
    return _UNSORTED(value).encode("utf-8")
