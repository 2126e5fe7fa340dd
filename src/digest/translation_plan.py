"""What a post's translation asks for, in what order, and what came of it. Pure."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from digest.models import Paper
from digest.translation_settings import PAPER_ATTRIBUTES, TranslateSettings

TLDR = "ai_summary"
ABSTRACT = "summary"


@dataclass(frozen=True)
class Job:
    """One text to translate: a paper's TL;DR or abstract."""

    paper_id: str
    field: str  # a `translate.fields` name: ai_summary or summary
    source: str


@dataclass(frozen=True)
class Text:
    """What a post gets for one text: the translation, or None and why the English stays."""

    text: str | None
    reason: str | None = None
    cached: bool = False


@dataclass
class Counts:
    """Texts by outcome, and the model calls and tokens they took."""

    new: int = 0  # translated by the model in this run
    cached: int = 0
    failed: int = 0  # tried and kept in English (checks failed twice, the service failed)
    skipped: int = 0  # not tried: budget, deadline, quota, offline, no key, max_papers
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, other: Counts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class TranslationResult:
    """One post's translations: per (paper id, field), the text or the reason it has none."""

    lang: str
    model: str
    fields: tuple[str, ...] = (TLDR, ABSTRACT)  # what the post asked to be translated
    texts: dict[tuple[str, str], Text] = field(default_factory=dict)
    counts: Counts = field(default_factory=Counts)

    def text(self, paper_id: str, field: str) -> str | None:
        """The translation of a paper's field (`ai_summary`, `summary`), or None: keep English."""
        found = self.texts.get((paper_id, field))
        return found.text if found else None

    def reason(self, paper_id: str, field: str) -> str | None:
        found = self.texts.get((paper_id, field))
        return found.reason if found else None


def plan_jobs(
    papers: Sequence[Paper], settings: TranslateSettings, full: Collection[str] | None = None
) -> tuple[list[Job], list[Job]]:
    """(to translate, beyond `max_papers`), in the order the budget is spent: the TL;DR of
    every paper, best first, then the abstracts of the papers shown in full (`full`: their
    ids; None: every paper), best first."""
    wanted = [name for name in (TLDR, ABSTRACT) if name in settings.fields]
    jobs: list[Job] = []
    for name in wanted:
        for paper in papers:
            if name == ABSTRACT and full is not None and paper.id not in full:
                continue
            source = getattr(paper, PAPER_ATTRIBUTES[name]) or ""
            if source.strip():
                jobs.append(Job(paper.id, name, source))
    if settings.max_papers is None:
        return jobs, []
    best = {paper.id for paper in papers[: settings.max_papers]}
    return [j for j in jobs if j.paper_id in best], [j for j in jobs if j.paper_id not in best]


def summary_line(counts: Counts, langs: Sequence[str], stopped: str | None) -> str | None:
    """The run's one warning line, or None when every text asked for was translated."""
    if not counts.failed and not counts.skipped:
        return None
    done = counts.new + counts.cached
    parts = [f"{done} translated ({counts.new} new, {counts.cached} from the cache)"]
    if counts.failed:
        parts.append(f"{counts.failed} kept in English after failing")
    if counts.skipped:
        parts.append(f"{counts.skipped} left in English for now")
    why = f"; {stopped}" if stopped else ""
    return f"translation ({', '.join(langs)}): {', '.join(parts)}{why}"
