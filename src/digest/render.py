"""Rendering: an edition's ranked papers to a post's text, per language (front matter by code,
body by one Jinja template, words from the language's file). Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import jinja2

from digest import editions, entries, escape, languages, templating
from digest.affiliations import Affiliation
from digest.config import Config
from digest.editions import Edition
from digest.errors import ConfigError
from digest.escape import (
    SafeMarkdown,
    count_filter,
    digits_filter,
    fill_filter,
    finalize,
    math_filter,
)
from digest.frontyaml import dump_front_matter
from digest.matter import fill, front_matter
from digest.models import Paper
from digest.prepare import Prepared, entries_in, link_between, prepare

if TYPE_CHECKING:
    from digest.translation_plan import TranslationResult

TEMPLATE = "post.md"
_FILTERS = (
    ("math", math_filter),
    ("fill", fill_filter),
    ("count", count_filter),
    ("digits", digits_filter),
)


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


def environment(config: Config) -> jinja2.Environment:
    """The post templates: Markdown-escaped by default, with the post filters."""
    return templating.environment(
        config.templates_dir,
        finalize=finalize,
        filters=_FILTERS,
        keep_trailing_newline=True,
        auto_reload=False,  # see _template
    )


def template_names(edition: Edition, lang: str) -> list[str]:
    """The body's template: `daily.en.md` (or `weekly.ko.md` …) where a blog has its own for
    that kind and language, else the one `post.md`."""
    return [f"{edition.section}.{lang}.md", TEMPLATE]


def _template(config: Config, edition: Edition, lang: str) -> jinja2.Template:
    env = environment(config)
    templating.drop_stale(env)  # a template edited since the last post is read again
    return templating.select(env, template_names(edition, lang))


def check_templates(config: Config, langs: Sequence[str], edition: Edition) -> None:
    """Load the templates and every language's words now, so a broken one stops a run before
    it fetches or writes."""
    for lang in langs:
        _template(config, edition, lang)
        _words(config, edition, lang)


def _words(config: Config, edition: Edition, lang: str) -> dict[str, Any]:
    """The language's words, with this edition's title and description patterns (the
    config's, else the language's)."""
    words = dict(languages.words(config.templates_dir, lang))
    settings = config.edition(edition.section)
    title = settings.titles.get(lang) or words.get(f"{edition.section}_title")
    if not title:
        source = str(config.source) if config.source else "config"
        raise ConfigError(
            [f"{edition.section}.title.{lang}: no title for language '{lang}'"], source
        )
    words["title"] = title
    words["description"] = settings.descriptions.get(lang) or words.get(
        f"{edition.section}_description"
    )
    return words


def _translations(config: Config, edition: Edition, lang: str) -> list[Translation]:
    """The other languages' versions of a post."""
    return [
        Translation(
            other,
            languages.name(config.templates_dir, other),
            SafeMarkdown(link_between(config, edition.slug(lang), edition.slug(other))),
        )
        for other in config.languages
        if other != lang
    ]


def _snapshot_text(config: Config, snapshot: datetime) -> str:
    """When the upvotes were counted, as a reader of the blog's time zone reads it."""
    return snapshot.astimezone(config.tz).strftime("%Y-%m-%d %H:%M %Z")


def render_post(
    papers: Sequence[Paper],
    edition: Edition | date,
    lang: str,
    config: Config,
    snapshot: datetime,
    *,
    total: int | None = None,
    from_days: bool = False,
    affiliations: Mapping[str, Affiliation] | None = None,
    translation: TranslationResult | None = None,
    prepared: Prepared | None = None,
) -> Post:
    """One language's post for an edition's ranked papers (a `date` stands for its day).
    `total`: papers listed before `max_papers`; `from_days`: a week or month put together
    from archived days; `affiliations`: per paper id, what find_affiliations found (None:
    each paper's HF organization, as before the lookup existed); `translation`: the post's
    translated texts, when it has them; `prepared`: `prepare(papers, config, edition,
    affiliations)` when it is already made (every language's post of an edition shares it)."""
    if not isinstance(edition, Edition):
        edition = editions.day(edition)
    if prepared is None:
        prepared = prepare(papers, config, edition, affiliations)
    words = _words(config, edition, lang)
    name = entries.edition_name(edition, words)
    shown = entries_in(prepared, config, edition, lang, translation)
    # The model is named only where it translated something: an all-English post says nothing.
    translated = translation and any(e.tldr or e.abstract for e in shown)
    model = translation.model if translation and translated else None
    context: Mapping[str, Any] = {
        "lang": lang,
        "kind": edition.kind,
        "words": words,
        "date": edition.end.isoformat(),
        "period": edition.key,
        "start": edition.start.isoformat(),
        "end": edition.end.isoformat(),
        "title": fill(words["title"], edition, len(papers), name),
        "count": len(papers),
        "total": len(papers) if total is None else total,
        "from_days": from_days,
        "entries": shown,
        "translated_by": model,
        "name": name,
        "snapshot": _snapshot_text(config, snapshot),
        "translations": _translations(config, edition, lang),
    }
    with escape.memo(prepared.memo):
        body = templating.render(_template(config, edition, lang), dict(context))
    # kramdown reads every `$$…$$` as math; API text never has one (see escape_markdown).
    matter = front_matter(
        config, edition, lang, words, snapshot, papers, has_math="$$" in body, about=prepared.about
    )
    if model:
        matter["translated_by"] = model
    text = dump_front_matter(matter) + "\n" + body.strip("\n") + "\n"
    return Post(lang=lang, filename=edition.filename(lang), text=text, count=len(papers))
