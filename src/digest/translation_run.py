"""A run's translation as the pipeline uses it: one Translator for the whole run (build,
backfill, rebuild), each post's texts asked for in budget order, the one warning at the end."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from digest.config import Config
from digest.editions import Edition
from digest.models import Paper
from digest.prepare import shown_in_full

if TYPE_CHECKING:
    from digest.translate import Translator
    from digest.translation_plan import TranslationResult

log = logging.getLogger(__name__)


@contextmanager
def translating(
    config: Config, *, offline: bool, progress: bool = False
) -> Iterator[Translator | None]:
    """The run's one Translator (None: translation is off), its one warning logged at the end.
    `offline`: the cache only, no model call (a dry run)."""
    if not config.translate.enabled:
        yield None
        return
    from digest.translate import Translator  # here: a build without translation never needs it

    cache = config.archive_dir  # translations are kept beside the answers they came from
    with Translator(
        config.translate,
        cache_root=cache,
        templates_dir=config.templates_dir,
        offline=offline,
        progress=progress,
    ) as translator:
        yield translator
    line = translator.warning()
    if line:
        log.warning("%s", line)


def translate_posts(
    translator: Translator | None,
    papers: Sequence[Paper],
    config: Config,
    edition: Edition,
    languages: Sequence[str],
) -> dict[str, TranslationResult]:
    """Each target language's translations of the texts its post shows (TL;DRs first, then
    the abstracts shown in full, best first: the order the call budget is spent in)."""
    if translator is None:
        return {}
    full = shown_in_full(papers, config, edition)
    targets = [lang for lang in languages if lang in translator.settings.languages]
    return {lang: translator.translate(papers, lang, full=full) for lang in targets}
