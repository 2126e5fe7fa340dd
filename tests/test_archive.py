"""The raw archive: answers kept byte for byte with their fetch time; offline builds from it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from conftest import FIXTURE_DAYS, fixture_items
from digest import archive
from digest.errors import ArchiveError
from hf_server import FIXTURES

ARCHIVE = Path("_archive/daily_papers")


def posts(tmp_path: Path, day: str) -> list[Path]:
    return sorted((tmp_path / "_posts").glob(f"{day}-*.md"))


def snapshot(paths: list[Path]) -> dict[Path, tuple[bytes, int, int]]:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in paths}


def test_build_keeps_the_answer_verbatim_with_its_fetch_time(
    hf_server, run, write_config, tmp_path
):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    raw = (FIXTURES / "daily_papers_2026-02-20.json").read_bytes()
    assert (tmp_path / ARCHIVE / "2026-02-20.json").read_bytes() == raw
    meta = json.loads((tmp_path / ARCHIVE / "2026-02-20.meta.json").read_text(encoding="utf-8"))
    assert meta["query"] == {"date": "2026-02-20"}
    assert meta["fetched_at"] == "2026-02-20T07:45:00+00:00"  # the server's Date header
    assert meta["endpoint"] == f"{hf_server.url}/api/daily_papers"
    assert meta["pages"] == [
        {"file": "2026-02-20.json", "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    ]


@pytest.mark.parametrize("day", FIXTURE_DAYS)
def test_offline_build_is_byte_identical_to_the_online_one(
    day, hf_server, run, write_config, tmp_path
):
    write_config()
    assert run("build", "--date", day).code == 0
    online = {p.name: p.read_bytes() for p in posts(tmp_path, day)}
    for path in posts(tmp_path, day):
        path.unlink()
    asked = len(hf_server.requests)
    result = run("build", "--date", day, "--offline")
    assert result.code == 0, result.err
    assert {p.name: p.read_bytes() for p in posts(tmp_path, day)} == online
    assert len(hf_server.requests) == asked  # no network


def test_same_bytes_later_leave_archive_and_posts_untouched(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    files = sorted((tmp_path / ARCHIVE).iterdir()) + posts(tmp_path, "2026-02-20")
    before = snapshot(files)
    hf_server.knobs.date_header = "Sun, 22 Feb 2026 11:00:00 GMT"
    result = run("build", "--date", "2026-02-20")
    assert result.code == 0 and "unchanged 2" in result.out
    assert snapshot(files) == before


def test_new_bytes_replace_the_record_and_offline_follows(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    items = fixture_items("2026-02-20")
    items[-1]["paper"]["upvotes"] = 99
    hf_server.knobs.days["2026-02-20"] = newer = json.dumps(items).encode()
    hf_server.knobs.date_header = "Sun, 22 Feb 2026 11:00:00 GMT"
    assert run("build", "--date", "2026-02-20").code == 0
    assert (tmp_path / ARCHIVE / "2026-02-20.json").read_bytes() == newer
    record = archive.load(tmp_path / ARCHIVE, "2026-02-20")
    assert record.fetched_at == datetime(2026, 2, 22, 11, tzinfo=timezone.utc)
    online = {p.name: p.read_bytes() for p in posts(tmp_path, "2026-02-20")}
    assert b'upvotes_as_of: "2026-02-22 20:00:00 +0900"' in online[f"2026-02-20-{_slug('en')}"]
    assert run("build", "--date", "2026-02-20", "--offline", "--output", "again").code == 0
    again = {p.name: p.read_bytes() for p in (tmp_path / "again").glob("*.md")}
    assert again == online


def _slug(lang: str) -> str:
    return f"daily-papers-2026-02-20-{lang}.md"


def test_a_day_of_several_pages_keeps_each_page_as_sent(hf_server, run, write_config, tmp_path):
    write_config("api:\n  backoff: 0\n  page_size: 10\n")
    assert run("build", "--date", "2025-06-10").code == 0
    items = fixture_items("2025-06-10")  # 28 papers: pages of 10, 10 and 8
    folder = tmp_path / ARCHIVE
    for index, name in enumerate(["2025-06-10.json", "2025-06-10.p1.json", "2025-06-10.p2.json"]):
        sent = json.dumps(items[index * 10 : index * 10 + 10], ensure_ascii=False).encode()
        assert (folder / name).read_bytes() == sent
    online = {p.name: p.read_bytes() for p in posts(tmp_path, "2025-06-10")}
    assert run("build", "--date", "2025-06-10", "--offline", "--output", "again").code == 0
    assert {p.name: p.read_bytes() for p in (tmp_path / "again").glob("*.md")} == online
    # Fetched again in one page: the old extra pages go, the record lists one page.
    write_config("api:\n  backoff: 0\n  page_size: 100\n")
    hf_server.knobs.days["2025-06-10"] = json.dumps(items[:20]).encode()
    assert run("build", "--date", "2025-06-10", "--force").code == 0
    assert sorted(p.name for p in folder.glob("2025-06-10*")) == [
        "2025-06-10.json",
        "2025-06-10.meta.json",
    ]


def test_offline_day_missing_from_the_archive(hf_server, run, write_config, tmp_path):
    write_config()
    result = run("build", "--date", "2026-02-20", "--offline")
    assert result.code == 2
    assert result.error_lines == [
        f"Error: 2026-02-20 is not in the archive ({tmp_path / ARCHIVE}); fetch it with "
        "`digest backfill --from 2026-02-20 --to 2026-02-20`"
    ]
    assert hf_server.requests == []
    assert not (tmp_path / "_posts").exists()


def test_an_altered_page_is_refused(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    page = tmp_path / ARCHIVE / "2026-02-20.json"
    raw = page.read_bytes()
    page.write_bytes(raw.replace(b"SpargeAttention2", b"SpargeAttention3", 1))
    assert page.read_bytes() != raw
    result = run("build", "--date", "2026-02-20", "--offline")
    assert result.code == 2
    assert "2026-02-20.json does not match its record" in result.error_lines[0]
    assert "--refresh" in result.error_lines[0]
    assert not archive.has(tmp_path / ARCHIVE, "2026-02-20")


def test_a_record_cannot_name_files_outside_its_key(tmp_path):
    root = tmp_path / "a"
    archive.store(root, "2026-02-20", {"date": "2026-02-20"}, [b"[]"], _when(), endpoint="x")
    meta = root / "2026-02-20.meta.json"
    meta.write_text(meta.read_text().replace('"2026-02-20.json"', '"../../etc/passwd"'))
    with pytest.raises(ArchiveError, match=r"page 0 should be 2026-02-20\.json"):
        archive.load(root, "2026-02-20")


def test_no_archive_when_switched_off(hf_server, run, write_config, tmp_path):
    write_config("archive_dir: null\n")
    assert run("build", "--date", "2026-02-20").code == 0
    assert not (tmp_path / "_archive").exists()
    result = run("build", "--date", "2026-02-20", "--offline")
    assert result.code == 2
    assert "the archive is off (archive_dir: null" in result.error_lines[0]


def test_dry_run_archives_nothing(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20", "--dry-run").code == 0
    assert not (tmp_path / "_archive").exists()


def test_a_suspicious_answer_never_enters_the_archive(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    before = snapshot(sorted((tmp_path / ARCHIVE).iterdir()))
    hf_server.knobs.days["2026-02-20"] = json.dumps(fixture_items("2026-02-20")[:3]).encode()
    assert run("build", "--date", "2026-02-20").code == 4
    assert snapshot(sorted((tmp_path / ARCHIVE).iterdir())) == before


def test_empty_days_are_archived_too(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-21").code == 0
    assert (tmp_path / ARCHIVE / "2026-02-21.json").read_bytes() == b"[]"
    assert run("build", "--date", "2026-02-21", "--offline").code == 0


def test_archive_folder_is_relative_to_the_config_file(hf_server, run, tmp_path):
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "config.yaml").write_text("archive_dir: data\napi:\n  backoff: 0\n", encoding="utf-8")
    assert run("build", "--date", "2026-02-20", "--config", str(blog / "config.yaml")).code == 0
    assert (blog / "data" / "2026-02-20.json").is_file()


def test_keys_and_days_list_whole_records(tmp_path):
    root = tmp_path / "a"
    for key in ("2026-02-20", "2026-02-21", "2026-W08", "2026-02"):
        archive.store(root, key, {"date": key}, [b"[]"], _when(), endpoint="x")
    (root / "2026-02-22.json").write_bytes(b"[]")  # a page without its record: not archived
    assert archive.keys(root) == ["2026-02", "2026-02-20", "2026-02-21", "2026-W08"]
    assert archive.days(root, start=date(2026, 2, 21)) == [date(2026, 2, 21)]
    assert not archive.has(root, "2026-02-22")


def test_offline_build_never_imports_what_it_does_not_need(hf_server, run, write_config, tmp_path):
    write_config()
    assert run("build", "--date", "2026-02-20").code == 0
    code = (
        "import sys; from digest.cli import main; "
        "code = main(['build', '--offline', '--date', '2026-02-20', '-q']); "
        "print(code, *(m in sys.modules for m in ('requests', 'markdown', 'frontmatter')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    # Start-up cost (bench/run.py): the network client and the Markdown reader stay unloaded.
    assert done.stdout.split() == ["0", "False", "False", "False"]


def _when() -> datetime:
    return datetime(2026, 2, 20, 7, 45, tzinfo=timezone.utc)
