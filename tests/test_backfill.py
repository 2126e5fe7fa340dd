"""`digest backfill`: a range of days, concurrent and polite, past failures, Ctrl-C safe."""

from __future__ import annotations

import io
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digest import archive
from digest.progress import Progress

ARCHIVE = Path("_archive/daily_papers")
# No rate limit: these tests are about the rest; the limit has its own test.
QUICK = "backfill:\n  requests_per_second: null\n  concurrency: 4\n"


def archived(tmp_path: Path) -> list[str]:
    return [d.isoformat() for d in archive.days(tmp_path / ARCHIVE)]


def test_fetches_archives_and_builds_every_day(hf_server, run, write_config, tmp_path):
    write_config(QUICK)
    result = run("backfill", "--from", "2026-02-18", "--to", "2026-02-21")
    assert result.code == 0, result.err
    assert result.out == (
        "backfill 2026-02-18 to 2026-02-21: 4 days; fetched 4, from the archive 0, failed 0; "
        "posts: written 2\n"
    )
    assert sorted(hf_server.dates_requested()) == [
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
        "2026-02-21",
    ]
    assert archived(tmp_path) == ["2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21"]
    assert sorted(p.name for p in (tmp_path / "_posts").glob("*.md")) == [
        "2026-02-20-daily-papers-2026-02-20-en.md",
        "2026-02-20-daily-papers-2026-02-20-ko.md",
    ]
    # Not a terminal: one plain line per day.
    assert sorted(result.err.splitlines()) == [
        "2026-02-18: 0 papers; nothing written",
        "2026-02-19: 0 papers; nothing written",
        "2026-02-20: 13 papers; written 2",
        "2026-02-21: 0 papers; nothing written",
    ]


def test_archived_days_are_not_fetched_again_unless_refresh(hf_server, run, write_config):
    write_config(QUICK)
    assert run("backfill", "--from", "2026-02-19", "--to", "2026-02-21").code == 0
    hf_server.requests.clear()
    result = run("backfill", "--from", "2026-02-18", "--to", "2026-02-21")
    assert result.code == 0
    assert hf_server.dates_requested() == ["2026-02-18"]
    assert "fetched 1, from the archive 3, failed 0; posts: unchanged 2" in result.out
    hf_server.requests.clear()
    assert run("backfill", "--from", "2026-02-18", "--to", "2026-02-21", "--refresh").code == 0
    assert len(hf_server.requests) == 4


def test_failed_days_are_all_reported_and_the_rest_done(hf_server, run, write_config, tmp_path):
    write_config(QUICK)
    hf_server.knobs.fail_dates = {"2026-02-19": 503, "2026-02-21": 404}
    result = run("backfill", "--from", "2026-02-18", "--to", "2026-02-22")
    assert result.code == 6
    assert result.error_lines == [
        "Error: backfill: 2 of 5 days failed (2026-02-19, 2026-02-21); run the same command "
        "again to retry them: archived days are not fetched again"
    ]
    failed = [line for line in result.err.splitlines() if line.startswith("failed ")]
    assert [line.split(":")[0] for line in failed] == ["failed 2026-02-19", "failed 2026-02-21"]
    assert "failed after 3 attempts: HTTP 503" in failed[0]  # retried, as every fetch is
    assert "failed 2" in result.out
    assert archived(tmp_path) == ["2026-02-18", "2026-02-20", "2026-02-22"]
    hf_server.knobs.fail_dates = {}
    hf_server.requests.clear()
    again = run("backfill", "--from", "2026-02-18", "--to", "2026-02-22")
    assert again.code == 0
    assert sorted(hf_server.dates_requested()) == ["2026-02-19", "2026-02-21"]


def test_concurrency_is_bounded_and_used(hf_server, run, write_config):
    write_config(QUICK)
    hf_server.knobs.latency = 0.2
    start = time.monotonic()
    result = run("backfill", "--from", "2026-02-01", "--to", "2026-02-09", "--concurrency", "3")
    elapsed = time.monotonic() - start
    assert result.code == 0
    assert hf_server.max_in_flight == 3, hf_server.max_in_flight
    assert elapsed < 9 * 0.2 * 0.8, elapsed  # well under one request at a time (1.8 s)


