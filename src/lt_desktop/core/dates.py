"""Dates as people type them, and as the app writes them back.

Staff type a date the way they would write it on paper: "11 Jan 2027", "11 January 2027",
"11th jan 27", "11/01/2027", "2027-01-11". A date read the wrong way is worse than one
refused, because a session or a release date saved on the wrong day is not noticed until it
matters. So the rules are few, and a date that could be read two ways is refused with a
message that says how to type it.

How the numbers of a date are read:

* A first number of four digits is a year, then the month, then the day: "2027-01-11"
  (ISO 8601) or "2027/1/11".
* Otherwise the day comes first, then the month, then the year: "11/01/2027", "11.1.27",
  "11-01-2027", "11 1 2027". This is how dates are written in the UK, where the people using
  the app work, and it is the computer's own short form on a UK-set computer ("dd/MM/yyyy").
* On a computer set to write the month first (the US short form "M/d/yy"), a date such as
  "11/01/2027" could be 11 January or 1 November, so it is refused with both readings shown;
  a date with only one possible reading ("13/01/2027", "01/13/2027") is taken.
* On a computer set to write a two-digit year first ("yy. M. d."), three short numbers are
  read year, month, day; a date ending in a four-digit year is still read day first.

A month written as a word needs no rule about order: "11 Jan 2027", "Jan 11, 2027",
"11th of September 2027". Words may be abbreviated to three letters or more ("sept", "janu").
A two-digit year is the year ending in those digits nearest to today ("27" is 2027); a date
with no year is in this year. A weekday may lead ("Mon 11 Jan 2027", as the app writes dates
back) and must agree with the date. "today", "tomorrow" and "yesterday" are understood.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from enum import Enum

from lt_desktop.domain.errors import ValidationError

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_SPELLINGS = {"weds": 2}
_RELATIVE = {"today": 0, "tomorrow": 1, "yesterday": -1}
_ORDINAL_ENDINGS = {"st", "nd", "rd", "th"}
_FILLER_WORDS = {"of", "the"}
_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_SEPARATORS = set(" \t/.-,'’")


class NumberOrder(Enum):
    """Which comes first when a date is written in numbers only."""

    DAY_FIRST = "day, month, year"
    MONTH_FIRST = "month, day, year"
    YEAR_FIRST = "year, month, day"


def order_of_pattern(pattern: str) -> NumberOrder:
    """The order a date pattern such as "dd/MM/yyyy" or "M/d/yy" writes its numbers in.

    The pattern uses d for the day, M for the month and y for the year, with quoted literal
    text, as the operating system's short date form does.
    """
    letters = re.sub(r"'[^']*'", "", pattern)
    day, month, year = (letters.find(code) for code in "dMy")
    if min(day, month, year) < 0:
        return NumberOrder.DAY_FIRST
    if year < day and year < month:
        return NumberOrder.YEAR_FIRST
    return NumberOrder.MONTH_FIRST if month < day else NumberOrder.DAY_FIRST


def format_date(value: date) -> str:
    """A date as the app shows it in a field: "Mon 11 Jan 2027"."""
    weekday = _WEEKDAYS[value.weekday()][:3].title()
    return f"{weekday} {value.day} {_month_name(value.month)[:3]} {value.year}"


def describe_date(value: date) -> str:
    """A date in full, to confirm what was understood: "Monday 11 January 2027"."""
    weekday = _WEEKDAYS[value.weekday()].title()
    return f"{weekday} {value.day} {_month_name(value.month)} {value.year}"


def parse_typed_date(text: str, today: date, order: NumberOrder = NumberOrder.DAY_FIRST) -> date:
    """The date ``text`` means, read by the rules above; ``today`` anchors "today",
    two-digit years and dates with no year, and ``order`` is how the computer writes dates
    in numbers only. Raises ValidationError with a message for the person typing."""
    typed = " ".join(text.split())
    if not typed:
        raise ValidationError("Type a date, for example 11 Jan 2027.")
    lowered = typed.casefold()
    tokens = _TOKEN.findall(lowered)
    if not tokens or any(c not in _SEPARATORS for c in _TOKEN.sub("", lowered)):
        raise _not_a_date(typed, order)
    if len(tokens) == 1 and tokens[0] in _RELATIVE:
        return today + timedelta(days=_RELATIVE[tokens[0]])

    numbers: list[str] = []
    month: int | None = None
    weekday: int | None = None
    for position, token in enumerate(tokens):
        if token[0].isdecimal():
            numbers.append(token)
        elif token in _ORDINAL_ENDINGS and position > 0 and tokens[position - 1][0].isdecimal():
            continue
        elif token in _FILLER_WORDS:
            continue
        elif (named := _month_named(token)) is not None and month is None:
            month = named
        elif (day_named := _weekday_named(token)) is not None and weekday is None:
            weekday = day_named
        else:
            raise _not_a_date(typed, order)

    if month is not None:
        day_text, year_text = _day_and_year(numbers, month, typed, order)
    else:
        day_text, month, year_text = _numbers_only(numbers, typed, order)
    year = _year(year_text, today)
    day = int(day_text)
    last_day = calendar.monthrange(year, month)[1]
    if day < 1:
        raise ValidationError("There is no day 0 in a month: check the day.")
    if day > last_day:
        raise ValidationError(f"{_month_name(month)} {year} has only {last_day} days.")
    result = date(year, month, day)
    if weekday is not None and result.weekday() != weekday:
        raise ValidationError(
            f"{result.day} {_month_name(month)[:3]} {year} is a "
            f"{_WEEKDAYS[result.weekday()].title()}, not a {_WEEKDAYS[weekday].title()}."
        )
    return result


def _day_and_year(
    numbers: list[str], month: int, typed: str, order: NumberOrder
) -> tuple[str, str | None]:
    """The day and year beside a month written as a word, in either order."""
    name = _month_name(month)
    if not numbers:
        raise ValidationError(f"Which day of {name}? For example 11 {name[:3]} 2027.")
    if len(numbers) == 1:
        (only,) = numbers
        if len(only) > 2:
            raise ValidationError(f"Which day of {name} {int(only)}?")
        return only, None
    if len(numbers) == 2:
        first, second = numbers
        return (second, first) if len(first) > 2 else (first, second)
    raise _not_a_date(typed, order)


def _numbers_only(
    numbers: list[str], typed: str, order: NumberOrder
) -> tuple[str, int, str | None]:
    """Day, month and year from a date written in numbers only."""
    if len(numbers) == 1:
        raise ValidationError(
            f"“{_shorten(typed)}” needs a month as well, for example 11 Jan 2027."
        )
    if len(numbers) == 2:
        day, month = _day_and_month(numbers[0], numbers[1], None, typed, order)
        return day, month, None
    if len(numbers) == 3:
        first, second, third = numbers
        if len(first) > 2 or (order is NumberOrder.YEAR_FIRST and len(third) <= 2):
            return third, _month_number(second, third, first), first
        day, month = _day_and_month(first, second, third, typed, order)
        return day, month, third
    raise _not_a_date(typed, order)


def _day_and_month(
    first: str, second: str, year: str | None, typed: str, order: NumberOrder
) -> tuple[str, int]:
    if order is NumberOrder.MONTH_FIRST:
        a, b = int(first), int(second)
        if 1 <= a <= 12 and 1 <= b <= 12 and a != b:
            in_year = f" {year}" if year else ""
            raise ValidationError(
                f"“{_shorten(typed)}” could be {b} {_month_name(a)} or {a} {_month_name(b)}. "
                f"Type the month as a word, for example {b} {_month_name(a)[:3]}{in_year}."
            )
        if a > 12 >= b:
            return first, _month_number(second, first, year)
        return second, _month_number(first, second, year)
    return first, _month_number(second, first, year)


def _month_number(month: str, day: str, year: str | None) -> int:
    value = int(month)
    if 1 <= value <= 12:
        return value
    hint = "Type the day first, then the month"
    if 1 <= int(day) <= 12 and int(month) <= 31:
        swapped = "/".join(part for part in (month, day, year) if part)
        hint += f": {swapped}"
    raise ValidationError(f"There is no month {value}. {hint}.")


def _year(text: str | None, today: date) -> int:
    if text is None:
        return today.year
    if len(text) == 2:
        ending = int(text)
        century = today.year - today.year % 100
        candidates = (century - 100 + ending, century + ending, century + 100 + ending)
        return min(candidates, key=lambda year: (abs(year - today.year), -year))
    if len(text) != 4:
        raise ValidationError("Type the year in full, for example 2027.")
    year = int(text)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(f"Check the year: {year} is too far from today.")
    return year


def _month_named(word: str) -> int | None:
    index = _named(word, _MONTHS)
    return None if index is None else index + 1


def _weekday_named(word: str) -> int | None:
    return _WEEKDAY_SPELLINGS.get(word, _named(word, _WEEKDAYS))


def _named(word: str, names: tuple[str, ...]) -> int | None:
    """Which of ``names`` the word is, written in full or cut to three letters or more."""
    if len(word) < 3:
        return None
    matches = [index for index, name in enumerate(names) if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def _month_name(month: int) -> str:
    return _MONTHS[month - 1].title()


def _shorten(typed: str) -> str:
    return typed if len(typed) <= 30 else typed[:29] + "…"


def _not_a_date(typed: str, order: NumberOrder) -> ValidationError:
    examples = (
        "11 Jan 2027 or 2027-01-11"
        if order is NumberOrder.MONTH_FIRST
        else "11 Jan 2027, 11/01/2027 or 2027-01-11"
    )
    return ValidationError(f"“{_shorten(typed)}” is not a date. Type it as {examples}.")
