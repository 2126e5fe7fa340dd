"""Translation against a real OpenAI-compatible server on 127.0.0.1: what is sent, the order
the budget is spent in, the cache, and every way a provider fails or lies."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import fixture_items
from digest.errors import TranslationIncomplete
from digest.models import Paper, papers_from_items
from digest.translate import Translator
from digest.translation_prompt import load_prompt
from digest.translation_settings import TranslateSettings
from llm_server import Knobs, RunningServer, fake_korean, serve

KEY = "sk-test-Zq81PLw3mR6tY0uX4cV7bN2k"
ENV = {"GITHUB_TOKEN": KEY}


@pytest.fixture
def llm() -> Iterator[RunningServer]:
    with serve(Knobs()) as server:
        yield server


def settings(llm: RunningServer, **changes: object) -> TranslateSettings:
    fast = {"base_url": llm.url, "timeout": 2.0, "retries": 2, "max_total_seconds": 30.0}
    return replace(TranslateSettings(enabled=True), **{**fast, **changes})


def papers(count: int = 3) -> list[Paper]:
    return [
        Paper(
            id=f"2602.{n:05d}",
            title=f"Paper {n}",
            abstract=f"We study problem number {n} with $x_{n}^2$ and show a large improvement.",
            ai_summary=f"A new method solves problem number {n} much faster than before.",
        )
        for n in range(1, count + 1)
    ]


def run(llm: RunningServer, tmp_path: Path, items: list[Paper], **changes: object):
    with Translator(
        settings(llm, **changes), cache_root=tmp_path / "archive", env=ENV, backoff=0.01
    ) as translator:
        return translator.translate(items, "ko"), translator


def test_every_text_is_translated_with_the_text_alone_as_the_user_message(llm, tmp_path):
    day = papers_from_items(fixture_items("2026-02-20"))
    result, translator = run(llm, tmp_path, day)
    assert result.counts.new == 26 and translator.warning() is None
    assert result.text(day[0].id, "summary") == fake_korean(day[0].abstract)
    system = load_prompt("ko", None).system
    sent = {r.user for r in llm.requests}
    assert sent == {p.abstract for p in day} | {p.ai_summary for p in day}
    for request in llm.requests:
        assert request.path == "/v1/chat/completions"
        assert [m["role"] for m in request.body["messages"]] == ["system", "user"]
        assert request.system == system
        assert request.body["temperature"] == 0 and request.body["model"] == "openai/gpt-4.1-mini"
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        assert KEY not in json.dumps(request.body)


def test_tldrs_of_every_paper_first_then_abstracts_best_first(llm, tmp_path):
    items = papers(4)
    result, _ = run(llm, tmp_path, items, concurrency=1, max_calls=6)
    order = [r.user for r in llm.requests]
    assert order == [p.ai_summary for p in items] + [p.abstract for p in items[:2]]
    assert result.text(items[1].id, "summary") is not None
    assert result.text(items[2].id, "summary") is None
    assert "max_calls (6)" in result.reason(items[2].id, "summary")
    assert result.counts.skipped == 2


def test_only_the_abstracts_a_post_shows_in_full(llm, tmp_path):
    items = papers(3)
    with Translator(settings(llm), cache_root=tmp_path, env=ENV) as translator:
        result = translator.translate(items, "ko", full={items[0].id})
    sent = {r.user for r in llm.requests}
    assert sent == {p.ai_summary for p in items} | {items[0].abstract}
    assert result.text(items[1].id, "summary") is None
    assert result.text(items[1].id, "ai_summary") is not None


def test_max_papers_translates_the_best_and_labels_the_rest(llm, tmp_path):
    items = papers(3)
    result, translator = run(llm, tmp_path, items, max_papers=1)
    assert {r.user for r in llm.requests} == {items[0].ai_summary, items[0].abstract}
    assert result.reason(items[2].id, "ai_summary") == "beyond translate.max_papers"
    assert translator.warning() is None  # a setting, not a failure


def test_a_rerun_calls_the_model_only_for_misses(llm, tmp_path):
    items = papers(3)
    first, _ = run(llm, tmp_path, items)
    assert len(llm.requests) == 6
    again, _ = run(llm, tmp_path, items)
    assert len(llm.requests) == 6 and again.counts.cached == 6 and again.counts.calls == 0
    assert again.texts == {k: replace(v, cached=True) for k, v in first.texts.items()}
    changed = [replace(items[0], abstract=items[0].abstract + " Revised."), *items[1:]]
    run(llm, tmp_path, changed)
    assert [r.user for r in llm.requests[6:]] == [changed[0].abstract]
    run(llm, tmp_path, items, model="openai/gpt-4.1")  # another model: all misses
    assert len(llm.requests) == 13


def test_a_new_prompt_version_is_a_miss_and_the_user_prompt_comes_first(llm, tmp_path):
    items = papers(1)
    run(llm, tmp_path, items)
    mine = tmp_path / "mine" / "prompts"
    mine.mkdir(parents=True)
    (mine / "translate.ko.md").write_text("version: mine-2\n\n한국어로 옮겨라.\n", "utf-8")
    with Translator(
        settings(llm), cache_root=tmp_path / "archive", templates_dir=mine.parent, env=ENV
    ) as translator:
        result = translator.translate(items, "ko")
    assert result.counts.new == 2 and llm.requests[-1].system == "한국어로 옮겨라."


def test_offline_and_unreachable_builds_use_the_cache_and_give_the_same_texts(llm, tmp_path):
    items = papers(3)
    online, _ = run(llm, tmp_path, items)
    closed = "http://127.0.0.1:9/v1"
    for offline in (True, False):
        down = settings(llm, base_url=closed)
        with Translator(
            down, cache_root=tmp_path / "archive", env=ENV, offline=offline
        ) as translator:
            result = translator.translate(items, "ko")
        assert {k: v.text for k, v in result.texts.items()} == {
            k: v.text for k, v in online.texts.items()
        }
        assert result.counts.calls == 0


def test_an_unreachable_model_stops_calls_and_the_post_keeps_english(tmp_path, caplog):
    closed = TranslateSettings(enabled=True, base_url="http://127.0.0.1:9/v1", retries=1)
    started = time.monotonic()
    with Translator(closed, cache_root=tmp_path, env=ENV, backoff=0.01) as translator:
        result = translator.translate(papers(5), "ko")
    assert time.monotonic() - started < 5
    assert all(t.text is None for t in result.texts.values())
    assert "unreachable" in translator.stopped and translator.warning().startswith(
        "translation (ko): 0 translated"
    )


def test_offline_with_an_empty_cache_keeps_english(tmp_path):
    with Translator(TranslateSettings(), cache_root=tmp_path, env=ENV, offline=True) as translator:
        result = translator.translate(papers(2), "ko")
    assert {t.reason for t in result.texts.values()} == {"offline"}
    assert "4 left in English" in translator.warning()


def test_a_429_is_retried_after_its_retry_after(llm, tmp_path):
    llm.knobs.faults = [429]
    llm.knobs.retry_after = "1"
    result, _ = run(llm, tmp_path, papers(1), concurrency=1)
    assert result.counts.new == 2
    first, second = llm.requests[:2]
    assert second.user == first.user and second.at - first.at >= 0.95


@pytest.mark.parametrize("fault", ["quota", "openai-quota"])
def test_a_spent_quota_stops_every_further_call_at_once(llm, tmp_path, fault):
    llm.knobs.faults = [fault]
    result, translator = run(llm, tmp_path, papers(5), concurrency=1)
    assert len(llm.requests) == 1
    assert result.counts.skipped == 10 and result.counts.new == 0
    assert "quota" in translator.stopped or "daily" in translator.stopped
    assert "10 left in English" in translator.warning()


def test_a_wrong_key_stops_calls_after_one(llm, tmp_path):
    llm.knobs.fault_forever = 401
    _, translator = run(llm, tmp_path, papers(4), concurrency=1)
    assert len(llm.requests) == 1 and "HTTP 401" in translator.stopped


def test_server_errors_are_retried_then_the_text_is_kept_in_english(llm, tmp_path):
    llm.knobs.faults = [500, 503]
    result, _ = run(llm, tmp_path, papers(1), concurrency=1)
    assert result.counts.new == 2 and len(llm.requests) == 4
    llm.knobs.fault_forever = 500
    result, translator = run(llm, tmp_path, papers(2)[1:], concurrency=1, retries=1)
    assert result.counts.failed == 2
    assert "after 2 attempts" in result.reason("2602.00002", "summary")
    assert "2 kept in English" in translator.warning()


@pytest.mark.parametrize("fault", ["hang", "stall"])
def test_a_slow_answer_times_out_and_is_retried(llm, tmp_path, fault):
    """No answer at all, or half of one and then nothing."""
    llm.knobs.faults = [fault]
    started = time.monotonic()
    result, _ = run(llm, tmp_path, papers(1), concurrency=1, timeout=0.5)
    assert result.counts.new == 2 and time.monotonic() - started < 2.5


@pytest.mark.parametrize(("fault", "timeout"), [("endless", 20.0), ("slow-drip", 1.0)])
def test_an_endless_answer_is_cut_off(llm, tmp_path, fault, timeout):
    """By its size when it comes fast (long before the timeout), by the time when it drips."""
    llm.knobs.faults = [fault]
    started = time.monotonic()
    result, _ = run(llm, tmp_path, papers(1), concurrency=1, timeout=timeout)
    assert result.counts.new == 2 and time.monotonic() - started < 4


@pytest.mark.parametrize(
    "fault",
    [
        "malformed",
        "empty-choices",
        "null-content",
        "length",
        "chinese",
        "drop-math",
        "echo",
        "preamble",
    ],
)
def test_a_bad_answer_is_asked_for_once_more_then_english_stays(llm, tmp_path, fault):
    item = papers(1)
    llm.knobs.faults = [fault]
    result, _ = run(llm, tmp_path, item, concurrency=1, fields=("summary",))
    assert result.counts.new == 1 and len(llm.requests) == 2
    llm.knobs.faults = [fault, fault]
    result, translator = run(llm, tmp_path / "again", item, concurrency=1, fields=("summary",))
    assert result.text(item[0].id, "summary") is None and result.counts.failed == 1
    assert "1 kept in English" in translator.warning()
    assert not list((tmp_path / "again").rglob("*.json"))  # nothing bad is cached


def test_the_run_deadline_leaves_the_rest_for_the_next_run(llm, tmp_path):
    llm.knobs.latency = 0.4
    started = time.monotonic()
    result, _ = run(llm, tmp_path, papers(5), concurrency=1, max_total_seconds=1.0)
    assert time.monotonic() - started < 2.5
    assert 1 <= len(llm.requests) <= 3
    reasons = {t.reason for t in result.texts.values() if t.text is None}
    assert any("max_total_seconds" in (r or "") for r in reasons)


def test_requests_per_second_spaces_the_calls(llm, tmp_path):
    run(llm, tmp_path, papers(3), requests_per_second=10.0)
    times = sorted(r.at for r in llm.requests)
    assert len(times) == 6 and times[-1] - times[0] >= 0.45


def test_calls_run_concurrently_up_to_the_limit(llm, tmp_path):
    llm.knobs.latency = 0.3
    started = time.monotonic()
    run(llm, tmp_path, papers(4), concurrency=4)
    assert llm.max_in_flight == 4 and time.monotonic() - started < 1.2


def test_no_key_calls_nothing_and_leaves_the_run_one_warning_line(llm, tmp_path, caplog):
    with Translator(settings(llm), cache_root=tmp_path, env={}) as translator:
        for lang in ("ko", "ko"):
            result = translator.translate(papers(2), lang)
    assert llm.requests == []
    assert all("GITHUB_TOKEN" in t.reason for t in result.texts.values())
    # Said once, by the run's summary line (the build logs it), not by each post.
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    line = translator.warning()
    assert line and "8 left in English" in line and line.count("GITHUB_TOKEN") == 1


def test_the_key_appears_in_no_output(llm, tmp_path, caplog, capsys):
    """A server that echoes the key back in its error; then every log line, result, warning
    and cached file is searched for it."""
    caplog.set_level(logging.DEBUG)
    llm.knobs.faults = [500, "echo-key"]
    result, translator = run(llm, tmp_path, papers(3), concurrency=1)
    assert "HTTP 401" in translator.stopped
    llm.knobs.faults = []
    again, translator2 = run(llm, tmp_path, papers(3), concurrency=1)
    assert again.counts.new == 6
    captured = capsys.readouterr()
    outputs = [caplog.text, captured.out, captured.err, translator.warning() or "", repr(result)]
    outputs += [translator.stopped or "", repr(again), translator2.warning() or ""]
    outputs += [p.read_text("utf-8") for p in tmp_path.rglob("*") if p.is_file()]
    for secret in (KEY, KEY[3:], KEY[-12:]):
        assert not [text for text in outputs if secret in text]


def test_a_reasoning_models_thoughts_are_dropped(llm, tmp_path):
    llm.knobs.translate = lambda text: "<think>Okay, translate.</think>\n" + fake_korean(text)
    item = papers(1)
    result, _ = run(llm, tmp_path, item)
    assert result.text(item[0].id, "ai_summary") == fake_korean(item[0].ai_summary)


def test_a_compressed_answer_is_read(llm, tmp_path):
    llm.knobs.faults = ["gzip"]
    item = papers(1)
    result, _ = run(llm, tmp_path, item, concurrency=1)
    assert result.text(item[0].id, "ai_summary") == fake_korean(item[0].ai_summary)
    assert len(llm.requests) == 2


def test_a_redirect_is_not_followed(llm, tmp_path):
    """The key goes to the configured endpoint or nowhere."""
    llm.knobs.faults = ["redirect"]
    item = papers(1)
    result, _ = run(llm, tmp_path, item, concurrency=1)
    assert "HTTP 307" in result.reason(item[0].id, "ai_summary")
    assert [r.path for r in llm.requests] == ["/v1/chat/completions"] * 2


def test_required_fails_the_run_only_when_texts_stayed_english(llm, tmp_path):
    _, translator = run(llm, tmp_path, papers(1), required=True)
    translator.raise_if_required()  # all translated: nothing to say
    llm.knobs.fault_forever = "echo"
    _, translator = run(llm, tmp_path / "again", papers(1), required=True)
    with pytest.raises(TranslationIncomplete, match="2 kept in English"):
        translator.raise_if_required()


def test_posts_translated_at_once_share_the_run_limits(llm, tmp_path):
    """Backfill builds several days at once: the calls of all of them stay within the limits."""
    llm.knobs.latency = 0.2
    days = [papers(4), [replace(p, id=p.id + "9") for p in papers(4)]]
    with Translator(
        settings(llm, concurrency=2, max_calls=12), cache_root=tmp_path, env=ENV
    ) as translator:
        threads = [threading.Thread(target=translator.translate, args=(d, "ko")) for d in days]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert llm.max_in_flight == 2 and len(llm.requests) == 12
    assert translator.counts.new == 12 and translator.counts.skipped == 4
