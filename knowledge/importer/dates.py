"""Dates as the schema wants them (YYYY-MM-DD) from however a municipal sheet wrote them.

Sheets mix 2026/4/1, 2026-04-01, 2026年4月1日, Japanese eras (R8.4.1, 令和8年4月1日, 令和元年…),
date-times from 更新日時 columns and, from Excel, real dates or bare serial numbers (46113).
A value that is none of these is an error for the row, not a guess.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache

from knowledge.importer.reading import CellValue
from knowledge.importer.vocabulary import wording

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's 1900-02-29
# A bare number is taken as an Excel serial only if it lands in these years: "12" or "2026"
# in a date column is a typing mistake, not 1900-01-12 or 1905-07-18.
SERIAL_YEARS = range(1990, 2101)
SEP = r"\s*[./\-年]\s*"
MONTH_SEP = r"\s*[./\-月]\s*"
DAY_END = r"\s*日?"
# What may follow the date: a weekday in brackets, a time.
REST = re.compile(r"\s*(\([^)]{1,3}\))?\s*(T?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*", re.IGNORECASE)


class DateError(ValueError):
    """The value is not a date the importer can read."""


@cache
def _era_pattern() -> re.Pattern[str]:
    names = sorted(wording().eras, key=len, reverse=True)
    era = "|".join(re.escape(n) for n in names)
    first = re.escape(wording().first_year)
    return re.compile(
        rf"({era})\s*(\d{{1,2}}|{first}){SEP}(\d{{1,2}}){MONTH_SEP}(\d{{1,2}}){DAY_END}",
        re.IGNORECASE,
    )


WESTERN = re.compile(rf"(\d{{4}}){SEP}(\d{{1,2}}){MONTH_SEP}(\d{{1,2}}){DAY_END}")
COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")  # 20260401


def _era_year(name: str, year: str) -> int:
    eras = {k.lower(): v for k, v in wording().eras.items()}
    number = 1 if year == wording().first_year else int(year)
    return eras[name.lower()] + number


def from_serial(serial: float) -> dt.date:
    day = EXCEL_EPOCH + dt.timedelta(days=int(serial))
    if day.year not in SERIAL_YEARS:
        raise DateError(f"{serial:g} is not a plausible Excel date")
    return day


def _make(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise DateError(f"'{text}' is not a calendar date") from error


def parse_text(text: str) -> dt.date:
    folded = unicodedata.normalize("NFKC", text).strip()
    if re.fullmatch(r"\d+(\.\d+)?", folded):
        compact = COMPACT.fullmatch(folded)
        if compact:
            return _make(*(int(g) for g in compact.groups()), text)
        return from_serial(float(folded))
    era = _era_pattern().match(folded)
    if era and REST.fullmatch(folded, era.end()):
        year = _era_year(era.group(1), era.group(2))
        return _make(year, int(era.group(3)), int(era.group(4)), text)
    western = WESTERN.match(folded)
    if western and REST.fullmatch(folded, western.end()):
        return _make(*(int(g) for g in western.groups()), text)
    raise DateError(
        f"'{text}' is not a date (write it as 2026/4/1 or as an era date such as R8.4.1)"
    )


def parse_date(value: CellValue) -> dt.date:
    """The date in a cell; raises DateError when the cell holds something else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise DateError(f"'{value}' is not a date")
    if isinstance(value, int | float):
        return from_serial(value)
    if value is None or not str(value).strip():
        raise DateError("empty")
    return parse_text(str(value))
