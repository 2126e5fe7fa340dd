"""arXiv and OpenAlex clients against real local servers, the source order, and the cache."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from digest import arxiv, http, httpget
from digest.affiliations import RETRY_AFTER, Affiliation, Clients, find_affiliations
from digest.arxiv import ArxivClient
from digest.lookup import FAILED, FOUND, MISSING, NONE, UNREADABLE
from digest.openalex import OpenAlexClient, institutions_in
from digest.sections import AffiliationSettings
from enrich_server import Knobs, RunningServer, arxiv_page, openalex_work, serve

NOW = datetime(2026, 2, 21, 6, 0, tzinfo=timezone.utc)
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing answers


@dataclass(frozen=True)
class P:
    id: str
    title: str = ""
    organization: str | None = None


@pytest.fixture
def server() -> Iterator[RunningServer]:
    with serve(Knobs()) as running:
        yield running


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short time bounds, so the slow-server tests take a second, not half a minute."""
    monkeypatch.setattr(httpget.Client, "timeout", 0.5)
    monkeypatch.setattr(httpget.Client, "deadline", 1.5)


def settings(server_url: str = CLOSED, **values) -> AffiliationSettings:
    return AffiliationSettings(
        **{
            "sources": ("hf", "arxiv"),
            "arxiv_base_url": server_url,
            "openalex_base_url": server_url,
            "requests_per_second": 50.0,
            **values,
        }
    )


# The arXiv client


def test_the_author_block_of_the_paper_asked_for(server):
    server.knobs.pages["2602.00001"] = arxiv_page("iclr_superscripts", "2602.00001")
    lookup = ArxivClient(server.url, 50).institutions("2602.00001")
    assert lookup.status == FOUND
    assert lookup.names == (
        "Tsinghua University",
        "Shanghai AI Laboratory",
        "Microsoft Research Asia",
    )
    assert server.requests == ["/html/2602.00001"]
    assert server.server.user_agents[0].startswith("digest/")


def test_a_huge_page_is_read_only_until_the_author_block_ends(server):
    big = arxiv_page("neurips", "2602.00002", body_bytes=30_000_000)
    server.knobs.pages["2602.00002"] = big
    client = ArxivClient(server.url, 50)
    started = time.monotonic()
    lookup = client.institutions("2602.00002")
    assert lookup.names == ("Seoul National University", "Carnegie Mellon University")
    assert client.bytes_read <= http.CHUNK  # the first piece holds the block
    assert time.monotonic() - started < 2
    time.sleep(0.2)  # let the server notice the closed connection
    assert server.server.bytes_sent < len(big) // 2


def test_a_block_that_never_ends_stops_at_the_byte_limit(server):
    html = arxiv_page("neurips", "2602.00003").decode()
    endless = html[: html.find("Carnegie")] + "Lorem ipsum " * 200_000  # 2.4 MB, block open
    server.knobs.pages["2602.00003"] = endless.encode()
    client = ArxivClient(server.url, 50)
    lookup = client.institutions("2602.00003")
    assert (lookup.status, lookup.reason) == (UNREADABLE, "author block cut off")
    assert arxiv.MAX_BYTES - http.CHUNK < client.bytes_read <= arxiv.MAX_BYTES


def test_no_html_yet_is_missing(server):
    assert ArxivClient(server.url, 50).institutions("2602.00004").status == MISSING


def test_the_html_of_another_paper_is_refused(server):
    server.knobs.pages["2602.00005"] = arxiv_page("cvpr", "2602.00005")
    server.knobs.swap["2602.00006"] = "2602.00005"  # a cache that mixed two papers up
    lookup = ArxivClient(server.url, 50).institutions("2602.00006")
    assert (lookup.status, lookup.reason) == (FAILED, "the page is another paper's")


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://[x/html/2602.00008", "unreadable answer (UpstreamInvalid)"),
        ("http://elsewhere.example/html/2602.00008", "redirected to another host"),
    ],
)
def test_a_redirect_elsewhere_or_to_no_url_is_a_failure_not_a_crash(server, location, reason):
    server.knobs.redirect_to = location
    lookup = ArxivClient(server.url, 50).institutions("2602.00008")
    assert (lookup.status, lookup.reason) == (FAILED, reason)


def test_a_failed_conversion_is_unreadable(server):
    server.knobs.pages["2602.00007"] = arxiv_page("latexml_failure", "2602.00007")
    lookup = ArxivClient(server.url, 50).institutions("2602.00007")
    assert (lookup.status, lookup.reason) == (UNREADABLE, "no author block")


def test_a_page_without_an_author_block_is_read_only_to_its_abstract(server):
    html = arxiv_page("cvpr", "2602.00012", body_bytes=3_000_000).decode()
    start, end = html.find('<div class="ltx_authors">'), html.find("</div>", html.find("NVIDIA"))
    server.knobs.pages["2602.00012"] = (html[:start] + html[end + 6 :]).encode()
    client = ArxivClient(server.url, 50)
    lookup = client.institutions("2602.00012")
    assert (lookup.status, lookup.reason) == (UNREADABLE, "no author block")
    assert client.bytes_read <= 2 * http.CHUNK


