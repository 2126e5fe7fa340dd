"""The HTTP client against the fake API: paging, retries, headers and payload checks."""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timezone

import pytest

from conftest import fixture_items
from digest import __version__
from digest.config import ApiSettings
from digest.errors import UpstreamInvalid, UpstreamUnavailable
from digest.fetch import fetch_day, parse_payload

DAY = date(2025, 6, 10)  # 28 papers


def api(server, **overrides) -> ApiSettings:
    settings = {"base_url": server.url, "backoff": 0.01, "timeout": 2.0, "retries": 2}
    return ApiSettings(**{**settings, **overrides})


def ids(day: str) -> list[str]:
    return [item["paper"]["id"] for item in fixture_items(day)]


def test_one_page_returns_the_recorded_bytes(hf_server):
    fetched = fetch_day(DAY, api(hf_server))
    assert [i["paper"]["id"] for i in fetched.items] == ids("2025-06-10")
    raw = (hf_server.knobs.fixtures_dir / "daily_papers_2025-06-10.json").read_bytes()
    assert fetched.bodies == [raw]
    assert fetched.fetched_at == datetime(2025, 6, 10, 7, 45, tzinfo=timezone.utc)
    assert hf_server.requests == [
        ("/api/daily_papers", {"date": "2025-06-10", "limit": "100", "p": "0"})
    ]


def test_pages_until_a_short_page(hf_server):
    fetched = fetch_day(DAY, api(hf_server, page_size=10))
    assert [i["paper"]["id"] for i in fetched.items] == ids("2025-06-10")
    assert [q["p"] for _, q in hf_server.requests] == ["0", "1", "2"]


def test_a_server_that_caps_pages_at_50_is_paged_through(hf_server):
    items = fixture_items("2025-06-10")
    many = [
        {**item, "paper": {**item["paper"], "id": f"2506.{n:05d}"}}
        for n, item in enumerate(items * 4)  # 112 papers
    ]
    hf_server.knobs.days["2025-06-10"] = json.dumps(many).encode()
    hf_server.knobs.page_cap = 50
    fetched = fetch_day(DAY, api(hf_server))
    assert len(fetched.items) == 112
    assert [q["p"] for _, q in hf_server.requests] == ["0", "1", "2"]


def test_an_api_that_ignores_paging_does_not_loop(hf_server):
    hf_server.knobs.ignore_paging = True
    fetched = fetch_day(DAY, api(hf_server, page_size=10))
    assert len(fetched.items) == 28
    assert len(hf_server.requests) == 2  # the second page brought nothing new


def test_user_agent_names_the_tool(hf_server):
    import requests

    session = requests.Session()
    seen = []
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r.request.headers))
    from digest.fetch import new_session

    session = new_session()
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r.request.headers))
    fetch_day(DAY, api(hf_server), session=session)
    assert seen[0]["User-Agent"].startswith(f"digest/{__version__} ")


def test_retries_5xx_then_succeeds(hf_server):
    hf_server.knobs.fail_with = [500, 502]
    fetched = fetch_day(DAY, api(hf_server))
    assert len(fetched.items) == 28
    assert len(hf_server.requests) == 3


def test_honours_retry_after(hf_server):
    hf_server.knobs.fail_with = [429]
    hf_server.knobs.retry_after = "1"
    start = time.monotonic()
    fetch_day(DAY, api(hf_server))
    assert time.monotonic() - start >= 1.0


def test_retry_after_longer_than_allowed_fails_at_once(hf_server):
    hf_server.knobs.fail_forever = 429
    hf_server.knobs.retry_after = "3600"
    start = time.monotonic()
    with pytest.raises(UpstreamUnavailable, match="asks to wait 3600s"):
        fetch_day(DAY, api(hf_server))
    assert time.monotonic() - start < 1.0
    assert len(hf_server.requests) == 1


def test_client_errors_are_not_retried(hf_server):
    hf_server.knobs.fail_forever = 404
    with pytest.raises(UpstreamUnavailable, match="HTTP 404; not retrying"):
        fetch_day(DAY, api(hf_server))
    assert len(hf_server.requests) == 1


def test_connection_refused_is_retried_then_unavailable():
    closed = ApiSettings(base_url="http://127.0.0.1:9", backoff=0.01, retries=1)
    with pytest.raises(UpstreamUnavailable, match="after 2 attempts: connection refused"):
        fetch_day(DAY, closed)


def test_redirect_to_another_host_is_refused(hf_server):
    hf_server.knobs.redirect_to = "http://evil.example/api/daily_papers"
    with pytest.raises(UpstreamInvalid, match="redirected to another host"):
        fetch_day(DAY, api(hf_server))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body>busy</body></html>", "HTML page"),
        (b'[{"paper": {"id": "1"}', "invalid JSON"),
        (b'{"error": "nope"}', "a JSON object, expected a list"),
        (b'[{"title": "x"}]', "item 0 has no 'paper' object"),
        (b'[{"paper": {"id": 5}}]', "item 0 has no 'paper.id' string"),
        (b'[{"paper": {"id": "1"}}, 3]', "item 1 has no 'paper' object"),
        (b"\xff\xfe[]", "not UTF-8"),
    ],
)
def test_payloads_that_are_not_daily_papers(body, message):
    with pytest.raises(UpstreamInvalid, match=message):
        parse_payload(body)


def test_empty_list_is_a_normal_day():
    assert parse_payload(b"[]") == []
