"""`digest build` end to end against the fake API: order, affiliations, text, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURE_DAYS, fixture_items
from digest.entries import anchor
from digest.models import normalize_space, papers_from_items
from digest.rank import rank
from helpers import load_post, paper_headings, paragraphs


def expected_order(day: str) -> list:
    return rank(papers_from_items(fixture_items(day)))


def posts(tmp_path: Path, day: str) -> dict[str, Path]:
    return {
        lang: tmp_path / "_posts" / f"{day}-daily-papers-{day}-{lang}.md" for lang in ("ko", "en")
    }


@pytest.mark.parametrize("day", FIXTURE_DAYS)
def test_every_era_builds_both_languages_in_rank_order(day, hf_server, run, write_config, tmp_path):
    write_config()
    result = run("build", "--date", day)
    assert result.code == 0, result.err
    expected = expected_order(day)
    for lang, path in posts(tmp_path, day).items():
        post = load_post(path)
        assert post["lang"] == lang
        assert post["papers"] == len(expected)
        assert post["render_with_liquid"] is False
        headings = paper_headings(path)
        assert headings == [f"{i}. {p.title}" for i, p in enumerate(expected, start=1)]
        # Every full entry's abstract survives Markdown intact, as its own paragraph; a
        # compact entry (rank 16 on, at the default daily.detail_papers) has none.
        text = paragraphs(path)
        for rank_no, paper in enumerate(expected, start=1):
            assert (paper.abstract in text) is (rank_no <= 15)
        # Every paper is in the ranking table, linked to its entry, in rank order.
        body = post.content
        links = [f"](#{anchor(p.id)})" for p in expected]
        assert [body.index(link) for link in links] == sorted(body.index(x) for x in links)
        assert all(body.count(f"{{#{anchor(p.id)}}}") == 1 for p in expected)


def test_titles_are_whitespace_normalised_and_exact(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2024-06-20").code == 0
    raw_titles = [item["paper"]["title"] for item in fixture_items("2024-06-20")]
    assert any("\n" in t or "  " in t for t in raw_titles), "fixture should hold a wrapped title"
    headings = paper_headings(posts(tmp_path, "2024-06-20")["en"])
    assert sorted(h.split(". ", 1)[1] for h in headings) == sorted(
        normalize_space(t) for t in raw_titles
    )


ORGANIZATIONS = [
    "Tsinghua University",
    "TongyiLab",
    "Google",
    "AI45Research",
    "BMW LLM Research Group",
    "University of Michigan",
    "Yale NLP Lab",
]


def test_front_matter_is_exact(hf_server, run, write_config, tmp_path):
    write_config('author: "lim4349"\ncategories: [Daily Papers, 일간]\n')
    assert run("build", "--date", "2026-02-20").code == 0
    ko = load_post(posts(tmp_path, "2026-02-20")["ko"])
    assert ko.metadata == {
        "layout": "post",
        "title": "Hugging Face 일간 논문 - 2026-02-20",
        "date": "2026-02-20 09:00:00 +0900",
        "categories": ["Daily Papers", "일간"],
        # The fixed tags, then the papers' keywords and organizations most of them share.
        "tags": [
            "huggingface",
            "papers",
            "daily",
            "ai",
            "latent-representations",
            "google",
            "large-language-models",
            "sparse-attention",
            "diffusion-models",
            "top-k",
            "top-p",
            "trainable-sparse-attention",
        ],
        "author": "lim4349",
        "description": "2026-02-20 Hugging Face Daily Papers에 올라온 논문 13편, 좋아요 순.",
        "lang": "ko",
        "lang_ref": "daily-papers-2026-02-20",
        "permalink": "/posts/daily-papers-2026-02-20-ko/",
        "translations": {"en": "/posts/daily-papers-2026-02-20-en/"},
        "organizations": ORGANIZATIONS,
        "keywords": ko.metadata["keywords"],
        "papers": 13,
        # The fake API's Date header (07:45 UTC) in the blog's time zone.
        "upvotes_as_of": "2026-02-20 16:45:00 +0900",
        "render_with_liquid": False,
    }
    # The 30 keywords most papers share (a tie to the better-ranked paper), as written.
    keywords = ko.metadata["keywords"]
    assert len(keywords) == 30 and len(set(keywords)) == 30
    assert keywords[:3] == ["latent representations", "sparse attention", "diffusion models"]


def test_languages_link_each_other(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    ko, en = (p.read_text(encoding="utf-8") for p in posts(tmp_path, "2026-02-20").values())
    assert "[English](../daily-papers-2026-02-20-en/)" in ko
    assert "[한국어](../daily-papers-2026-02-20-ko/)" in en


def test_affiliations_are_the_hf_organization_or_left_out(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    by_lang = {
        lang: p.read_text(encoding="utf-8") for lang, p in posts(tmp_path, "2026-02-20").items()
    }
    sections = {lang: text.split("\n### ")[1:] for lang, text in by_lang.items()}
    for rank_no, paper in enumerate(expected_order("2026-02-20"), start=1):
        ko_section, en_section = sections["ko"][rank_no - 1], sections["en"][rank_no - 1]
        assert ko_section.startswith(f"{rank_no}. ") and en_section.startswith(f"{rank_no}. ")
        # The meta line names the organization that claimed the paper on HF, or says nothing
        # (no guess); the ranking table shows a dash.
        if paper.organization:
            assert f" · 🏛️ HF 조직: {paper.organization}\n" in ko_section
            assert f" · 🏛️ HF organization: {paper.organization}\n" in en_section
        else:
            assert "🏛️" not in ko_section and "🏛️" not in en_section
        mark = paper.organization or "\u2013"
        assert f"(#{anchor(paper.id)}) | {paper.upvotes} | {mark} |" in by_lang["ko"]
    assert "Tsinghua University\n" in by_lang["en"]
    assert by_lang["en"].count("| \u2013 |") == 5
    assert "unknown" not in by_lang["en"] and "알 수 없음" not in by_lang["ko"]


def test_korean_text_is_utf8_bytes(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    raw = posts(tmp_path, "2026-02-20")["ko"].read_bytes()
    assert "좋아요 순위".encode() in raw
    raw.decode("utf-8")  # strict: raises on any non-UTF-8 byte


def test_second_run_with_same_data_touches_nothing(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    files = posts(tmp_path, "2026-02-20").values()
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in files}
    # A later fetch of the same data: only the server's clock moved.
    hf_server.knobs.date_header = "Sun, 22 Feb 2026 11:00:00 GMT"
    result = run("build", "--date", "2026-02-20")
    assert result.code == 0
    assert "unchanged 2" in result.out
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in files}
    assert after == before


def test_newer_data_replaces_the_post(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    items = fixture_items("2026-02-20")
    items[-1]["paper"]["upvotes"] = 99  # the last paper climbs to the top
    hf_server.knobs.days["2026-02-20"] = json.dumps(items).encode()
    hf_server.knobs.date_header = "Sun, 22 Feb 2026 11:00:00 GMT"
    result = run("build", "--date", "2026-02-20")
    assert result.code == 0 and "written 2" in result.out
    en = posts(tmp_path, "2026-02-20")["en"]
    assert paper_headings(en)[0] == "1. " + items[-1]["paper"]["title"]
    assert load_post(en)["upvotes_as_of"] == "2026-02-22 20:00:00 +0900"


def test_empty_day_writes_nothing_and_succeeds(hf_server, run, write_config, tmp_path):
    write_config()
    result = run("build", "--date", "2026-02-21")
    assert result.code == 0
    assert "2026-02-21: 0 papers; nothing written" in result.out
    assert not list(tmp_path.glob("_posts/*"))


def test_dry_run_writes_nothing(hf_server, run, write_config, tmp_path):
    write_config()
    result = run("build", "--date", "2026-02-20", "--dry-run")
    assert result.code == 0
    assert "would write 2" in result.out and "(dry run)" in result.out
    assert not (tmp_path / "_posts").exists()


def test_one_language_and_output_folder(hf_server, run, write_config, tmp_path):
    write_config()
    result = run("build", "--date", "2026-02-20", "--lang", "en", "--output", "site/_posts")
    assert result.code == 0, result.err
    assert sorted(p.name for p in (tmp_path / "site/_posts").iterdir()) == [
        ".digest.lock",  # the folder's run lock: Jekyll skips dot-files
        "2026-02-20-daily-papers-2026-02-20-en.md",
    ]


def test_max_papers_and_min_upvotes(hf_server, run, write_config, tmp_path):
    write_config("max_papers: 3\nmin_upvotes: 2\n")
    assert run("build", "--date", "2026-02-20").code == 0
    headings = paper_headings(posts(tmp_path, "2026-02-20")["en"])
    assert [h.split(". ", 1)[1] for h in headings] == [
        p.title for p in expected_order("2026-02-20")[:3]
    ]
    write_config("min_upvotes: 1000\n")
    result = run("build", "--date", "2026-02-20", "--output", "other")
    assert result.code == 0
    assert "13 papers, none left after filters; nothing written" in result.out


def test_config_paths_are_relative_to_the_config_file(hf_server, run, tmp_path):
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "config.yaml").write_text("output_dir: out\napi:\n  backoff: 0\n", encoding="utf-8")
    assert run("build", "--date", "2026-02-20", "--config", str(blog / "config.yaml")).code == 0
    assert len(list((blog / "out").glob("*.md"))) == 2


def test_templates_folder_overrides_one_file(hf_server, run, write_config, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "daily.en.md").write_text(
        "{% for e in entries %}{{ e.rank }} {{ e.paper.title }}\n{% endfor %}", encoding="utf-8"
    )
    write_config("templates_dir: mine\n")
    assert run("build", "--date", "2024-06-20").code == 0
    en = load_post(posts(tmp_path, "2024-06-20")["en"]).content
    first = "Multimodal Needle in a Haystack: Benchmarking Long-Context Capability of Multimodal"
    assert en.splitlines()[0] == f"1 {first} Large Language Models"
    ko = posts(tmp_path, "2024-06-20")["ko"].read_text(encoding="utf-8")
    assert "좋아요 순위" in ko  # the packaged Korean template still serves


def test_default_date_is_yesterday_utc(hf_server, run, write_config):
    from datetime import datetime, timedelta, timezone

    write_config()
    assert run("build").code == 0
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).date().isoformat()
    assert hf_server.dates_requested() == [yesterday]


def test_written_files_are_world_readable(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    for path in posts(tmp_path, "2026-02-20").values():
        assert path.stat().st_mode & 0o044 == 0o044
    assert not list((tmp_path / "_posts").glob(".digest-*"))  # no temp files left


def test_a_day_that_shrinks_keeps_the_post_unless_forced(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    files = list(posts(tmp_path, "2026-02-20").values())
    before = [p.read_bytes() for p in files]
    hf_server.knobs.days["2026-02-20"] = json.dumps(fixture_items("2026-02-20")[:3]).encode()
    result = run("build", "--date", "2026-02-20")
    assert result.code == 4
    assert result.error_lines == [
        "Error: 2026-02-20: the API now lists 3 papers but the post on disk has 13; "
        "kept the existing post (use --force to replace it)"
    ]
    assert [p.read_bytes() for p in files] == before
    hf_server.knobs.days["2026-02-20"] = b"[]"
    assert run("build", "--date", "2026-02-20").code == 4  # an empty answer is no better
    assert [p.read_bytes() for p in files] == before
    hf_server.knobs.days["2026-02-20"] = json.dumps(fixture_items("2026-02-20")[:3]).encode()
    assert run("build", "--date", "2026-02-20", "--force").code == 0
    assert load_post(files[0])["papers"] == 3


def test_output_folder_that_is_a_file(hf_server, run, write_config, tmp_path):
    write_config()
    (tmp_path / "blocked").write_text("not a folder", encoding="utf-8")
    result = run("build", "--date", "2026-02-20", "--output", "blocked")
    assert result.code == 1
    assert len(result.error_lines) == 1 and "blocked" in result.error_lines[0]
    assert "Traceback" not in result.err
