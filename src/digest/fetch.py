"""The network: the only module that talks HTTP, to the Hugging Face daily papers API."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from digest import http
from digest._version import __version__
from digest.config import ApiSettings
from digest.errors import ResponseTooLarge, ResponseTooSlow, UpstreamInvalid, UpstreamUnavailable
from digest.http import where as _where
from digest.payload import parse_payload

log = logging.getLogger(__name__)

ENDPOINT = "/api/daily_papers"
USER_AGENT = f"digest/{__version__} (Hugging Face daily papers to Jekyll; python-requests)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
MAX_PAGES = 100
# A real day of exactly 50 items hints that the server may cap pages at 50 whatever `limit`
# says; a page that size is never taken as the last one.
SERVER_PAGE_CAP = 50
# A week's or a month's answer holds its days' papers: `api.max_items` is per day.
PERIOD_DAYS = {"week": 7, "month": 31}
_TRANSIENT = (
    ResponseTooSlow,
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


@dataclass(frozen=True)
class Fetched:
    """One query's items, validated in shape, with when the server answered."""

    items: list[dict[str, Any]]
    fetched_at: datetime
    bodies: list[bytes] = field(default_factory=list)


def fetch_day(day: date, api: ApiSettings, session: requests.Session | None = None) -> Fetched:
    """Every item the API lists for `day`, across pages."""
    return fetch_papers({"date": day.isoformat()}, api, session)


def fetch_papers(
    query: dict[str, str], api: ApiSettings, session: requests.Session | None = None
) -> Fetched:
    """Page through the API for `query` until a short page, an empty one, or no new papers."""
    own_session = session is None
    session = session or new_session()
    try:
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        bodies: list[bytes] = []
        fetched_at: datetime | None = None
        deadline = time.monotonic() + api.max_total_seconds
        cap = api.max_items * next((n for key, n in PERIOD_DAYS.items() if key in query), 1)
        for page in range(MAX_PAGES):
            params = {**query, "limit": str(api.page_size), "p": str(page)}
            response = _get(session, api.base_url + ENDPOINT, params, api, deadline)
            fetched_at = fetched_at or _server_time(response)
            bodies.append(response.body)
            batch = parse_payload(response.body, response.url)
            fresh = [item for item in batch if item["paper"]["id"] not in seen]
            seen.update(item["paper"]["id"] for item in fresh)
            items.extend(fresh)
            if len(items) > cap:
                raise UpstreamInvalid(
                    f"{_where(response.url)} lists more than {cap:,} papers for "
                    f"{', '.join(query.values())} (api.max_items); not trusting it"
                )
            # An API that ignores `p` repeats page 0 forever: stop when nothing is new.
            if not fresh or len(batch) < min(api.page_size, SERVER_PAGE_CAP):
                break
        log.debug("fetched %d items in %d page(s)", len(items), len(bodies))
        return Fetched(items=items, fetched_at=fetched_at or _now(), bodies=bodies)
    finally:
        if own_session:
            session.close()


def new_session(
    gate: Callable[[], AbstractContextManager[object]] | None = None,
) -> requests.Session:
    """A session that names the tool; with `gate`, every request is sent inside it."""
    session = GatedSession(gate) if gate else requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    # Proxies and .netrc from the environment are fine; nothing else should change our requests.
    return session


class GatedSession(requests.Session):
    """Sends each request (retries and redirects included) inside `gate()`, a context that
    threads share to bound requests in flight and space them out. Entering the gate may raise
    to stop a request from being sent at all."""

    def __init__(self, gate: Callable[[], AbstractContextManager[object]]) -> None:
        super().__init__()
        self._gate = gate

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        with self._gate():  # the body is read inside: the request is in flight until then
            return super().send(request, **kwargs)


def _get(
    session: requests.Session,
    url: str,
    params: dict[str, str],
    api: ApiSettings,
    deadline: float,
) -> http.Answer:
    """GET with bounded retries on transient failures, following same-host redirects only.

    Bounded twice: at most `api.retries` retries, and never past `deadline` (monotonic time).
    """
    attempt = 0
    while True:
        retry_after: float | None = None
        try:
            response = _get_following_redirects(session, url, params, api, deadline)
        except _TRANSIENT as exc:
            problem = _describe_exception(exc, api)
        else:
            if response.status == 200:
                return response
            problem = f"HTTP {response.status}"
            if response.status not in RETRY_STATUSES:
                raise UpstreamUnavailable(f"{_where(url)} answered {problem}; not retrying")
            retry_after = http.retry_after(response.headers.get("Retry-After"))
        if attempt >= api.retries:
            tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
            raise UpstreamUnavailable(f"{_where(url)} failed after {tries}: {problem}")
        wait = max(api.backoff * 2**attempt, retry_after or 0.0)
        if wait > api.max_retry_wait:
            raise UpstreamUnavailable(
                f"{_where(url)} {problem} and asks to wait {wait:.0f}s, "
                f"more than api.max_retry_wait ({api.max_retry_wait:.0f}s)"
            )
        if time.monotonic() + wait >= deadline:
            raise UpstreamUnavailable(
                f"{_where(url)} {problem}; gave up after {attempt + 1} attempts, "
                f"api.max_total_seconds ({api.max_total_seconds:.0f}s) would be exceeded"
            )
        log.warning(
            "%s: %s; retrying in %.1fs (%d/%d)",
            _where(url),
            problem,
            wait,
            attempt + 1,
            api.retries,
        )
        time.sleep(wait)
        attempt += 1


def _get_following_redirects(
    session: requests.Session,
    url: str,
    params: dict[str, str] | None,
    api: ApiSettings,
    deadline: float,
) -> http.Answer:
    """One attempt: done within `api.timeout` (and by `deadline`), redirects included."""
    origin = urlsplit(url)[:2]
    attempt_deadline = min(time.monotonic() + api.timeout, deadline)
    # Only ever sent to the configured host: a redirect elsewhere is refused below.
    token = os.environ.get(api.token_env) if api.token_env else None
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for _ in range(MAX_REDIRECTS + 1):
        try:
            response = http.request(
                session,
                "GET",
                url,
                params=params,
                headers=headers,
                deadline=attempt_deadline,
                max_bytes=api.max_response_bytes,
                timeout=api.timeout,
            )
        except ResponseTooLarge as exc:
            raise ResponseTooLarge(f"{exc} (api.max_response_bytes); not trusting it") from None
        if response.status not in REDIRECT_STATUSES:
            return response
        target = urljoin(response.url, response.headers.get("Location", ""))
        # Following a redirect off the configured host would trust data we never asked for.
        if urlsplit(target)[:2] != origin:
            raise UpstreamInvalid(f"{_where(url)} redirected to another host: {_where(target)}")
        url, params = target, None
    raise UpstreamInvalid(f"{_where(url)} redirected more than {MAX_REDIRECTS} times")


def _server_time(response: http.Answer) -> datetime | None:
    """When the server answered (its Date header): the moment the upvotes were counted."""
    try:
        when = parsedate_to_datetime(response.headers.get("Date", ""))
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _describe_exception(exc: Exception, api: ApiSettings) -> str:
    if isinstance(exc, ResponseTooSlow):
        return f"timed out, no complete answer within {api.timeout:g}s (api.timeout)"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection broke while reading the answer"
    text = str(exc)
    if "Connection refused" in text:
        return "connection refused"
    if "resolve" in text or "Name or service not known" in text:
        return "cannot resolve the host name"
    if "reset" in text.lower() or "aborted" in text.lower():
        return "connection reset"
    return f"connection failed ({type(exc).__name__})"


def _now() -> datetime:
    return datetime.now(timezone.utc)
