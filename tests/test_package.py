"""The package as users install it: a wheel with its templates, working from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from digest.scaffold import config_text

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_templates_and_config(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "digest/templates/post.md",
        "digest/templates/paper.md",
        "digest/templates/languages/ko.yaml",
        "digest/templates/languages/en.yaml",
        "digest/templates/site/base.html",
        "digest/templates/site/feed.xml",
        "digest/templates/site/assets/site.css",
        "digest/config.yaml",
        "digest/daily-digest.yml",
        "digest/cli.py",
        "digest/_version.py",
        "digest/site/build.py",
    ):
        assert name in names


def _install(wheel: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The wheel unpacked as site-packages, and an environment that imports digest from it."""
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    return site, {**os.environ, "PYTHONPATH": str(site)}


def _python(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.slow
def test_installed_wheel_builds_from_another_folder(wheel, hf_server, tmp_path):
    site, env = _install(wheel, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env["DIGEST_API_BASE_URL"] = hf_server.url
    result = _python(env, elsewhere, "-m", "digest", "build", "--date", "2026-02-20")
    assert result.returncode == 0, result.stderr
    code = "import digest.templating as t; print(t.default_templates_dir())"
    where = _python(env, elsewhere, "-c", code).stdout.strip()
    assert Path(where).is_relative_to(site)  # the wheel's own templates, not the checkout's
    assert len(list((elsewhere / "_posts").glob("*.md"))) == 2


@pytest.mark.slow
def test_installed_wheel_scaffolds_a_blog(wheel, tmp_path):
    _, env = _install(wheel, tmp_path)
    result = _python(env, tmp_path, "-m", "digest", "init", "blog", "--templates")
    assert result.returncode == 0, result.stderr
    blog = tmp_path / "blog"
    for copy, original in [
        (".github/workflows/daily-digest.yml", ".github/workflows/daily-digest.yml"),
        ("_digest/templates/post.md", "templates/post.md"),
        ("_digest/templates/paper.md", "templates/paper.md"),
        ("_digest/templates/languages/ko.yaml", "templates/languages/ko.yaml"),
    ]:
        assert (blog / copy).read_bytes() == (REPO / original).read_bytes(), copy
    # The shipped config.yaml, with translation on and the templates pointed at.
    assert (blog / "config.yaml").read_text("utf-8") == config_text(templates=True)


def test_console_script_and_module_agree():
    script = Path(sys.executable).with_name("digest")
    assert script.exists(), "the console script `digest` is not installed"
    for command in ([str(script), "--version"], [sys.executable, "-m", "digest", "--version"]):
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        assert result.stdout.startswith("digest ")


def test_the_library_api_builds_a_day(hf_server, tmp_path):
    from datetime import date

    import digest

    assert all(hasattr(digest, name) for name in digest.__all__)
    config = digest.load_config(None)
    report = digest.build_day(date(2026, 2, 20), config, config.languages)
    assert report.summary() == "2026-02-20: 13 papers; written 2"
    assert len(list((tmp_path / "_posts").glob("*.md"))) == 2
