"""Preview: serve the built site on 127.0.0.1 only; rebuild it when a post or template changes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from digest.errors import DigestError

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # a preview, never reachable from another machine
POLL_SECONDS = 0.5

Snapshot = dict[str, tuple[int, int]]


class _Handler(SimpleHTTPRequestHandler):
    """Files of the site folder; no directory listings, nothing cached (it is a preview)."""

    extensions_map = {  # noqa: RUF012 (the base class's own attribute)
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
    }

    def send_head(self) -> object:
        # A NUL (`/%00`) makes the base class's path functions raise: no such file, not a crash.
        if "\x00" in unquote(urlsplit(self.path).path):
            self.send_error(404, "Not found")
            return None
        return super().send_head()

    def list_directory(self, path: str | Path) -> None:
        self.send_error(404, "Not found")
        return None

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)


@contextmanager
def serving(root: Path, port: int = 0) -> Iterator[str]:
    """Serve `root` on 127.0.0.1:`port` (0: any free port) in a thread; yields the base URL."""
    server = ThreadingHTTPServer((HOST, port), partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def snapshot(paths: Iterable[Path]) -> Snapshot:
    """Size and modification time of the files, and of every file under the folders."""
    found: Snapshot = {}
    for top in paths:
        if top.exists():
            for path in (top, *top.rglob("*")) if top.is_dir() else (top,):
                try:
                    stat = path.stat()
                except OSError:
                    continue  # removed while we looked
                if path.is_file():
                    found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


def watch(
    paths: Iterable[Path],
    rebuild: Callable[[], object],
    stop: threading.Event,
    interval: float = POLL_SECONDS,
) -> None:
    """Call `rebuild` after each change to `paths` until `stop` is set; errors are logged."""
    paths = list(paths)
    seen = snapshot(paths)
    while not stop.wait(interval):
        now = snapshot(paths)
        if now == seen:
            continue
        seen = now
        try:
            rebuild()
        except DigestError as error:
            # A half-saved post or a template typo must not end the preview.
            log.error("Error: %s (still serving the last good build)", error)
