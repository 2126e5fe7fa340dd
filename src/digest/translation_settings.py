"""The `translate:` section of config.yaml: each setting declared once (default, checker, doc
line), read by config.py like every other section."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digest.settings import (
    boolean,
    http_url,
    integer,
    languages,
    nonempty,
    number,
    optional,
    setting,
    string_list,
    type_name,
)

ENV_BASE_URL = "DIGEST_TRANSLATE_BASE_URL"
# Config names are the API's (`summary` is the abstract); the values are `Paper` attributes.
PAPER_ATTRIBUTES = {"ai_summary": "ai_summary", "summary": "abstract"}
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# What keys look like (GitHub tokens, OpenAI keys): a value like this is a key pasted in by mistake.
_KEY_LIKE = re.compile(r"(?:gh[pousr]_|github_pat_|sk-)", re.I)


def api_key_env(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected the name of an environment variable, got {type_name(value)}")
    # Never repeat the value: it may be the key itself.
    if _KEY_LIKE.match(value):
        raise ValueError(
            "this looks like a key, not a variable name: put the key in an environment "
            "variable and write its NAME here (e.g. GITHUB_TOKEN)"
        )
    if not _ENV_NAME.fullmatch(value):
        raise ValueError("expected an environment variable name (letters, digits, _)")
    return value


def target_languages(value: Any) -> tuple[str, ...]:
    langs = languages(value)
    if "en" in langs:
        raise ValueError("English posts are the source; list only the languages to translate to")
    return langs


def text_fields(value: Any) -> tuple[str, ...]:
    names = string_list(value)
    unknown = [name for name in names if name not in PAPER_ATTRIBUTES]
    if unknown or not names or len(set(names)) != len(names):
        raise ValueError(f"expected some of {', '.join(PAPER_ATTRIBUTES)} once each, got {names}")
    return names


@dataclass(frozen=True)
class TranslateSettings:
    """How TL;DRs and abstracts are translated for the non-English posts."""

    enabled: bool = setting(
        False,
        boolean,
        "true: translate TL;DRs and abstracts (digest init writes true); --translate and "
        "--no-translate override it for one run.",
    )
    base_url: str = setting(
        "https://models.github.ai/inference",
        http_url,
        "Any OpenAI-compatible API (POST {base_url}/chat/completions): GitHub Models, OpenAI "
        "https://api.openai.com/v1, Ollama http://localhost:11434/v1, vLLM, llama.cpp. The "
        "environment variable DIGEST_TRANSLATE_BASE_URL overrides it.",
    )
    model: str = setting(
        "openai/gpt-4.1-mini", nonempty, "Model name as the API spells it (gemma3:4b on Ollama)."
    )
    api_key_env: str = setting(
        "GITHUB_TOKEN",
        api_key_env,
        "The NAME of the environment variable that holds the key, never the key itself. "
        "Unset or empty: no calls, posts keep English (one warning).",
    )
    languages: tuple[str, ...] = setting(
        ("ko",),
        target_languages,
        "Posts that get translations; English posts are the source.",
    )
    fields: tuple[str, ...] = setting(
        ("ai_summary", "summary"),
        text_fields,
        "What is translated: ai_summary (the TL;DR) and summary (the abstract); titles stay "
        "as published.",
    )
    max_papers: int | None = setting(
        None,
        optional(integer(1)),
        "Translate the best N papers of each post; the rest keep English, labelled. null: all.",
    )
    max_calls: int | None = setting(
        None,
        optional(integer(0)),
        "Model calls per run at most (TL;DRs first, then abstracts, best first); the rest wait "
        "for the next run. null: no limit.",
    )
    concurrency: int = setting(4, integer(1, 16), "Model calls in flight at once (1 to 16).")
    requests_per_second: float | None = setting(
        None,
        optional(number(0.001)),
        "Model calls started per second at most (GitHub Models' free tier: 0.25, 15 a "
        "minute); null: no limit.",
    )
    timeout: float = setting(60.0, number(0.1), "Seconds one model call may take.")
    retries: int = setting(
        3, integer(0, 10), "Further attempts after a 429, a 5xx, a timeout or a broken connection."
    )
    max_total_seconds: float = setting(
        600.0,
        number(1),
        "Most seconds one run's translations may take in all; what is left keeps English.",
    )
    glossary: Path | None = setting(
        None,
        optional(nonempty),
        "A file of terms to keep in English, one a line (# starts a comment). null: none.",
        path=True,
    )
    required: bool = setting(
        False,
        boolean,
        "true: a run that leaves any text in English fails with exit 7, once its posts are "
        "written. false: one warning line, exit 0.",
    )
