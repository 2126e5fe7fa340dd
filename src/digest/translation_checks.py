"""Checks a model's translation must pass before a post uses it (else the English stays). Pure."""

from __future__ import annotations

import re
import string
from collections import Counter

from digest.texmath import split_math

# Hangul syllables and jamo (the compatibility block too).
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
# Han ideographs (the unified blocks, extension A and beyond, compatibility ideographs) and
# Japanese kana: never right in Korean prose unless the source had them.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3040-\u30ff]")
# A URL is ASCII: a Korean particle written straight after one ("…/repo에서") is not part of it.
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_URL_TAIL = ".,;:!?)]'\""
# A label and a colon ("번역:", "Translation:") or a chatty opening. A colon is required after a
# label: an abstract about translation may well begin with "번역".
_PREAMBLE = re.compile(
    r"^\s*(?:(?:번역(?:\s*결과|문|본)?|한국어(?:\s*번역)?|translation|translated\s+text)\s*[:\uff1a]"
    r"|(?:here\s+is|here's|sure)\b)",
    re.I,
)
# Opening quote -> closing quote (straight, curly, corner brackets, guillemets).
_QUOTES = {
    '"': '"',
    "'": "'",
    "\u201c": "\u201d",
    "\u2018": "\u2019",
    "\u300c": "\u300d",
    "\u300e": "\u300f",
    "\u00ab": "\u00bb",
}
# Words with a Hangul letter against those and ordinary English words, outside math and URLs.
# Technical terms are kept in English by design (in parentheses at first use), so a real
# translation sits well above this, yet not at 1.
MIN_HANGUL_WORDS = 0.5
# Korean takes fewer characters than English for the same text (about 0.4-0.7 by measure);
# far outside that, something was dropped or added.
MIN_LENGTH_RATIO = 0.2
MAX_LENGTH_RATIO = 1.6
# Below this many characters of source, ratios say little.
_SHORT = 40
SCRIPTS = {"ko": _HANGUL}


def math_spans(text: str) -> Counter[str]:
    """The TeX of each `$…$`/`$$…$$` span, spaces removed (a model may respace them)."""
    return Counter(re.sub(r"\s+", "", part) for part, is_math in split_math(text) if is_math)


def urls(text: str) -> set[str]:
    return {match.group().rstrip(_URL_TAIL) for match in _URL.finditer(text)}


def prose(text: str) -> str:
    """`text` without its math spans and URLs."""
    plain = "".join(part for part, is_math in split_math(text) if not is_math)
    return _URL.sub(" ", plain)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _preamble(answer: str) -> str | None:
    if "```" in answer:
        return "a code fence around the text"
    if _PREAMBLE.match(answer):
        return "a preamble before the text"
    closing = _QUOTES.get(answer[:1])
    if closing and answer.endswith(closing) and len(answer) > 1:
        return "quotes around the text"
    return None


def _plain_english(word: str) -> bool:
    """An ordinary English word ("results", "Large"), not a name a translation keeps
    ("Qwen2.5-VL", "MMMU", "MathVista") nor a word with any other letters in it."""
    core = word.strip(string.punctuation)
    return core.isascii() and core.isalpha() and (core.islower() or core[1:].islower())


def _script_share(text: str, script: re.Pattern[str]) -> float:
    """Words in `script` against those and the ordinary English words: names, acronyms and
    numbers, kept as they are by design, count for neither side."""
    words = prose(text).split()
    native = sum(1 for word in words if script.search(word))
    english = sum(1 for word in words if _plain_english(word))
    return native / (native + english) if native + english else 0.0


def problem(source: str, answer: str, lang: str) -> str | None:
    """Why `answer` is not a usable `lang` translation of `source`; None when it is."""
    text = answer.strip()
    if not text:
        return "empty answer"
    found = _preamble(text)
    if found:
        return found
    if _squeeze(source) in _squeeze(text):
        return "the source echoed back"
    script = SCRIPTS.get(lang)
    if script is not None:
        share = _script_share(text, script)
        if share < MIN_HANGUL_WORDS:
            return f"not mostly {lang} ({share:.0%} of words)"
        extra = set(_HAN.findall(text)) - set(_HAN.findall(source))
        if extra:
            return f"Chinese or Japanese characters the source lacks ({''.join(sorted(extra))})"
    if math_spans(text) != math_spans(source):
        return "math spans differ from the source"
    if urls(text) != urls(source):
        return "URLs differ from the source"
    # Measured on the prose alone: math and URLs are the same length in any language.
    source_prose, text_prose = prose(source).strip(), prose(text).strip()
    if len(source_prose) >= _SHORT:
        ratio = len(text_prose) / len(source_prose)
        if not MIN_LENGTH_RATIO <= ratio <= MAX_LENGTH_RATIO:
            return f"{ratio:.2f} times the length of the source"
    return None
