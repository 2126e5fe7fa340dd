"""Editions: a day, an ISO week or a month; its key, days, API query and names. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from digest.errors import UsageError

DAY = "day"
WEEK = "week"
MONTH = "month"
KINDS = (DAY, WEEK, MONTH)
# The config section of each kind's settings, and the first word of its posts' names.
SECTIONS = {DAY: "daily", WEEK: "weekly", MONTH: "monthly"}
_DAY_KEY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WEEK_KEY = re.compile(r"(\d{4})-[Ww](\d{2})")
_MONTH_KEY = re.compile(r"(\d{4})-(\d{2})")
_FORMS = {DAY: "YYYY-MM-DD", WEEK: "YYYY-Www", MONTH: "YYYY-MM"}


@dataclass(frozen=True)
class Edition:
    """What one set of posts covers: a day, an ISO week (Monday to Sunday) or a month."""

    kind: str  # DAY, WEEK or MONTH
    key: str  # 2026-02-20, 2026-W08 or 2026-02: the API's value and the archive's file name
    start: date
    end: date

    def __str__(self) -> str:
        return self.key

    @property
    def is_day(self) -> bool:
        return self.kind == DAY

    @property
    def section(self) -> str:
        """`daily`, `weekly` or `monthly`: its settings' section and its posts' first word."""
        return SECTIONS[self.kind]

    @property
    def query(self) -> dict[str, str]:
        """The API's parameters for it."""
        return {"date" if self.is_day else self.kind: self.key}

    @property
    def ref(self) -> str:
        """Shared by its language versions; no two editions have the same."""
        return f"{self.section}-papers-{self.key.lower()}"

    def slug(self, lang: str) -> str:
        """Unique per edition and language, so `/posts/:title/` permalinks never collide."""
        return f"{self.ref}-{lang}"

    def filename(self, lang: str) -> str:
        # Jekyll dates a post by its file name: the edition's last day.
        return f"{self.end.isoformat()}-{self.slug(lang)}.md"

    def days(self) -> list[date]:
        return day_range(self.start, self.end)


def day_range(start: date, end: date) -> list[date]:
    """Every day from `start` to `end`, both included."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def day(when: date) -> Edition:
    return Edition(DAY, when.isoformat(), when, when)


def week(year: int, number: int) -> Edition:
    start = date.fromisocalendar(year, number, 1)
    return Edition(WEEK, f"{year:04d}-W{number:02d}", start, start + timedelta(days=6))


def month(year: int, number: int) -> Edition:
    start = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return Edition(MONTH, f"{year:04d}-{number:02d}", start, following - timedelta(days=1))


def from_key(key: str) -> Edition | None:
    """The edition a key (`2026-02-20`, `2026-W08`, `2026-02`) names, or None."""
    try:
        if match := _DAY_KEY.fullmatch(key):
            return day(date(*map(int, match.groups())))
        if match := _WEEK_KEY.fullmatch(key):
            return week(int(match.group(1)), int(match.group(2)))
        if match := _MONTH_KEY.fullmatch(key):
            return month(int(match.group(1)), int(match.group(2)))
    except ValueError:
        return None
    return None


def parse(kind: str, text: str, today: date, option: str | None = None) -> Edition:
    """`--date YYYY-MM-DD`, `--week YYYY-Www` or `--month YYYY-MM`: a real edition, not in the
    future; a week or month must have reached its last day."""
    option = option or ("--date" if kind == DAY else f"--{kind}")
    pattern = {DAY: _DAY_KEY, WEEK: _WEEK_KEY, MONTH: _MONTH_KEY}[kind]
    if not pattern.fullmatch(text):
        raise UsageError(f"{option}: expected {_FORMS[kind]}, got {text!r}")
    edition = from_key(text)
    if edition is None or edition.kind != kind:
        raise UsageError(f"{option}: {text} is not a real {kind}")
    if kind == DAY:
        if edition.end > today:
            raise UsageError(f"{option}: {text} is in the future (today is {today} UTC)")
        return edition
    # The post is dated on the edition's last day, and Jekyll silently skips future posts.
    if edition.end > today:
        raise UsageError(
            f"{option}: {edition.key} has not ended yet (its last day is {edition.end}; "
            f"today is {today} UTC)"
        )
    return edition
