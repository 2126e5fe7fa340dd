"""Run a command as the child of a fresh Python and report its exit, output, wall time and
peak memory (max RSS), so the figure is the command's alone, not the test process's.

Run as a script: `python measured.py CMD...` prints one JSON object.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("Error:")]


def run_measured(
    args: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 120
) -> Measured:
    """`digest ARGS…` in a child process, measured."""
    command = [sys.executable, __file__, sys.executable, "-m", "digest", *args]
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=True
    )
    return Measured(**json.loads(done.stdout))


def _main(command: list[str]) -> None:
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ)
    seconds = time.monotonic() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    report = {
        "code": done.returncode,
        "out": done.stdout,
        "err": done.stderr,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak_kb / 1024, 1),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    _main(sys.argv[1:])
