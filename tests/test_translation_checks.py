"""The checks a translation passes before a post uses it: each one catches its defect, and a
good translation (real Korean with the terms, math and URLs kept) passes them all."""

from __future__ import annotations

import pytest

from conftest import FIXTURE_DAYS, fixture_items
from digest.translation_checks import math_spans, problem, urls
from llm_server import fake_korean

SOURCE = (
    "Large language models (LLMs) reach 92.3% accuracy on GSM8K with $\\mathcal{O}(n \\log n)$ "
    "memory, using $$\\sum_{i=1}^{n} x_i$$ as the loss. Code: https://github.com/org/repo."
)
GOOD = (
    "대규모 언어 모델(large language model, LLM)은 $\\mathcal{O}(n \\log n)$ 메모리로 GSM8K에서 "
    "92.3%의 정확도를 달성하며, 손실로 $$\\sum_{i=1}^{n} x_i$$를 사용한다. "
    "코드: https://github.com/org/repo."
)


def test_a_good_translation_passes() -> None:
    assert problem(SOURCE, GOOD, "ko") is None


def test_math_may_be_respaced_but_not_changed() -> None:
    respaced = GOOD.replace("$\\mathcal{O}(n \\log n)$", "$\\mathcal{O}(n\\log n)$")
    assert problem(SOURCE, respaced, "ko") is None
    changed = GOOD.replace("\\log n", "\\log m")
    assert problem(SOURCE, changed, "ko") == "math spans differ from the source"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("", "empty answer"),
        ("   \n", "empty answer"),
        (SOURCE, "the source echoed back"),
        (GOOD + "\n\n" + SOURCE, "the source echoed back"),
        ("번역: " + GOOD, "a preamble before the text"),
        ("번역 결과\uff1a" + GOOD, "a preamble before the text"),
        ("Translation: " + GOOD, "a preamble before the text"),
        ("Here is the translation. " + GOOD, "a preamble before the text"),
        ("```\n" + GOOD + "\n```", "a code fence around the text"),
        ('"' + GOOD + '"', "quotes around the text"),
        ("\u201c" + GOOD + "\u201d", "quotes around the text"),
        (GOOD.replace("$$\\sum_{i=1}^{n} x_i$$", ""), "math spans differ from the source"),
        (GOOD.replace("https://github.com/org/repo", "https://github.com/org"), "URLs differ"),
        (GOOD.replace("대규모", "大規模"), "Chinese or Japanese characters the source lacks"),
        (GOOD.replace("메모리로", "メモリで"), "Chinese or Japanese characters the source lacks"),
        (
            "짧다 $\\mathcal{O}(n \\log n)$ $$\\sum_{i=1}^{n} x_i$$ https://github.com/org/repo",
            "len",
        ),
        (GOOD + " 그리고 덧붙인 설명이다." * 20, "length"),
    ],
)
def test_each_defect_is_caught(answer: str, reason: str) -> None:
    found = problem(SOURCE, answer, "ko")
    assert found is not None and reason.split()[0] in found, found


def test_english_with_a_few_korean_words_is_not_korean() -> None:
    mostly_english = "대규모 언어 모델 " + SOURCE.replace("Large language models", "")
    found = problem(SOURCE, mostly_english, "ko")
    assert found is not None and found.startswith("not mostly ko")


def test_a_sentence_of_names_is_still_korean() -> None:
    source = "We evaluate Qwen2.5-VL, InternVL3 and LLaVA-OneVision on MMMU, MathVista and ChartQA."
    answer = "Qwen2.5-VL, InternVL3, LLaVA-OneVision을 MMMU, MathVista, ChartQA에서 평가한다."
    assert problem(source, answer, "ko") is None


def test_han_characters_the_source_has_may_stay() -> None:
    source = "We evaluate on the 中文 split of the benchmark and report results for each model."
    answer = "벤치마크의 中文 분할에서 평가하고 각 모델의 결과를 보고한다."
    assert problem(source, answer, "ko") is None


def test_an_abstract_about_translation_may_begin_with_the_word() -> None:
    source = "Translation quality estimation predicts the quality of machine translation output."
    answer = "번역 품질 추정(quality estimation)은 기계 번역 결과의 품질을 예측한다."
    assert problem(source, answer, "ko") is None


def test_urls_end_before_korean_particles_and_punctuation() -> None:
    assert urls("코드는 https://github.com/a/b에서 볼 수 있다.") == {"https://github.com/a/b"}
    assert urls("Code: https://github.com/a/b.") == {"https://github.com/a/b"}


def test_dollar_amounts_are_not_math() -> None:
    assert math_spans("It costs $5 and $10 to run.") == {}


def test_another_target_language_skips_the_korean_script_checks() -> None:
    assert problem(SOURCE, GOOD.replace("대규모", "大規模"), "ja") is None


def test_the_stand_in_translation_of_every_fixture_text_passes() -> None:
    """The test server's translations are the tests' "good answers": they must pass."""
    texts = [
        text
        for day in FIXTURE_DAYS
        for item in fixture_items(day)
        for text in (item["paper"].get("summary"), item["paper"].get("ai_summary"))
        if text
    ]
    assert len(texts) > 80
    failures = [(t[:60], problem(t, fake_korean(t), "ko")) for t in texts]
    assert [f for f in failures if f[1]] == []
