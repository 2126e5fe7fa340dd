"""Bounded GETs for the enrichment services: a shared rate limit, a deadline and a byte limit.

A stand-in for the shared bounded-HTTP helper being built in another branch; `arxiv` and
`openalex` use only `RateLimiter`, `get` and `Failed`, so swapping it is local to them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from digest import __version__

USER_AGENT = f"digest/{__version__} (Hugging Face daily papers to Jekyll; affiliations)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 3
CHUNK = 16 * 1024
_TRANSIENT = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class Failed(Exception):
    """A request that gave nothing usable; the reason is short and names no secret."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    url: str
    complete: bool  # the whole body was read (not stopped early, not cut at the byte limit)


class RateLimiter:
    """At most `per_second` request starts a second, across every thread that shares it."""

    def __init__(self, per_second: float) -> None:
        self._interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            time.sleep(start - now)

    def pause(self, seconds: float) -> None:
        """Push every thread's next start back (the server said 429: slow down for all)."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)


def new_session(accept: str) -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = accept
    return session


def get(
    session: requests.Session,
    url: str,
    *,
    limiter: RateLimiter,
    timeout: float,
    deadline: float,
    max_bytes: int,
    enough: Callable[[bytes], bool] | None = None,
    max_retry_wait: float = 10.0,
) -> Answer:
    """GET `url` (same-host redirects, one retry on 429/5xx), reading the body only until
    `enough(chunk)` says so, `max_bytes` are in, or `deadline` (monotonic) passes."""
    for attempt in (0, 1):
        response = _send(session, url, limiter, timeout, deadline)
        with response:
            if response.status_code == 200:
                return _read(response, deadline, max_bytes, enough)
            status = response.status_code
            wait = _retry_after(response.headers.get("Retry-After"))
        if status not in RETRY_STATUSES:
            return Answer(status, b"", response.url, True)
        if status == 429:
            limiter.pause(wait or 1.0)
        if attempt or wait > max_retry_wait or time.monotonic() + wait >= deadline:
            raise Failed(f"HTTP {status}")
        time.sleep(wait)
    raise AssertionError("unreachable")


def _send(
    session: requests.Session, url: str, limiter: RateLimiter, timeout: float, deadline: float
) -> requests.Response:
    origin = urlsplit(url)[:2]
    for _ in range(MAX_REDIRECTS + 1):
        limiter.wait()
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failed("timed out")
        try:
            response = session.get(
                url, timeout=min(timeout, left), stream=True, allow_redirects=False
            )
        except _TRANSIENT as exc:
            raise Failed(_describe(exc)) from None
        if response.status_code not in REDIRECT_STATUSES:
            return response
        response.close()
        url = urljoin(url, response.headers.get("Location", ""))
        if urlsplit(url)[:2] != origin:
            raise Failed("redirected to another host")
    raise Failed("too many redirects")


def _read(
    response: requests.Response,
    deadline: float,
    max_bytes: int,
    enough: Callable[[bytes], bool] | None,
) -> Answer:
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(CHUNK):
            parts.append(chunk)
            size += len(chunk)
            if enough is not None and enough(chunk):
                return Answer(200, b"".join(parts), response.url, False)
            if size >= max_bytes:
                return Answer(200, b"".join(parts)[:max_bytes], response.url, False)
            if time.monotonic() > deadline:
                raise Failed("timed out")
    except _TRANSIENT as exc:
        raise Failed(_describe(exc)) from None
    return Answer(200, b"".join(parts), response.url, True)


def _retry_after(value: str | None) -> float:
    if value and value.strip().isdigit():
        return float(value.strip())
    return 1.0


def _describe(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if "Connection refused" in str(exc):
        return "connection refused"
    return f"connection failed ({type(exc).__name__})"
