"""Reading dates as people type them: every form a person may use, and no wrong guesses."""

from __future__ import annotations

from datetime import date

import pytest

from lt_desktop.core.dates import (
    NumberOrder,
    describe_date,
    format_date,
    order_of_pattern,
    parse_typed_date,
)
from lt_desktop.domain.errors import ValidationError

TODAY = date(2026, 6, 15)
ELEVENTH_OF_JANUARY = date(2027, 1, 11)


def read(text: str, order: NumberOrder = NumberOrder.DAY_FIRST) -> date:
    return parse_typed_date(text, TODAY, order)


def refusal(text: str, order: NumberOrder = NumberOrder.DAY_FIRST) -> str:
    with pytest.raises(ValidationError) as caught:
        read(text, order)
    return str(caught.value)


def test_a_month_typed_as_a_word_is_that_month() -> None:
    # A spin box once read "11 Jan 2027" as 11 December 2027.
    assert read("11 Jan 2027") == ELEVENTH_OF_JANUARY


def test_numbers_are_read_day_first_as_in_the_uk() -> None:
    # A spin box once read "11/01/2027" as 11 December 2026.
    assert read("11/01/2027") == ELEVENTH_OF_JANUARY


@pytest.mark.parametrize(
    "typed",
    [
        "11 January 2027",
        "11 jan 27",
        "11 JAN 2027",
        "11-Jan-2027",
        "11th January 2027",
        "11th of January, 2027",
        "January 11, 2027",
        "Jan 11 2027",
        "2027 Jan 11",
        "11 janu 2027",
        "11 Jan '27",
        "Mon 11 Jan 2027",
        "Monday 11 January 2027",
        "  11   Jan\t2027 ",
        "11.01.2027",
        "11-01-2027",
        "11 1 2027",
        "11/1/27",
        "2027-01-11",
        "2027/1/11",
    ],
)
def test_the_forms_people_type(typed: str) -> None:
    assert read(typed) == ELEVENTH_OF_JANUARY


def test_what_the_field_shows_reads_back_as_the_same_date() -> None:
    for day in (date(2027, 1, 11), date(2026, 9, 30), date(2028, 2, 29), date(2027, 5, 1)):
        assert read(format_date(day)) == day
        assert read(describe_date(day)) == day
    assert format_date(ELEVENTH_OF_JANUARY) == "Mon 11 Jan 2027"
    assert describe_date(ELEVENTH_OF_JANUARY) == "Monday 11 January 2027"


def test_a_date_without_a_year_is_this_year() -> None:
    assert read("11 Jan") == date(2026, 1, 11)
    assert read("3/9") == date(2026, 9, 3)


def test_two_digit_years_are_the_nearest_to_today() -> None:
    assert read("1 Sept 27") == date(2027, 9, 1)
    assert read("1/9/99") == date(1999, 9, 1)
    assert read("1/9/76") == date(2076, 9, 1)


def test_today_tomorrow_and_yesterday() -> None:
    assert read("today") == TODAY
    assert read("Tomorrow") == date(2026, 6, 16)
    assert read("yesterday") == date(2026, 6, 14)


def test_impossible_dates_are_refused_with_the_reason() -> None:
    assert refusal("31 Feb 2027") == "February 2027 has only 28 days."
    assert refusal("31/04/2027") == "April 2027 has only 30 days."
    assert refusal("29 Feb 2027") == "February 2027 has only 28 days."
    assert read("29 Feb 2028") == date(2028, 2, 29)
    assert refusal("0 Jan 2027") == "There is no day 0 in a month: check the day."
    assert refusal("01/13/2027") == (
        "There is no month 13. Type the day first, then the month: 13/01/2027."
    )


def test_what_is_not_a_date_says_how_to_type_one() -> None:
    assert refusal("hello") == (
        "“hello” is not a date. Type it as 11 Jan 2027, 11/01/2027 or 2027-01-11."
    )
    for typed in ("11:30", "11 Jan 2027 Jan", "1/2/3/4", "11 Janx 2027", "ju 11 2027"):
        assert "is not a date" in refusal(typed)
    assert refusal("") == "Type a date, for example 11 Jan 2027."
    assert refusal("   ") == "Type a date, for example 11 Jan 2027."


def test_half_a_date_asks_for_the_rest() -> None:
    assert refusal("January") == "Which day of January? For example 11 Jan 2027."
    assert refusal("Jan 2027") == "Which day of January 2027?"
    assert refusal("11") == "“11” needs a month as well, for example 11 Jan 2027."
    assert refusal("11/01/027") == "Type the year in full, for example 2027."
    assert refusal("11 Jan 3027") == "Check the year: 3027 is too far from today."


def test_a_weekday_that_disagrees_is_refused() -> None:
    assert refusal("Tue 11 Jan 2027") == "11 Jan 2027 is a Monday, not a Tuesday."


def test_on_a_computer_set_month_first_two_readings_are_refused() -> None:
    us = NumberOrder.MONTH_FIRST
    assert refusal("11/01/2027", us) == (
        "“11/01/2027” could be 1 November or 11 January. "
        "Type the month as a word, for example 1 Nov 2027."
    )
    assert read("13/01/2027", us) == date(2027, 1, 13)
    assert read("01/13/2027", us) == date(2027, 1, 13)
    assert read("5/5/27", us) == date(2027, 5, 5)
    assert read("11 Jan 2027", us) == ELEVENTH_OF_JANUARY
    assert read("2027-01-11", us) == ELEVENTH_OF_JANUARY
    assert "11/01/2027" not in refusal("hello", us)


def test_on_a_computer_set_year_first_short_numbers_start_with_the_year() -> None:
    assert read("27. 1. 11.", NumberOrder.YEAR_FIRST) == ELEVENTH_OF_JANUARY
    assert read("11/01/2027", NumberOrder.YEAR_FIRST) == ELEVENTH_OF_JANUARY


@pytest.mark.parametrize(
    ("pattern", "order"),
    [
        ("dd/MM/yyyy", NumberOrder.DAY_FIRST),
        ("d MM yyyy", NumberOrder.DAY_FIRST),
        ("dd.MM.yy", NumberOrder.DAY_FIRST),
        ("d.MM.yy 'г'.", NumberOrder.DAY_FIRST),
        ("M/d/yy", NumberOrder.MONTH_FIRST),
        ("yyyy-MM-dd", NumberOrder.YEAR_FIRST),
        ("yy. M. d.", NumberOrder.YEAR_FIRST),
        ("", NumberOrder.DAY_FIRST),
    ],
)
def test_the_computers_short_date_form_gives_the_order(pattern: str, order: NumberOrder) -> None:
    assert order_of_pattern(pattern) == order
