"""The enrichment services' GET (arXiv, OpenAlex): a rate limit shared by threads, same-host
redirects and one retry, over the one bounded request of `digest.http` (deadline, byte limit,
early stop)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from digest import http
from digest._version import __version__
from digest.errors import ResponseTooLarge, ResponseTooSlow, UpstreamInvalid

USER_AGENT = f"digest/{__version__} (Hugging Face daily papers to Jekyll; affiliations)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 3
_TRANSIENT = (requests.RequestException, OSError)


class Failed(Exception):
    """A request that gave nothing usable; the reason is short and names no secret."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    url: str
    complete: bool  # the whole body was read (not stopped early, not cut at the byte limit)
    retry_after: str | None = None


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


class Client:
    """A polite client of one host: one rate limit and one request count for every thread
    that shares it."""

    accept = "*/*"
    timeout = 20.0  # seconds per request (connect, and each read)
    deadline = 30.0  # seconds per lookup, retries and redirects included

    def __init__(
        self,
        base_url: str,
        requests_per_second: float,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.limiter = RateLimiter(requests_per_second)
        self.session = session or new_session(self.accept)
        self.requests = 0
        self._count = threading.Lock()  # the client is shared between threads

    def _get(
        self, url: str, *, max_bytes: int, enough: Callable[[bytes], bool] | None = None
    ) -> Answer:
        with self._count:
            self.requests += 1
        return get(
            self.session,
            url,
            limiter=self.limiter,
            timeout=self.timeout,
            deadline=time.monotonic() + self.deadline,
            max_bytes=max_bytes,
            enough=enough,
        )


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
    `enough(piece)` says so, `max_bytes` are in (then `complete` is False), or `deadline`
    (monotonic) passes."""
    for attempt in (0, 1):
        answer = _send(session, url, limiter, timeout, deadline, max_bytes, enough)
        status = answer.status
        if status not in RETRY_STATUSES:
            return answer
        wait = http.retry_after(answer.retry_after)
        wait = 1.0 if wait is None else wait
        if status == 429:
            limiter.pause(wait or 1.0)
        if attempt or wait > max_retry_wait or time.monotonic() + wait >= deadline:
            raise Failed(f"HTTP {status}")
        time.sleep(wait)
    raise AssertionError("unreachable")


def _send(
    session: requests.Session,
    url: str,
    limiter: RateLimiter,
    timeout: float,
    deadline: float,
    max_bytes: int,
    enough: Callable[[bytes], bool] | None,
) -> Answer:
    origin = urlsplit(url)[:2]
    for _ in range(MAX_REDIRECTS + 1):
        limiter.wait()
        if deadline - time.monotonic() <= 0:
            raise Failed("timed out")
        try:
            got = http.request(
                session,
                "GET",
                url,
                deadline=deadline,
                max_bytes=max_bytes,
                timeout=timeout,
                enough=enough,
            )
        except ResponseTooLarge:
            return Answer(200, b"", url, False)  # what `enough` saw is all there is
        except ResponseTooSlow:
            raise Failed("timed out") from None
        except UpstreamInvalid as exc:
            raise Failed(f"unreadable answer ({type(exc).__name__})") from None
        except _TRANSIENT as exc:
            raise Failed(_describe(exc)) from None
        if got.status not in REDIRECT_STATUSES:
            retry_after = got.headers.get("Retry-After")
            return Answer(got.status, got.body, got.url, got.complete, retry_after)
        url = urljoin(url, got.headers.get("Location", ""))
        if urlsplit(url)[:2] != origin:
            raise Failed("redirected to another host")
    raise Failed("too many redirects")


def _describe(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if "Connection refused" in str(exc):
        return "connection refused"
    return f"connection failed ({type(exc).__name__})"
