"""A real HTTP server on 127.0.0.1 that plays the daily papers API from recorded responses
(a `week` or `month` query answers with its days' papers together, most upvoted first).

Fault knobs (attributes of `Knobs`) make it fail the ways the real one does, or lies.
Used by the tests (through the `hf_server` fixture) and by the benchmark script.
"""

from __future__ import annotations

import calendar
import functools
import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "hf-api"
# The Date header is the "upvotes as of" time in a post: by default the server answers as of
# 07:45 UTC on the requested day, when the fixtures were recorded, so posts are reproducible.
RECORDED = "recorded"


@dataclass
class Knobs:
    """How the server answers; tests change these between requests."""

    days: dict[str, bytes] = field(default_factory=dict)  # date -> body, beside the fixtures
    fixtures_dir: Path = FIXTURES
    date_header: str | None = RECORDED  # or a fixed HTTP date, or None for the real clock
    latency: float = 0.0  # seconds before every answer
    # Faults, one per request, before answering normally: an HTTP status, or "reset" (send
    # part of the body, then reset the connection) or "hang" (answer after `hang_seconds`).
    fail_with: list[int | str] = field(default_factory=list)
    hang_seconds: float = 3.0
    fail_forever: int | None = None
    retry_after: str | None = None
    body: bytes | None = None  # answer every request with this body (status 200)
    content_type: str = "application/json; charset=utf-8"
    cut_body_at: int | None = None  # promise the whole body, send this many bytes, close
    redirect_to: str | None = None
    ignore_paging: bool = False  # answer every page with the whole day, like a broken API
    page_cap: int | None = None  # serve at most this many items a page, whatever `limit` says
    # Requests for these dates always answer with the status (the other dates answer normally).
    fail_dates: dict[str, int] = field(default_factory=dict)
    # Hostile answers (issue 12), each until the client hangs up or the server stops:
    drip_headers: float | None = None  # send the header lines one every this many seconds
    drip_body: float | None = None  # send the body one byte every this many seconds
    endless: bool = False  # a chunked body of spaces that never ends
    gzip_bomb: int | None = None  # this many spaces then `[]`, gzipped
    synthetic_items: int | None = None  # every day lists this many made-up papers


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    _counted = False  # whether this request is in the server's in-flight count

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet test output

    def date_time_string(self, timestamp: float | None = None) -> str:
        fixed = self.server.knobs.date_header
        if fixed == RECORDED:
            query = parse_qs(urlsplit(self.path).query)
            day = query.get("date", ["2026-02-20"])[-1]
            if "week" in query or "month" in query:  # as of the period's last day
                period = _period_days(query.get("week", query.get("month", [""]))[-1])
                day = period[-1].isoformat() if period else day
            try:
                when = datetime.strptime(day, "%Y-%m-%d").replace(hour=7, minute=45)
            except ValueError:
                return super().date_time_string(timestamp)
            return format_datetime(when.replace(tzinfo=timezone.utc), usegmt=True)
        return fixed if fixed and timestamp is None else super().date_time_string(timestamp)

    def do_GET(self) -> None:
        knobs = self.server.knobs
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        with self.server.lock:
            self.server.requests.append((url.path, query))
            self.server.headers.append(dict(self.headers))
            self.server.times.append(time.monotonic())
            self.server.in_flight += 1
            self.server.max_in_flight = max(self.server.max_in_flight, self.server.in_flight)
            self._counted = True
            status = knobs.fail_with.pop(0) if knobs.fail_with else knobs.fail_forever
            status = knobs.fail_dates.get(query.get("date", ""), status)
        try:
            self._answer(knobs, url.path, query, status)
        finally:
            self._answered()

    def _answered(self) -> None:
        """No longer in flight: from here the client may have its answer at any moment."""
        with self.server.lock:
            if self._counted:
                self.server.in_flight -= 1
                self._counted = False

    def _answer(self, knobs: Knobs, path: str, query: dict[str, str], status: int | None) -> None:
        if knobs.latency:
            time.sleep(knobs.latency)
        if status == "hang":
            time.sleep(knobs.hang_seconds)
            status = None
        if self._hostile(knobs):
            return
        if status == "reset":
            self._send(200, self._papers(query), cut_at=10)
        elif knobs.redirect_to:
            self._send(302, b"", extra={"Location": knobs.redirect_to})
        elif status:
            extra = {"Retry-After": knobs.retry_after} if knobs.retry_after else {}
            self._send(status, b'{"error": "fault injected"}', extra=extra)
        elif path != "/api/daily_papers":
            self._send(404, b'{"error": "not found"}')
        else:
            self._send(200, knobs.body if knobs.body is not None else self._papers(query))

    def _hostile(self, knobs: Knobs) -> bool:
        """Answer in one of the hostile ways, if a knob asks for one."""
        stopping = self.server.stopping
        self._answered()
        if knobs.drip_headers is not None:
            for line in (b"HTTP/1.1 200 OK", b"Content-Type: application/json", b"X-Pad: 1"):
                self.wfile.write(line + b"\r\n")
                self.wfile.flush()
                if stopping.wait(knobs.drip_headers):
                    return True
            while not stopping.wait(knobs.drip_headers):  # header lines, forever
                self.wfile.write(b"X-Pad: 1\r\n")
                self.wfile.flush()
        elif knobs.drip_body is not None:
            self._head({"Content-Length": "1000000"})
            while not stopping.wait(knobs.drip_body):
                self.wfile.write(b" ")
                self.wfile.flush()
        elif knobs.endless:
            self._head({"Transfer-Encoding": "chunked"})
            chunk = b"%x\r\n%s\r\n" % (CHUNK, b" " * CHUNK)
            while not stopping.is_set():
                self.wfile.write(chunk)
        elif knobs.gzip_bomb is not None:
            body = gzip_bomb(knobs.gzip_bomb)
            self._head({"Content-Length": str(len(body)), "Content-Encoding": "gzip"})
            self.wfile.write(body)
        else:
            return False
        self.close_connection = True
        return True

    def _head(self, extra: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", self.server.knobs.content_type)
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()

    def _papers(self, query: dict[str, str]) -> bytes:
        knobs = self.server.knobs
        if "week" in query or "month" in query:
            raw = self._period(query.get("week") or query.get("month") or "")
        else:
            raw = self._day(query.get("date", ""))
        if knobs.ignore_paging:
            return raw
        limit = int(query.get("limit", "50"))
        if knobs.page_cap:
            limit = min(limit, knobs.page_cap)
        page = int(query.get("p", "0"))
        if knobs.synthetic_items is not None:  # no need to parse what we just made
            items = synthetic_items(query.get("date", ""), knobs.synthetic_items)
            return json.dumps(items[page * limit : (page + 1) * limit]).encode("utf-8")
        items = json.loads(raw)
        if page == 0 and len(items) <= limit:
            return raw  # the recorded bytes, verbatim
        chunk = items[page * limit : (page + 1) * limit]
        return json.dumps(chunk, ensure_ascii=False).encode("utf-8")

    def _day(self, day: str) -> bytes:
        knobs = self.server.knobs
        if knobs.synthetic_items is not None:
            return synthetic_day(day, knobs.synthetic_items)
        raw = knobs.days.get(day)
        if raw is None:
            path = knobs.fixtures_dir / f"daily_papers_{day}.json"
            raw = path.read_bytes() if day and path.is_file() else b"[]"
        return raw

    def _period(self, key: str) -> bytes:
        """A week's or month's papers: its days' papers together, most upvoted first."""
        items = [item for day in _period_days(key) for item in json.loads(self._day(str(day)))]
        items.sort(key=lambda item: -item["paper"].get("upvotes", 0))
        return json.dumps(items, ensure_ascii=False).encode("utf-8")

    def _send(
        self,
        status: int,
        body: bytes,
        extra: dict[str, str] | None = None,
        cut_at: int | None = None,
    ) -> None:
        knobs = self.server.knobs
        cut_at = cut_at if cut_at is not None else knobs.cut_body_at
        self.send_response(status)
        self.send_header("Content-Type", knobs.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self._answered()
        self.end_headers()
        if cut_at is not None and status == 200:
            self.wfile.write(body[:cut_at])
            self.wfile.flush()
            # RST instead of FIN: the client sees a reset in the middle of the body.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (timeouts) breaks the pipe: expected, not news

    def __init__(self, knobs: Knobs, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.knobs = knobs
        self.lock = threading.Lock()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.headers: list[dict[str, str]] = []  # each request's headers, in order
        self.times: list[float] = []  # time.monotonic() of each request, in order
        self.in_flight = 0
        self.max_in_flight = 0
        self.stopping = threading.Event()  # ends the hostile answers' loops


@dataclass
class RunningServer:
    url: str
    knobs: Knobs
    requests: list[tuple[str, dict[str, str]]]
    server: _Server

    def dates_requested(self) -> list[str]:
        return [query.get("date", "") for _, query in self.requests]

    @property
    def times(self) -> list[float]:
        return self.server.times

    @property
    def max_in_flight(self) -> int:
        """The most requests the server was answering at once."""
        return self.server.max_in_flight


def _period_days(key: str) -> list[date]:
    """The days of `2026-W08` or `2026-02` (empty for anything else)."""
    try:
        if len(key) == 8 and key[5] in "Ww":
            start = date.fromisocalendar(int(key[:4]), int(key[6:]), 1)
            return [start + timedelta(days=n) for n in range(7)]
        first = date(int(key[:4]), int(key[5:7]), 1)
    except ValueError:
        return []
    last = calendar.monthrange(first.year, first.month)[1]
    return [first + timedelta(days=n) for n in range(last)]


CHUNK = 64 * 1024


@functools.cache
def gzip_bomb(spaces: int) -> bytes:
    """`spaces` spaces then `[]`, gzipped, made without holding them (level 1: 1 GiB takes
    under 2 s and is 4.5 MB on the wire)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1024 * 1024)
    parts = [packer.compress(block) for _ in range(spaces // len(block))]
    parts += [packer.compress(b" " * (spaces % len(block)) + b"[]"), packer.flush()]
    return b"".join(parts)


@functools.lru_cache(maxsize=4)
def synthetic_day(day: str, count: int) -> bytes:
    """A day listing `count` made-up papers, each shaped like a real item."""
    return json.dumps(synthetic_items(day, count)).encode("utf-8")


@functools.lru_cache(maxsize=4)
def synthetic_items(day: str, count: int) -> list[dict[str, object]]:
    return [
        {
            "paper": {
                "id": f"2601.{n:05d}",
                "title": f"Paper {n}",
                "summary": "An abstract.",
                "upvotes": count - n,
                "authors": [{"name": "A. Author"}],
                "publishedAt": f"{day}T00:00:00.000Z",
            },
            "title": f"Paper {n}",
            "publishedAt": f"{day}T00:00:00.000Z",
            "numComments": 0,
        }
        for n in range(count)
    ]


@contextmanager
def serve(knobs: Knobs | None = None, port: int = 0) -> Iterator[RunningServer]:
    """Run the fake API on 127.0.0.1, a free port unless told, in a background thread."""
    server = _Server(knobs or Knobs(), port)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield RunningServer(f"http://{host}:{port}", server.knobs, server.requests, server)
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
