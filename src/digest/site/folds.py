"""The one piece of HTML a post may hold, read as kramdown does: a fold (`<details
markdown="1">`, its `<summary>` line, Markdown, `</details>`), where a translated post keeps
the English original. Built as elements: raw HTML stays text everywhere else."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor

# Exactly what templates/paper.md writes: the opening tag and the summary, one block.
_START = re.compile(r'<details markdown="1">\n<summary>([^<>\n]*)</summary>')
_END = "</details>"


class Fold(BlockProcessor):
    """`<details markdown="1">` … `</details>` → a details element whose summary is inline
    Markdown and whose content is Markdown; without its closing line it stays text."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return _START.fullmatch(block) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        try:
            end = next(i for i, block in enumerate(blocks) if block.strip() == _END)
        except StopIteration:
            return False  # not a fold: the paragraph processor shows it as text
        match = _START.fullmatch(blocks[0])
        assert match
        inner = blocks[1:end]
        del blocks[: end + 1]
        details = etree.SubElement(parent, "details")
        etree.SubElement(details, "summary").text = match.group(1)
        self.parser.parseBlocks(details, inner)
        return True
