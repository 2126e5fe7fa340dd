"""Rendering hostile text: it must reach the reader exactly, and never as markup."""

from __future__ import annotations

import html
import os
import re
from datetime import date, datetime, timezone

import frontmatter
import markdown
import pytest
import yaml

from digest.config import Config
from digest.escape import escape_markdown
from digest.frontyaml import dump_front_matter
from digest.models import Paper
from digest.render import render_post
from digest.site.mathspan import MathExtension

HOSTILE = [
    "<script>alert('x')</script> & <b>bold</b>",
    "a | b | c",
    "*stars* and _under_ and __double__ and `code`",
    "$\\mathcal{O}(n^2)$ and $$x_1 * y_2$$ \\{ \\\\ \\|",
    "{{ site.title }} and {% include x %} and {%",
    "[link](javascript:alert(1)) ![img](x.png)",
    "# not a heading",
    "1. not a list",
    "- not a list either",
    "--- rule? -- dash... ellipsis",
    '"Quoted": it\'s <eos> ~~strike~~',
    "한국어 제목: 테스트 🤗 中文标题",
    "ends with a backslash \\",
    "    indented code?",
    "= underline",
    ": definition",
    "> quote",
    "&amp; &lt; entities &#36;",
]


def markdown_text(source: str) -> str:
    rendered = markdown.markdown(source)
    assert "<script" not in rendered and "<table" not in rendered and "<b>" not in rendered
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_reads_back_exactly(text):
    escaped = escape_markdown(text)
    assert "{{" not in escaped and "{%" not in escaped and "|" not in escaped
    assert markdown_text(escaped) == " ".join(text.split())
    # Also after a list marker and as a heading, the places our templates put it.
    assert markdown_text("- TL;DR: " + escaped) == "TL;DR: " + " ".join(text.split())
    assert markdown_text("### 1. " + escaped) == "1. " + " ".join(text.split())


def config(**overrides) -> Config:
    return Config(**overrides)


def paper(**fields) -> Paper:
    base = {"id": "2602.00001", "title": "T", "abstract": "A"}
    return Paper(**{**base, **fields})


SNAPSHOT = datetime(2026, 2, 21, 0, 30, tzinfo=timezone.utc)


# Abstracts and TL;DRs show LaTeX between `$`s as math (MathJax's `\(…\)` in the HTML).
READS_AS_MATH = {
    "$\\mathcal{O}(n^2)$ and $$x_1 * y_2$$ \\{ \\\\ \\|": (
        "\\(\\mathcal{O}(n^2)\\) and \\(x_1 * y_2\\) \\{ \\\\ \\|"
    ),
}


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_every_field(text):
    papers = [
        paper(
            title=text,
            abstract=text,
            ai_summary=text,
            keywords=(text, "k"),
            authors=(text, "B"),
            organization=text,
            github_repo="https://github.com/a/b_c|d",
            project_page="https://x.org/(p)",
        )
    ]
    post = render_post(papers, date(2026, 2, 20), "en", config(), SNAPSHOT)
    parsed = frontmatter.loads(post.text)
    rendered = markdown.markdown(parsed.content, extensions=[MathExtension()])
    assert "<script" not in rendered and "<table" not in rendered
    visible = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    clean = " ".join(text.split())
    assert f"1. {clean}" in visible
    assert f"HF organization: {clean}" in visible
    assert f"TL;DR: {READS_AS_MATH.get(text, clean)}" in visible
    assert f"\n{READS_AS_MATH.get(text, clean)}" in visible  # the abstract
    assert parsed.get("math", False) is (text in READS_AS_MATH)
    assert f"Keywords: {clean}, k" in visible
    assert f"Authors: {clean}, B" in visible
    assert 'href="https://github.com/a/b_c%7Cd"' in rendered
    assert 'href="https://x.org/%28p%29"' in rendered


@pytest.mark.parametrize(
    "title",
    [
        ":foo",
        "Title: with colon",
        "'single' \"double\"",
        "- dash",
        "@at",
        "`tick`",
        "#hash",
        "yes",
        "null",
        "1e3",
        "2026-02-20",
        "a\\b",
        "tab\there",
        "\u2028line sep",
        "🤗 emoji",
        "{{ liquid }}",
        "[list]",
        "{map: 1}",
        "*alias",
        "&anchor",
        "!tag",
        "%percent",
        "|pipe",
        ">fold",
        "제목: 한국어",
        "x" * 300,
    ],
)
def test_front_matter_round_trips_every_title(title):
    matter = {"title": title, "tags": [title], "n": 3, "flag": False}
    dumped = dump_front_matter(matter)
    assert dumped.startswith("---\n") and dumped.endswith("---\n")
    assert 'title: "' in dumped  # always double-quoted
    assert len(dumped.splitlines()) == 6  # nothing folded across lines
    assert yaml.safe_load(dumped.strip("-\n")) == matter
    assert frontmatter.loads(dumped + "\nbody\n").metadata == matter


