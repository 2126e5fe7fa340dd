"""Both language versions of a post, or neither: every file is staged before any is replaced."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import fixture_items
from digest import write
from digest.errors import OutputError

DAY = "2026-02-20"


def test_a_failure_while_staging_changes_neither_file(tmp_path):
    (tmp_path / "a.md").write_text("old a", encoding="utf-8")
    (tmp_path / "blocked").write_text("a file where a folder must be", encoding="utf-8")

    with pytest.raises(OutputError, match=r"cannot write .*blocked/b\.md"):
        write.write_together(tmp_path, [("a.md", "new a"), ("blocked/b.md", "new b")])

    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "blocked"], "temp litter"


def test_staged_files_replace_together_and_same_bytes_stay(tmp_path):
    (tmp_path / "a.md").write_text("same", encoding="utf-8")
    outcomes = write.write_together(tmp_path, [("a.md", "same"), ("b.md", "new b")])
    assert outcomes == [write.Outcome.UNCHANGED, write.Outcome.WRITTEN]
    assert (tmp_path / "b.md").read_text(encoding="utf-8") == "new b"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MiB tmpfs (needs root and mount; skipped otherwise)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(disk: Path, leave: int) -> None:
    """Fill `disk` until only about `leave` bytes are free."""
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    (disk / "filler").write_bytes(b"\0" * max(free - leave, 0))


def test_disk_full_between_the_languages_keeps_both_old_posts(
    small_disk, hf_server, run, write_config, tmp_path
):
    write_config(f"output_dir: {small_disk}\narchive_dir: {tmp_path / '_archive'}\n")
    assert run("build", "--date", DAY).code == 0
    old = {p.name: p.read_bytes() for p in small_disk.glob("*.md")}
    assert len(old) == 2
    items = fixture_items(DAY)
    for item in items:  # a day the API changed its mind about: both posts must be replaced
        item["paper"]["upvotes"] += 1
    hf_server.knobs.days[DAY] = json.dumps(items).encode("utf-8")
    # Room for one new post (Korean or English, whichever is bigger) but not for both.
    fill(small_disk, leave=max(len(text) for text in old.values()) + 8192)

    result = run("build", "--date", DAY)

    assert result.code == 1, result.err
    assert len(result.error_lines) == 1
    assert "No space left on device" in result.error_lines[0]
    assert {p.name: p.read_bytes() for p in small_disk.glob("*.md")} == old
    assert not list(small_disk.glob(".digest-*")), "temp litter"