def test_request_rate_is_limited_across_threads(hf_server, run, write_config):
    write_config("backfill:\n  requests_per_second: 10\n  concurrency: 4\n")
    assert run("backfill", "--from", "2026-02-01", "--to", "2026-02-08").code == 0
    times = hf_server.times
    assert len(times) == 8
    # Sent 0.1 s apart: the span is at least 0.7 s (less arrival jitter at both ends), and no
    # two requests arrive together, however many threads are ready.
    assert times[-1] - times[0] >= 0.6, times
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.04, times


def test_a_problem_that_is_not_a_days_stops_the_run(hf_server, run, write_config, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "daily.en.md").write_text("{{ nope(", encoding="utf-8")
    write_config(QUICK + "templates_dir: mine\n")
    result = run("backfill", "--from", "2026-02-18", "--to", "2026-02-22")
    assert result.code == 2
    assert len(result.error_lines) == 1 and "daily.en.md" in result.error_lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-02-20", "--to", "2026-02-19"], "--from 2026-02-20 is after --to"),
        (["--from", "2026-02-20", "--to", "2999-01-01"], "--to: 2999-01-01 is in the future"),
        (["--from", "2026-02-30"], "--from: 2026-02-30 is not a real day"),
        (["--to", "2026-02-20"], "the following arguments are required: --from"),
        (["--from", "2026-02-20", "--concurrency", "0"], "--concurrency: expected 1 to 16"),
    ],
)
def test_bad_ranges(args, message, run, hf_server):
    result = run("backfill", *args)
    assert result.code == 2
    assert len(result.error_lines) == 1 and message in result.error_lines[0]
    assert hf_server.requests == []


def test_today_is_never_backfilled(run, hf_server):
    from datetime import datetime, timezone

    today = datetime.now(timezone.utc).date().isoformat()
    result = run("backfill", "--from", "2026-02-20", "--to", today)
    assert result.code == 2
    assert f"--to: {today} is today (UTC) and its list is still growing" in result.err
    assert hf_server.requests == []


def test_no_backfill_without_an_archive(run, write_config, hf_server):
    write_config("archive_dir: null\n")
    result = run("backfill", "--from", "2026-02-20", "--to", "2026-02-20")
    assert result.code == 2
    assert "set archive_dir" in result.error_lines[0]


def test_progress_bar_on_a_terminal():
    stream = io.StringIO()
    progress = Progress("backfill", 3, stream, tty=True)
    progress.step("2026-02-18: 0 papers; nothing written")
    progress.step("2026-02-19: failed: HTTP 503", failed=True)
    progress.note("warning: slow")
    progress.step("2026-02-20: 13 papers; written 2")
    progress.close()
    shown = stream.getvalue()
    lines = shown.split("\n")
    # Failures and notes stay on lines of their own; the bar redraws in place and ends full.
    assert "2026-02-19: failed: HTTP 503" in lines[0]
    assert "warning: slow" in lines[1]
    assert lines[2].rsplit("\r\x1b[K", 1)[-1].startswith("backfill " + "█" * 24 + " 3/3, 1 failed")
    assert shown.endswith("\n")


def test_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    progress = Progress("backfill", 2, stream, tty=False)
    progress.step("a")
    progress.step(None)
    progress.close()
    assert stream.getvalue() == "a\n"


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_keeps_finished_days(hf_server, write_config, tmp_path):
    write_config("backfill:\n  requests_per_second: null\n  concurrency: 2\n")
    hf_server.knobs.latency = 0.3
    command = [
        sys.executable,
        "-m",
        "digest",
        "backfill",
        "--from",
        "2026-02-01",
        "--to",
        "2026-02-28",
    ]
    env = {**os.environ, "DIGEST_API_BASE_URL": hf_server.url}
    child = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 20
    while len(archived(tmp_path)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=20)
    assert child.returncode == 130, err
    assert "interrupted after" in out
    assert "stopping: letting" in err and err.rstrip().endswith("Error: interrupted (SIGINT)")
    done = archived(tmp_path)
    assert 3 <= len(done) < 28
    for day in done:  # every kept day is whole
        archive.load(tmp_path / ARCHIVE, day)
    litter = [p for p in (tmp_path / ARCHIVE).iterdir() if p.name.startswith(".")]
    assert litter == []
    # Run again: only the days not yet archived are fetched.
    hf_server.requests.clear()
    hf_server.knobs.latency = 0
    again = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode == 0, again.stderr
    assert len(hf_server.requests) == 28 - len(done)
