"""A config file cannot explode: aliases are refused and error lines quote little of a value."""

from __future__ import annotations

import time

LAUGHS = "\n".join(
    [
        "a: &a [x, x, x, x, x, x, x, x, x]",
        *(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "tags: *i",
    ]
)


def test_nested_aliases_are_refused_at_once(run, write_config):
    write_config(LAUGHS)
    start = time.monotonic()
    result = run("build", "--date", "2026-02-20")
    assert time.monotonic() - start < 2
    assert result.code == 2
    assert len(result.error_lines) == 1
    assert "aliases (*name) are not allowed in a config file" in result.error_lines[0]
    assert "line 2, column" in result.error_lines[0]
    assert len(result.err) < 400


def test_an_anchor_without_aliases_is_fine(run, write_config, hf_server):
    write_config("tags: &t [papers]\n")
    assert run("build", "--date", "2026-02-20", "--dry-run").code == 0


def test_a_huge_value_is_quoted_short(run, write_config):
    write_config(f"timezone: {'Z' * 20_000}\nlanguages: [{'k' * 20_000}]\n{'x' * 1000}: 1\n")
    result = run("build", "--date", "2026-02-20")
    assert result.code == 2
    assert len(result.error_lines) == 1
    line = result.error_lines[0]
    assert "timezone: unknown time zone" in line and "languages:" in line
    assert "characters in all" in line
    assert len(line) < 3 * 250, line[:300]
