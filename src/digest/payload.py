"""Decoding an API body: the check that a response is a daily papers list. Pure, no network.

Shared by `fetch` (answers as they arrive) and `archive` (the same bytes read back from disk),
so an offline build trusts exactly what an online one would.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from digest.errors import UpstreamInvalid


def parse_payload(body: bytes, url: str = "the API") -> list[dict[str, Any]]:
    """Decode a daily papers body: a JSON list of objects that each have a `paper.id`."""
    where = _where(url)
    if body.lstrip()[:1] == b"<":
        raise UpstreamInvalid(f"{where} answered with an HTML page, not JSON")
    try:
        data = json.loads(body.decode("utf-8"))
    except RecursionError:
        raise UpstreamInvalid(f"{where} answered with JSON nested too deeply to read") from None
    except UnicodeDecodeError as exc:
        raise UpstreamInvalid(f"{where} answered with text that is not UTF-8: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UpstreamInvalid(
            f"{where} answered with invalid JSON ({exc.msg} at line {exc.lineno} "
            f"column {exc.colno}; {len(body)} bytes)"
        ) from None
    if not isinstance(data, list):
        raise UpstreamInvalid(f"{where} answered with a JSON {_json_type(data)}, expected a list")
    for index, item in enumerate(data):
        paper = item.get("paper") if isinstance(item, dict) else None
        if not isinstance(paper, dict):
            raise UpstreamInvalid(f"{where}: item {index} has no 'paper' object")
        paper_id = paper.get("id")
        if not isinstance(paper_id, str) or not paper_id.strip():
            raise UpstreamInvalid(f"{where}: item {index} has no 'paper.id' string")
    return data


def _json_type(value: object) -> str:
    names = {dict: "object", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _where(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme:
        return url  # a file of the archive, or "the API"
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
