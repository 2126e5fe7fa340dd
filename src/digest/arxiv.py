"""arXiv: the only module that talks to arxiv.org, for the author block of a paper's HTML."""

from __future__ import annotations

import codecs
import logging

import requests

from digest import httpget
from digest.authorblock import AuthorBlockParser, same_paper
from digest.lookup import ARXIV_ID, FAILED, FOUND, MISSING, NONE, UNREADABLE, Lookup

log = logging.getLogger(__name__)

# The author block ends within the first tens of kilobytes of real pages; a page that has not
# closed it by here is not read further (the body after it runs to megabytes).
MAX_BYTES = 1024 * 1024


class ArxivClient(httpget.Client):
    """Reads `{base_url}/html/{id}`; safe to share between threads (one rate limit for all)."""

    accept = "text/html"

    def __init__(
        self,
        base_url: str,
        requests_per_second: float,
        session: requests.Session | None = None,
    ) -> None:
        super().__init__(base_url, requests_per_second, session)
        self.bytes_read = 0

    def institutions(self, arxiv_id: str, title: str | None = None) -> Lookup:
        """The institutions of `arxiv_id`'s author block; never raises for a bad answer."""
        if not ARXIV_ID.fullmatch(arxiv_id):
            return Lookup(FAILED, reason="not a new-style arXiv id")
        parser = AuthorBlockParser()
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

        seen = [0]  # bytes of the body fed to the parser (all there is of a page cut short)

        def enough(chunk: bytes) -> bool:
            seen[0] += len(chunk)
            parser.feed(decoder.decode(chunk))
            return parser.done

        try:
            answer = self._get(
                f"{self.base_url}/html/{arxiv_id}", max_bytes=MAX_BYTES, enough=enough
            )
        except httpget.Failed as exc:
            return Lookup(FAILED, reason=str(exc))
        with self._count:
            self.bytes_read += seen[0]
        if answer.status == 404:
            return Lookup(MISSING, reason="no HTML (404)")
        if answer.status != 200:
            return Lookup(FAILED, reason=f"HTTP {answer.status}")
        if answer.complete:
            parser.feed(decoder.decode(b"", final=True))
        return _judge(parser, arxiv_id, title)


def _judge(parser: AuthorBlockParser, arxiv_id: str, title: str | None) -> Lookup:
    block = parser.result()
    if block.arxiv_ids and arxiv_id not in block.arxiv_ids:
        return Lookup(FAILED, reason="the page is another paper's")
    if not block.found:
        return Lookup(UNREADABLE, reason="no author block")
    if not same_paper(block, arxiv_id, title):
        return Lookup(FAILED, reason="the page does not show it is this paper")
    if not block.complete:
        return Lookup(UNREADABLE, reason="author block cut off")
    if not block.institutions:
        return Lookup(NONE, reason="no institution in the author block")
    return Lookup(FOUND, block.institutions)
