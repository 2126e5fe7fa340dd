"""A real OpenAI-compatible chat-completions server on 127.0.0.1 that "translates" into Korean.

Its translation is a deterministic stand-in: every English word becomes Hangul syllables, math
spans and URLs are kept as they are, so the answers pass digest's checks. Fault knobs (`Knobs`)
make it fail the ways real providers do. Every request is recorded (headers and JSON body) so a
test can check what was sent. Used by the tests (`llm_server` fixture) and by bench/translate.py;
`python tests/llm_server.py --latency 1` runs it on its own.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Kept as they are by the stand-in: math spans ($$…$$ first) and URLs.
_KEPT = re.compile(r"(\$\$.+?\$\$|\$[^$]+\$|https?://[A-Za-z0-9\-._~:/?#\[\]@!&'()*+,;=%]+)")
_SYLLABLES = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허"
QUOTA_BODY = {
    # GitHub Models' daily limit (x-ratelimit-type: UserByModelByDay).
    "quota": {
        "error": {
            "code": "RateLimitReached",
            "message": "Rate limit of 150 per 86400s exceeded for UserByModelByDay. "
            "Please wait 24367 seconds before retrying.",
        }
    },
    # OpenAI's out-of-credit answer.
    "openai-quota": {
        "error": {
            "message": "You exceeded your current quota, please check your plan and billing "
            "details.",
            "type": "insufficient_quota",
            "param": None,
            "code": "insufficient_quota",
        }
    },
}
# One request's fault: an HTTP status, or one of these names.
FAULTS = (
    "quota",  # 429, GitHub Models' daily limit (body, x-ratelimit-type and a long Retry-After)
    "openai-quota",  # 429, OpenAI's insufficient_quota
    "hang",  # answer after `hang_seconds`
    "malformed",  # 200, a body that is not JSON
    "empty-choices",  # 200, `choices: []`
    "null-content",  # 200, `content: null`
    "length",  # 200, finish_reason "length"
    "chinese",  # 200, Han characters mixed in
    "drop-math",  # 200, the math spans left out
    "echo",  # 200, the source copied back
    "preamble",  # 200, "번역: " before the text
    "endless",  # 200, a body that never ends
    "slow-drip",  # 200, the body a few bytes a second
    "echo-key",  # 401 whose message repeats the Authorization header
    "gzip",  # 200, the answer gzip-compressed (Content-Encoding: gzip)
    "stall",  # 200, half the body, then nothing for `hang_seconds`
    "redirect",  # 307 to another path of this server
)


def fake_korean(text: str) -> str:
    """A deterministic "translation": each English word as Hangul, math and URLs untouched."""
    out = []
    for index, part in enumerate(_KEPT.split(text)):
        if index % 2:
            out.append(part)
            continue
        words = []
        for word in part.split(" "):
            if not any(c.isalpha() for c in word):
                words.append(word)
                continue
            seed = hashlib.sha256(word.encode("utf-8")).digest()
            size = max(1, len(word) // 2)
            words.append("".join(_SYLLABLES[b % len(_SYLLABLES)] for b in seed[:size]))
        out.append(" ".join(words))
    return "".join(out)


@dataclass
class Knobs:
    """How the server answers; tests change these between requests."""

    translate: Callable[[str], str] = fake_korean
    latency: float = 0.0  # seconds before every answer
    faults: list[int | str] = field(default_factory=list)  # one per request, in order
    fault_forever: int | str | None = None
    retry_after: str | None = None  # the Retry-After of a 429 or 503
    hang_seconds: float = 3.0
    usage: tuple[int, int] = (400, 300)  # prompt and completion tokens reported per call


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float

    @property
    def system(self) -> str:
        return self.body["messages"][0]["content"]

    @property
    def user(self) -> str:
        return self.body["messages"][-1]["content"]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            body = json.loads(raw)
        except ValueError:
            body = {}
        knobs = self.server.knobs
        with self.server.lock:
            self.server.requests.append(
                Request(self.path, dict(self.headers.items()), body, time.monotonic())
            )
            self.server.in_flight += 1
            self.server.max_in_flight = max(self.server.max_in_flight, self.server.in_flight)
            fault = knobs.faults.pop(0) if knobs.faults else knobs.fault_forever
        try:
            self._pause(knobs.latency)
            if not self.path.endswith("/chat/completions"):
                self._json(404, {"error": {"message": "not found"}})
            else:
                self._answer(knobs, body, fault)
        finally:
            with self.server.lock:
                self.server.in_flight -= 1

    def _pause(self, seconds: float) -> None:
        """Sleep, but wake when the server shuts down (no thread outlives a test)."""
        self.server.closing.wait(seconds)

    def _answer(self, knobs: Knobs, body: dict[str, Any], fault: int | str | None) -> None:
        source = body.get("messages", [{}])[-1].get("content", "")
        if fault == "hang":
            self._pause(knobs.hang_seconds)
            fault = None
        if fault in QUOTA_BODY:
            extra = {"x-ratelimit-type": "UserByModelByDay", "Retry-After": "24367"}
            self._json(429, QUOTA_BODY[fault], extra if fault == "quota" else {})
        elif fault == "echo-key":
            key = self.headers.get("Authorization", "")
            self._json(401, {"error": {"message": f"Incorrect API key provided: {key}"}})
        elif isinstance(fault, int):
            extra = {"Retry-After": knobs.retry_after} if knobs.retry_after else {}
            self._json(fault, {"error": {"message": "fault injected", "code": str(fault)}}, extra)
        elif fault == "malformed":
            self._send(200, b'{"choices": [{"message": {"content": "\xea\xb0')
        elif fault in ("endless", "slow-drip"):
            self._stream_forever(slow=fault == "slow-drip")
        elif fault == "redirect":
            self._send(307, b"", {"Location": "/elsewhere/chat/completions"})
        else:
            body = json.dumps(self._completion(knobs, source, fault)).encode("utf-8")
            if fault == "gzip":
                self._send(200, gzip.compress(body), {"Content-Encoding": "gzip"})
            elif fault == "stall":
                self._send(200, body, stall=knobs.hang_seconds)
            else:
                self._send(200, body)

    def _completion(self, knobs: Knobs, source: str, fault: str | None) -> dict[str, Any]:
        text = knobs.translate(source)
        if fault == "chinese":
            text = "大規模 " + text
        elif fault == "drop-math":
            text = _KEPT.sub("", text)
        elif fault == "echo":
            text = source
        elif fault == "preamble":
            text = "번역: " + text
        choice = {
            "index": 0,
            "message": {"role": "assistant", "content": None if fault == "null-content" else text},
            "finish_reason": "length" if fault == "length" else "stop",
        }
        prompt, completion = knobs.usage
        return {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "choices": [] if fault == "empty-choices" else [choice],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion},
        }

    def _stream_forever(self, *, slow: bool) -> None:
        """A 200 whose body goes on until the client hangs up (or the server closes)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        piece = "가".encode() * (1 if slow else 20000)
        try:
            self.wfile.write(b'{"choices": [{"message": {"content": "')
            for _ in range(100_000):
                if self.server.closing.is_set():
                    return
                self.wfile.write(piece)
                self.wfile.flush()
                if slow:
                    self._pause(0.2)
        except OSError:
            return  # the client gave up: what it should do

    def _json(self, status: int, data: Any, extra: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), extra)

    def _send(
        self, status: int, body: bytes, extra: dict[str, str] | None = None, stall: float = 0
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        with suppress(OSError):
            if stall:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self._pause(stall)
                body = body[len(body) // 2 :]
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, knobs: Knobs, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.knobs = knobs
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.requests: list[Request] = []
        self.in_flight = 0
        self.max_in_flight = 0

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up breaks the pipe: expected


@dataclass
class RunningServer:
    url: str  # the base_url a client configures (".../v1")
    knobs: Knobs
    server: _Server

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    @property
    def max_in_flight(self) -> int:
        return self.server.max_in_flight


@contextmanager
def serve(knobs: Knobs | None = None, port: int = 0) -> Iterator[RunningServer]:
    """Run the stand-in on 127.0.0.1 (a free port unless `port`) in a background thread."""
    server = _Server(knobs or Knobs(), port)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    host, bound = server.server_address[:2]
    try:
        yield RunningServer(f"http://{host}:{bound}/v1", server.knobs, server)
    finally:
        server.closing.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per answer")
    parser.add_argument("--fault", choices=FAULTS, help="answer every request with this fault")
    args = parser.parse_args()
    knobs = Knobs(latency=args.latency, fault_forever=args.fault)
    with serve(knobs, args.port) as running:
        print(f"DIGEST_TRANSLATE_BASE_URL={running.url}  (Ctrl-C stops)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
