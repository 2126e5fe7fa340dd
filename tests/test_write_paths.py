"""write.safe_join: a page's folder, however deep, never leads outside the output folder."""

from __future__ import annotations

import pytest

from digest import write
from digest.errors import OutputError


def test_pages_land_in_their_folders_at_any_depth(tmp_path):
    out = tmp_path / "site"
    for name in ("index.html", "posts/a/index.html", "posts/b/index.html", "ko/tags/x/index.html"):
        assert write.write_text(out, name, name, durable=False) is write.Outcome.WRITTEN
        assert (out / name).read_text(encoding="utf-8") == name


@pytest.mark.parametrize("link", ["posts", "posts/evil", "ko/tags/evil"])
def test_a_symlinked_folder_at_any_depth_is_refused(tmp_path, link):
    out, outside = tmp_path / "site", tmp_path / "outside"
    outside.mkdir()
    (out / link).parent.mkdir(parents=True)
    (out / link).symlink_to(outside, target_is_directory=True)
    # Folders beside it written first (and found inside): the link is still looked at.
    write.write_text(out, "ko/tags/fine/index.html", "ok", durable=False)
    if link != "posts":
        write.write_text(out, "posts/fine/index.html", "ok", durable=False)
    for name in (f"{link}/index.html", f"{link}/deeper/index.html", f"{link}/a/b/index.html"):
        with pytest.raises(OutputError, match="refusing to write outside the output folder"):
            write.write_text(out, name, "x", durable=False)
    assert list(outside.iterdir()) == []


def test_a_symlink_that_stays_inside_is_followed(tmp_path):
    out = tmp_path / "site"
    (out / "real").mkdir(parents=True)
    (out / "posts").mkdir()
    (out / "posts" / "alias").symlink_to(out / "real", target_is_directory=True)
    write.write_text(out, "posts/alias/index.html", "here", durable=False)
    assert (out / "real" / "index.html").read_text(encoding="utf-8") == "here"
