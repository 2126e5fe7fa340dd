"""A post whose papers get their affiliations from each source (the HF organization, the arXiv
author block, OpenAlex), through the real CLI against local servers, compared byte for byte;
re-runs, --offline and rebuild ask nobody and give the same bytes; real Jekyll shows the line.

Regenerate after an intended change with `pytest tests/test_affiliation_posts.py
--update-golden`, then review `git diff tests/golden-affiliations`.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from enrich_server import Knobs, RunningServer, arxiv_page, openalex_work, serve
from helpers import visible_text
from jekyll_site import EXAMPLE_SITE, INSTALL_HINT, TROUBLE, run_jekyll
from system_tools import require_tool

DAY = "2026-02-20"
GOLDEN = Path(__file__).parent / "golden-affiliations"
POSTS = [f"{DAY}-daily-papers-{DAY}-{lang}.md" for lang in ("en", "ko")]
CONFIG = """\
affiliations:
  sources: [hf, arxiv, openalex]
  requests_per_second: 5
"""
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens, a request fails at once
# The papers of the fixture day that no HF organization claimed, and what each source has.
ARXIV = {"2602.16968": "multi_affiliation", "2602.17259": "cvpr", "2602.17365": "email_only"}
OPENALEX = {"2602.17004": "with_institutions", "2602.17365": "no_institutions"}
NOWHERE = "2602.17363"  # in neither: no affiliation shown, and a warning
CLAIMED = "2602.13515"  # Tsinghua University on HF: its arXiv page is never asked for
# What each paper's meta line says of its affiliation (en), from its source; None: nothing.
LINES = {
    CLAIMED: "HF organization: Tsinghua University",
    "2602.16968": "Affiliations: University of California, Berkeley, Stanford University, "
    "Google DeepMind +1 (arXiv)",
    "2602.17259": "Affiliations: Korea Advanced Institute of Science and Technology, Max Planck "
    "Institute for Informatics, NVIDIA (arXiv)",
    "2602.17004": "Affiliations: Tsinghua University, Shanghai Artificial Intelligence "
    "Laboratory, Microsoft Research Asia (OpenAlex)",
    "2602.17365": None,
    NOWHERE: None,
}


def _work_of(fixture: str, arxiv_id: str) -> bytes:
    """An OpenAlex fixture filed under another paper's DOI, as OpenAlex would answer for it."""
    work = json.loads(openalex_work(fixture))
    work["doi"] = f"https://doi.org/10.48550/arxiv.{arxiv_id}"
    work.get("ids", {})["doi"] = work["doi"]
    return json.dumps(work).encode()


@pytest.fixture
def enrich(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningServer]:
    pages = {arxiv_id: arxiv_page(name, arxiv_id) for arxiv_id, name in ARXIV.items()}
    pages[CLAIMED] = arxiv_page("neurips", CLAIMED)
    works = {arxiv_id: _work_of(name, arxiv_id) for arxiv_id, name in OPENALEX.items()}
    with serve(Knobs(pages=pages, works=works)) as server:
        monkeypatch.setenv("DIGEST_ARXIV_BASE_URL", server.url)
        monkeypatch.setenv("DIGEST_OPENALEX_BASE_URL", server.url)
        yield server


def lines_by_id(text: str) -> dict[str, str | None]:
    """What each paper's meta line says after 🏛️ (label and names), by its arXiv id."""
    found = {}
    for section in text.split("\n### ")[1:]:
        paper_id = re.search(r"huggingface\.co/papers/([\d.]+)\)", section).group(1)
        meta = re.search(r"^- 👍 .*$", section, flags=re.M).group(0)
        found[paper_id] = meta.split(" · 🏛️ ", 1)[1] if "🏛️" in meta else None
    return found


def _posts(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in POSTS}


@pytest.fixture
def built(hf_server, enrich, run, write_config, tmp_path, monkeypatch) -> dict[str, bytes]:
    """The day built once with every source, then every server down."""
    write_config(CONFIG)
    result = run("build", "--date", DAY)
    assert result.code == 0, result.err
    asked = sorted(enrich.requests)
    assert asked == sorted(
        [f"/html/{arxiv_id}" for arxiv_id in [*ARXIV, "2602.17004", NOWHERE]]
        + [
            f"/works/doi:10.48550/arXiv.{arxiv_id}?select=id,doi,display_name,authorships"
            for arxiv_id in ("2602.17004", "2602.17365", NOWHERE)
        ]
    )
    # One warning line per kind, with its count; the run still succeeds.
    assert "affiliations: 2 papers: arxiv: no HTML (404)" in result.err
    assert "affiliations: 1 paper: openalex: not in OpenAlex yet (404)" in result.err
    for name in ("DIGEST_API_BASE_URL", "DIGEST_ARXIV_BASE_URL", "DIGEST_OPENALEX_BASE_URL"):
        monkeypatch.setenv(name, CLOSED)
    return _posts(tmp_path / "_posts")


