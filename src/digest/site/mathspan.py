"""Python-Markdown reads digest's `$$…$$` math spans the way kramdown does (for tests and for
readers of posts outside Jekyll); kept apart from `texmath` so building posts never imports
Python-Markdown."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor


class _MathSpan(InlineProcessor):
    """`$$tex$$` → `\\(tex\\)`, untouched by emphasis, escapes or HTML, as kramdown writes it."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | str, int, int]:
        return self.md.htmlStash.store(r"\(" + html.escape(m.group(1).strip()) + r"\)"), *m.span()


class MathExtension(Extension):
    """Python-Markdown reads digest's `$$…$$` math spans like kramdown: `markdown(text,
    extensions=[MathExtension()])` gives the same `\\(…\\)` a Jekyll site gives MathJax."""

    def extendMarkdown(self, md: Markdown) -> None:
        # Above code spans (190): inside math nothing is Markdown.
        md.inlinePatterns.register(_MathSpan(r"\$\$(.+?)\$\$", md), "digest_math", 200)
