"""Today's code against the reference outputs: posts, archive and site, byte for byte.

The reference is what the code made before a refactoring (see tests/reference.py, which also
rewrites it after an intended change: then read `git diff tests/fixtures/reference`)."""

from __future__ import annotations

import pytest

from reference import REFERENCE, build_blogs, tree


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_blogs(tmp_path_factory.mktemp("reference"))


@pytest.mark.parametrize("blog", ["minima", "chirpy"])
def test_same_bytes_as_the_reference(built, blog):
    want, got = tree(REFERENCE / blog), tree(built[blog])
    assert sorted(got) == sorted(want), "a different set of files was written"
    differ = [name for name in want if got[name] != want[name]]
    assert not differ, (
        f"{len(differ)} files differ from tests/fixtures/reference/{blog} (first: {differ[:5]}); "
        "if intended, run `python tests/reference.py` and read `git diff tests/fixtures/reference`"
    )
    assert any(name.startswith("_posts/") and "weekly" in name for name in want)
