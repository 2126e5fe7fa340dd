"""The post's pure helpers: meta-line links, tags, human period names, ranking rows."""

from __future__ import annotations

from datetime import date

import pytest

from digest.editions import month, week
from digest.entries import (
    CODE,
    PROJECT,
    anchor,
    arxiv_keys,
    ascii_slug,
    day_range,
    group_digits,
    paper_links,
    period_name,
    post_tags,
    ranking_rows,
    url_key,
    week_in_month,
)
from digest.models import Paper

KO = {
    "week": "{year}년 {month_number}월 {ordinal} 주",
    "month": "{year}년 {month_number}월",
    "months": [str(n) for n in range(1, 13)],
    "ordinals": ["첫째", "둘째", "셋째", "넷째", "다섯째"],
}
EN = {
    "week": "{ordinal} week of {month} {year}",
    "month": "{month} {year}",
    "months": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "ordinals": ["first", "second", "third", "fourth", "fifth"],
}


def paper(**fields) -> Paper:
    return Paper(**{"id": "2602.13515", "title": "T", **fields})


def kinds(p: Paper) -> list[tuple[str, str, int | None]]:
    return [(link.kind, link.url, link.stars) for link in paper_links(p)]


def test_the_same_url_as_code_and_project_page_is_one_code_link():
    p = paper(
        github_repo="https://github.com/a/b",
        project_page="https://github.com/A/b/",
        github_stars=19,
    )
    assert kinds(p)[3:] == [(CODE, "https://github.com/a/b", 19)]


def test_a_github_repository_given_as_the_project_page_is_the_code_link_with_stars():
    p = paper(project_page="https://github.com/owner/repo", github_stars=2618)
    assert kinds(p)[3:] == [(CODE, "https://github.com/owner/repo", 2618)]


@pytest.mark.parametrize(
    "page", ["https://owner.github.io/repo/", "https://github.com/owner", "https://x.org/"]
)
def test_other_project_pages_stay_project_pages(page):
    p = paper(project_page=page)
    assert kinds(p)[3:] == [(PROJECT, page, None)]


def test_distinct_code_and_project_pages_are_both_kept():
    p = paper(github_repo="https://github.com/a/b", project_page="https://a.github.io/b")
    assert [k for k, _, _ in kinds(p)] == ["hf", "arxiv", "pdf", CODE, PROJECT]


def test_a_project_page_that_is_the_arxiv_page_is_not_repeated():
    p = paper(project_page="http://arxiv.org/abs/2602.13515/")
    assert [k for k, _, _ in kinds(p)] == ["hf", "arxiv", "pdf"]


@pytest.mark.parametrize("arxiv_id", ["2602.13515", "2602.13515v2", "1706.0376"])
def test_an_arxiv_ids_link_keys_are_url_keys_of_its_links(arxiv_id):
    p = paper(id=arxiv_id)
    assert arxiv_keys(arxiv_id) == (url_key(p.hf_url), url_key(p.arxiv_url), url_key(p.pdf_url))


def test_a_project_page_that_is_the_pdf_of_an_odd_id_is_not_repeated():
    p = paper(id="weird/ID", project_page="https://www.arxiv.org/pdf/weird/ID/")
    assert [k for k, _, _ in kinds(p)] == ["hf", "arxiv", "pdf"]


@pytest.mark.parametrize(
    ("number", "separator", "text"),
    [(0, ",", "0"), (999, ",", "999"), (2618, ",", "2,618"), (1234567, ",", "1,234,567"),
     (-1000, ",", "-1,000"), (12345, "\u202f", "12\u202f345")],
)  # fmt: skip
def test_grouped_digits(number, separator, text):
    assert group_digits(number, separator) == text


def test_anchor_is_the_arxiv_id_in_characters_kramdown_accepts():
    assert anchor("2602.13515") == "arxiv-2602-13515"
    assert anchor("2602.13515v2") == "arxiv-2602-13515v2"
    assert anchor("weird id/../x") == "paper-weird-id-x"
    assert anchor("한국") == "paper-x"


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Diffusion Models", "diffusion-models"), ("Zürich AI", "zurich-ai"),
     ("Vision-Language-Action (VLA)", "vision-language-action-vla"), ("확산 모델", ""),
     ("  C++ / CUDA ", "c-cuda"), ("a" * 60, "a" * 40)],
)  # fmt: skip
def test_ascii_slugs(name, slug):
    assert ascii_slug(name) == slug


