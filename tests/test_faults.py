"""The fault matrix: every way the API fails or lies, with the outcome a cron user gets.

Each case first builds a good post for the day, then runs again against the fault, and checks
the exit code, the one `Error:` line, and that the good post is still there, byte for byte
(or replaced by a correct one when the fault was transient).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import fixture_items
from helpers import load_post

DAY = "2026-02-20"
RAW = (Path(__file__).parent / "fixtures" / "hf-api" / f"daily_papers_{DAY}.json").read_bytes()


def items_json(mutate) -> bytes:
    items = fixture_items(DAY)
    mutate(items)
    return json.dumps(items).encode()


@dataclass
class Case:
    knobs: dict = field(default_factory=dict)
    code: int = 0
    message: str | None = None  # expected in the one Error: line
    config: str = ""
    requests: int = 1  # requests the faulty run makes (retries show here)


CASES = {
    "429 with Retry-After, then success": Case(
        {"fail_with": [429], "retry_after": "1"}, requests=2
    ),
    "500, 502, 503, then success": Case({"fail_with": [500, 502, 503]}, requests=4),
    "503 forever": Case({"fail_forever": 503}, 3, "failed after 4 attempts: HTTP 503", requests=4),
    "connection reset mid-body, then success": Case({"fail_with": ["reset"]}, requests=2),
    "connection reset mid-body forever": Case(
        {"cut_body_at": 200},
        3,
        "failed after 4 attempts: connection broke while reading the answer",
        requests=4,
    ),
    "read timeout, then success": Case(
        {"fail_with": ["hang"]}, config="  timeout: 0.5\n", requests=2
    ),
    "read timeout forever": Case(
        {"latency": 1.5},
        3,
        "failed after 4 attempts: timed out",
        config="  timeout: 0.3\n",
        requests=4,
    ),
    "200 with an HTML page": Case(
        {
            "body": b"<!DOCTYPE html><html><body>We'll be right back</body></html>",
            "content_type": "text/html",
        },
        4,
        "answered with an HTML page, not JSON",
    ),
    "200 with truncated JSON": Case({"body": RAW[:5000]}, 4, "answered with invalid JSON"),
    "a JSON object instead of a list": Case(
        {"body": b'{"error": "Invalid date"}'}, 4, "answered with a JSON object, expected a list"
    ),
    "an item without paper": Case(
        {"body": items_json(lambda items: items[3].pop("paper"))},
        4,
        "item 3 has no 'paper' object",
    ),
    "an item without paper.id": Case(
        {"body": items_json(lambda items: items[5]["paper"].pop("id"))},
        4,
        "item 5 has no 'paper.id' string",
    ),
    "paper.id of the wrong type": Case(
        {"body": items_json(lambda items: items[0]["paper"].update(id=2602.13515))},
        4,
        "item 0 has no 'paper.id' string",
    ),
    "a redirect to another host": Case(
        {"redirect_to": "http://mirror.invalid/api/daily_papers?date=2026-02-20"},
        4,
        "redirected to another host: http://mirror.invalid/api/daily_papers",
    ),
    "a redirect to a link that is no URL": Case(
        {"redirect_to": "http://[x/api/daily_papers?date=2026-02-20"},
        4,
        "answered with a redirect to a link that is no URL",
    ),
    "a day that shrinks": Case(
        {"body": items_json(lambda items: items.__delitem__(slice(2, None)))},
        4,
        "the API now lists 2 papers but the post on disk has 13; kept the existing post",
    ),
    "an empty answer for a day that had papers": Case(
        {"body": b"[]"}, 4, "the API now lists 0 papers but the post on disk has 13"
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_fault(name, hf_server, run, write_config, tmp_path):
    case = CASES[name]
    write_config("api:\n  backoff: 0.05\n  retries: 3\n  timeout: 2\n" + case.config)
    assert run("build", "--date", DAY).code == 0
    posts = sorted((tmp_path / "_posts").glob("*.md"))
    good = [p.read_bytes() for p in posts]

    for knob, value in case.knobs.items():
        setattr(hf_server.knobs, knob, value)
    before = len(hf_server.requests)
    result = run("build", "--date", DAY)
    assert len(hf_server.requests) - before == case.requests

    assert result.code == case.code, result.err
    assert "Traceback" not in result.err
    if case.message:
        assert len(result.error_lines) == 1, result.err
        assert case.message in result.error_lines[0]
    else:
        assert result.error_lines == []
    assert [p.read_bytes() for p in posts] == good  # kept, or rebuilt to the same bytes
    assert sorted((tmp_path / "_posts").glob("*.md")) == posts
    assert not list((tmp_path / "_posts").glob(".digest-*"))


def test_connection_refused_exits_3_and_keeps_the_post(
    hf_server, run, write_config, tmp_path, monkeypatch
):
    write_config()
    assert run("build", "--date", DAY).code == 0
    good = {p: p.read_bytes() for p in (tmp_path / "_posts").glob("*.md")}
    monkeypatch.setenv("DIGEST_API_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    result = run("build", "--date", DAY)
    assert result.code == 3
    assert result.error_lines == [
        "Error: http://127.0.0.1:9/api/daily_papers failed after 3 attempts: connection refused"
    ]
    assert {p: p.read_bytes() for p in good} == good


def test_total_time_is_bounded_and_configurable(hf_server, run, write_config):
    write_config("api:\n  backoff: 0.4\n  retries: 10\n  max_total_seconds: 1\n")
    hf_server.knobs.fail_forever = 503
    start = time.monotonic()
    result = run("build", "--date", DAY)
    elapsed = time.monotonic() - start
    assert result.code == 3
    assert "api.max_total_seconds (1s) would be exceeded" in result.error_lines[0]
    assert elapsed < 1.5
    assert len(hf_server.requests) == 2  # 0.4s, then 0.8s would pass the 1s budget


def test_missing_or_odd_upvotes_still_build_with_a_warning(hf_server, run, write_config, tmp_path):
    def damage(items):
        items[0]["paper"].pop("upvotes")  # the top paper loses its count
        items[1]["paper"]["upvotes"] = "9"
        items[2]["numComments"] = None

    hf_server.knobs.days[DAY] = items_json(damage)
    write_config()
    result = run("build", "--date", DAY)
    assert result.code == 0
    assert "warning: 2 of 13 papers have no usable upvote count; counted as 0" in result.err
    en = load_post(tmp_path / "_posts" / f"{DAY}-daily-papers-{DAY}-en.md")
    assert en["papers"] == 13
    assert "### 1. Unified Latents (UL): How to train your latents" in en.content