def test_each_source_named_on_its_line_matches_the_golden_post(built, update_golden):
    for name, text in built.items():
        golden = GOLDEN / name
        if update_golden:
            golden.parent.mkdir(exist_ok=True)
            golden.write_bytes(text)
        assert golden.is_file(), f"no golden file {golden.name}: run with --update-golden"
        assert text == golden.read_bytes(), (
            f"{name} differs from its golden file; if intended, run `pytest tests/test_affiliation"
            "_posts.py --update-golden` and review `git diff tests/golden-affiliations`"
        )
    english = lines_by_id(built[POSTS[0]].decode())
    assert {paper_id: english[paper_id] for paper_id in LINES} == LINES
    korean = lines_by_id(built[POSTS[1]].decode())
    assert korean["2602.17259"] == LINES["2602.17259"].replace("Affiliations", "기관")
    assert korean[CLAIMED] == "HF 조직: Tsinghua University" and korean[NOWHERE] is None
    # The ranking table's column: the same names and source.
    table = re.findall(r"^\| \d+ \| .*", english_text := built[POSTS[0]].decode(), flags=re.M)
    assert "| 👍 | Affiliations | ⭐ |" in english_text
    assert any("| 4 | University of California, Berkeley, Stanford" in row for row in table)
    assert any(row.endswith("| 0 | \u2013 | 0 |") for row in table)


def test_offline_and_rebuild_ask_nobody_and_give_the_same_bytes(built, run, tmp_path):
    posts = tmp_path / "_posts"
    offline = run("build", "--date", DAY, "--offline")
    assert offline.code == 0, offline.err
    assert "unchanged 2" in offline.out
    assert "refused" not in offline.err and "not in the cache" not in offline.err
    for name in POSTS:
        (posts / name).unlink()
    again = run("rebuild")
    assert again.code == 0, again.err
    assert _posts(posts) == built
    assert "refused" not in again.err


def test_a_rerun_online_asks_nobody(built, hf_server, run, tmp_path, monkeypatch):
    monkeypatch.setenv("DIGEST_API_BASE_URL", hf_server.url)
    with serve(Knobs()) as empty:  # would answer 404 to anything: nothing may be asked
        monkeypatch.setenv("DIGEST_ARXIV_BASE_URL", empty.url)
        monkeypatch.setenv("DIGEST_OPENALEX_BASE_URL", empty.url)
        result = run("build", "--date", DAY)
    assert result.code == 0, result.err
    assert empty.requests == []
    assert _posts(tmp_path / "_posts") == built


def test_sources_that_are_down_leave_the_papers_as_they_were(
    hf_server, run, write_config, tmp_path, monkeypatch
):
    write_config(CONFIG)
    for name in ("DIGEST_ARXIV_BASE_URL", "DIGEST_OPENALEX_BASE_URL"):
        monkeypatch.setenv(name, CLOSED)  # every connection refused
    result = run("build", "--date", DAY, "--lang", "en")
    assert result.code == 0, result.err
    assert "affiliations: 5 papers: arxiv: connection refused" in result.err
    lines = lines_by_id((tmp_path / "_posts" / POSTS[0]).read_text(encoding="utf-8"))
    assert lines[CLAIMED] == "HF organization: Tsinghua University"
    assert {lines[paper_id] for paper_id in [*ARXIV, "2602.17004", NOWHERE]} == {None}
    # A failure is not an answer: nothing is cached, the next run asks again.
    assert not (tmp_path / "_archive" / "daily_papers" / "affiliations").exists()


@pytest.mark.jekyll
def test_jekyll_shows_each_line_as_written(tmp_path):
    jekyll = require_tool("jekyll", INSTALL_HINT)
    root = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, root, ignore=shutil.ignore_patterns("_site", "_posts"))
    (root / "_posts").mkdir()
    for name in POSTS:
        shutil.copy(GOLDEN / name, root / "_posts" / name)
    built = run_jekyll(jekyll, "build", root)
    assert built.returncode == 0, built.stdout + built.stderr
    assert not TROUBLE.search(built.stdout + built.stderr), built.stdout + built.stderr
    page = root / "_site" / "posts" / f"daily-papers-{DAY}-en" / "index.html"
    items = re.findall(r"<li>(.*?)</li>", page.read_text(encoding="utf-8"), flags=re.S)
    shown = [visible_text(item).strip().split(" · 🏛️ ")[1] for item in items if "🏛️" in item]
    written = lines_by_id((GOLDEN / POSTS[0]).read_text(encoding="utf-8"))
    assert shown == [line for line in written.values() if line]
    assert {line for line in LINES.values() if line} <= set(shown)


def test_backfill_looks_up_archived_days_too(hf_server, enrich, run, write_config, tmp_path):
    write_config("affiliations:\n  sources: [hf]\n")
    assert run("backfill", "--from", DAY, "--to", DAY).code == 0  # archived, no lookups
    assert enrich.requests == []
    write_config(CONFIG)
    result = run("backfill", "--from", DAY, "--to", DAY)  # from the archive, asks arXiv
    assert result.code == 0, result.err
    assert len(enrich.requests) == 8
    lines = lines_by_id((tmp_path / "_posts" / POSTS[0]).read_text(encoding="utf-8"))
    assert {paper_id: lines[paper_id] for paper_id in LINES} == LINES
