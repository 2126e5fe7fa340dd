"""Front matter: what a post's YAML header says (by code, never templated), written in the
theme's conventions and read back. The only text from the API in it is the `organizations` and
`keywords` lists (quoted YAML strings the site reads; themes do not print them) and tags
slugged from them (lowercase ASCII)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time
from functools import lru_cache
from typing import Any, NamedTuple

import yaml

from digest.config import Config
from digest.editions import Edition
from digest.entries import ascii_slug, edition_name, post_tags
from digest.escape import safe_url
from digest.frontyaml import read_plain_yaml
from digest.models import Paper

SNAPSHOT_KEY = "upvotes_as_of"
COUNT_KEY = "papers"
FRONT_MATTER_TIME = "%Y-%m-%d %H:%M:%S %z"
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?")
# Tags from the papers (their keywords and organizations, most shared first) after the fixed
# ones: enough for tag pages to mean something, few enough for a tag cloud.
PAPER_TAGS = 8
KEYWORDS = 30  # `keywords` in the front matter: the most shared (the site makes a page of each)
# A name goes into the front matter only without markup characters: a theme that printed the
# list unescaped would still print only text. Real names almost never have one ("R&D" is left
# out, not mangled); the papers' entries keep every name as written.
_MARKUP = re.compile(r"[<>&\"'{}$\\`|]")
_NAME_LENGTH = 100


def permalink(config: Config, edition: Edition, lang: str) -> str | None:
    return config.permalink.format(slug=edition.slug(lang)) if config.permalink else None


def post_datetime(config: Config, edition: Edition) -> datetime:
    """A post is dated on its edition's last day, at the configured time."""
    return datetime.combine(edition.end, time.fromisoformat(config.post_time), tzinfo=config.tz)


def fill(pattern: str, edition: Edition, count: int, name: str = "") -> str:
    """A configured title or description with its placeholders filled; `name` is the edition
    as a person says it (entries.edition_name)."""
    return pattern.format(
        date=edition.end.isoformat(),
        period=edition.key,
        name=name or edition.key,
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


class PaperMatter(NamedTuple):
    """What the front matter says of the papers, the same in every language's post."""

    tags: list[str]
    image: dict[str, str] | None
    organizations: list[str]
    keywords: list[str]


def paper_matter(config: Config, edition: Edition, papers: Sequence[Paper]) -> PaperMatter:
    """The tags (the fixed ones, then the papers'), image, organizations and keywords."""
    # Chirpy: "TAG names should always be lowercase" (its tag pages are per exact name).
    tags = config.edition(edition.section).tags
    fixed = [tag.lower() for tag in tags] if config.flavour == "chirpy" else list(tags)
    return PaperMatter(
        tags=fixed + _paper_tags(fixed, papers),
        image=_image(config, papers),
        organizations=_plain(p.organization for p in papers if p.organization),
        keywords=_shared_keywords(papers),
    )


def front_matter(
    config: Config,
    edition: Edition,
    lang: str,
    words: Mapping[str, str],
    snapshot: datetime,
    papers: Sequence[Paper],
    *,
    has_math: bool = False,
    about: PaperMatter | None = None,
) -> dict[str, Any]:
    """The post's front matter in the configured theme's conventions (`flavour`); `words`
    holds its title and description patterns; `about`: `paper_matter` of the same papers,
    when it is already known (every language's post shares it)."""
    settings = config.edition(edition.section)
    chirpy = config.flavour == "chirpy"
    count = len(papers)
    if about is None:
        about = paper_matter(config, edition, papers)
    # Chirpy sets `layout: post` for posts itself and documents leaving it out; minima needs it.
    matter: dict[str, Any] = {} if chirpy else {"layout": "post"}
    name = edition_name(edition, words)
    matter["title"] = fill(words["title"], edition, count, name)
    matter["date"] = post_datetime(config, edition).strftime(FRONT_MATTER_TIME)
    matter["categories"] = list(settings.categories)
    matter["tags"] = list(about.tags)
    if config.author:
        matter["author"] = config.author
    if words.get("description"):
        matter["description"] = fill(words["description"], edition, count, name)
    if about.image:
        matter["image"] = dict(about.image)
    if config.pin:
        matter["pin"] = True
    if has_math:
        matter["math"] = True  # Chirpy loads MathJax only for posts that ask
    # Chirpy's locale files are named ko-KR, ja-JP: `lang: ko` falls back to the site's.
    matter["lang"] = str(words.get("chirpy_lang") or lang) if chirpy else lang
    if chirpy:
        for key in ("toc", "comments", "media_subpath"):
            if getattr(config, key) is not None:
                matter[key] = getattr(config, key)
    matter["lang_ref"] = edition.ref
    if not edition.is_day:
        matter["period"] = edition.key
    link = permalink(config, edition, lang)
    if link:
        matter["permalink"] = link
    others = [other for other in config.languages if other != lang]
    if others and config.permalink:
        matter["translations"] = {other: permalink(config, edition, other) for other in others}
    if about.organizations:
        matter["organizations"] = list(about.organizations)
    if about.keywords:
        matter["keywords"] = list(about.keywords)
    matter[COUNT_KEY] = count
    matter[SNAPSHOT_KEY] = snapshot.astimezone(config.tz).strftime(FRONT_MATTER_TIME)
    # Titles and abstracts are data, not templates: Liquid must never run on them.
    matter["render_with_liquid"] = False
    return matter


def _paper_tags(fixed: Sequence[str], papers: Sequence[Paper]) -> list[str]:
    """The papers' tags after the fixed ones (which stay as configured): ASCII slugs, so
    Chirpy's tag pages work; none that a fixed tag already is."""
    taken = set(fixed) | {ascii_slug(tag) for tag in fixed}
    return [tag for tag in post_tags(fixed, papers, PAPER_TAGS) if tag not in taken]


def _plain(names: Iterable[str]) -> list[str]:
    """Each name once, in order, leaving out any with a markup character or too long."""
    return [
        name
        for name in dict.fromkeys(names)
        if len(name) <= _NAME_LENGTH and not _MARKUP.search(name)
    ]


def _shared_keywords(papers: Sequence[Paper]) -> list[str]:
    """The keywords most papers share (ties to the better-ranked paper), as written."""
    counts: dict[str, int] = {}
    for paper in papers:
        for word in _plain(paper.keywords):
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda word: -counts[word])[:KEYWORDS]


