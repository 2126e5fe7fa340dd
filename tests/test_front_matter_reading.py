"""Front matter as digest writes it is read without YAML, to exactly what YAML reads."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

import frontmatter
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from digest import matter
from digest.frontyaml import as_plain_yaml, read_plain_yaml
from digest.site import posts

ROOT = Path(__file__).parent
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
keys = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
scalars = st.text(max_size=20) | st.integers() | st.booleans()
values = scalars | st.lists(scalars, max_size=4) | st.dictionaries(keys, scalars, max_size=3)
# Lines a reader of this shape might take for its own: quotes, colons, brackets, YAML's words.
tricky = st.lists(
    st.sampled_from(
        ['"', "\\", ":", " ", "[", "]", ",", "#", "yes", "on", "0x1", "1_0", "\n", "  "]
    )
    | st.text(max_size=4),
    max_size=12,
).map("".join)


def _posts() -> list[Path]:
    return sorted([*ROOT.glob("golden*/*.md"), *ROOT.glob("fixtures/reference/*/_posts/*.md")])


@SETTINGS
@given(data=st.dictionaries(keys, values, max_size=6))
@example(data={"papers": 6, "translations": {"en": "/posts/x/"}, "tags": ["a, b", "c"]})
def test_what_digest_writes_reads_back_as_yaml_reads_it(data):
    text = as_plain_yaml(data)
    if text is None:
        return
    assert read_plain_yaml(text) == yaml.safe_load(text)


@SETTINGS
@given(text=tricky)
@example(text='a: "x"\na: "y"')
@example(text='yes: "x"')
@example(text="a: 007")
@example(text='a: ["x", y]')
# Lists of strings alone are read by splitting at `", "`: every other shape goes on to the regexes.
@example(text='a: ["x", "", "y, z"]')
@example(text='a: ["x"", "y"]')
@example(text='a: ["x","y"]')
@example(text='a: ["x", 1, "y"]')
@example(text='a: ["x\\", "y"]')
@example(text='a: ["x", ", "y"]')
@example(text='a: ["]')
@example(text='a: [""]')
@example(text='a: ["x\u2028", "y"]')
def test_any_other_text_is_left_to_yaml(text):
    read = read_plain_yaml(text)
    if read is not None:
        assert read == yaml.safe_load(text)


def test_posts_split_the_same_as_python_frontmatter():
    posts = _posts()
    assert len(posts) > 20
    read_plain = 0
    for path in posts:
        text = path.read_text(encoding="utf-8")
        post = frontmatter.loads(text)
        assert matter.split(text) == (post.metadata, post.content), path
        assert matter.body(text) == post.content
        read_plain += read_plain_yaml(text.split("---\n")[1]) is not None
    assert read_plain >= len(posts) // 2  # digest's own front matter takes the fast path


def test_front_matter_python_frontmatter_refuses_is_still_refused():
    for text in ('---\ncontent: "x"\n---\nbody', "---\na: [\n---\nbody"):
        try:
            expected = frontmatter.loads(text)
        except Exception as error:
            try:
                matter.split(text)
            except Exception as ours:
                assert type(ours) is type(error)
            else:
                raise AssertionError("accepted what python-frontmatter refuses") from None
        else:
            assert matter.split(text) == (expected.metadata, expected.content)


@SETTINGS
@given(
    head=st.sampled_from(["", "\n", "  \n"]),
    matter_text=tricky | st.just('a: "x"\nb: 1'),
    boundary=st.sampled_from(["---", "----", "--- ", "---\t"]),
    rest=tricky,
)
@example(head="", matter_text='a: "x"', boundary="---", rest="\n\nbody\n---\nmore")
def test_split_where_python_frontmatter_splits(head, matter_text, boundary, rest):
    text = f"{head}---\n{matter_text}\n{boundary}\n{rest}"
    try:
        expected = frontmatter.loads(text)
    except Exception:
        return
    if all(isinstance(key, str) for key in expected.metadata):
        assert matter.split(text) == (expected.metadata, expected.content)
    assert matter.body(text) == expected.content


times = st.from_regex(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}", fullmatch=True
)


@SETTINGS
@given(text=times | st.datetimes(timezones=st.timezones()).map(str) | st.text(max_size=30))
@example(text="2026-02-20 09:00:00 +0960")  # strptime's %z takes minutes below 60 only
@example(text="2026-02-30 09:00:00 +0900")
@example(text="2026-02-20 09:00:00 +2400")
@example(text="\uff12\uff10\uff12\uff16-02-20 09:00:00 +0900")  # \\d matches such digits
def test_digest_times_are_read_as_strptime_reads_them(text):
    by_strptime = next(
        filter(None, (posts._strptime(text.strip(), f) for f in posts._TIME_FORMATS)), None
    )
    ours = posts.parse_time(text, timezone.utc)
    if by_strptime is None:
        assert ours is None
    else:
        expected = by_strptime if by_strptime.tzinfo else by_strptime.replace(tzinfo=timezone.utc)
        assert ours is not None and ours.isoformat() == expected.isoformat()
        assert ours.utcoffset() == expected.utcoffset()


@SETTINGS
@given(text=st.text(max_size=30))
@example(text="tab\there")
@example(text="bell\x07 and \ufffe")
def test_clean_drops_what_xml_forbids_and_nothing_else(text):
    assert posts.clean(text) == posts._CONTROL.sub("", text)


# Text around the bytes the fast read looks at: line ends of every kind, the characters clean()
# removes (one byte each in UTF-8, or three), their neighbours it keeps, and wider characters.
file_text = st.lists(
    st.sampled_from(["\r\n", "\r", "\n", "\t", "\x00", "\x1f", "\x7f", "\x80", "\ufffe", "\uffff"])
    | st.sampled_from(["\ufffd", "\ufeff", "한국어", "😀", "$x$", "---", " "])
    | st.text(max_size=5),
    max_size=30,
).map("".join)


@SETTINGS
@given(head=file_text, body=file_text)
@example(head="", body="a\r\r\nb\x0b\ufffe")
def test_a_post_file_reads_as_a_text_stream_and_clean_read_it(tmp_path_factory, head, body):
    path = tmp_path_factory.mktemp("post") / "2026-02-20-x.md"
    path.write_bytes(f"---\ntitle: {head!r}\n---\n{body}".encode("utf-8", "surrogatepass"))
    try:
        expected = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return  # a lone surrogate: read_post skips such a file either way
    text, pure = posts._read(path)
    assert text == expected
    assert pure == (posts.clean(expected) == expected)
    assert posts.read_body(path) == posts.clean(matter.body(expected))
