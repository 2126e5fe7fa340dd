"""Headless Chromium for the tests, driven over the DevTools protocol (CDP).

CDP, rather than --dump-dom or --screenshot, because the tests must see what only the
protocol reports: console errors, uncaught exceptions, failed requests, and the fonts a
node is really drawn with. websocket-client is the only dependency (a test extra).
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import websocket

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1100,1400",
    "--remote-debugging-port=0",
)
TIMEOUT = 30.0


@dataclass
class Problems:
    """What went wrong while a page loaded, as the browser reported it."""

    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.console or self.failed)


class Page:
    """One tab: send a command, wait for its answer, keep the events that came meanwhile."""

    def __init__(self, ws_url: str) -> None:
        self.ws = websocket.create_connection(ws_url, timeout=TIMEOUT, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Log", "Network", "DOM", "CSS"):
            self.send(f"{domain}.enable")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(event)
            self.events.append(json.loads(self.ws.recv()))

    def open(self, url: str, settle: float = 0.3, ignore: str | None = None) -> Problems:
        """Load `url`; report its console errors and failed local requests but `ignore`."""
        self.events.clear()
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        # Deferred and async work (MathJax) finishes after load: give it a moment, then look.
        self.evaluate(f"new Promise(r => setTimeout(r, {int(settle * 1000)}))")
        return self.problems(origin="/".join(url.split("/", 3)[:3]), ignore=ignore)

    def problems(self, origin: str, ignore: str | None = None) -> Problems:
        found = Problems()
        skip = origin + ignore if ignore else None
        requests: dict[str, str] = {}
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if skip and skip in (
                params.get("entry", {}).get("url"),
                params.get("response", {}).get("url"),
                requests.get(params.get("requestId", "")),
            ):
                continue
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                found.console.append(" ".join(str(a.get("value")) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                found.console.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.console.append(params["entry"]["text"])
            elif method == "Network.requestWillBeSent":
                requests[params["requestId"]] = params["request"]["url"]
            elif method == "Network.loadingFailed":
                url = requests.get(params["requestId"], "?")
                if url.startswith(origin):
                    found.failed.append(f"{url}: {params.get('errorText')}")
            elif method == "Network.responseReceived":
                response = params["response"]
                if response["url"].startswith(origin) and response["status"] >= 400:
                    found.failed.append(f"{response['url']}: HTTP {response['status']}")
        return found

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def fonts_for(self, selector: str) -> list[str]:
        """The font families the browser really draws the first `selector` node's text with."""
        root = self.send("DOM.getDocument")["root"]["nodeId"]
        node = self.send("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        fonts = self.send("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
        return [f["familyName"] for f in fonts]

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=False)
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def close(self) -> None:
        self.ws.close()


@contextmanager
def chromium(binary: str, profile: Path) -> Iterator[Page]:
    """A headless Chromium with a fresh profile; yields its first tab."""
    process = subprocess.Popen(
        [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    page = None
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.is_file() and port_file.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chromium did not start (exit {process.poll()})")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urlopen(f"http://127.0.0.1:{port}/json/list", timeout=TIMEOUT) as answer:
            tabs = [t for t in json.load(answer) if t["type"] == "page"]
        page = Page(tabs[0]["webSocketDebuggerUrl"])
        yield page
    finally:
        if page:
            page.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
