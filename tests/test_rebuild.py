"""`digest rebuild`: every archived day rendered again, only changed bytes written."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from conftest import FIXTURE_DAYS
from digest import archive
from hf_server import FIXTURES

ARCHIVE = Path("_archive/daily_papers")


def state(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file with its bytes, mtime and inode: equal states mean nothing was written."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        for p in sorted(folder.iterdir())
    }


def build_fixture_days(run) -> None:
    for day in FIXTURE_DAYS:
        assert run("build", "--date", day).code == 0


def fake_archive(root: Path, days: int, start: date = date(2024, 1, 1)) -> list[str]:
    """`days` archived days, each holding one of the real recorded answers."""
    bodies = [(FIXTURES / f"daily_papers_{d}.json").read_bytes() for d in FIXTURE_DAYS]
    keys = []
    for n in range(days):
        day = start + timedelta(days=n)
        when = datetime(day.year, day.month, day.day, 7, 45, tzinfo=timezone.utc)
        archive.store(
            root, day.isoformat(), {"date": day.isoformat()}, [bodies[n % 3]], when, endpoint="x"
        )
        keys.append(day.isoformat())
    return keys


def test_rebuild_writes_only_posts_whose_bytes_change(hf_server, run, write_config, tmp_path):
    write_config()
    build_fixture_days(run)
    posts = tmp_path / "_posts"
    before = state(posts)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "daily.en.md").write_text(
        "{% for e in entries %}{{ e.rank }}. {{ e.paper.title }}\n{% endfor %}", encoding="utf-8"
    )
    write_config("templates_dir: mine\n")
    asked = len(hf_server.requests)
    result = run("rebuild")
    assert result.code == 0, result.err
    assert (
        result.out
        == "rebuild: 3 days, 0 weeks and months; posts: unchanged 3, written 3; failed 0\n"
    )
    assert len(hf_server.requests) == asked  # no network
    after = state(posts)
    for name, was in before.items():
        if name.endswith("-ko.md"):
            assert after[name] == was
        elif name.endswith("-en.md"):
            assert after[name][0] != was[0]
            assert after[name][0].decode().split("---\n", 2)[2].startswith("\n1. ")


def test_a_rebuild_with_nothing_to_do_writes_nothing(hf_server, run, write_config, tmp_path):
    write_config()
    build_fixture_days(run)
    assert run("rebuild").code == 0
    before = state(tmp_path / "_posts")
    assert ".digest-manifest.json" in before
    result = run("rebuild")
    assert result.code == 0
    assert "posts: unchanged 6; failed 0" in result.out
    assert state(tmp_path / "_posts") == before


def test_rebuild_restores_an_edited_or_deleted_post(hf_server, run, write_config, tmp_path):
    write_config()
    build_fixture_days(run)
    assert run("rebuild").code == 0
    original = state(tmp_path / "_posts")
    edited = tmp_path / "_posts" / "2025-06-10-daily-papers-2025-06-10-en.md"
    edited.write_text("hand edit\n", encoding="utf-8")
    (tmp_path / "_posts" / "2024-06-20-daily-papers-2024-06-20-ko.md").unlink()
    result = run("rebuild")
    assert "written 2" in result.out
    now = state(tmp_path / "_posts")
    assert {name: v[0] for name, v in now.items()} == {name: v[0] for name, v in original.items()}


def test_a_settings_change_renders_every_day_again(hf_server, run, write_config, tmp_path):
    write_config()
    build_fixture_days(run)
    assert run("rebuild").code == 0
    write_config("max_authors: 2\n")
    result = run("rebuild")
    assert "written 6" in result.out


def test_rebuild_a_range(hf_server, run, write_config, tmp_path):
    write_config()
    build_fixture_days(run)
    before = state(tmp_path / "_posts")
    write_config("max_authors: 2\n")
    result = run("rebuild", "--from", "2025-01-01", "--to", "2025-12-31")
    assert result.out.startswith("rebuild: 1 day, 0 weeks and months; posts: written 2;")
    changed = {k for k, v in state(tmp_path / "_posts").items() if before.get(k) != v}
    assert changed == {
        ".digest-manifest.json",
        "2025-06-10-daily-papers-2025-06-10-en.md",
        "2025-06-10-daily-papers-2025-06-10-ko.md",
    }


def test_worker_processes_give_the_same_bytes(run, write_config, tmp_path):
    write_config("output_dir: one\n")
    fake_archive(tmp_path / ARCHIVE, 24)
    assert run("rebuild", "--jobs", "1").code == 0
    write_config("output_dir: two\n")
    result = run("rebuild", "--jobs", "2")
    assert result.code == 0, result.err
    assert "rebuild: 24 days, 0 weeks and months; posts: written 48; failed 0" in result.out
    one, two = state(tmp_path / "one"), state(tmp_path / "two")
    assert {k: v[0] for k, v in one.items()} == {k: v[0] for k, v in two.items()}
    again = run("rebuild", "--jobs", "2")
    assert "posts: unchanged 48" in again.out
    assert state(tmp_path / "two") == two


def test_a_broken_day_fails_alone(run, write_config, tmp_path):
    write_config()
    keys = fake_archive(tmp_path / ARCHIVE, 4)
    (tmp_path / ARCHIVE / f"{keys[1]}.json").write_bytes(b"[]")
    result = run("rebuild")
    assert result.code == 6
    assert result.error_lines == [
        f"Error: rebuild: 1 of 4 failed ({keys[1]}); the others were rebuilt"
    ]
    assert f"failed {keys[1]}: archive {keys[1]}: {keys[1]}.json does not match" in result.err
    assert "written 6" in result.out


def test_dry_run_writes_nothing(run, write_config, tmp_path):
    write_config()
    fake_archive(tmp_path / ARCHIVE, 2)
    result = run("rebuild", "--dry-run")
    assert result.code == 0
    assert "posts: would write 4; failed 0 (dry run)" in result.out
    assert not (tmp_path / "_posts").exists()


def test_weekly_posts_are_rebuilt_too(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--week", "2026-W08").code == 0
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "weekly.en.md").write_text("{{ period }}: {{ count }}\n", encoding="utf-8")
    write_config("templates_dir: mine\n")
    result = run("rebuild")
    assert result.code == 0, result.err
    assert "rebuild: 0 days, 1 week or month; posts: unchanged 1, written 1" in result.out
    en = tmp_path / "_posts" / "2026-02-22-weekly-papers-2026-w08-en.md"
    assert en.read_text(encoding="utf-8").endswith("---\n\n2026-W08: 13\n")


def test_nothing_archived(run, write_config):
    write_config()
    result = run("rebuild")
    assert result.code == 0
    assert result.out.startswith("rebuild: nothing archived in ")


def test_no_rebuild_without_an_archive(run, write_config):
    write_config("archive_dir: null\n")
    result = run("rebuild")
    assert result.code == 2
    assert "the archive is off" in result.error_lines[0]


def test_a_damaged_manifest_means_render_everything(hf_server, run, write_config, tmp_path):
    write_config()
    build_fixture_days(run)
    assert run("rebuild").code == 0
    manifest = tmp_path / "_posts" / ".digest-manifest.json"
    manifest.write_text(manifest.read_text().replace('"posts": {', '"posts": [', 1)[:-20])
    result = run("rebuild")
    assert result.code == 0, result.err
    assert "posts: unchanged 6" in result.out
    manifest.write_text('{"format": 1, "days": {"2024-06-20": {"input": 1, "posts": []}}}')
    assert run("rebuild").code == 0
    assert run("rebuild").out.startswith("rebuild: 3 days")
