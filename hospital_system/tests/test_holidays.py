"""Public holidays through chinese-calendar, and its unknown years."""
from __future__ import annotations

import datetime as dt

from his.holidays import is_public_holiday, public_holiday_name


def test_known_holidays_and_workdays() -> None:
    assert public_holiday_name(dt.date(2026, 10, 1)) == "国庆节"
    assert public_holiday_name(dt.date(2026, 9, 25)) == "中秋节"
    assert public_holiday_name(dt.date(2026, 10, 10)) is None  # 调休: a Saturday working day
    assert public_holiday_name(dt.date(2026, 10, 17)) is None  # a plain weekend is not a holiday
    assert public_holiday_name(dt.date(2026, 9, 22)) is None


def test_unknown_year_is_an_ordinary_day() -> None:
    assert is_public_holiday(dt.date(2099, 10, 1)) is False
    assert public_holiday_name(dt.date(1990, 1, 1)) is None