@pytest.mark.parametrize(
    ("day", "offset"),
    [(date(2026, 7, 1), "-0400"), (date(2026, 1, 1), "-0500")],  # EDT, EST
)
def test_post_date_carries_the_zone_offset(day, offset):
    cfg = config(timezone="America/New_York", post_time="18:30:00")
    post = render_post([paper()], day, "en", cfg, SNAPSHOT)
    assert frontmatter.loads(post.text)["date"] == f"{day} 18:30:00 {offset}"


def test_long_author_lists_are_shortened():
    papers = [paper(authors=tuple(f"Author {n}" for n in range(12)))]
    en = render_post(papers, date(2026, 2, 20), "en", config(max_authors=3), SNAPSHOT).text
    ko = render_post(papers, date(2026, 2, 20), "ko", config(max_authors=3), SNAPSHOT).text
    assert "Authors: Author 0, Author 1, Author 2 and 9 more\n" in en
    assert "저자: Author 0, Author 1, Author 2 외 9명\n" in ko


def test_one_language_has_no_translation_link():
    post = render_post([paper()], date(2026, 2, 20), "ko", config(languages=("ko",)), SNAPSHOT)
    assert "translations" not in frontmatter.loads(post.text).metadata
    assert "🌐" not in post.text


def test_custom_permalink_links_relatively():
    cfg = config(permalink="/{slug}.html")
    post = render_post([paper()], date(2026, 2, 20), "ko", cfg, SNAPSHOT)
    assert frontmatter.loads(post.text)["permalink"] == "/daily-papers-2026-02-20-ko.html"
    assert "[English](daily-papers-2026-02-20-en.html)" in post.text


def test_affiliation_line_names_its_source_per_language_with_plus_n():
    from digest.affiliations import Affiliation
    from digest.sections import AffiliationSettings

    papers = [
        paper(id="2602.00001", organization="Claimed Lab"),
        paper(id="2602.00002"),
        paper(id="2602.00003", organization="Ignored when not found"),
        paper(id="2602.00004"),
    ]
    found = {
        "2602.00001": Affiliation(("Claimed Lab",), "hf"),
        "2602.00002": Affiliation(("A *Univ*", "B|Lab", "C", "D"), "arxiv"),
        "2602.00004": Affiliation(("Tsinghua University",), "openalex"),
    }
    settings = config(affiliations=AffiliationSettings(max_shown=2))
    lines = {}
    for lang in ("en", "ko", "ja"):
        text = render_post(papers, date(2026, 2, 20), lang, settings, SNAPSHOT, affiliations=found)
        metas = re.findall(r"^- 👍 .*$", text.text, flags=re.M)
        lines[lang] = [meta.split(" · 🏛️ ")[1] if "🏛️" in meta else None for meta in metas]
    assert lines["en"] == [
        "HF organization: Claimed Lab",
        "Affiliations: A \\*Univ\\*, B&#124;Lab +2 (arXiv)",
        None,  # a lookup that found nothing: no piece, not a stale HF name
        "Affiliations: Tsinghua University (OpenAlex)",
    ]
    assert lines["ko"][1] == "기관: A \\*Univ\\*, B&#124;Lab +2 (arXiv)" and lines["ko"][2] is None
    assert lines["ja"][3] == "所属: Tsinghua University\uff08OpenAlex\uff09"  # full-width ( )
    # Without a lookup (a caller of render_post alone), the HF organization as before.
    plain = render_post(papers, date(2026, 2, 20), "en", settings, SNAPSHOT).text
    assert " · 🏛️ HF organization: Ignored when not found\n" in plain


def test_a_template_edited_between_two_posts_is_read_again(tmp_path):
    # Compiled templates are kept for the process, and checked once per post (not per include).
    (tmp_path / "paper.md").write_text("one {{ entry.rank }}\n", encoding="utf-8")
    cfg = config(templates_dir=tmp_path)
    first = render_post([paper()], date(2026, 2, 20), "en", cfg, SNAPSHOT).text
    (tmp_path / "paper.md").write_text("two {{ entry.rank }}\n", encoding="utf-8")
    os.utime(tmp_path / "paper.md", ns=(1, 1))  # a different mtime, however fast the disk
    second = render_post([paper()], date(2026, 2, 20), "en", cfg, SNAPSHOT).text
    assert "one 1\n" in first and "two" not in first
    assert "two 1\n" in second and "one" not in second


def test_posts_render_in_threads_while_templates_are_still_being_compiled(tmp_path):
    # Backfill renders days in threads over one cached environment: one thread's post checks
    # the compiled templates (templating.drop_stale) while another's adds its first ones. Once
    # this raised "dictionary changed size during iteration" (bench/run.py, concurrency 4).
    import threading

    from digest import templating

    env = templating.environment(tmp_path)
    stop = threading.Event()
    errors: list[BaseException] = []

    class Current:
        is_up_to_date = True

    def check() -> None:
        try:
            while not stop.is_set():
                templating.drop_stale(env)
        except BaseException as error:  # the test reports it
            errors.append(error)

    checker = threading.Thread(target=check)
    checker.start()
    try:
        for n in range(200_000):
            env.cache[(f"t{n}", None)] = Current()
    finally:
        stop.set()
        checker.join()
    assert not errors
