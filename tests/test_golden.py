"""Golden posts: the real fixtures through the real CLI, compared byte for byte.

Regenerate after an intended change with `pytest tests/test_golden.py --update-golden`,
then review the change with `git diff tests/golden/`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURE_DAYS

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("day", FIXTURE_DAYS)
def test_posts_match_golden_files(day, hf_server, run, write_config, tmp_path, update_golden):
    write_config()
    result = run("build", "--date", day)
    assert result.code == 0, result.err
    written = sorted((tmp_path / "_posts").glob(f"{day}-*.md"))
    assert [p.name for p in written] == [
        f"{day}-daily-papers-{day}-en.md",
        f"{day}-daily-papers-{day}-ko.md",
    ]
    for post in written:
        golden = GOLDEN / post.name
        if update_golden:
            golden.write_bytes(post.read_bytes())
        assert golden.is_file(), f"no golden file {golden.name}: run with --update-golden"
        assert post.read_bytes() == golden.read_bytes(), (
            f"{post.name} differs from its golden file; if intended, run "
            "`pytest tests/test_golden.py --update-golden` and review `git diff tests/golden`"
        )
