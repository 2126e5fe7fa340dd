"""Rendering: ranked papers to a post's text (front matter by code, body by Jinja). Pure."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import yaml
from markupsafe import Markup

from digest import texmath
from digest.config import Config, PeriodSettings
from digest.errors import TemplateError
from digest.models import Paper, normalize_space
from digest.periods import WEEK, Period

LANGUAGE_NAMES = {"ko": "한국어", "en": "English", "zh": "中文", "ja": "日本語"}
SNAPSHOT_KEY = "upvotes_as_of"
COUNT_KEY = "papers"
FRONT_MATTER_TIME = "%Y-%m-%d %H:%M:%S %z"
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?")


class SafeMarkdown(str):
    """Text that is already safe to place in Markdown; templates print it as it is."""


# Escaping untrusted text for both kramdown (Jekyll) and Python-Markdown: backslash escapes
# where both parsers honour them, HTML entities for the rest. `{` and `}` become entities so
# `{{`/`{%` never reach Liquid even where render_with_liquid is unsupported (Jekyll 3). `'` is
# kept as typed: no Markdown reads it as syntax (kramdown's default smart_quotes curls it, as
# it does every apostrophe of the blog; the example site's `smart_quotes` keeps it straight).
_BACKSLASHED = "\\`*_[]#"
_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "|": "&#124;",
    # MathJax reads the page, not the Markdown: where it takes `$` as a delimiter (Chirpy does),
    # two dollars of prose would become math. An element of its own keeps each one apart;
    # `digest site` reads this exact element as one (markup.ESCAPED_DOLLAR).
    "$": "<span>&#36;</span>",
    "{": "&#123;",
    "}": "&#125;",
    "~": "&#126;",
}
_ESCAPES = str.maketrans({**{c: "\\" + c for c in _BACKSLASHED}, **_ENTITIES})
# kramdown turns -- into an en dash and ... into an ellipsis: keep the characters as typed.
_TYPOGRAPHIC = re.compile(r"-(?=-)|\.(?=\.\.)")
# At the start of a line these would open a list, a heading underline or a definition.
_BLOCK_START = re.compile(r"^(?:[-+=:]|\d+[.)](?=\s|$))")


def _entity(match: re.Match[str]) -> str:
    """Encode the match's last character ("1." keeps its digit, loses its list marker)."""
    text = match.group()
    return f"{text[:-1]}&#{ord(text[-1])};"


def _escape_inline(text: str) -> str:
    return _TYPOGRAPHIC.sub(_entity, text.translate(_ESCAPES))


def escape_markdown(text: str) -> str:
    """Make API text inert in Markdown and HTML: what a reader sees is exactly the text."""
    return _BLOCK_START.sub(_entity, _escape_inline(normalize_space(text)), count=1)


def escape_markdown_math(text: str) -> SafeMarkdown:
    """Like `escape_markdown`, but LaTeX between `$`s becomes a math span MathJax typesets."""
    pieces = [
        texmath.math_span(part) if is_math else _escape_inline(part)
        for part, is_math in texmath.split_math(normalize_space(text))
    ]
    return SafeMarkdown(_BLOCK_START.sub(_entity, "".join(pieces), count=1))


def _math_filter(value: Any) -> SafeMarkdown:
    """`{{ text | math }}` in a template: escaped text whose LaTeX renders as math."""
    return SafeMarkdown("") if value is None else escape_markdown_math(str(value))


def safe_url(url: str) -> SafeMarkdown:
    """A link target that cannot end the link early or open a table, math or Liquid."""
    return SafeMarkdown(quote(url, safe="/:?#@!&=+,;%-._~*'"))


def _finalize(value: Any) -> Any:
    """Every `{{ … }}` in a template prints through here: untrusted text is escaped by default."""
    if value is None:
        return ""
    if isinstance(value, (SafeMarkdown, Markup)):
        return value
    if isinstance(value, str):
        return escape_markdown(value)
    return value


