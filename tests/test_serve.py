"""`digest site --serve`: a preview on 127.0.0.1 that rebuilds when a post changes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from site_helpers import GOLDEN, copy_posts


def fetch(url: str) -> str:
    with urlopen(url, timeout=5) as answer:
        return answer.read().decode("utf-8")


@pytest.mark.slow
def test_serve_builds_serves_and_rebuilds_on_change(tmp_path):
    posts = copy_posts(tmp_path / "_posts", GOLDEN)
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "site", "--serve", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout
        assert process.stdout.readline().startswith("site: 6 posts")
        serving = process.stdout.readline()
        match = re.match(r"serving (http://127\.0\.0\.1:\d+/) ", serving)
        assert match, serving
        url = match.group(1)
        assert "SpargeAttention2" in fetch(url + "posts/daily-papers-2026-02-20-en/")
        with pytest.raises(HTTPError) as missing:
            fetch(url + "posts/")  # no directory listings
        assert missing.value.code == 404

        post = posts / "2026-02-20-daily-papers-2026-02-20-en.md"
        post.write_text(post.read_text(encoding="utf-8").replace("SpargeAttention2", "Renamed"))
        deadline = time.monotonic() + 20
        while "Renamed" not in fetch(url + "posts/daily-papers-2026-02-20-en/"):
            assert time.monotonic() < deadline, "the preview did not rebuild"
            time.sleep(0.2)
        assert process.stdout.readline().startswith("site: 6 posts")
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