def test_one_429_is_waited_out(server):
    server.knobs.pages["2602.00008"] = arxiv_page("cvpr", "2602.00008")
    server.knobs.fail_with = [429]
    server.knobs.retry_after = "1"
    started = time.monotonic()
    assert ArxivClient(server.url, 50).institutions("2602.00008").status == FOUND
    assert time.monotonic() - started >= 1.0
    assert len(server.requests) == 2


def test_429_again_gives_up_without_raising(server):
    server.knobs.fail_forever = 429
    server.knobs.retry_after = "0"
    lookup = ArxivClient(server.url, 50).institutions("2602.00009")
    assert (lookup.status, lookup.reason) == (FAILED, "HTTP 429")
    assert len(server.requests) == 2


def test_a_slow_server_times_out_within_the_deadline(server, quick):
    server.knobs.fail_with = ["hang"]
    server.knobs.hang_seconds = 3
    started = time.monotonic()
    lookup = ArxivClient(server.url, 50).institutions("2602.00010")
    assert (lookup.status, lookup.reason) == (FAILED, "timed out")
    assert time.monotonic() - started < 1.5


def test_a_dripping_body_stops_at_the_deadline(server, quick):
    server.knobs.pages["2602.00011"] = b"<html><head>" + b" " * 400_000
    server.knobs.drip = 0.2
    started = time.monotonic()
    lookup = ArxivClient(server.url, 50).institutions("2602.00011")
    assert (lookup.status, lookup.reason) == (FAILED, "timed out")
    assert time.monotonic() - started < 2.5


def test_requests_are_spaced_by_the_rate_limit_across_threads(server):
    for n in range(6):
        server.knobs.pages[f"2602.0010{n}"] = arxiv_page("cvpr", f"2602.0010{n}")
    papers = [P(f"2602.0010{n}") for n in range(6)]
    report = find_affiliations(papers, settings(server.url, requests_per_second=10), None)
    assert len(report.found) == 6
    # Six starts at 10 a second span half a second, however the four threads interleave
    # (the span, not each gap: the server's clock adds scheduling jitter to each arrival).
    assert server.times[-1] - server.times[0] >= 0.45


# The OpenAlex client


def test_openalex_institutions_in_order_once_each(server):
    server.knobs.works["2602.13515"] = openalex_work("with_institutions")
    lookup = OpenAlexClient(server.url, 50).institutions("2602.13515")
    assert lookup.names == (
        "Tsinghua University",
        "Shanghai Artificial Intelligence Laboratory",
        "Microsoft Research Asia",  # OpenAlex's "(China)" is a country: not shown
    )
    path = server.requests[0]
    assert path.startswith("/works/doi:10.48550/arXiv.2602.13515?select=")


def test_openalex_country_and_city_qualifiers_are_dropped_and_deduplicated():
    names = ["Google (United States)", "Google (Canada)", "HKUST (Guangzhou)", "(Unnamed)"]
    work = {
        "doi": "https://doi.org/10.48550/arxiv.2602.13515",
        "authorships": [{"institutions": [{"display_name": name}]} for name in names],
    }
    lookup = institutions_in(json.dumps(work).encode(), "2602.13515")
    assert lookup.names == ("Google", "HKUST", "(Unnamed)")


def test_openalex_without_institutions_yet(server):
    server.knobs.works["2602.20001"] = openalex_work("no_institutions")
    assert OpenAlexClient(server.url, 50).institutions("2602.20001").status == NONE


def test_openalex_answering_for_another_work_is_refused(server):
    server.knobs.works["2602.13515"] = openalex_work("with_institutions")
    server.knobs.swap["2602.99999"] = "2602.13515"
    lookup = OpenAlexClient(server.url, 50).institutions("2602.99999")
    assert (lookup.status, lookup.reason) == (FAILED, "the answer is another work")


def test_openalex_404_and_garbage(server):
    assert OpenAlexClient(server.url, 50).institutions("2602.30000").status == MISSING
    server.knobs.works["2602.30001"] = b"<html>maintenance</html>"
    assert OpenAlexClient(server.url, 50).institutions("2602.30001").status == UNREADABLE


# Sources in order, and the cache


def test_hf_only_asks_nobody(server):
    papers = [P("2602.00001", organization="KAIST"), P("2602.00002")]
    report = find_affiliations(papers, settings(server.url, sources=("hf",)), None)
    assert report.found == {"2602.00001": Affiliation(("KAIST",), "hf")}
    assert (server.requests, report.requests, dict(report.warnings)) == ([], 0, {})


