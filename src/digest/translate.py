"""The translation service: the only module that talks to an OpenAI-compatible chat-completions
API. Translates TL;DRs and abstracts through the cache, concurrently, within one run's limits
(calls, requests per second, seconds), and never lets a failure stop a post."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from digest._version import __version__
from digest.chat_protocol import BadAnswer, error_message, quota_spent, read_answer, request_body
from digest.errors import ResponseTooLarge, ResponseTooSlow, TranslationIncomplete, UpstreamInvalid
from digest.http import request, retry_after, where
from digest.models import Paper
from digest.progress import Progress
from digest.translation_cache import CacheKey, cache_key, read_cached, write_cached
from digest.translation_checks import problem
from digest.translation_limits import CallLimits, Stopped
from digest.translation_plan import Counts, Job, Text, TranslationResult, plan_jobs, summary_line
from digest.translation_prompt import Prompt, load_prompt
from digest.translation_settings import TranslateSettings

log = logging.getLogger(__name__)

USER_AGENT = f"digest/{__version__} (paper translations; python-requests)"
# A translated abstract is a few kB; an answer past this is a runaway and is cut off unread.
MAX_ANSWER_BYTES = 256 * 1024
BACKOFF = 1.0
RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
# Every further call would fail the same way: a bad key, no permission, an unknown model.
STOP_STATUSES = frozenset({401, 403, 404})


class _Failed(Exception):
    """This text could not be translated; others may still be."""


class Translator:
    """Translations for one run: build it once, `translate` each post, read `warning()` at the
    end. Calls only for texts the cache lacks; offline or without a key it uses the cache alone."""

    def __init__(
        self,
        settings: TranslateSettings,
        *,
        cache_root: Path | None,
        templates_dir: Path | None = None,
        offline: bool = False,
        env: Mapping[str, str] | None = None,
        progress: bool = False,
        backoff: float = BACKOFF,
    ) -> None:
        self.settings = settings
        self.cache_root = cache_root
        self.templates_dir = templates_dir
        self.offline = offline
        self.progress = progress
        self.backoff = backoff
        self.counts = Counts()
        self.langs: list[str] = []
        self._key = (os.environ if env is None else env).get(settings.api_key_env, "").strip()
        self._limits = CallLimits(settings)
        self._lock = threading.Lock()  # for the counts, which worker threads add to
        self._prompts: dict[str, Prompt] = {}
        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        self._url = settings.base_url.rstrip("/") + "/chat/completions"

    def __enter__(self) -> Translator:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    @property
    def stopped(self) -> str | None:
        """Why calls stopped in this run (None: they did not)."""
        return self._limits.stopped

    def warning(self) -> str | None:
        """One line counting what was left in English in this run, or None."""
        why = self.stopped or ("offline: from the cache only" if self.offline else None)
        return summary_line(self.counts, self.langs, why)

    def raise_if_required(self) -> None:
        """With `translate.required`, a run that left texts in English fails (once its posts
        are written, so nothing is lost)."""
        line = self.warning()
        if self.settings.required and line:
            raise TranslationIncomplete(f"{line} (translate.required is set)")

    def prompt(self, lang: str) -> Prompt:
        if lang not in self._prompts:
            self._prompts[lang] = load_prompt(lang, self.templates_dir, self.settings.glossary)
        return self._prompts[lang]

    def translate(
        self, papers: Sequence[Paper], lang: str, *, full: Collection[str] | None = None
    ) -> TranslationResult:
        """`lang` translations of the papers' texts (papers best first; `full`: the ids whose
        abstract the post shows, None for all)."""
        prompt = self.prompt(lang)
        result = TranslationResult(lang, self.settings.model, self.settings.fields)
        jobs, beyond = plan_jobs(papers, self.settings, full)
        for job in beyond:
            result.texts[job.paper_id, job.field] = Text(None, "beyond translate.max_papers")
        misses = []
        for job in jobs:
            cached = self._cached(job, prompt)
            if cached is not None:
                result.texts[job.paper_id, job.field] = Text(cached, cached=True)
            else:
                misses.append(job)
        for job, text in self._run(misses, prompt, result.counts):
            result.texts[job.paper_id, job.field] = text
        counts = result.counts
        texts = result.texts.values()
        counts.cached = sum(1 for t in texts if t.cached)
        counts.new = sum(1 for t in texts if t.text is not None and not t.cached)
        with self._lock:  # posts may be translated from several threads at once (backfill)
            if lang not in self.langs:
                self.langs.append(lang)
            self.counts.add(counts)
        return result

    def _key_for(self, job: Job, prompt: Prompt) -> CacheKey:
        return cache_key(
            job.paper_id,
            job.field,
            job.source,
            lang=prompt.lang,
            model=self.settings.model,
            prompt_version=prompt.version,
        )

    def _cached(self, job: Job, prompt: Prompt) -> str | None:
        if self.cache_root is None:
            return None
        return read_cached(self.cache_root, self._key_for(job, prompt))

    def _run(self, jobs: list[Job], prompt: Prompt, counts: Counts) -> list[tuple[Job, Text]]:
        """Each job's outcome; the model is called only when it may be."""
        why_not = self._why_no_calls()
        if why_not or not jobs:
            counts.skipped += len(jobs)
            return [(job, Text(None, why_not)) for job in jobs]
        done: list[tuple[Job, Text]] = []
        bar = Progress(f"translating ({prompt.lang})", len(jobs), enabled=self.progress)
        pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="translate")
        try:
            # Submitted best first, TL;DRs before abstracts: the budget goes in that order.
            futures = {pool.submit(self._one, job, prompt, counts): job for job in jobs}
            for future in as_completed(futures):
                text, failed = future.result()
                done.append((futures[future], text))
                bar.step(None, failed=failed)
        except BaseException as exc:
            self._limits.stop("interrupted" if isinstance(exc, KeyboardInterrupt) else "stopped")
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            bar.close()
        return done

    def _why_no_calls(self) -> str | None:
        if self.offline:
            return "offline"
        if not self._key:
            reason = f"no API key (the environment variable {self.settings.api_key_env} is empty)"
            self._limits.stop(reason, quiet=True)  # said once, in the run's warning line
            return self._limits.stopped
        return self._limits.stopped

    def _one(self, job: Job, prompt: Prompt, counts: Counts) -> tuple[Text, bool]:
        """(outcome, whether it failed). A text failing its checks is asked for once more."""
        reason = ""
        try:
            for _ in range(2):
                try:
                    answer = self._complete(prompt.system, job.source, counts)
                except BadAnswer as exc:
                    reason = str(exc)
                    continue
                reason = problem(job.source, answer, prompt.lang) or ""
                if not reason:
                    if self.cache_root is not None:
                        write_cached(self.cache_root, self._key_for(job, prompt), answer)
                    return Text(answer), False
        except Stopped as exc:
            with self._lock:
                counts.skipped += 1
            return Text(None, str(exc)), False
        except _Failed as exc:
            reason = str(exc)
        else:
            reason = f"failed its checks twice ({reason})"
        with self._lock:
            counts.failed += 1
        log.info("translation of %s %s kept in English: %s", job.paper_id, job.field, reason)
        return Text(None, reason), True

    def _complete(self, system: str, text: str, counts: Counts) -> str:
        """The model's answer for `text`, with bounded retries on transient failures."""
        payload = request_body(self.settings.model, system, text)
        headers = {"Authorization": f"Bearer {self._key}", "Content-Type": "application/json"}
        attempt = 0
        while True:
            retry_after = None
            unreachable = False
            with self._limits.call():
                with self._lock:
                    counts.calls += 1
                timeout = min(self.settings.timeout, max(self._limits.remaining(), 0.1))
                try:
                    status, reply_headers, body = self._post(payload, headers, timeout)
                except (requests.RequestException, ResponseTooSlow) as exc:
                    unreachable = not isinstance(exc, (requests.Timeout, ResponseTooSlow))
                    status, reply_headers, body = 0, {}, b""
                    trouble = "connection failed" if unreachable else "timed out"
            if status:
                if status == 200:
                    return self._answer(body, counts)
                trouble = f"HTTP {status}{error_message(body, self._key)}"
                retry_after = self._refused(status, reply_headers, body, trouble)
            if attempt >= self.settings.retries:
                if unreachable:  # the next text would find it down too: build without it
                    self._stop(f"{where(self._url)} is unreachable ({trouble})")
                raise _Failed(f"{trouble} after {attempt + 1} attempts")
            wait = max(self.backoff * 2**attempt, retry_after or 0.0)
            if wait >= self._limits.remaining():
                raise _Failed(f"{trouble}; no time left to retry")
            log.warning("translation: %s; retrying in %.1fs", trouble, wait)
            if self._limits.stop_event.wait(wait):
                raise Stopped(self._limits.stopped)
            attempt += 1

    def _refused(
        self, status: int, headers: Mapping[str, str], body: bytes, trouble: str
    ) -> float | None:
        """For an error answer: the Retry-After to honour, or raise when retrying is futile."""
        wait = retry_after(headers.get("Retry-After"))
        if status == 429:
            spent = quota_spent(headers, body, wait, self._limits.remaining())
            if spent:
                self._stop(f"{where(self._url)}: {spent}")
        if status in STOP_STATUSES:
            self._stop(f"{where(self._url)} answered {trouble}")
        if status not in RETRY_STATUSES:
            raise _Failed(trouble)
        return wait

    def _stop(self, reason: str) -> None:
        """No further call in this run, this one included."""
        self._limits.stop(reason)
        raise Stopped(self._limits.stopped)

    def _post(
        self, payload: dict[str, Any], headers: dict[str, str], timeout: float
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One POST, its whole answer read within `timeout` seconds and `MAX_ANSWER_BYTES`
        (no redirects: the key goes to the configured endpoint or nowhere)."""
        try:
            answer = request(
                self._session,
                "POST",
                self._url,
                deadline=time.monotonic() + timeout,
                max_bytes=MAX_ANSWER_BYTES,
                timeout=timeout,
                json=payload,
                headers=headers,
            )
        except ResponseTooLarge:
            raise BadAnswer(f"the answer ran past {MAX_ANSWER_BYTES // 1024} KiB") from None
        except UpstreamInvalid as exc:  # an encoding not asked for
            raise BadAnswer(str(exc)) from None
        return answer.status, answer.headers, answer.body

    def _answer(self, body: bytes, counts: Counts) -> str:
        answer = read_answer(body)
        with self._lock:
            counts.prompt_tokens += answer.prompt_tokens
            counts.completion_tokens += answer.completion_tokens
        return answer.text
