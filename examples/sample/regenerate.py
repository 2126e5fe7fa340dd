"""Write examples/sample/_archive/ again with digest itself, from the recorded API answers.

    .venv/bin/python examples/sample/regenerate.py

The fake API of the tests (tests/hf_server.py, on 127.0.0.1) serves the recorded fixture days;
`digest build` fetches each one as it would from Hugging Face and archives the answer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent
REPO = SAMPLE.parents[1]
DAYS = ("2024-06-20", "2025-06-10", "2026-02-20")
# A fixed port: the archive records the endpoint it fetched from, and should not move.
PORT = 8753

sys.path.insert(0, str(REPO / "tests"))
from hf_server import serve  # noqa: E402  (a test helper, not part of the package)


def main() -> int:
    shutil.rmtree(SAMPLE / "_archive", ignore_errors=True)
    with serve(port=PORT) as server, tempfile.TemporaryDirectory() as posts:
        env = {**os.environ, "DIGEST_API_BASE_URL": server.url}
        for day in DAYS:
            command = [sys.executable, "-m", "digest", "build", "--date", day]
            command += ["--config", str(SAMPLE / "config.yaml"), "--output", posts]
            subprocess.run(command, env=env, check=True)
    print(f"regenerated {SAMPLE / '_archive'}: review with git diff (nothing should change)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
