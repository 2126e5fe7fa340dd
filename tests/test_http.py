"""digest.http on its own, against raw servers on 127.0.0.1: the deadline holds whatever the
server does, and the body is decoded only as asked, within the limit."""

from __future__ import annotations

import contextlib
import gzip
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import requests

from digest import http
from digest.errors import ResponseTooLarge, ResponseTooSlow, UpstreamInvalid


@contextmanager
def raw_server(answer: Callable[[socket.socket, bytes], None]) -> Iterator[str]:
    """Accept connections on 127.0.0.1; `answer(conn, request_bytes)` writes what it likes."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def loop() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                request = read_request(conn)
                # The client hanging up is expected in the slow cases.
                with contextlib.suppress(OSError):
                    answer(conn, request)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/x"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def read_request(conn: socket.socket) -> bytes:
    """A whole request: its head, then as many body bytes as its Content-Length says."""
    data = b""
    while b"\r\n\r\n" not in data and (chunk := conn.recv(65536)):
        data += chunk
    head = data.partition(b"\r\n\r\n")[0].decode("latin-1").lower()
    length = next(
        (int(h.split(":")[1]) for h in head.splitlines() if h.startswith("content-length:")), 0
    )
    while len(data.partition(b"\r\n\r\n")[2]) < length and (chunk := conn.recv(65536)):
        data += chunk
    return data


def reply(body: bytes, *headers: str) -> Callable[[socket.socket, bytes], None]:
    def answer(conn: socket.socket, request: bytes) -> None:
        head = ["HTTP/1.1 200 OK", f"Content-Length: {len(body)}", "Connection: close", *headers]
        conn.sendall("\r\n".join(head).encode() + b"\r\n\r\n" + body)

    return answer


def get(url: str, *, seconds: float = 5, max_bytes: int = 1 << 20, **kwargs) -> http.Answer:
    with requests.Session() as session:
        deadline = time.monotonic() + seconds
        return http.request(
            session, "GET", url, deadline=deadline, max_bytes=max_bytes, timeout=30, **kwargs
        )


def test_a_server_that_never_answers_is_cut_at_the_deadline():
    def silent(conn: socket.socket, request: bytes) -> None:
        time.sleep(2)

    with raw_server(silent) as url:
        start = time.monotonic()
        with pytest.raises(ResponseTooSlow):
            get(url, seconds=0.5)  # the per-read timeout (30 s) is not what stops it
        assert time.monotonic() - start < 1.5


def test_gzip_in_several_members_is_read_whole():
    body = gzip.compress(b'[{"a": ') + gzip.compress(b"1}]")
    with raw_server(reply(body, "Content-Encoding: gzip")) as url:
        assert json.loads(get(url).body) == [{"a": 1}]


def test_the_limit_counts_decompressed_bytes():
    body = gzip.compress(b" " * 200_000)
    with raw_server(reply(body, "Content-Encoding: gzip")) as url:
        assert len(body) < 1000
        with pytest.raises(ResponseTooLarge, match="more than 100,000 bytes"):
            get(url, max_bytes=100_000)


def test_a_declared_length_over_the_limit_is_refused_before_reading():
    with raw_server(reply(b"x" * 5000)) as url, pytest.raises(ResponseTooLarge):
        get(url, max_bytes=4999)


def test_a_declared_length_that_is_no_number_is_read_within_the_limit():
    # `²` (one byte, as header bytes are read: Latin-1) is a digit to str.isdigit(), no length.
    def answer(conn: socket.socket, request: bytes) -> None:
        conn.sendall(
            "HTTP/1.1 200 OK\r\nContent-Length: ²\r\nConnection: close\r\n\r\n[]".encode("latin-1")
        )

    with raw_server(answer) as url:
        assert get(url).body == b"[]"
    with raw_server(answer) as url, pytest.raises(ResponseTooLarge):
        get(url, max_bytes=1)


def test_enough_stops_reading_early_and_sees_decompressed_pieces():
    noise = random.Random(0).randbytes  # barely compressible: no piece inflates past the limit
    page = b"<head>" + noise(100_000) + b"</authors>" + noise(3_000_000)
    seen: list[bytes] = []

    def enough(piece: bytes) -> bool:
        seen.append(piece)
        return b"</authors>" in b"".join(seen)

    for headers in ((), ("Content-Encoding: gzip",)):
        seen.clear()
        body = gzip.compress(page) if headers else page
        with raw_server(reply(body, *headers)) as url:
            # A declared length over the limit is fine while `enough` may stop first.
            answer = get(url, max_bytes=1_000_000, enough=enough)
        assert not answer.complete and answer.body == b"".join(seen)
        assert page.startswith(answer.body) and b"</authors>" in answer.body
        assert len(answer.body) < 100_000 + 2 * http.CHUNK
    with raw_server(reply(b"short")) as url:
        whole = get(url, enough=lambda piece: False)
    assert whole.complete and whole.body == b"short"


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress"])
def test_an_encoding_not_asked_for_is_refused(encoding):
    refused = pytest.raises(UpstreamInvalid, match=f"encoding not asked for: {encoding}")
    with raw_server(reply(b"\x00\x01", f"Content-Encoding: {encoding}")) as url, refused:
        get(url)


def test_post_sends_json_and_asks_only_for_gzip_and_deflate():
    seen: list[bytes] = []

    def echo(conn: socket.socket, request: bytes) -> None:
        seen.append(request)
        reply(b'{"ok": true}')(conn, request)

    with raw_server(echo) as url, requests.Session() as session:
        answer = http.request(
            session,
            "POST",
            url,
            json={"q": "질문"},
            deadline=time.monotonic() + 5,
            max_bytes=1000,
            timeout=5,
        )
    assert answer.status == 200 and json.loads(answer.body) == {"ok": True}
    head, _, sent = seen[0].partition(b"\r\n\r\n")
    assert b"Accept-Encoding: gzip, deflate\r\n" in head + b"\r\n"
    assert json.loads(sent) == {"q": "질문"}
