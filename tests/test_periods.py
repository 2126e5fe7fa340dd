"""Weekly and monthly posts: `build --week` / `--month`, online and from the archive."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import fixture_items
from digest.editions import from_key, parse
from digest.errors import UsageError
from digest.models import papers_from_items
from digest.rank import rank
from helpers import load_post, paper_headings

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 25)
QUICK = "backfill:\n  requests_per_second: null\n  concurrency: 4\n"


def weekly(tmp_path: Path, lang: str) -> Path:
    return tmp_path / "_posts" / f"2026-02-22-weekly-papers-2026-w08-{lang}.md"


@pytest.mark.parametrize(
    ("kind", "text", "start", "end"),
    [
        ("week", "2026-W08", date(2026, 2, 16), date(2026, 2, 22)),
        ("week", "2026-w08", date(2026, 2, 16), date(2026, 2, 22)),
        ("week", "2020-W53", date(2020, 12, 28), date(2021, 1, 3)),
        ("month", "2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("month", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ],
)
def test_periods_parse(kind, text, start, end):
    period = parse(kind, text, TODAY)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert period.key == text.upper() if kind == "week" else text
    assert from_key(period.key) == period


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("week", "2026-8", "expected YYYY-Www"),
        ("week", "2026-02", "expected YYYY-Www"),
        ("week", "2025-W53", "2025-W53 is not a real week"),
        ("week", "2026-W00", "is not a real week"),
        ("month", "2026-13", "2026-13 is not a real month"),
        ("month", "2026-W08", "expected YYYY-MM"),
        ("month", "2026-11", "2026-11 has not ended yet (its last day is 2026-11-30"),
        ("week", "2026-W52", "has not ended yet"),
    ],
)
def test_bad_periods(kind, text, message):
    with pytest.raises(UsageError) as caught:
        parse(kind, text, TODAY)
    assert message in str(caught.value)


def test_weekly_post_from_the_api(hf_server, run, write_config, tmp_path):
    write_config('author: "lim4349"\n')
    result = run("build", "--week", "2026-W08")
    assert result.code == 0, result.err
    assert result.out == "2026-W08: 13 papers; written 2\n"
    assert hf_server.requests[0][1] == {"week": "2026-W08", "limit": "100", "p": "0"}
    en = load_post(weekly(tmp_path, "en"))
    assert en.metadata == {
        "layout": "post",
        # W08 ends on Sunday 22 February, in the fourth row of February's calendar.
        "title": "Hugging Face Weekly Papers - Fourth week of February 2026 (February 16\u201322)",
        "date": "2026-02-22 09:00:00 +0900",
        "categories": ["Weekly Papers"],
        "tags": en.metadata["tags"],
        "organizations": en.metadata["organizations"],
        "keywords": en.metadata["keywords"],
        "author": "lim4349",
        "lang": "en",
        "lang_ref": "weekly-papers-2026-w08",
        "period": "2026-W08",
        "permalink": "/posts/weekly-papers-2026-w08-en/",
        "translations": {"ko": "/posts/weekly-papers-2026-w08-ko/"},
        "papers": 13,
        "upvotes_as_of": "2026-02-22 16:45:00 +0900",
        "render_with_liquid": False,
    }
    expected = rank(papers_from_items(fixture_items("2026-02-20")))
    assert paper_headings(weekly(tmp_path, "en")) == [
        f"{i}. {p.title}" for i, p in enumerate(expected, start=1)
    ]
    assert en.metadata["tags"][:4] == ["huggingface", "papers", "weekly", "ai"]
    # Each paper's day, linked to that day's post (a sibling page under /posts/).
    assert en.content.count(" · 📅 Listed: [2026-02-20](../daily-papers-2026-02-20-en/)") == 13
    ko = weekly(tmp_path, "ko").read_text(encoding="utf-8")
    assert "[English](../weekly-papers-2026-w08-en/)" in ko
    assert "📅 올라온 날: [2026-02-20](../daily-papers-2026-02-20-ko/)" in ko
    title = "Hugging Face 주간 논문 - 2026년 2월 넷째 주 (2월 16일\u201322일)"
    assert load_post(weekly(tmp_path, "ko"))["title"] == title
    assert "\n2026년 2월 넷째 주 (2월 16일\u201322일) Hugging Face Daily Papers에 올라온" in ko
    assert (tmp_path / "_archive/daily_papers/2026-W08.json").is_file()


def test_weekly_and_daily_posts_never_collide(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-22").code == 0  # a Sunday, the week's last day
    assert run("build", "--date", "2026-02-20").code == 0
    assert run("build", "--week", "2026-W08").code == 0
    assert run("build", "--month", "2026-02").code == 0
    names = sorted(p.name for p in (tmp_path / "_posts").iterdir() if p.suffix == ".md")
    assert len(names) == 6
    links = {load_post(tmp_path / "_posts" / name)["permalink"] for name in names}
    assert len(links) == 6


def test_offline_weekly_from_the_archived_answer_is_identical(
    hf_server, run, write_config, tmp_path
):
    write_config()
    assert run("build", "--week", "2026-W08").code == 0
    online = {lang: weekly(tmp_path, lang).read_bytes() for lang in ("ko", "en")}
    for lang in online:
        weekly(tmp_path, lang).unlink()
    asked = len(hf_server.requests)
    assert run("build", "--week", "2026-W08", "--offline").code == 0
    assert {lang: weekly(tmp_path, lang).read_bytes() for lang in online} == online
    assert len(hf_server.requests) == asked


def test_offline_month_put_together_from_archived_days(hf_server, run, write_config, tmp_path):
    write_config(QUICK)
    assert run("backfill", "--from", "2026-02-01", "--to", "2026-02-28").code == 0
    asked = len(hf_server.requests)
    result = run("build", "--month", "2026-02", "--offline")
    assert result.code == 0, result.err
    assert len(hf_server.requests) == asked
    post = tmp_path / "_posts" / "2026-02-28-monthly-papers-2026-02-en.md"
    assert load_post(post)["upvotes_as_of"] == "2026-02-28 16:45:00 +0900"  # the last day's
    text = post.read_text(encoding="utf-8")
    assert "counted when each day was fetched, the last on 2026-02-28 16:45 KST" in text
    assert "Hugging Face Daily Papers, February 2026: the **" in text


def test_offline_period_with_days_missing(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    result = run("build", "--week", "2026-W08", "--offline")
    assert result.code == 2
    assert (
        result.error_lines[0].startswith("Error: 2026-W08 is not in the archive")
        and "nor are 6 of its days (2026-02-16, 2026-02-17, 2026-02-18, 2026-02-19, "
        in (result.error_lines[0])
    )
    assert "digest backfill --from 2026-02-16 --to 2026-02-22" in result.error_lines[0]


def test_a_period_keeps_its_best_papers(hf_server, run, write_config, tmp_path):
    write_config("weekly:\n  max_papers: 3\n")
    assert run("build", "--week", "2026-W08").code == 0
    text = weekly(tmp_path, "en").read_text(encoding="utf-8")
    assert "the 3 most upvoted of the **13 papers** posted" in text
    assert len(paper_headings(weekly(tmp_path, "en"))) == 3


def test_a_language_without_a_period_title(hf_server, run, write_config, tmp_path):
    words = (REPO / "templates" / "languages" / "en.yaml").read_text(encoding="utf-8")
    (tmp_path / "mine" / "languages").mkdir(parents=True)
    without = "".join(line for line in words.splitlines(True) if "monthly_title" not in line)
    (tmp_path / "mine" / "languages" / "xx.yaml").write_text(without, encoding="utf-8")
    write_config("languages: [ko, xx]\ntemplates_dir: mine\n")
    result = run("build", "--month", "2026-02")
    assert result.code == 2
    assert result.error_lines == [
        f"Error: {tmp_path / 'config.yaml'}: monthly.title.xx: no title for language 'xx'"
    ]
    assert hf_server.requests == []
    assert run("build", "--week", "2026-W08").code == 0  # it has a weekly title


def test_a_language_without_words(hf_server, run, write_config, tmp_path):
    write_config("languages: [ko, yy]\n")
    result = run("build", "--date", "2026-02-20")
    assert result.code == 2
    assert result.error_lines[0].startswith(
        "Error: no words for language 'yy': add languages/yy.yaml (see templates/README.md)"
    )
    assert hf_server.requests == []


@pytest.mark.parametrize(
    "args",
    [
        ["--week", "2026-W54"],
        ["--month", "2026-00"],
        ["--week", "2999-W01"],
        ["--week", "2026-W08", "--date", "2026-02-20"],
        ["--week", "2026-W08", "--month", "2026-02"],
    ],
)
def test_period_usage_errors(args, run, hf_server):
    result = run("build", *args)
    assert result.code == 2
    assert len(result.error_lines) == 1
    assert hf_server.requests == []
