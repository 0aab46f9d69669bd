"""Public holidays of mainland China through the ``chinese-calendar`` package.

chinese-calendar only knows the years the State Council has published (it raises
NotImplementedError for other years). Such dates are treated as ordinary days: no public holiday,
and whether a weekend half-day is open is decided by the doctor's weekly schedule alone.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Optional

import chinese_calendar

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@lru_cache(maxsize=4096)
def public_holiday_name(day: date) -> Optional[str]:
    """The Chinese name of the statutory holiday on ``day``, or None (ordinary day / unknown year)."""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None  # year not published in chinese-calendar: treat as an ordinary day
    if not is_holiday or name is None:
        return None  # a plain weekend, a workday, or a 调休 working day named after a holiday
    return HOLIDAY_NAMES_ZH.get(str(name), str(name))


def is_public_holiday(day: date) -> bool:
    return public_holiday_name(day) is not None
