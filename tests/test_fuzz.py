"""Fuzzing API items: any JSON, in any field, gives a post or one clear error, never a crash."""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

import frontmatter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.cli import main
from digest.config import Config
from digest.errors import DigestError
from digest.fetch import parse_payload
from digest.models import papers_from_items
from digest.rank import rank
from digest.render import render_post
from hf_server import Knobs, serve

# Any code point, lone surrogates (valid in JSON as \ud800 escapes) and controls included.
# Markdown, HTML, YAML and Liquid specials, and the characters that broke real posts, are
# drawn often on purpose; plain random code points rarely hit them.
SPECIAL = list("<>&|*_`$\\{}[]#\"'~-.:!%@\n\t\r\x00\x1b\x7f\x85\u2028\ufeff\ud800\udfff한中🤗")
PIECES = ["{{", "{%", "$$", "--", "...", "1. ", "<script>", "$x_1$", "a|b"]
ANY_CHAR = st.one_of(st.characters(exclude_categories=[]), st.sampled_from(SPECIAL))
TEXT = st.lists(st.one_of(ANY_CHAR, st.sampled_from(PIECES)), max_size=30).map("".join)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | TEXT,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
PAPER_FIELDS = {
    "id": st.one_of(TEXT, JSON, st.from_regex(r"\A\d{4}\.\d{5}\Z")),
    "title": st.one_of(TEXT, JSON),
    "summary": st.one_of(TEXT, JSON),
    "upvotes": st.one_of(st.integers(min_value=-5, max_value=10**6), JSON),
    "authors": st.one_of(
        JSON,
        st.lists(
            st.fixed_dictionaries({"name": st.one_of(TEXT, JSON), "hidden": JSON}), max_size=8
        ),
    ),
    "ai_summary": st.one_of(TEXT, JSON),
    "ai_keywords": st.one_of(st.lists(TEXT, max_size=4), JSON),
    "githubRepo": st.one_of(TEXT, JSON, st.just("https://github.com/a/b_c")),
    "githubStars": JSON,
    "projectPage": st.one_of(TEXT, JSON),
    "organization": st.one_of(
        JSON,
        st.fixed_dictionaries({"name": st.one_of(TEXT, JSON), "fullname": st.one_of(TEXT, JSON)}),
    ),
}
PAPER = st.fixed_dictionaries({}, optional=PAPER_FIELDS)
ITEM = st.one_of(
    st.fixed_dictionaries(
        {"paper": PAPER}, optional={"numComments": JSON, "thumbnail": JSON, "title": JSON}
    ),
    JSON,  # not even an object
)
PAYLOAD = st.one_of(st.lists(ITEM, max_size=6), JSON)

SNAPSHOT = datetime(2026, 2, 20, 7, 45, tzinfo=timezone.utc)


@settings(max_examples=400, deadline=None)
@given(PAYLOAD)
def test_any_payload_gives_posts_or_a_clear_error(payload):
    body = json.dumps(payload).encode("utf-8", "surrogatepass")
    try:
        items = parse_payload(body)
    except DigestError as error:
        assert str(error)
        return
    papers = rank(papers_from_items(items))
    for lang in ("ko", "en"):
        post = render_post(papers, date(2026, 2, 20), lang, Config(), SNAPSHOT)
        post.text.encode("utf-8")  # strict: every post can be written as UTF-8
        parsed = frontmatter.loads(post.text)
        assert parsed["papers"] == len(papers)
        assert parsed.content.count("\n### ") == len(papers)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(ITEM, min_size=1, max_size=4))
def test_any_items_through_the_cli(capsys, monkeypatch, items):
    body = json.dumps(items).encode("utf-8", "surrogatepass")
    with serve(Knobs(body=body)) as server, tempfile.TemporaryDirectory() as out:
        monkeypatch.setenv("DIGEST_API_BASE_URL", server.url)
        code = main(["build", "--date", "2026-02-20", "--output", out, "-q"])
        err = capsys.readouterr().err
        assert code in (0, 4), err
        assert "Traceback" not in err
        if code == 4:
            assert err.startswith("Error: ") and err.count("\n") == 1
        for post in Path(out).glob("*.md"):
            frontmatter.loads(post.read_text(encoding="utf-8"))
