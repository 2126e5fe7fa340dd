"""Benchmarks for backfill, rebuild and start-up, against the fake API on 127.0.0.1.

    .venv/bin/python bench/run.py              # all three, each measured --repeat times
    .venv/bin/python bench/run.py --repeat 1 --concurrency 8

Prints, in one run:
  1. `digest backfill` of 60 days with 100 ms of latency per request: wall time and its ratio
     to the ideal days x latency / concurrency (target: at most 1.3);
  2. `digest rebuild` of 1,000 archived days made from the real recorded answers: posts per
     second, and its ratio to a no-op re-run, which must write nothing (targets: under 5 s,
     and the no-op at least 3x faster);
  3. one `digest build --offline` process against `python -c "import digest.cli, digest.build"`
     (the modules the command needs; `import digest` alone is lazy now and loads none of them):
     the start-up overhead (target: at most 1.5x that import floor).

Every figure runs the real `digest` command in a fresh process, as a user would. The fake API
(tests/hf_server.py) runs in this process, in a thread. Nothing here is kept: all files go to a
temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from digest import archive  # noqa: E402
from hf_server import FIXTURES, Knobs, serve  # noqa: E402

FIXTURE_DAYS = ("2024-06-20", "2025-06-10", "2026-02-20")
START = date(2023, 1, 1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure (default 3)")
    parser.add_argument("--days", type=int, default=60, help="days to backfill (default 60)")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[2, 4], help="backfill concurrency (2 4)"
    )
    parser.add_argument("--rebuild-days", type=int, default=1000, help="archived days")
    parser.add_argument("--startup-runs", type=int, default=20, help="processes per side")
    args = parser.parse_args(argv)

    print(f"machine: {os.cpu_count()} CPUs, load average {_load()} (start)")
    print(f"python {sys.version.split()[0]}, command: {' '.join(_digest())}\n")
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as tmp:
        work = Path(tmp)
        ok = [
            bench_backfill(work / "backfill", args),
            bench_rebuild(work / "rebuild", args),
            bench_startup(work / "startup", args),
        ]
    print(f"\nload average {_load()} (end); targets met: {sum(ok)} of {len(ok)}")
    return 0


def bench_backfill(folder: Path, args: argparse.Namespace) -> bool:
    folder.mkdir()
    bodies = _bodies()
    days = [START + timedelta(days=n) for n in range(args.days)]
    knobs = Knobs(latency=args.latency)
    knobs.days = {d.isoformat(): bodies[n % 3] for n, d in enumerate(days)}
    command = ["backfill", "--from", str(days[0]), "--to", str(days[-1]), "-q"]
    print(f"1. backfill of {args.days} days, {args.latency * 1000:.0f} ms latency per request,")
    print("   no rate limit, every day a real recorded answer, its posts built too;")
    print("   one whole `digest backfill` process per run, start-up included")
    met = []
    with serve(knobs) as server:
        env = {**os.environ, "DIGEST_API_BASE_URL": server.url}
        for concurrency in args.concurrency:
            limits = f"  concurrency: {concurrency}\n  requests_per_second: null\n"
            _config(folder, "backfill:\n" + limits)
            server.server.max_in_flight = 0
            times = []
            for _ in range(args.repeat):
                for sub in ("archive", "posts"):
                    shutil.rmtree(folder / sub, ignore_errors=True)
                server.requests.clear()
                times.append(_timed(lambda: _digest_run(command, folder, env)))
                assert len(server.requests) == args.days, "one request per day expected"
            ideal = args.days * args.latency / concurrency
            best, median = min(times), statistics.median(times)
            met.append(median / ideal <= 1.3)
            print(
                f"   concurrency {concurrency} (requests in flight at most {server.max_in_flight}):"
            )
            print(
                f"     wall time: median {median:.2f} s, best {best:.2f} s over {len(times)} runs;"
            )
            print(f"     ideal days x latency / concurrency = {ideal:.2f} s")
            print(f"     ratio: median {median / ideal:.2f}, best {best / ideal:.2f}; ", end="")
            print(f"target <= 1.3: {_verdict(met[-1])}")
    print()
    return all(met)


def bench_rebuild(folder: Path, args: argparse.Namespace) -> bool:
    folder.mkdir()
    write_archive(folder, args.rebuild_days)
    env = {**os.environ, "DIGEST_API_BASE_URL": "http://127.0.0.1:9"}  # no network needed
    full, noop = [], []
    for _ in range(args.repeat):
        shutil.rmtree(folder / "posts", ignore_errors=True)
        full.append(_timed(lambda: _digest_run(["rebuild", "-q"], folder, env)))
        before = _files(folder / "posts")
        noop.append(_timed(lambda: _digest_run(["rebuild", "-q"], folder, env)))
        assert _files(folder / "posts") == before, "the no-op re-run wrote something"
    posts = len(before) - 1  # less the manifest
    full_median, noop_median = statistics.median(full), statistics.median(noop)
    met = full_median < 5 and full_median / noop_median >= 3
    print(
        f"2. rebuild of {args.rebuild_days} archived days ({posts} posts, from the 3 real answers)"
    )
    print(f"   full: median {full_median:.2f} s, best {min(full):.2f} s", end="")
    print(f" = {posts / full_median:.0f} posts/s")
    print("   no-op re-run (wrote nothing: checked): ", end="")
    print(f"median {noop_median:.2f} s, best {min(noop):.2f} s")
    print(f"   ratio full / no-op: {full_median / noop_median:.1f}x")
    print(f"   targets < 5 s and no-op >= 3x faster: {_verdict(met)}\n")
    return met


def write_archive(folder: Path, days: int) -> None:
    """A config and `days` archived days, the three real answers in turn (rebuild_floor too)."""
    _config(folder)
    bodies = _bodies()
    for n in range(days):
        day = START + timedelta(days=n)
        when = datetime(day.year, day.month, day.day, 7, 45, tzinfo=timezone.utc)
        archive.store(
            folder / "archive",
            day.isoformat(),
            {"date": str(day)},
            [bodies[n % 3]],
            when,
            endpoint="-",
        )


def bench_startup(folder: Path, args: argparse.Namespace) -> bool:
    folder.mkdir()
    _config(folder)
    day = "2026-02-20"
    when = datetime(2026, 2, 20, 7, 45, tzinfo=timezone.utc)
    raw = (FIXTURES / f"daily_papers_{day}.json").read_bytes()
    archive.store(folder / "archive", day, {"date": day}, [raw], when, endpoint="-")
    env = {**os.environ, "DIGEST_API_BASE_URL": "http://127.0.0.1:9"}
    build = ["build", "--offline", "--date", day, "-q"]
    _digest_run(build, folder, env)  # the posts exist: later runs render and find them the same
    floor = "python -c 'import digest.cli, digest.build'"
    whole = "digest build --offline (one day, 2 posts)"
    imports = {
        "python -c 'pass'": "pass",
        "python -c 'import digest'": "import digest",
        "python -c 'import yaml, jinja2'": "import yaml, jinja2",
        floor: "import digest.cli, digest.build",
    }
    calls: dict[str, Callable[[], object]] = {
        name: (lambda code=code: _run([sys.executable, "-c", code], folder, env))
        for name, code in imports.items()
    }
    calls[whole] = lambda: _digest_run(build, folder, env)
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(args.startup_runs * args.repeat):  # interleaved: load hits every side alike
        for name, call in calls.items():
            timings[name].append(_timed(call))
    median = {name: statistics.median(values) for name, values in timings.items()}
    ratio = median[whole] / median[floor]
    met = ratio <= 1.5
    print(f"3. start-up: median of {len(timings[floor])} processes each")
    for name, value in median.items():
        print(f"   {name:<44} {value * 1000:6.1f} ms")
    print(f"   {whole} / {floor}: {ratio:.2f}x; target <= 1.5x: {_verdict(met)}")
    return met


def _bodies() -> list[bytes]:
    return [(FIXTURES / f"daily_papers_{d}.json").read_bytes() for d in FIXTURE_DAYS]


def _config(folder: Path, extra: str = "") -> None:
    text = "archive_dir: archive\noutput_dir: posts\napi:\n  backoff: 0\n  retries: 0\n" + extra
    (folder / "config.yaml").write_text(text, encoding="utf-8")


def _digest() -> list[str]:
    script = Path(sys.executable).with_name("digest")
    return [str(script)] if script.exists() else [sys.executable, "-m", "digest"]


def _digest_run(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    _run([*_digest(), *args], cwd, env)


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _files(folder: Path) -> dict[str, tuple[int, int, int]]:
    return {
        p.name: (p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_ino) for p in folder.iterdir()
    }


def _load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


if __name__ == "__main__":
    sys.exit(main())
