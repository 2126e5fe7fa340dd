"""Benchmark: what compiling the site's fast path with mypyc would give (measured; not shipped).

    .venv/bin/python bench/compiled_fastpath.py [--days 1000] [--repeat 5]

Copies src/digest twice into a temporary folder and compiles, in one copy, the pure modules
a site build from nothing spends most of its Python in (site/fastmark, fastinline, pageindex,
urls) with mypyc. Checks that `digest site` writes the same bytes, every file, with either
copy; then builds the same posts from nothing with the pure copy, the compiled one and Hugo,
in turn (site_vs_hugo's posts and Hugo layouts). Prints medians and ratios taken pair by pair.
Needs: mypyc (pip install mypy) and a C compiler, hugo (apt-get install hugo), GNU time.
Why it is not shipped: see docs/site.md ("Speed").
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent))

import timing
from site_vs_hugo import _folders
from site_vs_jekyll import write_posts
from timing import Side

ROOT = Path(__file__).resolve().parents[1]
COMPILED = ("fastmark", "fastinline", "pageindex", "urls")
# The modules are typed for mypy's checks, not for mypyc's stricter ones: what it would refuse
# to compile (a str | None the code has already ruled out) is left to run-time checks.
MYPY_CONFIG = """\
[mypy]
ignore_missing_imports = True
disable_error_code = arg-type, import-untyped, union-attr, return-value, assignment, index, misc
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=1000, help="days of posts (2 posts each)")
    parser.add_argument("--repeat", type=int, default=5, help="counted runs per side")
    args = parser.parse_args()
    mypyc = shutil.which("mypyc") or str(Path(sys.executable).with_name("mypyc"))
    hugo = shutil.which("hugo")
    missing = timing.require_time() or (None if hugo else "hugo is missing: apt-get install hugo")
    if not Path(mypyc).exists():
        missing = missing or "mypyc is missing: pip install mypy (and a C compiler: gcc)"
    if missing or hugo is None:
        print(missing)
        return 2
    with TemporaryDirectory(prefix="digest-compiled-") as temp:
        root = Path(temp)
        pure, compiled = _copies(root, mypyc)
        print(f"compiled with mypyc: {', '.join(f'site/{m}' for m in COMPILED)}")
        print(f"writing {args.days} days of posts …", flush=True)
        write_posts(root / "pool", args.days)
        folders = _folders(root / "sites", root / "pool", args.days, False)
        site = folders["digest"]
        command = [sys.executable, "-m", "digest", "site", "-q"]
        _same_bytes(site, command, pure, compiled)

        def clear(folder: Path, *outputs: str) -> None:
            timing.clear(root / "trash", *(folder / name for name in outputs))

        sides = [
            Side("pure", command, site, lambda: clear(site, "_site", ".digest-cache"), pure),
            Side(
                "compiled", command, site, lambda: clear(site, "_site", ".digest-cache"), compiled
            ),
            Side(
                "hugo", [hugo, "--quiet"], folders["hugo"], lambda: clear(folders["hugo"], "public")
            ),
        ]
        print(f"from nothing, {args.repeat} counted runs each, in turn …", flush=True)
        timing.paired(sides, args.repeat)
    _report(sides)
    return 0


def _copies(root: Path, mypyc: str) -> tuple[dict[str, str], dict[str, str]]:
    """The environments of the two copies: each imports digest from its own folder."""
    envs = []
    for name in ("pure", "compiled"):
        folder = root / name
        shutil.copytree(ROOT / "src" / "digest", folder / "src" / "digest")
        # A checkout's templates are found two folders above the package's (templating).
        (folder / "templates").symlink_to(ROOT / "templates")
        envs.append({**os.environ, "PYTHONPATH": str(folder / "src")})
    folder = root / "compiled" / "src"
    (folder / "mypy.ini").write_text(MYPY_CONFIG, encoding="utf-8")
    sources = [f"digest/site/{module}.py" for module in COMPILED]
    done = subprocess.run(
        [mypyc, "--config-file", "mypy.ini", *sources], cwd=folder, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"mypyc failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    # The compiled modules are what the copy imports (an extension before its .py source).
    code = "; ".join(f"import digest.site.{m} as m; print(m.__file__)" for m in COMPILED)
    found = subprocess.run(
        [sys.executable, "-c", code], env=envs[1], capture_output=True, text=True, check=True
    ).stdout.split()
    if not all(name.endswith(".so") and name.startswith(str(folder)) for name in found):
        raise SystemExit(f"the compiled copy imports: {found}")
    return envs[0], envs[1]


def _same_bytes(site: Path, command: list[str], pure: dict, compiled: dict) -> None:
    """Both copies write the same site, byte for byte, or the bench stops."""
    outs = [site / "_check-pure", site / "_check-compiled"]
    for out, env in zip(outs, (pure, compiled), strict=True):
        timing.remove(site / ".digest-cache")
        subprocess.run([*command, "--out", str(out)], cwd=site, env=env, check=True)
    files = [{p.relative_to(out): p for p in out.rglob("*") if p.is_file()} for out in outs]
    if files[0].keys() != files[1].keys():
        raise SystemExit("the compiled modules wrote other files")
    differ = [
        name for name, path in files[0].items() if path.read_bytes() != files[1][name].read_bytes()
    ]
    if differ:
        raise SystemExit(f"the compiled modules wrote other bytes: {differ[:5]}")
    print(f"same bytes: {len(files[0])} files, with either copy")
    timing.remove(*outs, site / ".digest-cache")


def _report(sides: list[Side]) -> None:
    pure, compiled, hugo = sides
    for side in sides:
        print(
            f"  {side.name:9s} wall {side.median('wall'):5.2f} s, cpu {side.median('cpu'):5.1f} s"
        )
    for a, b in ((compiled, pure), (pure, hugo), (compiled, hugo)):
        for figure in ("wall", "cpu"):
            median, low, high = timing.ratio(a, b, figure)
            print(f"  {a.name} / {b.name} {figure}: {median:.2f}x [{low:.2f}-{high:.2f}]")


if __name__ == "__main__":
    raise SystemExit(main())
