"""`digest init`: scaffolds a blog, never overwrites without --force, says what to do next."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from digest import write
from digest.config import load_config, parse_config
from digest.errors import OutputError
from digest.scaffold import GITIGNORE_ENTRIES, TEMPLATES_NAME, config_text

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = ".github/workflows/daily-digest.yml"
SCAFFOLD = ["config.yaml", WORKFLOW, ".gitignore"]


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_init_scaffolds_an_empty_folder(run, tmp_path):
    result = run("init", "blog")
    assert result.code == 0, result.err
    blog = tmp_path / "blog"
    assert _files(blog) == sorted(SCAFFOLD)
    # The very files this repository ships: the documented config (translation turned on, see
    # below) and the tested workflow.
    shipped = (REPO / "config.yaml").read_text("utf-8").splitlines()
    written = (blog / "config.yaml").read_text("utf-8").splitlines()
    changed = [(a, b) for a, b in zip(shipped, written, strict=True) if a != b]
    assert changed == [
        ("  enabled: false", "  enabled: true"),
        (
            "  max_calls: null",
            "  max_calls: 140  # GitHub Models' free tier: about 150 requests a day",
        ),
        ("  requests_per_second: null", "  requests_per_second: 0.25  # and 15 a minute"),
    ]
    assert (blog / WORKFLOW).read_bytes() == (REPO / WORKFLOW).read_bytes()
    assert (blog / ".gitignore").read_text().splitlines() == ["# digest", *GITIGNORE_ENTRIES]
    lines = result.out.splitlines()
    assert lines[:3] == ["created   config.yaml", f"created   {WORKFLOW}", "created   .gitignore"]
    assert "Next steps:" in lines
    assert "git init -b main" in result.out and "git push -u origin main" in result.out
    assert "Run workflow" in result.out


def test_scaffolded_config_is_the_defaults_with_translation_on(run, tmp_path):
    run("init")
    config = load_config(tmp_path / "config.yaml", env={})
    on = {"enabled": True, "max_calls": 140, "requests_per_second": 0.25}
    expected = parse_config({"translate": on}, source=tmp_path / "config.yaml", env={})
    assert config == expected


def test_scaffolded_translation_fits_github_models_free_tier(run, tmp_path):
    """About 150 requests a day and 15 a minute for the small models: the run's budget and
    pace stay inside both, and the budget is spent before max_total_seconds runs out."""
    run("init")
    settings = load_config(tmp_path / "config.yaml", env={}).translate
    assert settings.base_url == "https://models.github.ai/inference"
    assert settings.api_key_env == "GITHUB_TOKEN" and settings.model == "openai/gpt-4.1-mini"
    assert settings.max_calls <= 150 and settings.requests_per_second * 60 <= 15
    assert settings.max_calls / settings.requests_per_second <= settings.max_total_seconds


def test_second_init_changes_nothing(run, tmp_path):
    run("init")
    before = {name: os.stat(tmp_path / name).st_mtime_ns for name in SCAFFOLD}
    result = run("init")
    assert result.code == 0
    assert [line.split()[0] for line in result.out.splitlines()[:3]] == ["unchanged"] * 3
    assert {name: os.stat(tmp_path / name).st_mtime_ns for name in SCAFFOLD} == before


def test_existing_files_are_kept_unless_force(run, tmp_path):
    (tmp_path / "config.yaml").write_text("languages: [en]\n", encoding="utf-8")
    result = run("init")
    assert result.code == 0
    assert "kept      config.yaml (exists and differs; --force replaces it)" in result.out
    assert (tmp_path / "config.yaml").read_text() == "languages: [en]\n"
    assert f"created   {WORKFLOW}" in result.out
    result = run("init", "--force")
    assert "replaced  config.yaml" in result.out
    assert (tmp_path / "config.yaml").read_text("utf-8") == config_text(templates=False)


def test_existing_gitignore_gets_only_the_missing_entries(run, tmp_path):
    (tmp_path / ".gitignore").write_text("node_modules/\n_site/", encoding="utf-8")
    result = run("init")
    missing = [e for e in GITIGNORE_ENTRIES if e != "_site/"]
    assert f"updated   .gitignore (added {', '.join(missing)})" in result.out
    lines = (tmp_path / ".gitignore").read_text().splitlines()
    assert lines == ["node_modules/", "_site/", "", "# digest", *missing]
    assert "unchanged .gitignore" in run("init").out


def test_templates_are_copied_and_used(run, tmp_path, hf_server):
    result = run("init", "--templates")
    assert result.code == 0
    copied = tmp_path / TEMPLATES_NAME
    assert {p.name for p in copied.iterdir()} >= {"post.md", "paper.md"}
    assert f"templates_dir: {TEMPLATES_NAME}" in (tmp_path / "config.yaml").read_text()
    # The copies are the ones digest uses: edit one and build.
    mine = copied / "post.md"
    mine.write_text("My own digest of {{ count }} papers.\n", encoding="utf-8")
    assert run("build", "--date", "2026-02-20").code == 0
    post = tmp_path / "_posts" / "2026-02-20-daily-papers-2026-02-20-en.md"
    assert post.read_text().endswith("---\n\nMy own digest of 13 papers.\n")


def test_templates_with_a_kept_config_say_what_to_set(run, tmp_path):
    (tmp_path / "config.yaml").write_text("languages: [en]\n", encoding="utf-8")
    result = run("init", "--templates")
    assert f"set templates_dir: {TEMPLATES_NAME} in it" in result.out


def test_jekyll_site_is_told_to_exclude_the_config(run, tmp_path):
    (tmp_path / "_config.yml").write_text("title: My blog\n", encoding="utf-8")
    assert "add it to `exclude:` in _config.yml" in run("init").out
    (tmp_path / "_config.yml").write_text("exclude: [config.yaml]\n", encoding="utf-8")
    assert "exclude:" not in run("init").out


def test_existing_git_repository_gets_a_plain_push(run, tmp_path):
    (tmp_path / ".git").mkdir()
    result = run("init")
    assert "git init" not in result.out
    assert result.out.rstrip().count("&& git push\n") == 1


def test_init_into_a_file_is_one_error_line(run, tmp_path):
    (tmp_path / "taken").write_text("", encoding="utf-8")
    result = run("init", "taken")
    assert result.code == 1
    assert result.error_lines == [result.err.strip()]


# write.create_text, which init writes through ---------------------------------------------


def test_create_text_outcomes(tmp_path):
    assert write.create_text(tmp_path, "a/b.txt", "one") is write.Outcome.CREATED
    assert write.create_text(tmp_path, "a/b.txt", "one") is write.Outcome.UNCHANGED
    assert write.create_text(tmp_path, "a/b.txt", "two") is write.Outcome.KEPT
    assert (tmp_path / "a" / "b.txt").read_text() == "one"
    assert write.create_text(tmp_path, "a/b.txt", "two", replace=True) is write.Outcome.WRITTEN
    assert (tmp_path / "a" / "b.txt").read_text() == "two"


def test_create_text_stays_inside_the_root(tmp_path):
    with pytest.raises(OutputError, match="outside"):
        write.create_text(tmp_path, "../escape.txt", "x")


def test_what_init_says_matches_the_workflow_and_the_readme(run):
    workflow = (REPO / WORKFLOW).read_text(encoding="utf-8")
    minute, hour = re.search(r'cron: "(\d+) (\d+) \* \* \*"', workflow).groups()
    assert f"every day at {int(hour):02d}:{int(minute):02d} UTC" in run("init").out
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert ", ".join(f"`{entry}`" for entry in GITIGNORE_ENTRIES) in readme
