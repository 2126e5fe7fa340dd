"""One fingerprint helper and one manifest convention, for the archive, rebuild and the site."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from digest import manifest
from digest.fingerprint import Fingerprints, fingerprint
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
