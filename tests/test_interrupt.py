"""SIGTERM and SIGINT in the middle of a write: the old file or the new one, never a part."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

SIZE = 4_000_000  # big enough that a write takes a while

WRITER = f"""
import signal, sys
from pathlib import Path
from digest import write
from digest.cli import install_signal_handlers
install_signal_handlers()
root = Path(sys.argv[1])
print("ready", flush=True)
n = 0
while True:
    n += 1
    write.write_text(root, "post.md", f"{{n}}\\n" + "x" * {SIZE})
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("delay", [0.05, 0.13, 0.31, 0.57])
def test_interrupted_write_leaves_a_whole_file(signum, delay, tmp_path):
    (tmp_path / "post.md").write_text("0\n" + "x" * SIZE, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(delay)
    proc.send_signal(signum)
    assert proc.wait(timeout=30) != 0
    text = (tmp_path / "post.md").read_text(encoding="utf-8")
    assert re.fullmatch(rf"\d+\nx{{{SIZE}}}", text), "a partial file was left"
    assert os.listdir(tmp_path) == ["post.md"], "temp litter was left"


def test_sigterm_during_a_build_keeps_the_old_post(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    good = {p: p.read_bytes() for p in (tmp_path / "_posts").glob("*.md")}
    hf_server.knobs.latency = 5
    env = {**os.environ, "DIGEST_API_BASE_URL": hf_server.url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "digest", "build", "--date", "2026-02-20"],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1)
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143
    assert err.strip().splitlines()[-1] == "Error: interrupted (SIGTERM)"
    assert {p: p.read_bytes() for p in good} == good
    assert not list((tmp_path / "_posts").glob(".digest-*"))
