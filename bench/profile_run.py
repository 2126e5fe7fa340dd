"""Where `digest site` (from nothing) and `digest rebuild` spend CPU and memory, in one process.

    .venv/bin/python bench/profile_run.py site [--days 1000] [--top 25]
    .venv/bin/python bench/profile_run.py rebuild [--days 1000] [--top 25]
    .venv/bin/python bench/profile_run.py site --memory     # tracemalloc instead of cProfile
    .venv/bin/python bench/profile_run.py site --rerun one  # a re-run, one post changed (or none)

Makes the same inputs as the other benches (site_vs_hugo's posts, run.py's archive), then runs
the real command in this process under cProfile, on one core so that the work every worker
would do is counted here (the site sees one CPU and converts in-process; rebuild gets
--jobs 1). Prints the top functions by own time and by cumulative time, each with its share
of the whole. With --memory: the peak traced memory and the lines that hold most of it when
the site's state is saved (the end of the build, when everything is still alive). With
--rerun: the site is built first (on every core, not profiled), then, with one post edited or
none, the re-run is what is profiled.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tracemalloc
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent))

from digest.cli import main as digest_main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("site", "rebuild"))
    parser.add_argument("--days", type=int, default=1000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--memory", action="store_true", help="tracemalloc, not cProfile")
    parser.add_argument("--save", type=Path, help="also write the raw profile here (pstats)")
    parser.add_argument("--rerun", choices=("one", "none"), help="profile a re-run of the site")
    args = parser.parse_args()
    save = args.save.resolve() if args.save else None  # before the chdir below
    with TemporaryDirectory(prefix="digest-profile-") as temp:
        root = Path(temp)
        if args.command == "site":
            from site_vs_jekyll import write_posts

            write_posts(root / "_posts", args.days)
            argv = ["site", "-q"]
        else:
            from run import write_archive

            write_archive(root, args.days)
            argv = ["rebuild", "-q", "--jobs", "1"]
        os.chdir(root)
        if args.rerun:
            _first_build(root, argv, args.rerun == "one")
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core: no worker pool
        if args.memory:
            return _memory(argv, args.top)
        profile = cProfile.Profile()
        profile.runcall(digest_main, argv)
    if save:
        profile.dump_stats(save)
    _print(profile, args.top)
    return 0


def _first_build(root: Path, argv: list[str], edit: bool) -> None:
    """The build a re-run follows, in a child process (so this one imports nothing early)."""
    subprocess.run([sys.executable, "-m", "digest", *argv], cwd=root, check=True)
    if edit:
        posts = sorted((root / "_posts").iterdir())
        with posts[len(posts) // 2].open("a", encoding="utf-8") as file:
            file.write("\nEdited.\n")


def _print(profile: cProfile.Profile, top: int) -> None:
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = stats.stats  # type: ignore[attr-defined]
    print(f"total {total:.2f} s (profiled: slower than a real run; read the shares)")
    for title, column in (("own time", 2), ("cumulative time", 3)):
        print(f"\ntop {top} by {title}\n   share      s    calls  function")
        ranked = sorted(rows.items(), key=lambda kv: kv[1][column], reverse=True)[:top]
        for (path, line, name), (_, calls, tt, ct, _) in ranked:
            seconds = tt if column == 2 else ct
            where = f"{_short(path)}:{line}({name})"
            print(f"  {100 * seconds / total:5.1f}% {seconds:6.2f} {calls:8} {where}")


def _short(path: str) -> str:
    for marker in ("site-packages/", "src/", "lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def _memory(argv: list[str], top: int) -> int:
    from digest.site import incremental

    held: list[tracemalloc.Snapshot] = []
    save = incremental.State.save

    def save_and_snapshot(self: incremental.State) -> None:
        held.append(tracemalloc.take_snapshot())
        save(self)

    incremental.State.save = save_and_snapshot  # type: ignore[method-assign]
    tracemalloc.start(1)
    digest_main(argv)
    current, peak = tracemalloc.get_traced_memory()
    print(f"traced peak {peak / 2**20:.0f} MB; still held at the end {current / 2**20:.0f} MB")
    if held:
        stats = held[0].statistics("lineno")
        whole = sum(s.size for s in stats)
        print(f"held when the state is saved: {whole / 2**20:.0f} MB; top {top} lines:")
        out = io.StringIO()
        for stat in stats[:top]:
            frame = stat.traceback[0]
            print(
                f"  {100 * stat.size / whole:5.1f}% {stat.size / 2**20:7.1f} MB "
                f"{stat.count:8} blocks  {_short(frame.filename)}:{frame.lineno}",
                file=out,
            )
        print(out.getvalue(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
