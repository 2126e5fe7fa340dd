"""Bounded HTTP: one request whose answer is read under a wall-clock deadline and a byte limit.

Every client of a network service (the papers API, translation, metadata) sends through
`request`, so no server can hold a run past its deadline or fill its memory: a watchdog shuts
the socket when the deadline passes, whether the server is slow to connect, to send its
headers or its body, and the body is counted after decompression (a gzip bomb stops at the
limit, not at the end of its gigabyte).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from digest.errors import ResponseTooLarge, ResponseTooSlow, UpstreamInvalid

CHUNK = 64 * 1024
# Asked for explicitly: the body is decompressed here, under the byte limit, and only these
# two encodings are decoded (urllib3 would also offer br and zstd when those are installed).
ACCEPT_ENCODING = "gzip, deflate"
_GZIP_OR_ZLIB = 32 + zlib.MAX_WBITS  # zlib detects either header


@dataclass(frozen=True)
class Answer:
    """A response read whole: status, final URL, headers, and the decompressed body."""

    status: int
    url: str
    headers: Mapping[str, str]
    body: bytes
    complete: bool = True  # False: `enough` stopped the reading before the body's end


def request(
    session: requests.Session,
    method: str,
    url: str,
    *,
    deadline: float,
    max_bytes: int,
    timeout: float,
    enough: Callable[[bytes], bool] | None = None,
    **kwargs: Any,
) -> Answer:
    """Send one request (no redirects followed) and read its whole answer.

    `deadline` is a `time.monotonic()` moment by which connect, headers and body must all be
    in; `timeout` bounds the connect and each read; `max_bytes` bounds the body after
    decompression. `enough`, given each piece of a 200's body as it arrives (decompressed),
    may stop the reading early: the answer then holds what came so far, `complete` False (a
    page whose start is all that is wanted). `kwargs` go to `session.request` (params, json,
    headers, …).

    Raises `ResponseTooSlow` past the deadline, `ResponseTooLarge` past the limit,
    `UpstreamInvalid` for an encoding we did not ask for or a redirect to no URL, and
    requests' own `ConnectionError`, `Timeout` or `ChunkedEncodingError` for a failed
    connection (the caller decides to retry).
    """
    _mount(session, url)
    headers = {"Accept-Encoding": ACCEPT_ENCODING, **kwargs.pop("headers", {})}
    read: dict[str, tuple[bytes, bool]] = {}
    redirect: list[bool] = []  # whether the answer read was a redirect
    watch = _Watch(deadline)

    def read_body(response: requests.Response, **_: Any) -> requests.Response:
        # A response hook runs inside Session.send, so a session that wraps send (a gate on
        # requests in flight) holds its gate until the body is in, not just the headers.
        stop = enough if response.status_code == 200 else None
        read["body"] = _read_body(response, watch, max_bytes, stop)
        redirect.append(response.is_redirect)
        return response

    remaining = max(deadline - time.monotonic(), 0.001)
    with watch:
        try:
            response = session.request(
                method,
                url,
                headers=headers,
                # Connecting is bounded by what is left; after that the watchdog is.
                timeout=(min(timeout, remaining), timeout),
                stream=True,
                allow_redirects=False,
                # Per-request hooks replace the session's: keep those too.
                hooks={"response": [*session.hooks.get("response", []), read_body]},
                **kwargs,
            )
        except (requests.RequestException, OSError):
            if watch.fired:
                raise watch.too_slow(url) from None
            raise
        except ValueError:
            if not redirect or not redirect[-1]:
                raise  # not the server's redirect: a bug of ours, shown as one
            # requests reads a redirect's Location even when not following it.
            raise UpstreamInvalid(
                f"{where(url)} answered with a redirect to a link that is no URL"
            ) from None
    response.close()
    body, complete = read["body"]
    return Answer(response.status_code, response.url or url, response.headers, body, complete)


def _read_body(
    response: requests.Response,
    watch: _Watch,
    max_bytes: int,
    enough: Callable[[bytes], bool] | None = None,
) -> tuple[bytes, bool]:
    url = response.url
    declared = response.headers.get("Content-Length", "")
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise UpstreamInvalid(f"{where(url)} answered in an encoding not asked for: {encoding}")
    # A long body is fine when `enough` may stop before the limit (a page's start is wanted).
    # (ASCII digits: `²` is a digit to isdigit() but no length to int(); the limit still holds.)
    length = int(declared) if declared.isascii() and declared.isdigit() else None
    if encoding == "identity" and length is not None and length > max_bytes and not enough:
        raise _too_large(url, max_bytes)
    body = _Body(max_bytes, url, decompress=encoding != "identity")
    try:
        while chunk := response.raw.read(CHUNK, decode_content=False):
            fresh = body.add(chunk)
            if enough is not None and enough(fresh):
                return body.so_far(), False
            if time.monotonic() >= watch.deadline:
                raise watch.too_slow(url)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        if watch.fired:
            raise watch.too_slow(url) from None
        raise _as_requests_error(exc) from None
    if watch.fired:  # the cut may look like a clean end of the body
        raise watch.too_slow(url)
    return body.finish(), True


class _Body:
    """The body as it arrives, decompressed as it goes, never more than `limit` bytes."""

    def __init__(self, limit: int, url: str, *, decompress: bool) -> None:
        self.limit, self.url = limit, url
        self.parts: list[bytes] = []
        self.size = 0
        self.inflater = zlib.decompressobj(_GZIP_OR_ZLIB) if decompress else None

    def add(self, data: bytes) -> bytes:
        """Take a piece of the body as sent; return it as decompressed."""
        start = len(self.parts)
        if self.inflater is None:
            self._keep(data)
            return data
        while data:
            try:
                # At most one byte past the limit is inflated: enough to know it is over.
                out = self.inflater.decompress(data, self.limit - self.size + 1)
            except zlib.error as exc:
                raise UpstreamInvalid(f"{where(self.url)} sent a broken gzip body: {exc}") from None
            self._keep(out)
            data = self.inflater.unconsumed_tail
            if self.inflater.eof:  # gzip allows several members one after another
                data = self.inflater.unused_data + data
                self.inflater = zlib.decompressobj(_GZIP_OR_ZLIB) if data else self.inflater
        return b"".join(self.parts[start:])

    def so_far(self) -> bytes:
        return b"".join(self.parts)

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise _too_large(self.url, self.limit)
        self.parts.append(data)

    def finish(self) -> bytes:
        if self.inflater is not None and not self.inflater.eof:
            raise UpstreamInvalid(f"{where(self.url)} sent a truncated gzip body")
        return b"".join(self.parts)


class _Watch:
    """Shuts the watched sockets at `deadline`: a blocked connect or read returns at once."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watch:
        _current.watch = self
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()
        _current.watch = None

    def add(self, sock: socket.socket | None) -> None:
        with self._lock:
            if sock is not None:
                self._sockets.append(sock)
            fired = self.fired
        if fired and sock is not None:
            _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def too_slow(self, url: str) -> ResponseTooSlow:
        return ResponseTooSlow(f"{where(url)} did not finish answering in time")


