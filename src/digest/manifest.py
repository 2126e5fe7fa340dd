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
    """Write the manifest (atomically, through `write`)."""
    parts = [f'  "format": {FORMAT}', f'  "signature": {json.dumps(signature)}']
    for section, entries in sections.items():
        rows = ",\n".join(
            f"    {json.dumps(key, ensure_ascii=False)}: "
            f"{json.dumps(entries[key], sort_keys=True, ensure_ascii=False)}"
            for key in sorted(entries)
        )
        parts.append(
            f"  {json.dumps(section)}: {{\n{rows}\n  }}" if rows else f'  "{section}": {{}}'
        )
    write.write_text(folder, name, "{\n" + ",\n".join(parts) + "\n}\n", durable=durable)
