"""OpenAlex: the only module that talks to api.openalex.org, for a paper's institutions."""

from __future__ import annotations

import json
import re
from typing import Any

from digest import httpget
from digest.lookup import ARXIV_ID, FAILED, FOUND, MISSING, NONE, UNREADABLE, Lookup

MAX_BYTES = 2 * 1024 * 1024  # a work with hundreds of authors is still well under this
# Only what is used: a whole work record carries its references and more.
SELECT = "id,doi,display_name,authorships"
# OpenAlex tells same-named institutions apart by a country or city in parentheses at the end.
_QUALIFIER = re.compile(r"\s*\([^()]*\)$")


class OpenAlexClient(httpget.Client):
    """Reads `{base_url}/works/doi:10.48550/arXiv.{id}`; safe to share between threads."""

    accept = "application/json"

    def institutions(self, arxiv_id: str) -> Lookup:
        """The ROR-matched institutions OpenAlex lists for `arxiv_id`; never raises."""
        if not ARXIV_ID.fullmatch(arxiv_id):
            return Lookup(FAILED, reason="not a new-style arXiv id")
        url = f"{self.base_url}/works/doi:{doi(arxiv_id)}?select={SELECT}"
        try:
            answer = self._get(url, max_bytes=MAX_BYTES)
        except httpget.Failed as exc:
            return Lookup(FAILED, reason=str(exc))
        if answer.status == 404:
            return Lookup(MISSING, reason="not in OpenAlex yet (404)")
        if answer.status != 200:
            return Lookup(FAILED, reason=f"HTTP {answer.status}")
        if not answer.complete:
            return Lookup(UNREADABLE, reason=f"answer over {MAX_BYTES} bytes")
        return institutions_in(answer.body, arxiv_id)


def doi(arxiv_id: str) -> str:
    """arXiv's DataCite DOI for a paper, the key OpenAlex files it under."""
    return f"10.48550/arXiv.{arxiv_id}"


def institutions_in(body: bytes, arxiv_id: str) -> Lookup:
    """`authorships[].institutions[].display_name` of a work, deduplicated, in order."""
    try:
        work = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Lookup(UNREADABLE, reason="not JSON")
    if not isinstance(work, dict):
        return Lookup(UNREADABLE, reason="not a work")
    if not _is_work_of(work, arxiv_id):
        return Lookup(FAILED, reason="the answer is another work")
    names: list[str] = []
    seen: set[str] = set()
    for institution in _institutions(work):
        name = institution.get("display_name")
        if isinstance(name, str) and _plain(name):
            name = _plain(name)
            if name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
    if not names:
        return Lookup(NONE, reason="no institution listed")
    return Lookup(FOUND, tuple(names))


def _plain(name: str) -> str:
    """The name without OpenAlex's trailing "(China)", "(United States)" or "(Guangzhou)":
    a post shows institutions only, never their countries or cities."""
    name = " ".join(name.split())
    return _QUALIFIER.sub("", name) or name


def _institutions(work: dict[str, Any]) -> list[dict[str, Any]]:
    authorships = work.get("authorships")
    found = []
    for authorship in authorships if isinstance(authorships, list) else []:
        listed = authorship.get("institutions") if isinstance(authorship, dict) else None
        found.extend(item for item in listed or [] if isinstance(item, dict))
    return found


def _is_work_of(work: dict[str, Any], arxiv_id: str) -> bool:
    """OpenAlex answers with `doi` as a lowercased https://doi.org/ URL."""
    ids = work.get("ids") if isinstance(work.get("ids"), dict) else {}
    listed = [work.get("doi"), ids.get("doi")]
    wanted = f"https://doi.org/{doi(arxiv_id)}".casefold()
    return any(isinstance(value, str) and value.casefold() == wanted for value in listed)
