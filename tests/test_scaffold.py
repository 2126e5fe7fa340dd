"""`digest init`: scaffolds a blog, never overwrites without --force, says what to do next."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from digest import __version__, write
from digest.config import load_config, parse_config
from digest.errors import OutputError, UsageError
from digest.installed import requirement_from_direct_url
from digest.scaffold import GITIGNORE_ENTRIES, JEKYLL_EXCLUDE, TEMPLATES_NAME, config_text

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = ".github/workflows/daily-digest.yml"
SCAFFOLD = ["config.yaml", WORKFLOW, ".gitignore"]
# The test venv holds digest as an editable install, which init refuses to guess from.
RELEASE = ("--package", f"hf-digest=={__version__}")


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_init_scaffolds_an_empty_folder(run, tmp_path):
    result = run("init", *RELEASE, "blog")
    assert result.code == 0, result.err
    blog = tmp_path / "blog"
    assert _files(blog) == sorted(SCAFFOLD)
    # The very files this repository ships: the documented config (translation turned on, see
    # below) and the tested workflow.
    shipped = (REPO / "config.yaml").read_text("utf-8").splitlines()
    written = (blog / "config.yaml").read_text("utf-8").splitlines()
    changed = [(a, b) for a, b in zip(shipped, written, strict=True) if a != b]
    assert changed == [
        ("  sources: [hf]", "  sources: [hf, arxiv]"),  # a new blog names institutions at once
        ("  enabled: false", "  enabled: true"),
        (
            "  max_calls: null",
            "  max_calls: 140  # GitHub Models' free tier: about 150 requests a day",
        ),
        ("  requests_per_second: null", "  requests_per_second: 0.25  # and 15 a minute"),
    ]
    assert load_config(blog / "config.yaml", env={}).affiliations.sources == ("hf", "arxiv")
    assert (blog / WORKFLOW).read_bytes() == (REPO / WORKFLOW).read_bytes()
    assert (blog / ".gitignore").read_text().splitlines() == ["# digest", *GITIGNORE_ENTRIES]
    lines = result.out.splitlines()
    assert lines[:3] == ["created   config.yaml", f"created   {WORKFLOW}", "created   .gitignore"]
    assert "Next steps:" in lines
    assert "git init -b main" in result.out and "git push -u origin main" in result.out
    assert "Run workflow" in result.out


def test_scaffolded_config_is_the_defaults_with_translation_and_arxiv_on(run, tmp_path):
    run("init", *RELEASE)
    config = load_config(tmp_path / "config.yaml", env={})
    on = {"enabled": True, "max_calls": 140, "requests_per_second": 0.25}
    raw = {"translate": on, "affiliations": {"sources": ["hf", "arxiv"]}}
    expected = parse_config(raw, source=tmp_path / "config.yaml", env={})
    assert config == expected


def test_scaffolded_translation_fits_github_models_free_tier(run, tmp_path):
    """About 150 requests a day and 15 a minute for the small models: the run's budget and
    pace stay inside both, and the budget is spent before max_total_seconds runs out."""
    run("init", *RELEASE)
    settings = load_config(tmp_path / "config.yaml", env={}).translate
    assert settings.base_url == "https://models.github.ai/inference"
    assert settings.api_key_env == "GITHUB_TOKEN" and settings.model == "openai/gpt-4.1-mini"
    assert settings.max_calls <= 150 and settings.requests_per_second * 60 <= 15
    assert settings.max_calls / settings.requests_per_second <= settings.max_total_seconds


def test_second_init_changes_nothing(run, tmp_path):
    run("init", *RELEASE)
    before = {name: os.stat(tmp_path / name).st_mtime_ns for name in SCAFFOLD}
    result = run("init", *RELEASE)
    assert result.code == 0
    assert [line.split()[0] for line in result.out.splitlines()[:3]] == ["unchanged"] * 3
    assert {name: os.stat(tmp_path / name).st_mtime_ns for name in SCAFFOLD} == before


def test_existing_files_are_kept_unless_force(run, tmp_path):
    (tmp_path / "config.yaml").write_text("languages: [en]\n", encoding="utf-8")
    result = run("init", *RELEASE)
    assert result.code == 0
    assert "kept      config.yaml (exists and differs; --force replaces it)" in result.out
    assert (tmp_path / "config.yaml").read_text() == "languages: [en]\n"
    assert f"created   {WORKFLOW}" in result.out
    result = run("init", *RELEASE, "--force")
    assert "replaced  config.yaml" in result.out
    assert (tmp_path / "config.yaml").read_text("utf-8") == config_text(templates=False)


def test_existing_gitignore_gets_only_the_missing_entries(run, tmp_path):
    (tmp_path / ".gitignore").write_text("node_modules/\n_site/", encoding="utf-8")
    result = run("init", *RELEASE)
    missing = [e for e in GITIGNORE_ENTRIES if e != "_site/"]
    assert f"updated   .gitignore (added {', '.join(missing)})" in result.out
    lines = (tmp_path / ".gitignore").read_text().splitlines()
    assert lines == ["node_modules/", "_site/", "", "# digest", *missing]
    assert "unchanged .gitignore" in run("init", *RELEASE).out


def test_templates_are_copied_and_used(run, tmp_path, hf_server):
    result = run("init", *RELEASE, "--templates")
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


def test_templates_copy_the_paper_partial_and_the_languages(run, tmp_path, hf_server):
    assert run("init", *RELEASE, "--templates").code == 0
    copied = tmp_path / TEMPLATES_NAME
    shipped = REPO / "templates"
    assert sorted(p.name for p in (copied / "languages").iterdir()) == sorted(
        p.name for p in (shipped / "languages").glob("*.yaml")
    )
    for name in ("paper.md", "post.md", "languages/ko.yaml"):
        assert (copied / name).read_bytes() == (shipped / name).read_bytes()
    assert not (copied / "site").exists()  # the site's templates stay packaged
    # Both are the ones a build reads: a word and the partial, edited.
    words = copied / "languages" / "en.yaml"
    words.write_text(
        words.read_text().replace('affiliation: "HF organization"', 'affiliation: "Lab"'), "utf-8"
    )
    paper = copied / "paper.md"
    paper.write_text("PAPER {{ entry.rank }}\n" + paper.read_text(), encoding="utf-8")
    assert run("build", "--date", "2026-02-20").code == 0
    post = (tmp_path / "_posts" / "2026-02-20-daily-papers-2026-02-20-en.md").read_text()
    assert "PAPER 1" in post and "PAPER 13" in post
    assert "🏛️ Lab: " in post and "HF organization" not in post


def test_templates_with_a_kept_config_say_what_to_set(run, tmp_path):
    (tmp_path / "config.yaml").write_text("languages: [en]\n", encoding="utf-8")
    result = run("init", *RELEASE, "--templates")
    assert f"set templates_dir: {TEMPLATES_NAME} in it" in result.out


def test_jekyll_site_is_told_the_exclude_lines(run, tmp_path):
    (tmp_path / "_config.yml").write_text("title: My blog\n", encoding="utf-8")
    out = run("init", *RELEASE).out
    assert "add to _config.yml\n     exclude:\n       - config.yaml\n       - _archive/\n" in out
    assert (tmp_path / "_config.yml").read_text() == "title: My blog\n"  # told, not edited
    (tmp_path / "_config.yml").write_text("exclude: [config.yaml]\n", encoding="utf-8")
    assert "exclude:" not in run("init", *RELEASE).out


def test_gitignore_covers_what_digest_writes_but_posts_and_archive(run, tmp_path, hf_server):
    from digest.rebuild import MANIFEST

    run("init", *RELEASE)
    (tmp_path / "config.yaml").write_text("api:\n  backoff: 0.01\n", encoding="utf-8")
    assert run("build", "--date", "2026-02-20").code == 0
    assert run("rebuild").code == 0
    assert run("site").code == 0
    (tmp_path / "_posts" / ".digest-0123abcd.tmp").write_text("", encoding="utf-8")
    # No global or system git config: a user's own excludes file would hide files.
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, env=env, check=True)
    listed = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    wanted = {"config.yaml", ".gitignore", WORKFLOW}
    assert {name for name in listed if not name.startswith(("_posts/", "_archive/"))} == wanted
    assert sorted(n for n in listed if n.startswith("_posts/")) == [
        "_posts/2026-02-20-daily-papers-2026-02-20-en.md",
        "_posts/2026-02-20-daily-papers-2026-02-20-ko.md",
    ]
    assert "_archive/daily_papers/2026-02-20.json" in listed  # kept in git on purpose
    assert (tmp_path / "_posts" / MANIFEST).exists() and (tmp_path / ".digest-cache").is_dir()


# Where the workflow installs digest from ---------------------------------------------------


def test_package_option_is_the_workflows_install_source(run, tmp_path):
    spec = "git+https://github.com/someone/digest@0123abc"
    result = run("init", "--package", spec)
    assert result.code == 0, result.err
    workflow = (tmp_path / WORKFLOW).read_text(encoding="utf-8")
    shipped = (REPO / WORKFLOW).read_text(encoding="utf-8")
    assert workflow == shipped.replace('DIGEST_PACKAGE: ""', f'DIGEST_PACKAGE: "{spec}"')
    assert f"The workflow installs digest with: pip install {spec}" in result.out


def test_package_option_refuses_an_expression(run, tmp_path):
    result = run("init", "--package", "${{ secrets.X }}")
    assert result.code == 2
    assert result.error_lines == [
        "Error: --package: expected a pip requirement, got '${{ secrets.X }}'"
    ]
    assert list(tmp_path.iterdir()) == []


def test_an_editable_install_is_refused_naming_package(run, tmp_path):
    # This test process runs digest from an editable install of the checkout.
    result = run("init")
    assert result.code == 2
    assert result.error_lines == [result.err.strip()]
    assert "editable install" in result.err and "--package" in result.err
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


@pytest.mark.parametrize(
    ("record", "wanted"),
    [
        (
            {"url": "https://github.com/o/d", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
            "git+https://github.com/o/d@abc123",
        ),
        (
            {
                "url": "https://github.com/o/m",
                "vcs_info": {"vcs": "git", "commit_id": "abc", "requested_revision": "v1"},
                "subdirectory": "digest",
            },
            "git+https://github.com/o/m@abc#subdirectory=digest",
        ),
        (
            {"url": "https://example.org/hf_digest-0.1.0-py3-none-any.whl", "archive_info": {}},
            "https://example.org/hf_digest-0.1.0-py3-none-any.whl",
        ),
    ],
)
def test_install_source_from_a_direct_url_record(record, wanted):
    assert requirement_from_direct_url(record) == wanted


@pytest.mark.parametrize(
    ("record", "says"),
    [
        ({"url": "file:///src/digest", "dir_info": {"editable": True}}, "an editable install"),
        ({"url": "file:///src/digest", "dir_info": {}}, "a local folder (/src/digest)"),
        ({"url": "file:///tmp/hf_digest-0.1.0.whl", "archive_info": {}}, "a local file"),
        ({}, "cannot tell"),
    ],
)
def test_install_sources_that_cannot_be_installed_elsewhere_are_refused(record, says):
    with pytest.raises(UsageError, match="--package") as raised:
        requirement_from_direct_url(record)
    assert says in str(raised.value)


def test_next_steps_say_how_to_run_digest_when_not_on_path(run, monkeypatch):
    script = Path(sys.executable).with_name("digest")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert f"digest is not on PATH: run it as {script}" in run("init", *RELEASE).out
    monkeypatch.setenv("PATH", f"{script.parent}:/usr/bin:/bin")
    out = run("init", *RELEASE).out
    assert "not on PATH" not in out and "Try it: digest build" in out


def test_existing_git_repository_gets_a_plain_push(run, tmp_path):
    (tmp_path / ".git").mkdir()
    result = run("init", *RELEASE)
    assert "git init" not in result.out
    assert result.out.rstrip().count("&& git push\n") == 1


def test_init_into_a_file_is_one_error_line(run, tmp_path):
    (tmp_path / "taken").write_text("", encoding="utf-8")
    result = run("init", *RELEASE, "taken")
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
    assert f"every day at {int(hour):02d}:{int(minute):02d} UTC" in run("init", *RELEASE).out
    docs = (REPO / "docs" / "publishing.md").read_text(encoding="utf-8")
    assert ", ".join(f"`{entry}`" for entry in GITIGNORE_ENTRIES) in docs
    assert " ".join(JEKYLL_EXCLUDE) in docs
