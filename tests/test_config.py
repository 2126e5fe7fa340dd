"""Settings: the shipped config.yaml is the defaults, every problem is named, env overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from digest.config import Config, load_config, parse_config
from digest.errors import ConfigError
from digest.settings import declared

REPO = Path(__file__).resolve().parents[1]


def test_shipped_config_yaml_is_exactly_the_defaults():
    shipped = load_config(REPO / "config.yaml", env={})
    defaults = parse_config({}, source=REPO / "config.yaml", env={})
    assert shipped == defaults


def test_shipped_config_documents_every_key():
    text = (REPO / "config.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    documented = set(raw) | {f"api.{k}" for k in raw["api"]}
    skip = ("source", "titles", "descriptions", "api")
    fields = {f for f in Config.__dataclass_fields__ if f not in skip}
    assert fields <= documented
    daily = {"title", "description", "categories", "tags", "max_papers", "detail_papers"}
    assert set(raw["daily"]) == daily
    for key in raw:
        # Each top-level key has a comment line right above it (or above its block).
        assert "\n# " in text.split(f"\n{key}:")[0][-400:], key


def test_no_file_means_defaults(tmp_path):
    config = load_config(None, env={})
    assert config.output_dir == tmp_path / "_posts"
    assert config.languages == ("ko", "en") and config.timezone == "Asia/Seoul"
    assert config.api.base_url == "https://huggingface.co"


def test_environment_overrides_base_url():
    assert parse_config({}, env={"DIGEST_API_BASE_URL": "http://127.0.0.1:8000/"}).api.base_url == (
        "http://127.0.0.1:8000"
    )
    assert parse_config({}, env={"HF_ENDPOINT": "https://hf-mirror.com"}).api.base_url == (
        "https://hf-mirror.com"
    )
    both = {"DIGEST_API_BASE_URL": "http://a.test", "HF_ENDPOINT": "http://b.test"}
    assert parse_config({}, env=both).api.base_url == "http://a.test"
    with pytest.raises(ConfigError, match="DIGEST_API_BASE_URL \\(environment\\)"):
        parse_config({}, env={"DIGEST_API_BASE_URL": "ftp://x"})


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"languages": []}, "languages: expected at least one language"),
        ({"languages": ["ko", "ko"]}, "listed twice"),
        ({"daily": {"title": {"en": "{period}"}}}, "daily.title: en: unknown placeholder"),
        ({"tags": ["a"], "daily": {"tags": ["b"]}}, "tags: set both at the top level and as"),
        ({"title": {"en": "Papers {day}"}}, "unknown placeholder ['day']"),
        ({"title": {"en": "Papers {"}}, "not a valid pattern"),
        ({"post_time": "25:00"}, "expected HH:MM"),
        ({"post_time": 630}, 'quote the time, e.g. post_time: "10:30"'),
        ({"min_upvotes": -1}, "min_upvotes: expected 0 or more"),
        ({"max_papers": True}, "max_papers: expected a whole number"),
        ({"permalink": "posts/x"}, "permalink: expected a path starting with /"),
        ({"categories": "Daily"}, "categories: expected a list"),
        ({"api": []}, "api: expected a mapping"),
        ({"api": {"base_url": "huggingface.co"}}, "api.base_url: expected an http(s) URL"),
        ({"api": {"page_size": 500}}, "api.page_size: expected 1 to 100"),
        ({"output_dir": ""}, "output_dir: expected a non-empty string"),
        ({"flavour": "jekyll"}, "flavour: expected one of minima, chirpy, got 'jekyll'"),
        ({"image": "yes"}, "image: expected true or false"),
        ({"pin": True}, "pin: only Chirpy pins posts"),
        ({"description": {"en": "On {day}"}}, "description: en: unknown placeholder ['day']"),
        (
            {"flavour": "chirpy", "categories": ["A", "B", "C"]},
            "categories: Chirpy takes at most 2",
        ),
        ({"flavour": "chirpy", "author": "Jane Doe"}, "author: Chirpy wants an id"),
        ({"site": []}, "site: expected a mapping"),
        ({"site": {"base_url": "example.org"}}, "site.base_url: expected an http(s) URL"),
        ({"site": {"mathjax_url": "mathjax.js"}}, "site.mathjax_url: expected an http(s) URL"),
        ({"site": {"feed_entries": 0}}, "site.feed_entries: expected 1 or more"),
        ({"site": {"titel": {}}}, "site.titel: unknown key (did you mean 'site.title'?)"),
    ],
)
def test_each_bad_value_is_named(raw, problem):
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, env={})
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_all_problems_at_once():
    with pytest.raises(ConfigError) as caught:
        parse_config({"a": 1, "b": 2, "timezone": 3, "api": {"c": 4}}, env={})
    assert len(caught.value.problems) == 4


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_top_level_must_be_a_mapping(text, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a mapping of settings"):
        load_config(path, env={})


def test_unreadable_bytes(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_bytes(b"title: \xff\xfe\n")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(path, env={})


def test_site_settings_resolve_relative_to_the_config(tmp_path):
    config = parse_config(
        {"site": {"output_dir": "public", "title": {"en": "Papers"}, "base_url": "https://a.b/c/"}},
        source=tmp_path / "config.yaml",
        env={},
    )
    assert config.site.output_dir == tmp_path / "public"
    assert config.site.title == {"en": "Papers"}  # ko: its language file's site_title
    assert config.site.base_url == "https://a.b/c"
    assert parse_config({"site": {"mathjax_url": "/js/tex.js"}}, env={}).site.mathjax_url == (
        "/js/tex.js"
    )


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"backfill": {"concurrency": 0}}, "backfill.concurrency: expected 1 to 16"),
        ({"backfill": {"concurrency": 17}}, "backfill.concurrency: expected 1 to 16"),
        ({"backfill": {"requests_per_second": 0}}, "backfill.requests_per_second: expected at"),
        ({"backfill": {"rate": 1}}, "backfill.rate: unknown key"),
        ({"backfill": 2}, "backfill: expected a mapping"),
        ({"weekly": {"title": {"en": "W {date}"}}}, "weekly.title: en: unknown placeholder"),
        ({"monthly": {"max_papers": 0}}, "monthly.max_papers: expected 1 or more"),
        ({"monthly": {"tags": "x"}}, "monthly.tags: expected a list"),
        ({"archive_dir": ""}, "archive_dir: expected a non-empty string"),
    ],
)
def test_each_bad_archive_backfill_or_period_value_is_named(raw, problem):
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, env={})
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_archive_dir_and_period_settings(tmp_path):
    config = parse_config(
        {
            "archive_dir": "data/raw",
            "backfill": {"requests_per_second": None},
            "weekly": {"title": {"en": "Week {period}: {count} ({start} to {end})"}},
        },
        source=tmp_path / "config.yaml",
        env={},
    )
    assert config.archive_dir == tmp_path / "data/raw"
    assert config.backfill.requests_per_second is None and config.backfill.concurrency == 2
    assert config.weekly.titles["en"].startswith("Week {period}")
    assert "ko" not in config.weekly.titles  # its language file's weekly_title
    assert parse_config({"archive_dir": None}, env={}).archive_dir is None


def test_old_top_level_daily_keys_still_work_with_one_warning(caplog):
    old = parse_config(
        {"title": {"en": "P {date}"}, "tags": ["x"], "max_papers": 3, "categories": ["C"]}, env={}
    )
    new = parse_config(
        {
            "daily": {
                "title": {"en": "P {date}"},
                "tags": ["x"],
                "max_papers": 3,
                "categories": ["C"],
            }
        },
        env={},
    )
    assert old == new and old.daily.max_papers == 3 and old.daily.tags == ("x",)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [
        "config: title, categories, tags, max_papers at the top level: deprecated, "
        "move them under `daily:` (read as before)"
    ]


def comments_above_keys(text: str) -> dict[str, str]:
    """config.yaml's keys (dotted) and the comment block above each (keys without one of their
    own share the block above their neighbours)."""
    found, comment, section, last = {}, [], "", ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comment = (
                [*comment, stripped.lstrip("#").strip()] if last == "#" else [stripped[1:].strip()]
            )
            last = "#"
            continue
        key = line.split(":", 1)[0].strip() if ":" in line else ""
        if not key or not stripped or stripped.startswith("-"):
            last = "" if not stripped else last
            continue
        dotted = key if not line.startswith(" ") else f"{section}.{key}"
        section = key if not line.startswith(" ") else section
        found[dotted] = " ".join(comment)
        last = "key"
    return found


def test_config_yaml_has_every_declared_setting_with_its_doc_line():
    text = (REPO / "config.yaml").read_text(encoding="utf-8")
    comments = comments_above_keys(text)
    settings = dict(declared(Config))
    assert set(comments) == set(settings)
    for key, item in settings.items():
        assert comments[key] == item.metadata["doc"], key
