"""Institutions from LaTeXML author blocks made by the real tool (tests/fixtures/arxiv/)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from digest import authorblock, institutions
from digest.authorblock import AuthorBlockParser, same_paper
from digest.institutions import Segment
from enrich_server import ARXIV_FIXTURES, arxiv_page
from system_tools import program

EXPECTED = json.loads((ARXIV_FIXTURES / "expected.json").read_text(encoding="utf-8"))


def page(name: str) -> str:
    return (ARXIV_FIXTURES / "html" / f"{name}.html").read_text(encoding="utf-8")


def test_every_html_fixture_has_its_tex_and_expectation():
    html = {path.stem for path in (ARXIV_FIXTURES / "html").glob("*.html")}
    tex = {path.stem for path in (ARXIV_FIXTURES / "tex").glob("*.tex")}
    assert html == tex == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_institutions_of_each_fixture(name):
    assert list(authorblock.parse(page(name)).institutions) == EXPECTED[name]


def test_the_whole_corpus_has_no_wrong_institution():
    predicted = correct = 0
    for name, expected in EXPECTED.items():
        got = authorblock.parse(page(name)).institutions
        predicted += len(got)
        correct += len(set(got) & set(expected))
    assert predicted == correct  # precision 1.0: a wrong name is worse than none


def test_a_failed_conversion_has_no_block():
    block = authorblock.parse(page("latexml_failure"))
    assert (block.found, block.institutions) == (False, ())


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_fed_in_pieces_it_finds_the_same_and_stops_at_the_block_end(size):
    html = arxiv_page("multi_affiliation", "2602.00001", body_bytes=300_000).decode()
    parser = AuthorBlockParser()
    read = 0
    while not parser.done and read < len(html):
        parser.feed(html[read : read + size])
        read += size
    assert parser.done
    assert read < html.find("Lorem ipsum") + size  # no read into the body
    assert list(parser.result().institutions) == EXPECTED["multi_affiliation"]
    assert parser.result().arxiv_ids == {"2602.00001"}


def test_a_block_cut_off_is_not_complete():
    html = page("neurips")
    cut = html[: html.find("Carnegie")]
    block = authorblock.parse(cut)
    assert block.found and not block.complete


def test_the_page_must_be_the_paper_asked_for():
    ours = authorblock.parse(arxiv_page("cvpr", "2602.11111").decode())
    assert same_paper(ours, "2602.11111", None)
    assert not same_paper(ours, "2602.22222", "Gaussian Splatting for Dynamic Scenes at Scale")
    bare = authorblock.parse(page("cvpr"))  # no id anywhere: only the title can confirm it
    assert same_paper(bare, "2602.11111", "Gaussian  Splatting for dynamic scenes at scale")
    assert not same_paper(bare, "2602.11111", "Attention Is All You Need")
    assert not same_paper(bare, "2602.11111", None)


def test_arxiv_s_watermark_names_the_paper():
    html = page("cvpr").replace(
        '<div class="ltx_page_main">',
        '<div id="watermark-tr">arXiv:2602.13515v2 [cs.CV] 20 Feb 2026</div>'
        '<div class="ltx_page_main">',
    )
    assert authorblock.parse(html).arxiv_ids == {"2602.13515"}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Tsinghua University5", ["Tsinghua University"]),  # a marker typed by hand
        ("·3 authors62", []),
        ("Work done at Google", []),
        ("Equal contribution", []),
        (
            "Department of Physics, Stanford University, Stanford, CA 94305, USA",
            ["Stanford University"],
        ),
        ("jane@google.com", []),
        (
            "Also at Perimeter Institute for Theoretical Physics",
            ["Perimeter Institute for Theoretical Physics"],
        ),
        ("University of Texas, Austin", ["University of Texas, Austin"]),
        ("University", []),
        (
            "The University of Tokyo\u2003University of Tokyo",
            ["The University of Tokyo"],
        ),  # deduped
        ("Independent Researcher", []),
        ("KAIST", ["KAIST"]),
        ("清华大学\uff0c北京", ["清华大学"]),
        ("서울대학교 · 서울", ["서울대학교"]),
        ("Univ. of Tokyo", ["Univ. of Tokyo"]),
        ("Qingyao Ai", []),
    ],
)
def test_pieces_of_text(text, names):
    assert institutions.from_segments([Segment(text)]) == names


def test_a_footnote_counts_only_as_a_whole_sentence():
    notes = [
        Segment("Google DeepMind. Correspondence to jane@google.com.", note=True),
        Segment("Work done during an internship at Microsoft Research.", note=True),
    ]
    assert institutions.from_segments(notes) == ["Google DeepMind"]


@pytest.mark.slow
def test_the_fixtures_are_what_latexml_makes_of_their_tex(tmp_path):
    program("latexml", "apt-get install --no-install-recommends latexml")
    env = {**os.environ, "FIXTURES_OUT": str(tmp_path)}
    subprocess.run(
        ["sh", str(ARXIV_FIXTURES / "make.sh")],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    for committed in sorted((ARXIV_FIXTURES / "html").glob("*.html")):
        assert (tmp_path / committed.name).read_bytes() == committed.read_bytes(), committed.name