@dataclass(frozen=True)
class Entry:
    """A paper as a template sees it: its rank, its text, and link targets made safe."""

    rank: int
    paper: Paper
    authors: tuple[str, ...]
    more_authors: int
    hf_url: SafeMarkdown
    arxiv_url: SafeMarkdown
    pdf_url: SafeMarkdown
    github_url: SafeMarkdown | None
    project_url: SafeMarkdown | None


@dataclass(frozen=True)
class Translation:
    lang: str
    label: str
    url: SafeMarkdown


@dataclass(frozen=True)
class Post:
    """A rendered post: its file name in the output folder and its full text."""

    lang: str
    filename: str
    text: str
    count: int


def slug_for(day: date, lang: str) -> str:
    """Unique per date and language, so `/posts/:title/` permalinks never collide."""
    return f"daily-papers-{day.isoformat()}-{lang}"


def filename_for(day: date, lang: str) -> str:
    return f"{day.isoformat()}-{slug_for(day, lang)}.md"


def permalink_for(config: Config, day: date, lang: str) -> str | None:
    return config.permalink.format(slug=slug_for(day, lang)) if config.permalink else None


def _translations(config: Config, lang: str, slug: Callable[[str], str]) -> list[Translation]:
    """The other languages' versions of a post, given each language's slug for it."""
    return [
        Translation(
            other,
            LANGUAGE_NAMES.get(other, other),
            SafeMarkdown(_link_between(config, slug(lang), slug(other))),
        )
        for other in config.languages
        if other != lang
    ]


def _link_between(config: Config, here_slug: str, there_slug: str) -> str:
    """A link from one language's post to another's that works under any site base URL."""
    if not config.permalink:
        # Without a set permalink, assume sibling pages as Chirpy's /posts/:title/ makes them.
        return f"../{there_slug}/"
    here = config.permalink.format(slug=here_slug)
    there = config.permalink.format(slug=there_slug)
    # A browser resolves against the page's folder: the page itself for a pretty URL ("/x/").
    base = here if here.endswith("/") else posixpath.dirname(here)
    rel = posixpath.relpath(there, base)
    return rel + "/" if there.endswith("/") else rel


def _entries(papers: Sequence[Paper], max_authors: int) -> list[Entry]:
    return [
        Entry(
            rank=rank,
            paper=paper,
            authors=paper.authors[:max_authors],
            more_authors=max(len(paper.authors) - max_authors, 0),
            hf_url=safe_url(paper.hf_url),
            arxiv_url=safe_url(paper.arxiv_url),
            pdf_url=safe_url(paper.pdf_url),
            github_url=safe_url(paper.github_repo) if paper.github_repo else None,
            project_url=safe_url(paper.project_page) if paper.project_page else None,
        )
        for rank, paper in enumerate(papers, start=1)
    ]


def _post_datetime(config: Config, day: date) -> datetime:
    return datetime.combine(day, time.fromisoformat(config.post_time), tzinfo=config.tz)


def _title(config: Config, day: date, lang: str, count: int) -> str:
    return config.title_for(lang).format(date=day.isoformat(), count=count)


def _image(config: Config, papers: Sequence[Paper]) -> dict[str, str] | None:
    """The best-ranked paper's thumbnail: Chirpy's preview image, jekyll-seo-tag's og:image."""
    if not config.image:
        return None
    paper = next((p for p in papers if p.thumbnail), None)
    if paper is None:
        return None
    image = {"path": str(safe_url(paper.thumbnail or ""))}
    # Themes print `alt` unescaped (Chirpy as a caption): only our own words, never API text.
    if _ARXIV_ID.fullmatch(paper.id):
        image["alt"] = f"arXiv {paper.id}"
    return image


