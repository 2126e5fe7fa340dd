"""Overlapping runs (cron overlap) never interleave: one lock per output folder."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from digest.write import output_lock
from helpers import load_post

DAY = "2026-02-20"


def test_busy_folder_with_skip_exits_5_and_writes_nothing(hf_server, run, write_config, tmp_path):
    write_config("lock:\n  when_busy: skip\n")
    with output_lock(tmp_path / "_posts", wait=False, timeout=0):
        result = run("build", "--date", DAY)
    assert result.code == 5
    assert result.error_lines == [
        f"Error: another digest run is writing to {tmp_path / '_posts'}; skipped (lock.when_busy)"
    ]
    assert not list((tmp_path / "_posts").glob("*.md"))


def test_busy_folder_with_wait_gives_up_after_the_timeout(hf_server, run, write_config, tmp_path):
    write_config("lock:\n  when_busy: wait\n  timeout: 0.5\n")
    start = time.monotonic()
    with output_lock(tmp_path / "_posts", wait=False, timeout=0):
        result = run("build", "--date", DAY)
    assert 0.5 <= time.monotonic() - start < 3
    assert result.code == 5
    assert "still writing" in result.error_lines[0] and "after 0.5s (lock.timeout)" in result.err
    assert "waiting for it" in result.err


def test_wait_mode_proceeds_once_the_other_run_ends(hf_server, run, write_config, tmp_path):
    write_config("lock:\n  when_busy: wait\n  timeout: 10\n")
    held = threading.Event()

    def other_run() -> None:
        with output_lock(tmp_path / "_posts", wait=False, timeout=0):
            held.set()
            time.sleep(0.5)

    thread = threading.Thread(target=other_run)
    thread.start()
    held.wait(5)
    result = run("build", "--date", DAY)
    thread.join()
    assert result.code == 0, result.err
    assert len(list((tmp_path / "_posts").glob("*.md"))) == 2


def test_two_real_processes_at_once(hf_server, tmp_path):
    """Two `digest build` processes started together: both succeed, posts are whole."""
    hf_server.knobs.latency = 0.3  # both are in flight at the same time
    env = {**os.environ, "DIGEST_API_BASE_URL": hf_server.url}
    command = [sys.executable, "-m", "digest", "build", "--date", DAY]
    procs = [
        subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    posts = sorted((tmp_path / "_posts").glob("*.md"))
    assert len(posts) == 2
    for post in posts:
        assert load_post(post)["papers"] == 13
    assert not list((tmp_path / "_posts").glob(".digest-*"))


def test_a_killed_run_leaves_no_lock_and_its_temp_files_are_cleaned(
    hf_server, run, write_config, tmp_path
):
    posts = tmp_path / "_posts"
    posts.mkdir()
    # What a SIGKILL mid-write leaves: a temp file. The flock itself dies with the process.
    (posts / ".digest-abc123.tmp").write_text("half a post", encoding="utf-8")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from digest.write import output_lock\n"
            "with output_lock(Path(sys.argv[1]), wait=False, timeout=0):\n"
            "    print('held', flush=True); time.sleep(60)",
            str(posts),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    write_config("lock:\n  when_busy: skip\n")
    result = run("build", "--date", DAY)
    assert result.code == 0, result.err
    assert not list(posts.glob(".digest-*"))
    assert len(list(posts.glob("*.md"))) == 2


def test_dry_run_takes_no_lock(hf_server, run, write_config, tmp_path):
    write_config("lock:\n  when_busy: skip\n")
    with output_lock(tmp_path / "_posts", wait=False, timeout=0):
        assert run("build", "--date", DAY, "--dry-run").code == 0


def test_lock_file_is_not_a_post(tmp_path):
    with output_lock(tmp_path / "out", wait=False, timeout=0):
        pass
    assert [p.name for p in (tmp_path / "out").iterdir()] == [".digest.lock"]
    assert Path(tmp_path / "out" / ".digest.lock").name.startswith(".")  # Jekyll skips it


def test_backfill_and_rebuild_take_the_same_lock(hf_server, run, write_config, tmp_path):
    write_config("lock:\n  when_busy: skip\n")
    assert run("build", "--date", DAY).code == 0  # something archived, for rebuild
    with output_lock(tmp_path / "_posts", wait=False, timeout=0):
        backfill = run("backfill", "--from", "2026-02-19", "--to", DAY)
        rebuild = run("rebuild")
    for result in (backfill, rebuild):
        assert result.code == 5, result.err
        assert "another digest run is writing to" in result.error_lines[0]
    assert run("rebuild").code == 0  # and once the other run is gone, they proceed
