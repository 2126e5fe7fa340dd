"""Run a GitHub Actions workflow's `run:` steps locally, exactly as written in its YAML.

Like a runner: each step gets its env (workflow, job, step), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
and RUNNER_TEMP; `${{ }}` expressions are replaced from a small known context (inputs and step
outputs), and any other expression is an error, so the test notices when the workflow grows.
`uses:` steps are left out (the test prepares what they would: the checkout, Python), and so
are steps the test names (the pip install: `digest` comes from the test's venv instead).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
STEP_OUTPUT = re.compile(r"steps\.([\w-]+)\.outputs\.([\w-]+)")
# What GitHub runs for `shell: bash` (https://docs.github.com: "Using a specific shell").
BASH = ("bash", "--noprofile", "--norc", "-eo", "pipefail")


def load_workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    if True in data:
        data["on"] = data.pop(True)
    return data


@dataclass
class StepRun:
    id: str
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]


@dataclass
class WorkflowRun:
    steps: list[StepRun] = field(default_factory=list)
    summary: str = ""

    def step(self, step_id: str) -> StepRun:
        return next(s for s in self.steps if s.id == step_id)

    def ran(self) -> list[str]:
        return [s.id for s in self.steps]

    @property
    def ok(self) -> bool:
        return all(s.code == 0 for s in self.steps)


def _read_outputs(path: Path) -> dict[str, str]:
    outputs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        assert "<<" not in line, "multi-line outputs are not supported by this test runner"
        name, _, value = line.partition("=")
        outputs[name] = value
    return outputs


def _inputs(workflow: Mapping[str, Any], given: Mapping[str, str]) -> dict[str, str]:
    declared = workflow["on"].get("workflow_dispatch", {}).get("inputs", {})
    unknown = set(given) - set(declared)
    assert not unknown, f"inputs {sorted(unknown)} are not declared by the workflow"
    return {name: given.get(name, str(spec.get("default", ""))) for name, spec in declared.items()}


# The job's own token, as `${{ github.token }}` gives it; the publish tests hand it to the
# stand-in model (the test checks no output holds it).
GITHUB_TOKEN = "ghs_RunnerToken0123456789abcdefABCDEF01"


def _evaluate(value: Any, inputs: Mapping[str, str], outputs: Mapping[str, dict[str, str]]) -> str:
    def replace(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression == "github.token":
            return GITHUB_TOKEN
        if expression.startswith("inputs."):
            return inputs[expression.removeprefix("inputs.")]
        step = STEP_OUTPUT.fullmatch(expression)
        if step:
            return outputs.get(step.group(1), {}).get(step.group(2), "")
        raise AssertionError(f"this test runner does not know the expression {expression!r}")

    return EXPRESSION.sub(replace, str(value))


def run_workflow(
    path: Path,
    workspace: Path,
    env: Mapping[str, str],
    *,
    inputs: Mapping[str, str] | None = None,
    skip: tuple[str, ...] = ("install",),
    temp: Path,
) -> WorkflowRun:
    """Run the `run:` steps in `workspace` until one fails, as a job does."""
    workflow = load_workflow(path)
    (job,) = workflow["jobs"].values()
    assert workflow["defaults"]["run"]["shell"] == "bash"
    given = _inputs(workflow, inputs or {})
    temp.mkdir(parents=True, exist_ok=True)
    summary = temp / "step-summary.md"
    summary.touch()
    result = WorkflowRun()
    outputs: dict[str, dict[str, str]] = {}
    for index, step in enumerate(job["steps"]):
        if "run" not in step or step.get("id") in skip:
            continue
        assert "if" not in step, "conditions are not supported by this test runner"
        step_id = step.get("id", f"step{index}")
        output_file = temp / f"output-{index}"
        output_file.write_text("", encoding="utf-8")
        script = temp / f"step-{index}.sh"
        script.write_text(step["run"], encoding="utf-8")
        step_env = {
            **env,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(temp),
        }
        for scope in (workflow.get("env", {}), job.get("env", {}), step.get("env", {})):
            step_env.update({k: _evaluate(v, given, outputs) for k, v in scope.items()})
        minutes = step.get("timeout-minutes", job.get("timeout-minutes", 360))
        done = subprocess.run(
            [*BASH, str(script)],
            cwd=workspace,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=min(minutes * 60, 120),
            check=False,
        )
        outputs[step_id] = _read_outputs(output_file)
        result.steps.append(
            StepRun(step_id, done.returncode, done.stdout, done.stderr, outputs[step_id])
        )
        if done.returncode != 0:
            break
    result.summary = summary.read_text(encoding="utf-8")
    return result
