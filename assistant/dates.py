"""Dates in questions: "in July", "last month", "since 2026-07-01", "between 1 May and 30 June" -> a range.

Pure functions of the text and today's date, so "what did we decide in July?" means the last July that
has begun (this year's from July on, last year's before).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ISO = r"\d{4}-\d{2}-\d{2}"
_BETWEEN = re.compile(rf"(?i)\b(?:between|from)\s+(?P<a>{_ISO})\s+(?:and|to|until)\s+(?P<b>{_ISO})\b")
_SINCE = re.compile(rf"(?i)\b(?:since|after|from)\s+(?P<a>{_ISO})\b")
_ON = re.compile(rf"(?i)\b(?P<a>{_ISO})\b")
_IN_MONTH = re.compile(rf"(?i)\b(?:in\s+|during\s+)?{_MONTH}(?:\s+(?P<year>\d{{4}}))?\b")
_RELATIVE = re.compile(
    r"(?i)\b(?P<which>this|last|past|previous)\s+(?P<unit>week|month|quarter|year)\b|\b(?P<day>today|yesterday)\b"
    r"|\b(?P<recent>recently|lately)\b"
)
_DAYS = re.compile(r"(?i)\b(?:next|within|coming|in)\s+(?:the\s+)?(?:next\s+)?(?P<n>\d{1,4})\s+days?\b")
RECENT_DAYS = 30


@dataclass(frozen=True)
class DateRange:
    """A range of days (both ends included) and where the text said it."""

    start: dt.date
    end: dt.date
    span: tuple[int, int]


def date_range(text: str, today: dt.date) -> DateRange | None:
    """The range of days ``text`` asks about, if it names one."""
    if match := _BETWEEN.search(text):
        a, b = _iso(match["a"]), _iso(match["b"])
        if a and b:
            return DateRange(min(a, b), max(a, b), match.span())
    if (match := _SINCE.search(text)) and (start := _iso(match["a"])):
        return DateRange(start, today, match.span())
    if match := _RELATIVE.search(text):
        return _relative(match, today)
    if match := _IN_MONTH.search(text):
        month = _MONTHS[match["month"].lower()]
        # "may" is a month only with a year or a preposition: "we may decide" is not May.
        if (
            match["month"].lower() == "may"
            and not match["year"]
            and not match.group(0).lower().startswith(("in", "during"))
        ):
            return None
        year = int(match["year"]) if match["year"] else (today.year if month <= today.month else today.year - 1)
        last = calendar.monthrange(year, month)[1]
        return DateRange(dt.date(year, month, 1), dt.date(year, month, last), match.span())
    if (match := _ON.search(text)) and (day := _iso(match["a"])):
        return DateRange(day, day, match.span())
    return None


def days_ahead(text: str) -> int | None:
    """How many days ahead the text asks about: "in the next 60 days" -> 60."""
    match = _DAYS.search(text)
    return int(match["n"]) if match else None


def _iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _relative(match: re.Match[str], today: dt.date) -> DateRange:
    span = match.span()
    if match["day"]:
        day = today if match["day"].lower() == "today" else today - dt.timedelta(days=1)
        return DateRange(day, day, span)
    if match["recent"]:
        return DateRange(today - dt.timedelta(days=RECENT_DAYS), today, span)
    unit, which = match["unit"].lower(), match["which"].lower()
    back = which != "this"
    if unit == "week":
        monday = today - dt.timedelta(days=today.weekday())
        start = monday - dt.timedelta(days=7) if back else monday
        return DateRange(start, start + dt.timedelta(days=6) if back else today, span)
    if unit == "month":
        first = today.replace(day=1)
        if not back:
            return DateRange(first, today, span)
        end = first - dt.timedelta(days=1)
        return DateRange(end.replace(day=1), end, span)
    if unit == "quarter":
        first = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        if not back:
            return DateRange(first, today, span)
        end = first - dt.timedelta(days=1)
        return DateRange(dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end, span)
    if not back:
        return DateRange(dt.date(today.year, 1, 1), today, span)
    return DateRange(dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31), span)
