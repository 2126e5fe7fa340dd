"""One fingerprint helper and one manifest convention, for the archive, rebuild and the site."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timezone
from pathlib import Path

import pytest

from digest import manifest
from digest.fingerprint import Fingerprints, fingerprint
from digest.site import incremental, posts
from digest.site.posts import SitePost
from digest.site.urls import Absolute, Link


@dataclass(frozen=True)
class Post:
    title: str
    body: str = field(default="", metadata={"fingerprint": False})


def test_equal_inputs_equal_fingerprints_and_any_change_shows():
    base = fingerprint("x", 1, [date(2026, 2, 20)], {"a": Path("p")}, Post("t", "body"))
    assert base == fingerprint("x", 1, [date(2026, 2, 20)], {"a": Path("p")}, Post("t", "other"))
    for changed in [
        ("x", 2, [date(2026, 2, 20)], {"a": Path("p")}, Post("t")),
        ("x", 1, [date(2026, 2, 21)], {"a": Path("p")}, Post("t")),
        ("x", 1, [date(2026, 2, 20)], {"a": Path("q")}, Post("t")),
        ("x", 1, [date(2026, 2, 20)], {"a": Path("p")}, Post("u")),
    ]:
        assert fingerprint(*changed) != base


def test_a_callable_is_refused_not_skipped():
    with pytest.raises(TypeError, match="what it captures is unseen"):
        fingerprint({"link": lambda path: path})


def test_the_site_links_say_what_they_depend_on():
    keys = Fingerprints()
    assert keys({"link": Link("/ko/")}) != keys({"link": Link("/en/")})
    assert keys({"absolute": Absolute("/", "https://a.b")}) != keys(
        {"absolute": Absolute("/", None)}
    )
    assert Absolute("/ko/", "https://a.b")("/ko/feed.xml") == "https://a.b/ko/feed.xml"


def test_manifest_round_trip_and_another_signature_reads_empty(tmp_path):
    manifest.save(tmp_path, "m.json", "sig", {"posts": {"b": [1], "a": {"x": "한"}}, "pages": {}})
    text = (tmp_path / "m.json").read_text(encoding="utf-8")
    assert text.index('"a"') < text.index('"b"') and "한" in text  # sorted, one entry a line
    assert manifest.read(tmp_path, "m.json", "sig", ("posts", "pages")) == [
        {"a": {"x": "한"}, "b": [1]},
        {},
    ]
    assert manifest.read(tmp_path, "m.json", "other", ("posts",)) == [{}]
    (tmp_path / "m.json").write_text("{broken", encoding="utf-8")
    assert manifest.read(tmp_path, "m.json", "sig", ("posts",)) == [{}]
    assert manifest.read(None, "m.json", "sig", ("posts",)) == [{}]


def test_a_record_encoded_on_a_worker_is_saved_as_the_post_itself_would_be(tmp_path):
    # read_posts' workers encode each post's record; the manifest's row is made around it.
    post_file = tmp_path / "2026-02-20-daily-papers-2026-02-20-ko.md"
    post_file.write_text(
        '---\ntitle: "한국어 제목 😀: 끝"\ndate: "2026-02-20 09:00:00 +0900"\nlang: "ko"\n'
        'tags: ["a", "b"]\npapers: 3\n---\n\nBody $x$.\n',
        encoding="utf-8",
    )
    record, encoded = posts._record(post_file, timezone.utc, "ko")
    assert encoded is not None
    post, stat = SitePost.from_record(record), post_file.stat()
    saved = []
    for name, ahead in (("plain", None), ("ahead", encoded)):
        state = incremental.State(tmp_path / name, "sig")
        assert state.remembered_post(post_file, stat) is None  # as read_posts asks: not known
        state.remember_post(post_file, stat, post, ahead)
        state.save()
        saved.append((tmp_path / name / incremental.MANIFEST).read_bytes())
    assert saved[0] == saved[1] and "한국어".encode() in saved[0]
    [read] = manifest.read(tmp_path / "ahead", incremental.MANIFEST, "sig", ("posts",))
    assert SitePost.from_record(read[post_file.name][2]) == post
