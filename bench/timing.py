"""Whole-process timing for the benches: wall, CPU and peak memory of each run, by /usr/bin/time.

GNU time reports what the kernel accounted for the finished process and the children it
waited for: user + system CPU summed over all of them, and the peak resident set of the
largest single process (what `/usr/bin/time -v` prints as "Maximum resident set size").
Commands are run in turn, A B A B …, so a drift in the machine's speed hits every side alike,
and ratios are taken pair by pair before the median.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from math import comb
from pathlib import Path

TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Run:
    """One finished process: seconds of wall clock and of CPU, peak memory in MB."""

    wall: float
    cpu: float
    rss_mb: float


@dataclass
class Side:
    """One command measured again and again, with what to do before each run (not timed)."""

    name: str
    command: list[str]
    cwd: Path
    prepare: Callable[[], None] = lambda: None
    env: dict[str, str] | None = None
    runs: list[Run] = field(default_factory=list)

    def median(self, figure: str) -> float:
        return statistics.median(getattr(run, figure) for run in self.runs)


def require_time() -> str | None:
    """None when GNU time is there, else what to do about it."""
    if os.access(TIME, os.X_OK):
        return None
    return f"{TIME} is missing: apt-get install time (GNU time, for CPU and peak memory)"


def measure(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run once under GNU time; a failing command stops the bench with its error output."""
    # The figures come back on a pipe of their own: no temporary file for others to clean up.
    read_end, write_end = os.pipe()
    timed = [TIME, "-o", f"/dev/fd/{write_end}", "-f", "%e %U %S %M", *command]
    try:
        done = subprocess.run(
            timed, cwd=cwd, env=env, capture_output=True, text=True, pass_fds=(write_end,)
        )
    finally:
        os.close(write_end)
    with os.fdopen(read_end) as figures:
        report = figures.read()
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{done.stderr[-2000:]}")
    # GNU time may put a note first ("Command exited with …"): the figures are last.
    wall, user, system, rss_kb = report.split()[-4:]
    return Run(float(wall), float(user) + float(system), int(rss_kb) / 1024)


def paired(sides: Sequence[Side], repeat: int, warmup: int = 1) -> None:
    """Each side in turn, `warmup` uncounted rounds and then `repeat` counted ones."""
    for round_ in range(warmup + repeat):
        for side in sides:
            side.prepare()
            run = measure(side.command, side.cwd, side.env)
            if round_ >= warmup:
                side.runs.append(run)


def ratio(a: Side, b: Side, figure: str = "wall") -> tuple[float, float, float]:
    """A's figure over B's, pair by pair: (median, min, max)."""
    values = ratios(a, b, figure)
    return statistics.median(values), min(values), max(values)


def ratios(a: Side, b: Side, figure: str = "wall") -> list[float]:
    """A's figure over B's, pair by pair."""
    return [getattr(x, figure) / getattr(y, figure) for x, y in zip(a.runs, b.runs, strict=True)]


def median_interval(
    values: Sequence[float], confidence: float = 0.95
) -> tuple[float, float, float] | None:
    """Where the true median of what `values` sample lies, with at least `confidence`: (low,
    high, the confidence reached), two of the values (order statistics: no assumption about
    the noise's shape). None when there are too few values (fewer than 6 at 95%).

    Why: on a shared machine one ratio's [min-max] is wide and says little; "<= 1.0x" holds
    with this confidence only when `high` is under 1.0."""
    ordered, n = sorted(values), len(values)
    tail = (1 - confidence) / 2
    k, below = 0, 0.0  # P(fewer than k of n values fall under the median) = below
    while k < n and below + comb(n, k) / 2**n <= tail:
        below += comb(n, k) / 2**n
        k += 1
    if k == 0:
        return None
    return ordered[k - 1], ordered[n - k], 1 - 2 * below


def interval_text(values: Sequence[float]) -> str:
    """`median_interval` as the benches print it."""
    found = median_interval(values)
    if found is None:
        return "(needs 6+ pairs)"
    low, high, sure = found
    return f"{low:.2f}-{high:.2f} ({sure:.0%})"


def load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


# Why outputs are set aside, not removed, before a run "from nothing": on an ext4 filesystem
# without a journal (this machine's disk), every file or folder created skips, one by one, the
# inodes freed in the last minute (ext4's recently_deleted). A run just after a removal then
# pays for every file the runs before it removed, its rival's too: seconds, varying with the
# order of the runs. A journaled ext4 (CI runners, most machines) never makes that scan.
REMOVE_OUTPUTS = False  # True: remove them as before (--remove-outputs), to see that cost


def clear(trash: Path, *paths: Path) -> None:
    """Each path gone from where it was: moved into `trash` (on the same filesystem, removed
    with the bench's folder when it is done), or removed with REMOVE_OUTPUTS."""
    if REMOVE_OUTPUTS:
        remove(*paths)
        return
    trash.mkdir(parents=True, exist_ok=True)
    for path in paths:
        if path.exists():
            path.rename(trash / f"{len(list(trash.iterdir()))}-{path.name}")