def test_tags_keep_the_fixed_ones_then_the_most_shared_bounded():
    papers = [
        paper(keywords=("Diffusion Models", "LoRA"), organization="NVIDIA"),
        paper(keywords=("diffusion models", "확산"), organization="Tsinghua University"),
        paper(keywords=("LoRA", "RL"), organization="nvidia"),
        paper(keywords=("Papers",)),  # a fixed tag again: not repeated
    ]
    tags = post_tags(["huggingface", "Papers", "daily", "ai"], papers, limit=3)
    assert tags == ["huggingface", "papers", "daily", "ai", "diffusion-models", "lora", "nvidia"]
    assert post_tags(["ai"], papers, limit=0) == ["ai"]
    many = [paper(keywords=tuple(f"k{i}-{j}" for j in range(20))) for i in range(130)]
    assert len(post_tags(["ai"], many, limit=12)) == 13


@pytest.mark.parametrize(
    ("sunday", "expected"),
    [(date(2026, 5, 17), (2026, 5, 3)),  # W20, May 11-17: the "5월 셋째 주"
     (date(2026, 5, 3), (2026, 5, 1)),  # W18, Apr 27-May 3: May's first row
     (date(2026, 5, 31), (2026, 5, 5)),  # W22: May's fifth row
     (date(2026, 1, 4), (2026, 1, 1)),  # W01 2026, Dec 29-Jan 4
     (date(2027, 1, 3), (2027, 1, 1)),  # W53 2026 ends in January 2027
     (date(2026, 3, 1), (2026, 3, 1))],  # a one-day first row
)  # fmt: skip
def test_a_week_is_its_sundays_month_row_in_the_calendar(sunday, expected):
    assert week_in_month(sunday) == expected


def test_every_week_of_years_is_one_row_of_one_month_counted_from_one():
    seen: dict[tuple[int, int], list[int]] = {}
    for year in range(2020, 2031):
        for number in range(1, date(year, 12, 28).isocalendar()[1] + 1):
            edition = week(year, number)
            y, m, n = week_in_month(edition.end)
            assert 1 <= n <= 5 and (y, m) == (edition.end.year, edition.end.month)
            # Its row of the Monday-first calendar of that month, counted from the first row.
            first = date(y, m, 1)
            assert n == (edition.end.day - 1 + first.weekday()) // 7 + 1
            seen.setdefault((y, m), []).append(n)
    assert all(ns == list(range(1, len(ns) + 1)) for ns in seen.values())


def test_date_ranges_per_language():
    dash = "\u2013"  # an en dash, as the language files write it
    ko = {
        "same_month": f"{{start_month_number}}월 {{start_day}}일{dash}{{end_day}}일",
        "two_months": f"{{start_month_number}}월 {{start_day}}일{dash}"
        "{end_month_number}월 {end_day}일",
    }
    en = {
        "same_month": f"{{start_month}} {{start_day}}{dash}{{end_day}}",
        "two_months": f"{{start_month}} {{start_day}}{dash}{{end_month}} {{end_day}}",
    }
    w20, w18 = week(2026, 20), week(2026, 18)
    assert day_range(w20.start, w20.end, months=KO["months"], **ko) == f"5월 11일{dash}17일"
    assert day_range(w18.start, w18.end, months=KO["months"], **ko) == f"4월 27일{dash}5월 3일"
    assert day_range(w20.start, w20.end, months=EN["months"], **en) == f"May 11{dash}17"
    assert day_range(w18.start, w18.end, months=EN["months"], **en) == f"April 27{dash}May 3"


def test_period_names_per_language():
    assert period_name(week(2026, 20), **KO) == "2026년 5월 셋째 주"
    assert period_name(week(2026, 20), **EN) == "third week of May 2026"
    assert period_name(week(2026, 1), **EN) == "first week of January 2026"
    assert period_name(month(2026, 5), **KO) == "2026년 5월"
    assert period_name(month(2026, 2), **EN) == "February 2026"


def test_ranking_rows_list_every_paper_once_in_order():
    papers = [
        paper(id="2602.1", title="A", upvotes=1234, organization="Google",
              project_page="https://github.com/g/a", github_stars=2618),
        paper(id="2602.2", title="B", upvotes=3),
    ]  # fmt: skip
    rows = ranking_rows(papers)
    assert [(r.rank, r.title, r.anchor) for r in rows] == [
        (1, "A", "paper-2602-1"),
        (2, "B", "paper-2602-2"),
    ]
    assert (rows[0].upvotes, rows[0].affiliation, rows[0].stars) == ("1,234", "Google", "2,618")
    assert (rows[1].affiliation, rows[1].stars) == (None, None)
