"""The front matter's own YAML writer: yaml.dump's bytes exactly, or it steps aside."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.escape import SafeMarkdown
from digest.frontyaml import _QuotingDumper, as_plain_yaml, dump_front_matter

# Every character class the writer decides on: ASCII, quotes and backslashes, controls, line
# breaks (U+0085, U+2028, U+2029), NBSP, Korean, the BOM, the BMP's end, emoji, surrogates.
EDGES = (
    "\x00\t\n\r\x1f \"#'\\:-{}[]|>*&!%@`\x7f\x85\xa0é한"
    "\u2027\u2028\u2029\ud7ff\ue000\ufeff\ufffd\ufffe😀"
)
TEXT = st.text(st.sampled_from(EDGES) | st.characters(), max_size=12)
KEYS = st.sampled_from(["title", "tags", "lang_ref", "no", "True", "en", "ko", "a-b", "_x", "n1"])
SCALAR = TEXT | TEXT.map(SafeMarkdown) | st.integers() | st.booleans() | st.none() | st.floats()
VALUE = SCALAR | st.lists(SCALAR, max_size=4) | st.dictionaries(KEYS, SCALAR, max_size=3)


def by_yaml(matter: dict) -> str:
    return yaml.dump(
        matter,
        Dumper=_QuotingDumper,
        allow_unicode=True,
        sort_keys=False,
        width=2**31 - 1,
        default_flow_style=False,
    )


@settings(max_examples=1500, deadline=None)
@given(st.dictionaries(KEYS, VALUE, max_size=5))
def test_the_writer_gives_yaml_dumps_bytes_or_nothing(matter):
    mine = as_plain_yaml(matter)
    if mine is not None:
        assert mine == by_yaml(matter)


def test_a_posts_front_matter_takes_the_writer():
    matter = {
        "layout": "post",
        "title": 'Hugging Face 일간 논문 - 2026-02-20: "quoted"'.replace('"', ""),
        "categories": ["Daily Papers"],
        "tags": ["huggingface", "papers", "diffusion-models"],
        "image": {"path": "https://cdn-thumbnails.huggingface.co/x.png", "alt": "arXiv 2602.1"},
        "math": True,
        "translations": {"en": "/posts/daily-papers-2026-02-20-en/"},
        "organizations": ["NAVER Cloud", "KAIST"],
        "keywords": [],
        "papers": 13,
        "render_with_liquid": False,
    }
    assert as_plain_yaml(matter) == by_yaml(matter)
    assert dump_front_matter(matter) == f"---\n{by_yaml(matter)}---\n"


def test_what_needs_escaping_goes_through_yaml():
    for title in ['say "hi"', "back\\slash", "tab\t", "🤗", "line\u2028sep", "\ufeffbom"]:
        assert as_plain_yaml({"title": title}) is None
        assert dump_front_matter({"title": title}) == f"---\n{by_yaml({'title': title})}---\n"
