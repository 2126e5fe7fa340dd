"""A real HTTP server on 127.0.0.1 that plays arXiv's HTML pages (`/html/<id>`) and
OpenAlex's works (`/works/doi:10.48550/arXiv.<id>`), with fault knobs.

Pages are the LaTeXML fixtures of tests/fixtures/arxiv/html wrapped as arXiv serves them: the
paper's id in the head, the author block early, then a long body. Used by the tests and by
bench/affiliations.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARXIV_FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"
OPENALEX_FIXTURES = Path(__file__).parent / "fixtures" / "openalex"
BODY_PARAGRAPH = (
    b'<div class="ltx_para"><p class="ltx_p">'
    + b"Lorem ipsum dolor sit amet. " * 36
    + b"</p></div>\n"
)


def arxiv_page(fixture: str, arxiv_id: str, body_bytes: int = 200_000) -> bytes:
    """The fixture's HTML as arXiv would serve it for `arxiv_id`, `body_bytes` of body after."""
    html = (ARXIV_FIXTURES / "html" / f"{fixture}.html").read_bytes()
    head = (
        f'<base href="/html/{arxiv_id}v1/">'
        f'<link rel="canonical" href="https://arxiv.org/abs/{arxiv_id}v1">'
    ).encode()
    html = html.replace(b"<head>", b"<head>" + head, 1)
    padding = BODY_PARAGRAPH * (body_bytes // len(BODY_PARAGRAPH) + 1)
    at = html.find(b"</article>")  # after the abstract and the first section, as on arXiv
    at = at if at >= 0 else html.find(b"</body>")
    return html[:at] + padding[:body_bytes] + html[at:]


def openalex_work(fixture: str) -> bytes:
    return (OPENALEX_FIXTURES / f"{fixture}.json").read_bytes()


@dataclass
class Knobs:
    """How the server answers; tests change these between requests."""

    pages: dict[str, bytes] = field(default_factory=dict)  # arXiv id -> HTML page
    works: dict[str, bytes] = field(default_factory=dict)  # arXiv id -> OpenAlex work JSON
    # Faults, one per request, before answering normally: an HTTP status, or "hang"
    # (answer after `hang_seconds`).
    fail_with: list[int | str] = field(default_factory=list)
    fail_forever: int | None = None
    hang_seconds: float = 3.0
    retry_after: str | None = None
    latency: float = 0.0  # seconds before every answer
    drip: float = 0.0  # seconds between 16 KiB chunks of a body
    swap: dict[str, str] = field(default_factory=dict)  # asked id -> id whose answer is sent
    redirect_to: str | None = None  # every answer a 302 to this Location instead


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        knobs = self.server.knobs
        with self.server.lock:
            self.server.requests.append(self.path)
            self.server.times.append(time.monotonic())
            status = knobs.fail_with.pop(0) if knobs.fail_with else knobs.fail_forever
            self.server.user_agents.append(self.headers.get("User-Agent", ""))
        if knobs.latency:
            time.sleep(knobs.latency)
        if status == "hang":
            time.sleep(knobs.hang_seconds)
            status = None
        if knobs.redirect_to is not None:
            self._send(302, b"", "text/plain", {"Location": knobs.redirect_to})
            return
        if status:
            extra = {"Retry-After": knobs.retry_after} if knobs.retry_after else {}
            self._send(int(status), b"fault injected", "text/plain", extra)
            return
        body, kind = self._find(knobs)
        if body is None:
            self._send(404, b"not found", "text/plain")
        else:
            self._send(200, body, kind)

    def _find(self, knobs: Knobs) -> tuple[bytes | None, str]:
        path = self.path.split("?", 1)[0]
        if path.startswith("/html/"):
            wanted = path.removeprefix("/html/").rstrip("/")
            return knobs.pages.get(knobs.swap.get(wanted, wanted)), "text/html; charset=utf-8"
        prefix = "/works/doi:10.48550/arXiv."
        if path.startswith(prefix):
            wanted = path.removeprefix(prefix)
            return knobs.works.get(knobs.swap.get(wanted, wanted)), "application/json"
        return None, "text/plain"

    def _send(
        self, status: int, body: bytes, kind: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        chunk = 16 * 1024
        try:
            for start in range(0, len(body), chunk):
                self.wfile.write(body[start : start + chunk])
                with self.server.lock:
                    self.server.bytes_sent += min(chunk, len(body) - start)
                if self.server.knobs.drip:
                    time.sleep(self.server.knobs.drip)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped reading: what we want of it


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass

    def __init__(self, knobs: Knobs) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.knobs = knobs
        self.lock = threading.Lock()
        self.requests: list[str] = []
        self.times: list[float] = []
        self.user_agents: list[str] = []
        self.bytes_sent = 0


@dataclass
class RunningServer:
    url: str
    knobs: Knobs
    server: _Server

    @property
    def requests(self) -> list[str]:
        return self.server.requests

    @property
    def times(self) -> list[float]:
        return self.server.times


@contextmanager
def serve(knobs: Knobs | None = None) -> Iterator[RunningServer]:
    """Run the fake arXiv/OpenAlex on 127.0.0.1, a free port, in a background thread."""
    server = _Server(knobs or Knobs())
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield RunningServer(f"http://{host}:{port}", server.knobs, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
