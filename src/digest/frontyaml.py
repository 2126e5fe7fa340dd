"""Front matter as YAML text: every string double-quoted, keys plain, lists in flow style,
nothing folded: what Jekyll (Ruby's YAML) reads back as written. Pure."""

from __future__ import annotations

import re
from typing import Any

import yaml

from digest.escape import SafeMarkdown

# libyaml's emitter when PyYAML has it (the one Ruby's YAML is built on, and 10x faster); the
# pure-Python one otherwise. The golden and front-matter tests hold both to the same bytes.
_SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _QuotingDumper(_SafeDumper):  # type: ignore[misc,valid-type]
    """Double-quotes every string: Ruby's YAML rejects some plain scalars PyYAML writes."""


def _quoted_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


def _flow_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


def _plain_key_mapping(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.MappingNode:
    """Keys are our own identifiers, written plain; only values are quoted."""
    pairs = [
        (yaml.ScalarNode("tag:yaml.org,2002:str", str(key)), dumper.represent_data(item))
        for key, item in value.items()
    ]
    return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)


_QuotingDumper.add_representer(str, _quoted_str)
_QuotingDumper.add_representer(dict, _plain_key_mapping)
_QuotingDumper.add_representer(SafeMarkdown, _quoted_str)
_QuotingDumper.add_representer(list, _flow_list)


def dump_front_matter(matter: dict[str, Any]) -> str:
    body = as_plain_yaml(matter) or yaml.dump(
        matter,
        Dumper=_QuotingDumper,
        allow_unicode=True,
        sort_keys=False,
        width=2**31 - 1,  # never fold a long title across lines
        default_flow_style=False,
    )
    return f"---\n{body}---\n"


# What libyaml writes between double quotes as it is (printable, in the BMP, no `"`, `\\`, line
# break or BOM); a string with anything else goes through yaml.dump, as does any other shape.
_AS_IS = re.compile(
    r"[\x20\x21\x23-\x5b\x5d-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*"
)
_PLAIN_KEY = re.compile("[a-z][a-z0-9_]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def as_plain_yaml(matter: dict[str, Any]) -> str | None:
    """`matter` as yaml.dump writes it above, byte for byte, when it is only what a post's
    front matter holds: plain keys, quotable strings, ints, bools, lists of them, one level
    of mapping (a tenth of a post's rendering through yaml's representer). Else None."""
    lines = []
    for key, value in matter.items():
        if type(value) is dict and value:
            pairs = [(k, _scalar(v)) for k, v in value.items()]
            if not _plain_key(key) or not all(_plain_key(k) and v for k, v in pairs):
                return None
            lines.append(f"{key}:")
            lines.extend(f"  {k}: {v}" for k, v in pairs)
            continue
        if type(value) is list:
            items = [_scalar(item) for item in value]
            shown = f"[{', '.join(i for i in items if i)}]" if all(items) else None
        else:
            shown = _scalar(value)
        if shown is None or not _plain_key(key):
            return None
        lines.append(f"{key}: {shown}")
    return "\n".join(lines) + "\n" if lines else None


def _plain_key(key: object) -> bool:
    return isinstance(key, str) and bool(_PLAIN_KEY.fullmatch(key)) and key not in _YAML_WORDS


def _scalar(value: object) -> str | None:
    kind = type(value)
    if isinstance(value, str) and kind is str:
        return f'"{value}"' if _AS_IS.fullmatch(value) else None
    if kind is bool:
        return "true" if value else "false"
    return str(value) if kind is int else None


# What `as_plain_yaml` writes, read back: `key: value` lines, a value being a quoted string as
# it is, an int, a bool or a flow list of them, or `key:` over indented `  key: scalar` lines.
_SCALAR = r'"[^"\\]*"|true|false|-?(?:0|[1-9][0-9]*)'
_LINE = re.compile(rf"(?P<key>[a-z][a-z0-9_]*):(?: (?P<value>{_SCALAR}|\[(?P<items>.*)\]))?")
_NESTED = re.compile(rf"  (?P<key>[a-z][a-z0-9_]*): (?P<value>{_SCALAR})")
_ITEMS = re.compile(rf"(?:{_SCALAR})(?:, (?:{_SCALAR}))*")
_ITEM = re.compile(_SCALAR)


def read_plain_yaml(text: str) -> dict[str, Any] | None:
    """The mapping `as_plain_yaml` wrote as `text`, as yaml.safe_load reads it; None for text
    of any other shape (yaml reads that). Reading libyaml's events costs a post's whole
    conversion on the site's fast path; these lines are a tenth of it."""
    found: dict[str, Any] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    while index < len(lines):
        match = _LINE.fullmatch(lines[index])
        index += 1
        # (_LINE's key is a _PLAIN_KEY already: only YAML's own words are left to refuse.)
        if match is None or match["key"] in _YAML_WORDS or match["key"] in found:
            return None
        if match["items"] is not None:
            value: Any = _items(match["items"])
        elif match["value"] is not None:
            value = _value(match["value"])
        else:
            value, index = _mapping(lines, index)
        if value is None:
            return None
        found[match["key"]] = value
    return found or None


def _mapping(lines: list[str], index: int) -> tuple[dict[str, Any] | None, int]:
    pairs: dict[str, Any] = {}
    while index < len(lines) and lines[index].startswith("  "):
        match = _NESTED.fullmatch(lines[index])
        if match is None or match["key"] in _YAML_WORDS or match["key"] in pairs:
            return None, index
        pairs[match["key"]] = _value(match["value"])
        index += 1
    return (pairs or None), index


def _items(text: str) -> list[Any] | None:
    if not text:
        return []
    if len(text) > 1 and text[0] == '"' == text[-1]:
        # Strings alone (a post's tags and keywords): what is left without the separators
        # holds no quote or backslash (_AS_IS has neither), so each item is one as it is.
        inner = text[1:-1]
        if _AS_IS.fullmatch(inner.replace('", "', "")):
            return inner.split('", "')
    if not _ITEMS.fullmatch(text):
        return None
    values = [_value(item) for item in _ITEM.findall(text)]
    return None if any(v is None for v in values) else values


def _value(text: str) -> Any:
    if text[0] == '"':
        inner = text[1:-1]
        return inner if _AS_IS.fullmatch(inner) else None
    if text in ("true", "false"):
        return text == "true"
    return int(text)
