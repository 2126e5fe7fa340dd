"""Which pieces of an author block's text name an institution (precision over recall)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

# A piece is kept only when it names an institution by a word like these, or is a well-known
# organisation whose name carries no such word. Anything else is dropped: a missing
# institution costs less than a wrong one ("Tsinghua University5", "·3 authors62").
_KEYWORDS = re.compile(
    r"\b(Universit(?:y|ies|ät|at|é|e|à|a|eit|ade|ario)|Universidad|Institut(?:e|o)?|Istituto"
    r"|Laborator(?:y|ies)|Labs?|College|Academy|Acad[ée]mie|Research|Inc|Corp|Corporation|Ltd"
    r"|LLC|GmbH|Group|Company|Technologies|Foundation|Hospital|Polytechnic|Politecnico"
    r"|Polytechnique|Cent(?:er|re)|AI|Univ)\b\.?"
    # Chinese, Japanese and Korean names carry their word inside, with no word boundary.
    r"|大学|大學|研究院|研究所|实验室|實驗室|대학교|대학|연구소|연구원",
)
_KNOWN = frozenset(
    name.casefold()
    for name in (
        "Google", "Google DeepMind", "DeepMind", "Meta", "FAIR", "Microsoft", "NVIDIA",
        "OpenAI", "Anthropic", "Apple", "Amazon", "Amazon Web Services", "AWS", "IBM", "Intel",
        "Adobe", "Salesforce", "ByteDance", "ByteDance Seed", "Alibaba", "Alibaba Cloud",
        "Tencent", "Baidu", "Huawei", "SenseTime", "Kuaishou", "Xiaomi", "Samsung",
        "Samsung Electronics", "NAVER", "NAVER Cloud", "Kakao", "Kakao Brain", "KAIST",
        "POSTECH", "UNIST", "DGIST", "GIST", "MIT", "CMU", "UCLA", "UC Berkeley", "UCSD",
        "NYU", "ETH Zurich", "ETH Zürich", "EPFL", "Inria", "CNRS", "RIKEN", "A*STAR", "Mila",
        "Hugging Face", "Cohere", "DeepSeek", "DeepSeek-AI", "Technion", "KU Leuven", "TUM",
        "HKUST", "CUHK", "NTU", "NUS", "SJTU", "USTC", "Qualcomm", "Sony", "Snap", "Netflix",
        "Uber", "Bosch", "Siemens", "Zhipu", "Moonshot", "Upstage", "Naver", "Mistral",
    )
)  # fmt: skip
_GENERIC = frozenset(
    w.casefold() for w in ("University", "Institute", "Research", "Lab", "Laboratory", "AI")
)
# Sub-units and notes that carry an institution word but are not an institution.
_NOT_INSTITUTION = re.compile(
    r"\b(Department|Dept|Faculty|Division|School of|College of|Chair of|Graduate School)\b"
    r"|equal(?:ly)? contribut|contributed equally|work (?:was )?done|intern(?:ship)?\b"
    r"|correspond|project lead|these authors|advis|\bvisit",
    re.IGNORECASE,
)
_OUTSIDE = re.compile(r"@|://|www\.|\d")  # emails, links, street numbers, postal codes
_PREFIX = re.compile(r"^(?:also (?:at|with)|and|at|now at)\s+", re.IGNORECASE)
# Markers LaTeX authors type by hand around a name ("*", "†", "1", "♠").
_MARKS = " \t*†‡§¶#♠♡♣♢♥♦⋆\u2217,.;:()[]{}"
# "University of California, Berkeley": a system whose campus follows a comma.
_SYSTEMS = re.compile(
    r"^University of (California|Texas|Wisconsin|Illinois|Massachusetts|Maryland|Michigan"
    r"|Colorado|North Carolina|Hawaii|Missouri|Nebraska|Tennessee)$"
)
_SPLIT = re.compile(r"\s*(?:[,;\uff0c\u3001\uff1b·•|]|\s/\s|[\u2002-\u200a\u3000\u00a0]+)\s*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
MAX_WORDS = 12


class Segment(NamedTuple):
    """A run of text between markers and line breaks; `note` for an author's footnote
    (\\thanks), where only a sentence that is nothing but an institution counts."""

    text: str
    note: bool = False


def from_segments(segments: Iterable[Segment]) -> list[str]:
    """Institution names in `segments`, deduplicated, in order of first appearance."""
    seen: set[str] = set()
    names: list[str] = []
    for segment in segments:
        found = _names_in_note(segment.text) if segment.note else _names_in(segment.text)
        for name in found:
            key = _key(name)
            if key not in seen:
                seen.add(key)
                names.append(name)
    return names


def _names_in(segment: str) -> list[str]:
    # Split before collapsing whitespace: a \\quad (an em space) separates two names.
    pieces = [_clean(" ".join(piece.split())) for piece in _SPLIT.split(segment)]
    pieces = [piece for piece in pieces if piece]
    names = []
    for index, piece in enumerate(pieces):
        if _SYSTEMS.match(piece) and index + 1 < len(pieces) and _campus(pieces[index + 1]):
            names.append(f"{piece}, {pieces[index + 1]}")
        elif is_institution(piece):
            names.append(piece)
    return names


def _names_in_note(text: str) -> list[str]:
    """ "Google DeepMind. Correspondence to …" names one; "Work done at Meta." names none."""
    sentences = (_clean(part) for part in _SENTENCE.split(" ".join(text.split())))
    return [sentence for sentence in sentences if sentence and is_institution(sentence)]


def is_institution(piece: str) -> bool:
    """Whether one cleaned piece of text names an institution, by the rules above."""
    folded = piece.casefold()
    if folded in _KNOWN:
        return True
    if folded in _GENERIC or _OUTSIDE.search(piece) or _NOT_INSTITUTION.search(piece):
        return False
    return len(piece.split()) <= MAX_WORDS and bool(_KEYWORDS.search(piece))


def _campus(piece: str) -> bool:
    return len(piece.split()) <= 3 and not _KEYWORDS.search(piece) and not _OUTSIDE.search(piece)


def _clean(piece: str) -> str:
    """Without hand-typed markers around it ("1Tsinghua University*") or "Also at"."""
    piece = _PREFIX.sub("", piece.strip(_MARKS + "0123456789"))
    piece = piece.strip(_MARKS + "0123456789")
    # "… Technology (Guangzhou)": a closing bracket that closes something stays.
    return piece + ")" if piece.count("(") > piece.count(")") else piece


def _key(name: str) -> str:
    folded = " ".join(name.casefold().split())
    return folded[4:] if folded.startswith("the ") else folded