def front_matter(
    config: Config,
    day: date,
    lang: str,
    count: int,
    snapshot: datetime,
    *,
    papers: Sequence[Paper] = (),
    has_math: bool = False,
) -> dict[str, Any]:
    """The post's front matter in the configured theme's conventions (`flavour`); every value
    is data, dumped by code, never templated, and no text from the API is in it."""
    chirpy = config.flavour == "chirpy"
    # Chirpy sets `layout: post` for posts itself and documents leaving it out; minima needs it.
    matter: dict[str, Any] = {} if chirpy else {"layout": "post"}
    matter["title"] = _title(config, day, lang, count)
    matter["date"] = _post_datetime(config, day).strftime(FRONT_MATTER_TIME)
    matter["categories"] = list(config.categories)
    # Chirpy: "TAG names should always be lowercase" (its tag pages are per exact name).
    matter["tags"] = [tag.lower() for tag in config.tags] if chirpy else list(config.tags)
    if config.author:
        matter["author"] = config.author
    description = config.description_for(lang)
    if description:
        matter["description"] = description.format(date=day.isoformat(), count=count)
    image = _image(config, papers)
    if image:
        matter["image"] = image
    if config.pin:
        matter["pin"] = True
    if has_math:
        matter["math"] = True  # Chirpy loads MathJax only for posts that ask
    matter["lang"] = lang
    matter["lang_ref"] = f"daily-papers-{day.isoformat()}"
    permalink = permalink_for(config, day, lang)
    if permalink:
        matter["permalink"] = permalink
    others = [other for other in config.languages if other != lang]
    if others and config.permalink:
        matter["translations"] = {other: permalink_for(config, day, other) for other in others}
    matter[COUNT_KEY] = count
    matter[SNAPSHOT_KEY] = snapshot.astimezone(config.tz).strftime(FRONT_MATTER_TIME)
    # Titles and abstracts are data, not templates: Liquid must never run on them.
    matter["render_with_liquid"] = False
    return matter


# libyaml's emitter when PyYAML has it (the one Ruby's YAML is built on, and 10x faster); the
# pure-Python one otherwise. The golden and front-matter tests hold both to the same bytes.
_SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _QuotingDumper(_SafeDumper):  # type: ignore[misc,valid-type]
    """Double-quotes every string: Ruby's YAML rejects some plain scalars PyYAML writes."""


def _quoted_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


def _flow_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


def _plain_key_mapping(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.MappingNode:
    """Keys are our own identifiers, written plain; only values are quoted."""
    pairs = [
        (yaml.ScalarNode("tag:yaml.org,2002:str", str(key)), dumper.represent_data(item))
        for key, item in value.items()
    ]
    return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)


_QuotingDumper.add_representer(str, _quoted_str)
_QuotingDumper.add_representer(dict, _plain_key_mapping)
_QuotingDumper.add_representer(SafeMarkdown, _quoted_str)
_QuotingDumper.add_representer(list, _flow_list)


def dump_front_matter(matter: dict[str, Any]) -> str:
    body = yaml.dump(
        matter,
        Dumper=_QuotingDumper,
        allow_unicode=True,
        sort_keys=False,
        width=2**31 - 1,  # never fold a long title across lines
        default_flow_style=False,
    )
    return f"---\n{body}---\n"