_current = threading.local()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing left to cut
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        # Called once the request is sent, on a new or a reused socket, before any header.
        watch = getattr(_current, "watch", None)
        if watch is not None:
            watch.add(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    getresponse = _WatchedHTTPConnection.getresponse


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """requests' adapter, with connections the deadline's watchdog can shut (proxies too)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = dict(_POOLS)
        return manager


def _mount(session: requests.Session, url: str) -> None:
    """Make sure `url` goes through a watched adapter (any session will do)."""
    if not isinstance(session.get_adapter(url), WatchedAdapter):
        adapter = WatchedAdapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)


def _as_requests_error(exc: Exception) -> requests.RequestException:
    """urllib3's errors while reading the body, as requests would have raised them."""
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError | TimeoutError):
        return requests.Timeout(str(exc))
    if isinstance(exc, urllib3.exceptions.ProtocolError | urllib3.exceptions.DecodeError):
        return requests.exceptions.ChunkedEncodingError(str(exc))
    return requests.ConnectionError(str(exc))


def _too_large(url: str, limit: int) -> ResponseTooLarge:
    return ResponseTooLarge(f"{where(url)} answered with more than {limit:,} bytes")


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None when
    there is none or it cannot be read."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def where(url: str) -> str:
    """A URL without its query: what error lines name (a query may carry a key)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