# libyaml's loader when PyYAML has it (5x faster than the pure-Python one).
# python-frontmatter's delimiter line (YAMLHandler.FM_BOUNDARY).
_BOUNDARY = re.compile(r"^-{3,}\s*$", re.MULTILINE)
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def split(text: str) -> tuple[dict[str, Any], str]:
    """A post's front matter and body (python-frontmatter, on libyaml's loader when present:
    5x faster; front matter as digest writes it is read without YAML); raises on a broken
    header."""
    parts = _parts(text)
    if parts is not None:
        plain = read_plain_yaml(parts[0])
        # `content` and `handler` are python-frontmatter's own names: it refuses them.
        if plain is not None and not {"content", "handler"} & plain.keys():
            return plain, parts[1].strip()
    import frontmatter  # here: a start-up cost that builds without an old post skip

    post = frontmatter.loads(text, handler=_handler())
    return post.metadata, post.content


def _parts(text: str) -> tuple[str, str] | None:
    """Front matter and the rest, split where python-frontmatter's boundary regex splits, when
    both boundaries are plain `---` lines (the first `\\n---` is then the second one); None
    otherwise (the regex decides)."""
    stripped = text.lstrip()
    if not stripped.startswith("---\n"):
        return None
    end = stripped.find("\n---", 3)
    line_end = stripped.find("\n", end + 1)
    if end < 0 or line_end < 0 or stripped[end + 1 : line_end] != "---":
        return None
    return stripped[4:end], stripped[line_end:]


def body(text: str) -> str:
    """A post's body as `split` gives it, without reading the front matter."""
    parts = _parts(text)
    if parts is not None:
        return parts[1].strip()
    stripped = text.strip()
    parts = _BOUNDARY.split(stripped, 2)
    return parts[2].strip() if len(parts) == 3 else stripped


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
