"""The Jinja environment's shortcuts behave as Jinja's own: keys read as attributes, calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2
import pytest

from digest import templating
from digest.site.page import Words


@dataclass(frozen=True)
class Doubled:
    def __call__(self, n: int) -> int:
        return 2 * n


def render(source: str, **context: Any) -> str:
    env = templating.environment(None, keyed=(Words,), plain_calls=(Doubled,))
    return templating.render(env.from_string(source), context)


def test_a_keyed_mapping_reads_its_keys_as_attributes_but_not_over_its_own():
    words = Words({"archive": "Archive", "items": "a word named items", "_words": "w"})
    assert render("{{ w.archive }} {{ w['items'] }}", w=words) == "Archive a word named items"
    # What getattr() finds stays what it was: Jinja looks at the attribute first.
    assert render("{{ w.items is callable }} {{ w._words is mapping }}", w=words) == "True True"
    with pytest.raises(templating.TemplateError, match="no attribute 'missing'"):
        render("{{ w.missing }}", w=words)


def test_calls_reach_builtins_and_plain_types_and_the_rest_as_before():
    @jinja2.pass_context
    def page(context: Any, suffix: str) -> str:
        return context["name"] + suffix

    source = "{{ d(2) }} {{ '{:03}'.format(7) }} {{ page('!') }}"
    source += "{% for n in [1] %} {{ d(n) }}{% endfor %}"  # a call in a loop: _loop_vars
    assert render(source, d=Doubled(), page=page, name="p") == "4 007 p! 2"


def test_a_stopiteration_is_undefined_as_in_jinja():
    # Jinja turns a callable's StopIteration into an undefined value; so must the shortcut.
    assert render("{{ step(it) is undefined }}", step=next, it=iter([])) == "True"
    with pytest.raises(templating.TemplateError, match="StopIteration"):
        render("{{ step(it) }}", step=next, it=iter([]))