def default_templates_dir() -> Path:
    """Packaged templates in a wheel; the repository's top-level templates/ in a checkout."""
    packaged = Path(str(resources.files("digest"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@lru_cache(maxsize=8)
def template_environment(user_dir: Path | None) -> jinja2.Environment:
    """User templates first, file by file; the packaged defaults after."""
    searched = [str(d) for d in (user_dir, default_templates_dir()) if d is not None]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(searched, encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["searched_paths"] = searched
    env.filters["math"] = _math_filter
    return env


def _render_body(template: jinja2.Template, context: dict[str, Any]) -> str:
    try:
        return template.render(context)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template '{template.name}': {exc}") from None


def _snapshot_text(config: Config, snapshot: datetime) -> str:
    """When the upvotes were counted, as a reader of the blog's time zone reads it."""
    return snapshot.astimezone(config.tz).strftime("%Y-%m-%d %H:%M %Z")


def check_templates(config: Config, names: Sequence[str]) -> None:
    """Load and compile templates now, so a syntax error stops a run before it writes."""
    for name in names:
        _template(config, name)


def _template(config: Config, name: str) -> jinja2.Template:
    env = template_environment(config.templates_dir)
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        where = ", ".join(env.globals["searched_paths"])
        raise TemplateError(f"template '{name}' not found in: {where}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or name}:{exc.lineno}: {exc.message}") from None


def render_post(
    papers: Sequence[Paper], day: date, lang: str, config: Config, snapshot: datetime
) -> Post:
    """One language's post for a day's ranked papers."""
    template = _template(config, f"daily.{lang}.md")
    title = _title(config, day, lang, len(papers))
    context = {
        "lang": lang,
        "date": day.isoformat(),
        "title": title,
        "count": len(papers),
        "entries": _entries(papers, config.max_authors),
        "snapshot": _snapshot_text(config, snapshot),
        "translations": _translations(config, lang, lambda other: slug_for(day, other)),
    }
    body = _render_body(template, context)
    # kramdown reads every `$$…$$` as math; API text never has one (see escape_markdown).
    has_math = "$$" in body
    matter = front_matter(
        config, day, lang, len(papers), snapshot, papers=papers, has_math=has_math
    )
    text = dump_front_matter(matter) + "\n" + body.strip("\n") + "\n"
    return Post(lang=lang, filename=filename_for(day, lang), text=text, count=len(papers))


# Weekly and monthly posts: the daily post's entries, escaping and front matter, under their own
# names, titles and templates (weekly.<lang>.md, monthly.<lang>.md).


def period_settings(config: Config, period: Period) -> PeriodSettings:
    return config.weekly if period.kind == WEEK else config.monthly


def period_ref(period: Period) -> str:
    """Shared by a period's language versions; it can never equal a daily post's."""
    return f"{period.kind}ly-papers-{period.key.lower()}"


def period_slug_for(period: Period, lang: str) -> str:
    return f"{period_ref(period)}-{lang}"


def period_filename_for(period: Period, lang: str) -> str:
    # Jekyll dates a post by its file name: the period's last day.
    return f"{period.end.isoformat()}-{period_slug_for(period, lang)}.md"


def period_front_matter(
    config: Config,
    period: Period,
    lang: str,
    count: int,
    snapshot: datetime,
    *,
    papers: Sequence[Paper] = (),
    has_math: bool = False,
) -> dict[str, Any]:
    """A daily post's front matter, dated on the period's last day, with the period's names
    (and no `description`: the configured one speaks of a day)."""
    settings = period_settings(config, period)
    own = replace(config, categories=settings.categories, tags=settings.tags, descriptions={})
    daily = front_matter(own, period.end, lang, count, snapshot, papers=papers, has_math=has_math)
    names = {
        "title": period_title(config, period, lang, count),
        "lang_ref": period_ref(period),
    }
    if config.permalink:
        link = {
            other: config.permalink.format(slug=period_slug_for(period, other))
            for other in config.languages
        }
        names["permalink"] = link[lang]
        names["translations"] = {other: link[other] for other in daily.get("translations", {})}
    matter: dict[str, Any] = {}
    for key, value in daily.items():
        matter[key] = names.get(key, value)
        if key == "lang_ref":
            matter["period"] = period.key
    return matter


def render_period_post(
    papers: Sequence[Paper],
    period: Period,
    lang: str,
    config: Config,
    snapshot: datetime,
    *,
    total: int,
    from_days: bool = False,
) -> Post:
    """One language's weekly or monthly post: the period's best papers, ranked as a day's are."""
    template = _template(config, f"{period.kind}ly.{lang}.md")
    context = {
        "lang": lang,
        "kind": period.kind,
        "period": period.key,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "title": period_title(config, period, lang, len(papers)),
        "count": len(papers),
        "total": total,
        "from_days": from_days,
        "entries": _entries(papers, config.max_authors),
        "snapshot": _snapshot_text(config, snapshot),
        "translations": _translations(config, lang, lambda other: period_slug_for(period, other)),
    }
    body = _render_body(template, context)
    matter = period_front_matter(
        config, period, lang, len(papers), snapshot, papers=papers, has_math="$$" in body
    )
    text = dump_front_matter(matter) + "\n" + body.strip("\n") + "\n"
    return Post(lang=lang, filename=period_filename_for(period, lang), text=text, count=len(papers))


def period_title(config: Config, period: Period, lang: str, count: int) -> str:
    return (
        period_settings(config, period)
        .titles[lang]
        .format(
            period=period.key,
            start=period.start.isoformat(),
            end=period.end.isoformat(),
            count=count,
        )
    )
