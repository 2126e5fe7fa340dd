"""A release as users get it: sdist and wheel built and checked, the wheel installed into a fresh
venv and run offline on the sample archive; an install from git that `digest init` repeats."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from digest import __version__
from gitrepo import git, git_env
from workflow_runner import run_workflow

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample"
GOLDEN = Path(__file__).parent / "golden"
FIXTURES = Path(__file__).parent / "fixtures" / "hf-api"
DAY = "2026-02-20"


def _run(*command: str | Path, cwd: Path | None = None, env: dict | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _fresh_venv(path: Path, *requirements: str) -> Path:
    """A venv with nothing in it but what pip installs there (from its cache when it can)."""
    _run(sys.executable, "-m", "venv", "--without-pip", path)
    python = path / "bin" / "python"
    if requirements:
        pip = [sys.executable, "-m", "pip", "--python", python, "install", "-q"]
        _run(*pip, "--disable-pip-version-check", *requirements)
    return python


# The sample archive ------------------------------------------------------------------------


def test_the_sample_archive_is_the_recorded_days():
    pages = sorted((SAMPLE / "_archive" / "daily_papers").glob("*[0-9].json"))
    assert [p.name for p in pages] == ["2024-06-20.json", "2025-06-10.json", "2026-02-20.json"]
    for page in pages:
        assert page.read_bytes() == (FIXTURES / f"daily_papers_{page.name}").read_bytes()


def test_the_sample_builds_the_golden_posts_offline(run, tmp_path):
    result = run(
        "build", "--offline", "--date", DAY, "--config", str(SAMPLE / "config.yaml"),
        "--output", str(tmp_path / "posts"),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out == f"{DAY}: 13 papers; written 2\n"
    for post in (tmp_path / "posts").glob("*.md"):
        assert post.read_bytes() == (GOLDEN / post.name).read_bytes()


# The release: what .github/workflows/release.yml builds and publishes ------------------------


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # No isolation: hatchling is a test dependency, and the build needs no network this way.
    _run(sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "-o", out, REPO)
    return out


@pytest.mark.slow
def test_sdist_and_wheel_are_built_and_pass_twine_check(dist):
    built = sorted(p.name for p in dist.iterdir())
    wanted = f"hf_digest-{__version__}"
    assert built == [f"{wanted}-py3-none-any.whl", f"{wanted}.tar.gz"]
    said = _run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()))
    assert said.count("PASSED") == 2, said
    with tarfile.open(dist / f"{wanted}.tar.gz") as sdist:
        names = set(sdist.getnames())
    # The sdist builds the same wheel: what the wheel force-includes must be in it.
    shipped = ("templates/post.md", "templates/paper.md", "templates/languages/ko.yaml")
    for name in ("src/digest/_version.py", *shipped, "config.yaml"):
        assert f"{wanted}/{name}" in names, name
    assert f"{wanted}/.github/workflows/daily-digest.yml" in names
    wheel = zipfile.ZipFile(dist / f"{wanted}-py3-none-any.whl")
    metadata = wheel.read(f"{wanted}.dist-info/METADATA").decode()
    assert f"Version: {__version__}" in metadata


@pytest.mark.slow
def test_the_wheel_in_a_fresh_venv_builds_the_sample_offline(dist, tmp_path):
    (wheel,) = dist.glob("*.whl")
    python = _fresh_venv(tmp_path / "venv", str(wheel))
    digest = python.with_name("digest")
    assert _run(digest, "--version") == f"digest {__version__}\n"
    # The sample as a user has it in a fresh clone, built where they stand, with no network:
    # the API address is a closed port, so a fetch would fail the run.
    sample = shutil.copytree(SAMPLE, tmp_path / "sample", ignore=shutil.ignore_patterns("_posts"))
    env = {"PATH": os.environ["PATH"], "DIGEST_API_BASE_URL": "http://127.0.0.1:9"}
    said = _run(digest, "build", "--offline", "--date", DAY, "--config", sample / "config.yaml",
                env=env)  # fmt: skip
    assert said == f"{DAY}: 13 papers; written 2\n"
    for post in (sample / "_posts").glob("*.md"):
        assert post.read_bytes() == (GOLDEN / post.name).read_bytes()
    # The installed digest is the wheel's, not this checkout's.
    where = _run(python, "-c", "import digest; print(digest.__file__)")
    assert Path(where.strip()).is_relative_to(tmp_path / "venv")


# Installed from git: `digest init` writes that source, and the workflow installs it -----------


@pytest.fixture(scope="module")
def git_source(tmp_path_factory) -> tuple[str, str]:
    """A git repository of this checkout's files as they are now (ignored ones left out)."""
    root = tmp_path_factory.mktemp("source")
    env = git_env(root / "home")
    repo = root / "digest"
    git(root, env, "init", "--quiet", str(repo))
    git(repo, env, "--work-tree", str(REPO), "add", "--all")
    git(repo, env, "commit", "--quiet", "-m", "digest as it is now")
    commit = git(repo, env, "rev-parse", "HEAD").strip()
    return repo.as_uri(), commit


@pytest.mark.slow
def test_init_from_a_git_install_writes_that_source_and_the_workflow_installs_it(
    git_source, tmp_path
):
    url, commit = git_source
    python = _fresh_venv(tmp_path / "venv", f"git+{url}")
    record = json.loads(
        _run(python, "-c", "from importlib import metadata as m; "
             "print(m.distribution('hf-digest').read_text('direct_url.json'))")
    )  # fmt: skip
    assert record["vcs_info"]["commit_id"] == commit
    said = _run(python.with_name("digest"), "init", "blog", cwd=tmp_path)
    spec = f"git+{url}@{commit}"
    assert f"The workflow installs digest with: pip install {spec}" in said
    workflow = tmp_path / "blog" / ".github" / "workflows" / "daily-digest.yml"
    assert f'DIGEST_PACKAGE: "{spec}"' in workflow.read_text(encoding="utf-8")

    # The workflow's own install step, on a "runner" whose python has pip and no digest.
    runner = tmp_path / "runner"
    _run(sys.executable, "-m", "venv", runner)
    env = {"PATH": f"{runner / 'bin'}:{os.environ['PATH']}", "HOME": os.environ["HOME"]}
    result = run_workflow(
        workflow, tmp_path / "blog", env, skip=("build", "publish"), temp=tmp_path / "temp"
    )
    assert result.ran() == ["install"] and result.ok, result.steps[0].stderr
    assert _run(runner / "bin" / "digest", "--version") == f"digest {__version__}\n"
    installed = _run(runner / "bin" / "python", "-c", "import digest; print(digest.__file__)")
    assert Path(installed.strip()).is_relative_to(runner)
