"""Tools a test needs beyond pip (Jekyll…): skip without them locally, fail without them in CI."""

from __future__ import annotations

import os
import shutil

import pytest

# .ci/run exports it: there a missing tool is a broken CI setup, not a reason to skip.
REQUIRE_ENV = "DIGEST_REQUIRE_SYSTEM_TOOLS"


def require_tool(command: str, how_to_install: str) -> str:
    """The path of `command`; skip (or fail, when REQUIRE_ENV=1) if it is not installed."""
    path = shutil.which(command)
    if path:
        return path
    message = f"{command} is not installed; install it with: {how_to_install}"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_ENV}=1: CI must have it)", pytrace=False)
    pytest.skip(message)