def test_first_source_that_yields_and_the_hf_organization_wins(tmp_path):
    with serve() as arxiv_host, serve() as openalex_host:
        arxiv_host.knobs.pages["2602.13516"] = arxiv_page("cvpr", "2602.13516")
        openalex_host.knobs.works["2602.13515"] = openalex_work("with_institutions")
        config = settings(
            arxiv_host.url,
            sources=("arxiv", "openalex", "hf"),
            openalex_base_url=openalex_host.url,
        )
        papers = [P("2602.13514", organization="NAVER"), P("2602.13515"), P("2602.13516")]
        report = find_affiliations(papers, config, tmp_path, now=NOW)
        # Threads ask in any order.
        assert sorted(arxiv_host.requests) == ["/html/2602.13515", "/html/2602.13516"]
        assert [path.split("?")[0] for path in openalex_host.requests] == [
            "/works/doi:10.48550/arXiv.2602.13515"
        ]
    assert report.found["2602.13514"] == Affiliation(("NAVER",), "hf")
    assert report.found["2602.13515"].source == "openalex"
    assert report.found["2602.13516"].source == "arxiv"
    assert dict(report.warnings) == {"arxiv: no HTML (404)": 1}
    assert report.warning_lines() == ["affiliations: 1 paper: arxiv: no HTML (404)"]
    assert report.requests == 3


def test_a_rerun_and_an_offline_run_ask_nobody_and_agree(server, tmp_path):
    server.knobs.pages["2602.00020"] = arxiv_page("llncs", "2602.00020")
    papers = [P("2602.00020"), P("2602.00021")]  # the second has no HTML: a 404
    first = find_affiliations(papers, settings(server.url), tmp_path, now=NOW)
    assert len(server.requests) == 2
    again = find_affiliations(papers, settings(CLOSED), tmp_path, now=NOW + timedelta(hours=1))
    offline = find_affiliations(papers, settings(CLOSED), tmp_path, offline=True)
    assert first.found == again.found == offline.found
    assert first.found["2602.00020"].names[0] == "Technical University of Munich"
    assert again.requests == offline.requests == 0
    record = json.loads((tmp_path / "affiliations/arxiv/2602.00021.json").read_text("utf-8"))
    assert record["status"] == MISSING


def test_a_404_is_asked_again_after_some_days(server, tmp_path):
    papers = [P("2602.00030")]
    find_affiliations(papers, settings(server.url), tmp_path, now=NOW)
    find_affiliations(papers, settings(server.url), tmp_path, now=NOW + RETRY_AFTER / 2)
    assert len(server.requests) == 1
    server.knobs.pages["2602.00030"] = arxiv_page("ieee", "2602.00030")
    later = find_affiliations(papers, settings(server.url), tmp_path, now=NOW + RETRY_AFTER)
    assert len(server.requests) == 2
    assert later.found["2602.00030"].names == ("Stanford University", "The University of Tokyo")


def test_openalex_with_no_institution_yet_is_asked_again_later(server, tmp_path):
    server.knobs.works["2602.20001"] = openalex_work("no_institutions")
    config = settings(server.url, sources=("openalex",))
    assert find_affiliations([P("2602.20001")], config, tmp_path, now=NOW).found == {}
    server.knobs.works["2602.20001"] = openalex_work("with_institutions").replace(
        b"2602.13515", b"2602.20001"
    )
    find_affiliations([P("2602.20001")], config, tmp_path, now=NOW + timedelta(days=1))
    assert len(server.requests) == 1
    later = find_affiliations([P("2602.20001")], config, tmp_path, now=NOW + RETRY_AFTER)
    assert later.found["2602.20001"].names[0] == "Tsinghua University"
    assert later.found["2602.20001"].source == "openalex"


def test_failures_are_counted_not_cached_and_never_raise(server, tmp_path, quick):
    server.knobs.fail_forever = 503
    server.knobs.retry_after = "0"
    report = find_affiliations([P("2602.00040"), P("2602.00041")], settings(server.url), tmp_path)
    assert report.found == {}
    assert dict(report.warnings) == {"arxiv: HTTP 503": 2}
    assert not (tmp_path / "affiliations").exists()


def test_offline_without_a_cache_asks_nobody(tmp_path):
    report = find_affiliations([P("2602.00050")], settings(CLOSED), tmp_path, offline=True)
    assert (report.found, report.requests) == ({}, 0)
    assert dict(report.warnings) == {"arxiv: not in the cache (offline)": 1}


def test_an_unreadable_cache_file_is_asked_again(server, tmp_path):
    server.knobs.pages["2602.00060"] = arxiv_page("cvpr", "2602.00060")
    broken = tmp_path / "affiliations/arxiv/2602.00060.json"
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json", encoding="utf-8")
    report = find_affiliations([P("2602.00060")], settings(server.url), tmp_path, now=NOW)
    assert report.found["2602.00060"].source == "arxiv"
    assert json.loads(broken.read_text("utf-8"))["status"] == FOUND


def test_shown_names_and_the_rest_counted():
    affiliation = Affiliation(("A University", "B Institute", "C Lab", "D Inc"), "arxiv")
    assert affiliation.shown(3) == (("A University", "B Institute", "C Lab"), 1)
    assert affiliation.shown(5) == (affiliation.names, 0)


def test_clients_only_for_the_sources_listed():
    clients = Clients.for_settings(settings(sources=("hf", "openalex")))
    assert clients.arxiv is None and clients.openalex is not None


def test_a_paper_id_never_becomes_a_path(server, tmp_path):
    report = find_affiliations([P("../../etc/passwd")], settings(server.url), tmp_path)
    assert (report.found, server.requests) == ({}, [])
    assert list(Path(tmp_path).iterdir()) == []
