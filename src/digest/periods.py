"""Weeks and months: parsing `2026-W08` and `2026-02`, their days, their API query. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from digest.errors import UsageError

WEEK = "week"
MONTH = "month"
_WEEK_KEY = re.compile(r"(\d{4})-[Ww](\d{2})")
_MONTH_KEY = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True)
class Period:
    """An ISO week (Monday to Sunday) or a calendar month, named as the API names it."""

    kind: str  # WEEK or MONTH
    key: str  # 2026-W08 or 2026-02: the API's `week`/`month` value and the archive's file name
    start: date
    end: date

    def __str__(self) -> str:
        return self.key

    @property
    def query(self) -> dict[str, str]:
        return {self.kind: self.key}

    def days(self) -> list[date]:
        return day_range(self.start, self.end)


def day_range(start: date, end: date) -> list[date]:
    """Every day from `start` to `end`, both included."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def week(year: int, number: int) -> Period:
    start = date.fromisocalendar(year, number, 1)
    return Period(WEEK, f"{year:04d}-W{number:02d}", start, start + timedelta(days=6))


def month(year: int, number: int) -> Period:
    start = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return Period(MONTH, f"{year:04d}-{number:02d}", start, following - timedelta(days=1))


def period_from_key(key: str) -> Period | None:
    """The period a key (`2026-W08`, `2026-02`) names, or None if it names no real one."""
    try:
        if match := _WEEK_KEY.fullmatch(key):
            return week(int(match.group(1)), int(match.group(2)))
        if match := _MONTH_KEY.fullmatch(key):
            return month(int(match.group(1)), int(match.group(2)))
    except ValueError:
        return None
    return None


def parse_period(kind: str, text: str, today: date) -> Period:
    """`--week YYYY-Www` or `--month YYYY-MM`: a real period that has reached its last day."""
    pattern, form = (_WEEK_KEY, "YYYY-Www") if kind == WEEK else (_MONTH_KEY, "YYYY-MM")
    if not pattern.fullmatch(text):
        raise UsageError(f"--{kind}: expected {form}, got {text!r}")
    period = period_from_key(text)
    if period is None or period.kind != kind:
        raise UsageError(f"--{kind}: {text} is not a real {kind}")
    # The post is dated on the period's last day, and Jekyll silently skips future posts.
    if period.end > today:
        raise UsageError(
            f"--{kind}: {period.key} has not ended yet (its last day is {period.end}; "
            f"today is {today} UTC)"
        )
    return period
