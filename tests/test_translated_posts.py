"""Translated posts end to end: the real CLI against the fake API and the stand-in model.

Golden Korean posts with translations live in tests/golden_translated/; regenerate them
with `pytest tests/test_translated_posts.py --update-golden`, then read
`git diff tests/golden_translated`.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_DAYS, LLM_KEY
from digest.matter import split
from digest.site.markup import to_html
from hf_server import FIXTURES

GOLDEN = Path(__file__).parent / "golden"
TRANSLATED = Path(__file__).parent / "golden_translated"
ON = "translate:\n  enabled: true\n  timeout: 2\n  retries: 1\n"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def posts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}


def hangul_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if HANGUL.match(c)) / len(letters)


@pytest.mark.parametrize("day", FIXTURE_DAYS)
def test_translated_posts_match_golden_files(
    day, hf_server, llm_server, run, write_config, tmp_path, update_golden
):
    write_config(ON)
    result = run("build", "--date", day)
    assert result.code == 0, result.err
    assert "translation" not in result.err  # everything translated: no warning line
    written = posts(tmp_path / "_posts")
    english = f"{day}-daily-papers-{day}-en.md"
    # The English post is the source: byte for byte the untranslated golden file.
    assert written[english] == (GOLDEN / english).read_bytes()
    korean = f"{day}-daily-papers-{day}-ko.md"
    golden = TRANSLATED / korean
    if update_golden:
        TRANSLATED.mkdir(exist_ok=True)
        golden.write_bytes(written[korean])
    assert golden.is_file(), f"no golden file {golden.name}: run with --update-golden"
    assert written[korean] == golden.read_bytes(), (
        f"{korean} differs from its golden file; if intended, run "
        "`pytest tests/test_translated_posts.py --update-golden`; review the git diff"
    )


def test_a_translated_post_reads_korean_first_with_the_english_folded(
    hf_server, llm_server, run, write_config, tmp_path
):
    write_config(ON)
    assert run("build", "--date", "2026-02-20").code == 0
    text = (tmp_path / "_posts" / "2026-02-20-daily-papers-2026-02-20-ko.md").read_text("utf-8")
    matter, body = split(text)
    assert matter["translated_by"] == "openai/gpt-4.1-mini"
    assert "openai/gpt-4.1-mini 모델이 영어 원문을 기계 번역" in body
    first = body.split("\n### ")[1]
    # The Korean TL;DR and abstract, then the English original inside the fold.
    fold = first.index('<details markdown="1">\n<summary>영어 원문</summary>')
    korean, english = first[:fold], first[fold:]
    assert hangul_share(korean.split("💡", 1)[1]) > 0.5
    assert "- 💡 TL;DR: " in english and hangul_share(english.split("TL;DR: ", 1)[1]) == 0
    assert english.rstrip().endswith("</details>")
    # Before: 1.4% Hangul on a real day. Titles, names and links stay English, as published.
    shown = re.sub(r"<details.*?</details>", "", body, flags=re.S)
    assert hangul_share(shown) > 0.4
    # digest site reads the fold as kramdown does: a details element, Markdown inside.
    html = to_html(body)
    assert "<details><summary>영어 원문</summary><ul><li>💡 TL;DR: " in html
    assert "&lt;details" not in html


def test_offline_with_the_model_down_is_byte_identical(
    hf_server, llm_server, run, write_config, tmp_path
):
    write_config(ON)
    assert run("build", "--date", "2026-02-20").code == 0
    online = posts(tmp_path / "_posts")
    calls = len(llm_server.requests)
    llm_server.server.shutdown()
    llm_server.server.server_close()
    shutil.rmtree(tmp_path / "_posts")
    result = run("build", "--date", "2026-02-20", "--offline")
    assert result.code == 0, result.err
    assert posts(tmp_path / "_posts") == online
    assert "translation" not in result.err
    shutil.rmtree(tmp_path / "_posts")
    result = run("rebuild")
    assert result.code == 0, result.err
    assert posts(tmp_path / "_posts") == online and len(llm_server.requests) == calls


def test_a_rerun_calls_the_model_for_nothing(hf_server, llm_server, run, write_config):
    write_config(ON)
    assert run("build", "--date", "2026-02-20").code == 0
    calls = len(llm_server.requests)
    assert calls > 0
    result = run("build", "--date", "2026-02-20")
    assert result.code == 0 and "unchanged 2" in result.out
    assert len(llm_server.requests) == calls


def test_without_a_key_one_warning_english_and_exit_0(
    hf_server, llm_server, run, write_config, tmp_path, monkeypatch
):
    monkeypatch.delenv("GITHUB_TOKEN")
    write_config(ON)
    result = run("build", "--date", "2026-02-20")
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "GITHUB_TOKEN" in warnings[0], result.err
    assert llm_server.requests == []
    korean = "2026-02-20-daily-papers-2026-02-20-ko.md"
    text = (tmp_path / "_posts" / korean).read_text("utf-8")
    assert "translated_by" not in text and "<details" not in text
    assert text.count("아직 번역되지 않아 영어 원문 그대로 싣습니다.") == text.count("\n### ")


def test_no_translate_and_translate_override_the_config(
    hf_server, llm_server, run, write_config, tmp_path
):
    write_config(ON)
    korean = tmp_path / "_posts" / "2026-02-20-daily-papers-2026-02-20-ko.md"
    assert run("build", "--date", "2026-02-20", "--no-translate").code == 0
    assert llm_server.requests == []
    assert korean.read_bytes() == (GOLDEN / korean.name).read_bytes()
    write_config("translate:\n  enabled: false\n")
    assert run("build", "--date", "2026-02-20", "--translate").code == 0
    assert llm_server.requests and "translated_by" in korean.read_text("utf-8")


def test_translate_required_fails_with_exit_7_after_writing(
    hf_server, llm_server, run, write_config, tmp_path
):
    llm_server.knobs.fault_forever = "echo"  # every answer is the English sent back
    write_config(ON + "  required: true\n  concurrency: 8\n")
    result = run("build", "--date", "2024-06-20")
    assert result.code == 7, result.err
    assert result.error_lines and "translate.required" in result.error_lines[0]
    assert len(posts(tmp_path / "_posts")) == 2  # written, English in place of the Korean


def test_backfill_spends_one_budget_across_its_days(
    hf_server, llm_server, run, write_config, tmp_path
):
    for day, like in (("2024-06-21", "2025-06-10"), ("2024-06-22", "2026-02-20")):
        hf_server.knobs.days[day] = (FIXTURES / f"daily_papers_{like}.json").read_bytes()
    write_config(ON + "  max_calls: 5\n")
    result = run("backfill", "--from", "2024-06-20", "--to", "2024-06-22")
    assert result.code == 0, result.err
    assert len(llm_server.requests) == 5
    assert len(posts(tmp_path / "_posts")) == 6
    assert "translate.max_calls (5) reached" in result.err


def test_the_key_appears_in_no_output_of_a_whole_build(
    hf_server, llm_server, run, write_config, tmp_path
):
    """A model that answers one call with the key echoed in its error; then every file the
    run wrote (posts, archive, translation cache, manifest) and everything it printed."""
    llm_server.knobs.faults = ["echo-key"]
    write_config(ON + "  concurrency: 1\n")
    outputs = [run("build", "--date", "2026-02-20", "-v")]
    outputs.append(run("rebuild", "-v"))
    outputs.append(run("site", "-v"))
    assert all(o.code == 0 for o in outputs), [o.err for o in outputs]
    assert any("401" in o.err for o in outputs)  # the tempting error was seen, and redacted
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any("translations" in p.parts for p in files)
    for path in files:
        data = path.read_bytes()
        assert LLM_KEY.encode() not in data and LLM_KEY[4:20].encode() not in data, path
    for output in outputs:
        assert LLM_KEY not in output.out + output.err and LLM_KEY[4:20] not in output.err


def test_rebuild_renders_again_a_post_that_kept_english(
    hf_server, llm_server, run, write_config, tmp_path, monkeypatch
):
    """Without a key the posts keep English; rebuild must not skip them once a key is back."""
    write_config(ON)
    monkeypatch.delenv("GITHUB_TOKEN")
    assert run("build", "--date", "2026-02-20").code == 0
    assert run("rebuild").code == 0
    manifest = json.loads((tmp_path / "_posts" / ".digest-manifest.json").read_text("utf-8"))
    assert any(entry.get("untranslated") for entry in manifest["editions"].values())
    monkeypatch.setenv("GITHUB_TOKEN", LLM_KEY)
    result = run("rebuild")
    assert result.code == 0, result.err
    korean = tmp_path / "_posts" / "2026-02-20-daily-papers-2026-02-20-ko.md"
    assert "translated_by" in korean.read_text("utf-8")


def test_offline_is_without_the_api_not_without_the_model(
    hf_server, llm_server, run, write_config, tmp_path
):
    """build --offline reads the archive; texts the cache lacks are still asked of the model."""
    write_config(ON)
    assert run("build", "--date", "2026-02-20", "--no-translate").code == 0
    assert llm_server.requests == []
    fetched = len(hf_server.requests)
    result = run("build", "--date", "2026-02-20", "--offline")
    assert result.code == 0, result.err
    assert len(hf_server.requests) == fetched and llm_server.requests
    korean = tmp_path / "_posts" / "2026-02-20-daily-papers-2026-02-20-ko.md"
    assert korean.read_bytes() == (TRANSLATED / korean.name).read_bytes()
