"""Shared test fixtures: the fake API on 127.0.0.1 and a way to run the real CLI in-process."""

from __future__ import annotations

import ctypes
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import llm_server as llm
from digest.cli import main
from hf_server import FIXTURES, Knobs, RunningServer, serve

FIXTURE_DAYS = ("2024-06-20", "2025-06-10", "2026-02-20")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output (review with git diff)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Children never inherit an ignored SIGINT or SIGTERM (a background shell ignores SIGINT).

    Set here, in the test process, rather than in a preexec_fn per child: exec resets every
    caught signal to its default, so every child any test starts (through any library) begins
    with both at their defaults, and no Python runs between fork and exec (unsafe with the
    test servers' threads).
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _become_subreaper()


def _become_subreaper() -> None:
    """Linux: orphaned grandchildren (a server a test's child started) come back to us, so
    the leak check below sees them too."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def live_children() -> list[str]:
    """This process's children still running (zombies are reaped, not counted): "pid cmd"."""
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else []:
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) != os.getpid():
            continue
        if state == "Z":
            os.waitpid(int(entry.name), os.WNOHANG)
            continue
        found.append(f"{entry.name} {cmdline.strip()[:120]}")
    return found


@pytest.fixture(autouse=True)
def _fresh_digest_logger() -> None:
    """Each test starts with the `digest` logger as a library user has it: an in-process CLI
    run before (`-q`, no propagation to the root) must not hide a later test's log records."""
    logger = logging.getLogger("digest")
    logger.handlers[:], logger.propagate = [], True
    logger.setLevel(logging.NOTSET)


@pytest.fixture(scope="session", autouse=True)
def _no_child_left_behind() -> Iterator[None]:
    """Fail the run if any test left a process running; end those processes first."""
    before = set(live_children())
    yield
    deadline = time.monotonic() + 5  # a child being shut down may need a moment
    while (left := [c for c in live_children() if c not in before]) and time.monotonic() < deadline:
        time.sleep(0.1)
    for child in left:
        os.kill(int(child.split()[0]), signal.SIGKILL)
    assert not left, f"tests left {len(left)} process(es) running: {left}"


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test runs in an empty folder, and no test can reach the real API by accident:
    without the `hf_server` fixture the API is a closed port on 127.0.0.1 (the discard port)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DIGEST_API_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    # Nor a model: a CI job's own GITHUB_TOKEN would otherwise reach GitHub Models.
    monkeypatch.setenv("DIGEST_TRANSLATE_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)


@pytest.fixture
def hf_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningServer]:
    """The fake API, fast retries, and DIGEST_API_BASE_URL pointing at it."""
    with serve(Knobs()) as server:
        monkeypatch.setenv("DIGEST_API_BASE_URL", server.url)
        yield server


# The key the translation tests hand digest; no output may ever contain it.
LLM_KEY = "ghp_TestKey0123456789abcdefABCDEF012345"


@pytest.fixture
def llm_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[llm.RunningServer]:
    """The stand-in OpenAI-compatible model, DIGEST_TRANSLATE_BASE_URL pointing at it, and a
    key in GITHUB_TOKEN (translate.api_key_env's default)."""
    with llm.serve(llm.Knobs()) as server:
        monkeypatch.setenv("DIGEST_TRANSLATE_BASE_URL", server.url)
        monkeypatch.setenv("GITHUB_TOKEN", LLM_KEY)
        yield server


def fixture_items(day: str) -> list[dict]:
    return json.loads((FIXTURES / f"daily_papers_{day}.json").read_text(encoding="utf-8"))


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("Error:")]


FAST_API = "api:\n  backoff: 0.01\n  timeout: 2\n  retries: 2\n"


@pytest.fixture
def write_config(tmp_path: Path):
    """Write a config file in the test folder; fast retries unless the text sets its own api."""

    def write(text: str = "", name: str = "config.yaml") -> Path:
        path = tmp_path / name
        body = text if "api:" in text else text + "\n" + FAST_API
        path.write_text(body, encoding="utf-8")
        return path

    return write


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    """Run `digest ARGS…` in-process, as a user would from the shell."""

    def invoke(*args: str) -> Run:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return invoke
