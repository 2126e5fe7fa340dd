"""The chat-completions protocol (OpenAI's, as every compatible server speaks it): the request
body, and what an answer or an error body means. Pure."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# A reasoning model's thoughts (Ollama's qwen3, deepseek-r1) come before its answer.
_THINKING = re.compile(r"^\s*<think>.*?</think>\s*", re.S)
# Runs that could be a key a server echoed back ("Incorrect API key provided: sk-…").
_KEY_LIKE = re.compile(r"[A-Za-z0-9_\-*.]{24,}")


class BadAnswer(ValueError):
    """A 200 whose body is not a usable answer (not JSON, no choices, no text, cut off)."""


@dataclass(frozen=True)
class Answer:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


def request_body(model: str, system: str, text: str) -> dict[str, Any]:
    """The instructions as the system message, the text alone as the last user message: a
    paper's text can never rewrite the instructions. Temperature 0: the same text, the same
    translation, as far as the model allows."""
    return {
        "model": model,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": text}],
        "temperature": 0,
    }


def read_answer(body: bytes) -> Answer:
    """The text of `choices[0]` and the tokens it took; `BadAnswer` when there is none."""
    try:
        data = json.loads(body)
        choice = data["choices"][0]
        content = choice["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise BadAnswer("the answer is not a chat completion") from None
    if not isinstance(content, str):
        raise BadAnswer("the answer has no text")
    if isinstance(choice, dict) and choice.get("finish_reason") == "length":
        raise BadAnswer("the answer was cut off (finish_reason: length)")
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    text = _THINKING.sub("", content).strip()
    return Answer(text, _count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens")))


def error_of(body: bytes) -> dict[str, Any]:
    """The `error` object of an error body (empty when there is none)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, dict) else {}


def error_message(body: bytes, key: str) -> str:
    """`: <the server's message>`, short, with the key and anything key-like blanked ('' when
    the server said nothing)."""
    message = error_of(body).get("message")
    if not isinstance(message, str) or not message.strip():
        return ""
    if key:
        message = message.replace(key, "[redacted]")
    return ": " + _KEY_LIKE.sub("[redacted]", " ".join(message.split()))[:200]


def quota_spent(
    headers: Mapping[str, str], body: bytes, retry_after: float | None, remaining: float
) -> str | None:
    """Why a 429 will not get better within this run, or None for a passing rate limit."""
    error = error_of(body)
    codes = {str(error.get("code", "")).lower(), str(error.get("type", "")).lower()}
    if "insufficient_quota" in codes:  # OpenAI: out of credit
        return "the account's quota is spent (insufficient_quota)"
    limit = headers.get("x-ratelimit-type", "")
    message = str(error.get("message", ""))
    # GitHub Models: "Rate limit of 150 per 86400s exceeded for UserByModelByDay", and the header.
    if "day" in limit.lower() or "86400s" in message:
        return f"the daily request limit is reached ({limit or 'per day'})"
    if retry_after is not None and retry_after >= remaining:
        return f"rate limited for {retry_after:.0f}s, longer than this run may take"
    return None


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
