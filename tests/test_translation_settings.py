"""The `translate:` settings: defaults, every key checked like the rest of the config (without
ever repeating a value that may be a key), the environment override, and the prompt files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest.config import parse_config
from digest.errors import ConfigError, TemplateError
from digest.translation_cache import cache_key, read_cached, write_cached
from digest.translation_prompt import load_prompt
from digest.translation_settings import TranslateSettings


def check_translate_settings(raw: object) -> list[str]:
    """The problems config.yaml's checks find in a `translate:` section (none: it is fine)."""
    try:
        parse_config({"translate": raw}, env={})
    except ConfigError as exc:
        return exc.problems
    return []


def translate_settings(
    raw: dict, *, base: Path | None = None, env: dict | None = None
) -> TranslateSettings:
    source = base / "config.yaml" if base else None
    return parse_config({"translate": raw}, source=source, env=env or {}).translate


def test_every_key_of_the_issue_with_its_default() -> None:
    full = {
        "enabled": False,
        "base_url": "https://models.github.ai/inference",
        "model": "openai/gpt-4.1-mini",
        "api_key_env": "GITHUB_TOKEN",
        "languages": ["ko"],
        "fields": ["ai_summary", "summary"],
        "max_papers": None,
        "max_calls": None,
        "concurrency": 4,
        "requests_per_second": None,
        "timeout": 60,
        "retries": 3,
        "max_total_seconds": 600,
        "glossary": None,
        "required": False,
    }
    assert check_translate_settings(full) == []
    assert translate_settings(full, env={}) == TranslateSettings() == translate_settings({}, env={})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"enabled": "yes"}, "translate.enabled:"),
        ({"base_url": "models.github.ai"}, "translate.base_url: expected an http(s) URL"),
        ({"languages": ["en"]}, "translate.languages: English posts are the source"),
        ({"fields": ["title"]}, "translate.fields: expected some of ai_summary, summary"),
        ({"concurrency": 0}, "translate.concurrency: expected 1 to 16"),
        ({"max_calls": -1}, "translate.max_calls: expected 0 or more"),
        ({"requests_per_second": 0}, "translate.requests_per_second: expected at least"),
        ({"retries": 11}, "translate.retries: expected 0 to 10"),
        ({"max_total_second": 5}, "translate.max_total_second: unknown key (did you mean"),
        ({"api_key_env": "MY TOKEN"}, "translate.api_key_env: expected an environment variable"),
    ],
)
def test_each_bad_value_is_named(raw: dict, expected: str) -> None:
    problems = check_translate_settings(raw)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_a_key_pasted_as_the_variable_name_is_refused_without_being_repeated() -> None:
    for key in ("ghp_16C7e42F292c6912E7710c838347Ae178B4a", "sk-proj-abcdefghijklmnop"):
        problems = check_translate_settings({"api_key_env": key})
        assert len(problems) == 1 and "looks like a key" in problems[0]
        assert key not in problems[0] and key[4:12] not in problems[0]
        with pytest.raises(ConfigError) as raised:
            translate_settings({"api_key_env": key}, env={})
        assert key not in str(raised.value)


def test_a_section_that_is_not_a_mapping() -> None:
    assert check_translate_settings(["ko"]) == ["translate: expected a mapping, got list"]


def test_the_environment_overrides_the_base_url(tmp_path: Path) -> None:
    env = {"DIGEST_TRANSLATE_BASE_URL": "http://localhost:11434/v1/"}
    settings = translate_settings({"glossary": "terms.txt"}, base=tmp_path, env=env)
    assert settings.base_url == "http://localhost:11434/v1"
    assert settings.glossary == tmp_path / "terms.txt"
    with pytest.raises(ConfigError, match="DIGEST_TRANSLATE_BASE_URL"):
        translate_settings({}, env={"DIGEST_TRANSLATE_BASE_URL": "localhost"})


def test_the_packaged_korean_prompt_is_versioned() -> None:
    prompt = load_prompt("ko", None)
    assert prompt.version == "ko-1" and "$" in prompt.system and "version:" not in prompt.system
    with pytest.raises(TemplateError, match="no translation prompt for 'xx'"):
        load_prompt("xx", None)


def test_a_glossary_is_part_of_the_prompt_and_its_version(tmp_path: Path) -> None:
    glossary = tmp_path / "terms.txt"
    glossary.write_text("# kept as written\nTransformer\n\nLoRA  # low-rank\n", "utf-8")
    prompt = load_prompt("ko", None, glossary)
    assert prompt.system.endswith("- Transformer\n- LoRA")
    assert prompt.version.startswith("ko-1+glossary-")
    glossary.write_text("Transformer\n", "utf-8")
    assert load_prompt("ko", None, glossary).version != prompt.version
    with pytest.raises(ConfigError, match=r"translate\.glossary: cannot read"):
        load_prompt("ko", None, tmp_path / "missing.txt")


def test_a_user_prompt_needs_its_version_line(tmp_path: Path) -> None:
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "translate.ko.md").write_text("Translate into Korean.\n", "utf-8")
    with pytest.raises(TemplateError, match="first line must be 'version: <name>'"):
        load_prompt("ko", tmp_path)


def test_the_cache_reads_back_only_its_own_key(tmp_path: Path) -> None:
    key = cache_key("2602.00001", "summary", "Text.", lang="ko", model="m", prompt_version="v1")
    assert read_cached(tmp_path, key) is None
    write_cached(tmp_path, key, "번역된 글.")
    assert read_cached(tmp_path, key) == "번역된 글."
    path = tmp_path / key.name
    assert path.parts[-4:-1] == ("translations", "ko", "2602.00001")
    record = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**record, "model": "other"}), "utf-8")
    assert read_cached(tmp_path, key) is None
    path.write_text("{not json", "utf-8")
    assert read_cached(tmp_path, key) is None
    other = cache_key("../x", "summary", "Text.", lang="ko", model="m", prompt_version="v1")
    write_cached(tmp_path, other, "글.")
    assert (tmp_path / other.name).is_relative_to(tmp_path / "translations")
