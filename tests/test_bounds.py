"""Hostile answers from a real server on 127.0.0.1 (issue 12): every one ends in time, in
bounded memory, with one `Error:` line, and leaves every file on disk as it was.

Each case runs `digest build` in a child process measured by `measured.py` (wall time, peak
RSS); `pytest -s -k bounds` prints the figures.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from hf_server import gzip_bomb, synthetic_day
from measured import run_measured

DAY = "2026-02-20"
TIMEOUT, TOTAL = 1, 3  # api.timeout and api.max_total_seconds for the slow cases
MARGIN = 2.5  # seconds for interpreter start-up and a busy machine
PEAK_MB = 120  # a normal day's build peaks near 40 MB (see the report)
CONFIG = (
    f"api:\n  backoff: 0.01\n  retries: 4\n  timeout: {TIMEOUT}\n  max_total_seconds: {TOTAL}\n"
)


@dataclass(frozen=True)
class Case:
    knobs: dict[str, object]
    code: int
    message: str
    seconds: float = TOTAL + MARGIN
    config: str = ""


CASES = {
    "body one byte at a time": Case(
        {"drip_body": 0.2}, 3, f"timed out, no complete answer within {TIMEOUT}s"
    ),
    "headers one line at a time": Case(
        {"drip_headers": 0.2}, 3, f"timed out, no complete answer within {TIMEOUT}s"
    ),
    "chunked body that never ends": Case(
        {"endless": True}, 4, "answered with more than 8,388,608 bytes (api.max_response_bytes)"
    ),
    "gzip bomb, 1 GiB of spaces": Case(
        {"gzip_bomb": 1 << 30}, 4, "answered with more than 8,388,608 bytes"
    ),
    "100,000 papers, paged": Case(
        {"synthetic_items": 100_000}, 4, "lists more than 1,000 papers for 2026-02-20"
    ),
    "100,000 papers in one answer": Case(
        {"synthetic_items": 100_000, "ignore_paging": True}, 4, "more than 8,388,608 bytes"
    ),
    "a smaller byte limit": Case(
        {}, 4, "more than 50,000 bytes", config="  max_response_bytes: 50000\n"
    ),
}


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".digest.lock"
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_hostile_answer_is_bounded(name, hf_server, run, write_config, tmp_path):
    case = CASES[name]
    write_config(CONFIG)
    assert run("build", "--date", DAY).code == 0  # a good post and its archive, first
    write_config(CONFIG + case.config)  # a smaller limit is a fault of its own
    before = snapshot(tmp_path)
    for knob, value in case.knobs.items():
        setattr(hf_server.knobs, knob, value)
    # Made before the clock starts: the answer is slow to make, not to send.
    if "gzip_bomb" in case.knobs:
        gzip_bomb(case.knobs["gzip_bomb"])
    if "synthetic_items" in case.knobs:
        synthetic_day(DAY, case.knobs["synthetic_items"])
    env = {**os.environ, "DIGEST_API_BASE_URL": hf_server.url}

    result = run_measured(["build", "--date", DAY], cwd=tmp_path, env=env)

    print(f"\n{name}: exit {result.code}, {result.seconds:.2f}s, peak {result.peak_mb:.0f} MB")
    assert result.code == case.code, result.err
    assert len(result.error_lines) == 1, result.err
    assert case.message in result.error_lines[0]
    assert "Traceback" not in result.err
    assert result.seconds < case.seconds
    assert result.peak_mb < PEAK_MB
    assert snapshot(tmp_path) == before, "a file on disk changed"


@pytest.mark.slow
def test_a_normal_build_measured_the_same_way(hf_server, tmp_path, write_config):
    """The yardstick for PEAK_MB: the same day, answered honestly."""
    write_config(CONFIG)
    env = {**os.environ, "DIGEST_API_BASE_URL": hf_server.url}
    result = run_measured(["build", "--date", DAY], cwd=tmp_path, env=env)
    print(f"\nnormal day: exit {result.code}, {result.seconds:.2f}s, peak {result.peak_mb:.0f} MB")
    assert result.code == 0, result.err
    assert result.peak_mb < PEAK_MB
