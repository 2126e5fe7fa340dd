"""Front matter: what a post's YAML header says (by code, never templated), written in the
theme's conventions and read back. No text from the API is ever in it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, time
from functools import lru_cache
from typing import Any

import yaml

from digest.config import Config
from digest.editions import Edition
from digest.escape import SafeMarkdown, safe_url
from digest.models import Paper

SNAPSHOT_KEY = "upvotes_as_of"
COUNT_KEY = "papers"
FRONT_MATTER_TIME = "%Y-%m-%d %H:%M:%S %z"
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?")


def permalink(config: Config, edition: Edition, lang: str) -> str | None:
    return config.permalink.format(slug=edition.slug(lang)) if config.permalink else None


def post_datetime(config: Config, edition: Edition) -> datetime:
    """A post is dated on its edition's last day, at the configured time."""
    return datetime.combine(edition.end, time.fromisoformat(config.post_time), tzinfo=config.tz)


def fill(pattern: str, edition: Edition, count: int) -> str:
    """A configured title or description with its placeholders filled."""
    return pattern.format(
        date=edition.end.isoformat(),
        period=edition.key,
        start=edition.start.isoformat(),
        end=edition.end.isoformat(),
        count=count,
    )


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
    edition: Edition,
    lang: str,
    words: Mapping[str, str],
    snapshot: datetime,
    papers: Sequence[Paper],
    *,
    has_math: bool = False,
) -> dict[str, Any]:
    """The post's front matter in the configured theme's conventions (`flavour`); `words`
    holds its title and description patterns."""
    settings = config.edition(edition.section)
    chirpy = config.flavour == "chirpy"
    count = len(papers)
    # Chirpy sets `layout: post` for posts itself and documents leaving it out; minima needs it.
    matter: dict[str, Any] = {} if chirpy else {"layout": "post"}
    matter["title"] = fill(words["title"], edition, count)
    matter["date"] = post_datetime(config, edition).strftime(FRONT_MATTER_TIME)
    matter["categories"] = list(settings.categories)
    # Chirpy: "TAG names should always be lowercase" (its tag pages are per exact name).
    matter["tags"] = [tag.lower() for tag in settings.tags] if chirpy else list(settings.tags)
    if config.author:
        matter["author"] = config.author
    if words.get("description"):
        matter["description"] = fill(words["description"], edition, count)
    image = _image(config, papers)
    if image:
        matter["image"] = image
    if config.pin:
        matter["pin"] = True
    if has_math:
        matter["math"] = True  # Chirpy loads MathJax only for posts that ask
    matter["lang"] = lang
    matter["lang_ref"] = edition.ref
    if not edition.is_day:
        matter["period"] = edition.key
    link = permalink(config, edition, lang)
    if link:
        matter["permalink"] = link
    others = [other for other in config.languages if other != lang]
    if others and config.permalink:
        matter["translations"] = {other: permalink(config, edition, other) for other in others}
    matter[COUNT_KEY] = count
    matter[SNAPSHOT_KEY] = snapshot.astimezone(config.tz).strftime(FRONT_MATTER_TIME)
    # Titles and abstracts are data, not templates: Liquid must never run on them.
    matter["render_with_liquid"] = False
    return matter


# libyaml's emitter when PyYAML has it (the one Ruby's YAML is built on, and 10x faster); the
# pure-Python one otherwise. The golden and front-matter tests hold both to the same bytes.
_SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def split(text: str) -> tuple[dict[str, Any], str]:
    """A post's front matter and body (python-frontmatter, on libyaml's loader when present:
    5x faster); raises on a broken header."""
    import frontmatter  # here: a start-up cost that builds without an old post skip

    post = frontmatter.loads(text, handler=_handler())
    return post.metadata, post.content


@lru_cache(maxsize=1)
def _handler() -> Any:
    import frontmatter

    class FastYAML(frontmatter.YAMLHandler):
        def load(self, fm: str, **kwargs: object) -> Any:
            kwargs.setdefault("Loader", _SafeLoader)
            return super().load(fm, **kwargs)

    return FastYAML()


def count_of(matter: Mapping[str, Any]) -> int | None:
    """The `papers:` count a post says it lists, if it says one."""
    count = matter.get(COUNT_KEY)
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def snapshot_of(matter: Mapping[str, Any]) -> datetime | None:
    """When the post's upvotes were counted, as written by `front_matter`."""
    value = matter.get(SNAPSHOT_KEY)
    if isinstance(value, datetime):
        return value
    try:
        return datetime.strptime(str(value), FRONT_MATTER_TIME)
    except ValueError:
        return None
