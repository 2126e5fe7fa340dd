"""Reference outputs: what today's code makes from the fixtures, to hold a refactoring to the
same bytes. Two blogs (minima with the defaults; Chirpy with most options set) each build the
fixture days, a week and a month from the API, a week put together from archived days, a
rebuild, and the static site, all through the real CLI against the fake API on 127.0.0.1.

    .venv/bin/python tests/reference.py        # rewrite tests/fixtures/reference/

The folder then holds, per blog, `_posts/`, `_archive/` and `_site/` exactly as written, except
that the fake API's port in the archive's records reads `PORT`. `tests/test_reference.py`
builds the same again and compares every file byte for byte.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from digest.cli import main
from hf_server import Knobs, serve

HERE = Path(__file__).parent
REFERENCE = HERE / "fixtures" / "reference"
ADVERSARIAL = HERE / "fixtures" / "adversarial" / "daily_papers_2025-12-01.json"
DAYS = ("2024-06-20", "2025-06-10", "2025-12-01", "2026-02-20")
KEPT = ("_posts", "_archive", "_site")
BLOGS = {
    "minima": 'author: "lim4349"\n',
    "chirpy": """\
flavour: chirpy
languages: [en, ko]
timezone: UTC
post_time: "10:30"
author: lim4349
categories: [Papers, Daily]
tags: [HuggingFace, Papers]
image: true
pin: true
max_papers: 8
max_authors: 3
title:
  en: "Papers of {date} ({count})"
description:
  en: "{count} papers, {date}"
site:
  base_url: https://example.org/blog
  title:
    en: "Paper digest"
  feed_entries: 3
  recent: 2
weekly:
  max_papers: 4
  tags: [Weekly]
monthly:
  title:
    en: "Month {period}: {start} to {end}, {count} papers"
""",
}
# Every CLI run of a blog, in order: online builds fill the archive, then offline ones read it.
RUNS: tuple[tuple[str, ...], ...] = (
    *(("build", "--date", day) for day in DAYS),
    ("build", "--week", "2026-W08"),
    ("build", "--month", "2025-06"),
    ("backfill", "--from", "2024-06-17", "--to", "2024-06-23"),
    ("build", "--week", "2024-W25", "--offline"),
    ("build", "--date", "2026-02-20", "--offline"),
    ("rebuild",),
    ("site",),
)
FAST = "api:\n  backoff: 0.01\n  timeout: 5\n  retries: 1\nbackfill:\n  requests_per_second: null\n"


@contextmanager
def _environment(url: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in ("DIGEST_API_BASE_URL", "HF_ENDPOINT")}
    os.environ["DIGEST_API_BASE_URL"] = url
    os.environ.pop("HF_ENDPOINT", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def build_blogs(work: Path) -> dict[str, Path]:
    """Every blog built in `work/<blog>/`; returns each blog's folder."""
    knobs = Knobs(days={"2025-12-01": ADVERSARIAL.read_bytes()})
    folders = {}
    with serve(knobs) as server, _environment(server.url):
        for name, settings in BLOGS.items():
            folder = work / name
            folder.mkdir(parents=True)
            config = folder / "config.yaml"
            config.write_text(settings + FAST, encoding="utf-8")
            for args in RUNS:
                out, err = StringIO(), StringIO()
                with redirect_stdout(out), redirect_stderr(err):
                    code = main([*args, "--config", str(config), "-q"])
                if code != 0:
                    raise RuntimeError(f"{name}: digest {' '.join(args)}: exit {code}\n{err}")
            _normalise_archive(folder / "_archive", server.url)
            folders[name] = folder
    return folders


def _normalise_archive(archive: Path, url: str) -> None:
    """The fake API's port differs per run; the records name it as `PORT`."""
    port = re.escape(url.rsplit(":", 1)[1])
    for meta in archive.rglob("*.meta.json"):
        text = meta.read_text(encoding="utf-8")
        meta.write_text(re.sub(rf"127\.0\.0\.1:{port}\b", "127.0.0.1:PORT", text), "utf-8")


# The manifest records machine-local state; the lock file is the output lock's (git ignores it).
UNKEPT = {".digest-manifest.json", ".digest.lock"}


def tree(folder: Path) -> dict[str, bytes]:
    """Every kept file of a built blog, by its path relative to the blog's folder."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for top in KEPT
        for path in sorted((folder / top).rglob("*"))
        if path.is_file() and path.name not in UNKEPT
    }


def update(work: Path) -> None:
    shutil.rmtree(REFERENCE, ignore_errors=True)
    for name, folder in build_blogs(work).items():
        for relative, data in tree(folder).items():
            target = REFERENCE / name / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="digest-reference-") as tmp:
        update(Path(tmp))
    print(f"wrote {REFERENCE}")
