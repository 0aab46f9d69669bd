"""Calendar arithmetic behind `hospital_core.dates`: weeks, month parts, year roll-over, holidays.

Everything here is a pure function of its arguments (no clock). Weeks run Monday to Sunday.
Working days come from chinese_calendar (statutory holidays and their make-up workdays); for a year it
does not know, Monday–Friday is used instead and the caller is told (`known=False`).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Dict, Literal, Optional, Tuple

import chinese_calendar

HalfDay = Literal["上午", "下午", "夜诊"]

WEEKDAYS_CN = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

# Half-days as clock intervals [start, end). 12:00–13:00 (noon) and 23:00–06:00 belong to none.
HALF_DAY_BOUNDS: Dict[str, Tuple[time, time]] = {
    "上午": (time(6, 0), time(12, 0)),
    "下午": (time(13, 0), time(18, 0)),
    "夜诊": (time(18, 0), time(23, 0)),
}
# With no half-day given, a day counts as "still ahead" until the daytime clinics end.
DAYTIME_END = time(18, 0)
# 月初 / 月底: how many working days at the edge of the month.
MONTH_EDGE_WORKDAYS = 3
# A month/day without year that passed at most this many days ago is `past_date`, not next year.
PAST_GRACE_DAYS = 7

_HOLIDAY_CN = {h.value: h.chinese for h in chinese_calendar.Holiday}


@dataclass(frozen=True)
class HolidayStatus:
    """Whether a date is a statutory public holiday. Truthy exactly when `holiday` is True.

    `known` is False when chinese_calendar has no data for the year (then `holiday` is False).
    `makeup_workday` marks a weekend day that is a working day because of a holiday shift (调休上班).
    """

    holiday: bool
    known: bool
    name: Optional[str] = None        # English name from chinese_calendar, e.g. "National Day"
    name_cn: Optional[str] = None     # e.g. "国庆节"
    makeup_workday: bool = False

    def __bool__(self) -> bool:
        return self.holiday


def is_public_holiday(day: date) -> HolidayStatus:
    """Statutory holiday status of `day` (ordinary weekends are not public holidays)."""
    try:
        off, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return HolidayStatus(holiday=False, known=False)
    if name is None:
        return HolidayStatus(holiday=False, known=True)
    return HolidayStatus(holiday=bool(off), known=True, name=name, name_cn=_HOLIDAY_CN.get(name),
                         makeup_workday=not off)


def is_workday(day: date) -> Tuple[bool, bool]:
    """(is a working day, whether chinese_calendar knew the year). Unknown years: Monday–Friday."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:
        return day.weekday() < 5, False


def half_day_of(moment: time) -> Optional[HalfDay]:
    """上午 06:00–11:59, 下午 13:00–17:59, 夜诊 18:00–22:59; None for noon and the small hours."""
    clock = moment.replace(tzinfo=None, second=0, microsecond=0)
    for name, (start, end) in HALF_DAY_BOUNDS.items():
        if start <= clock < end:
            return name  # type: ignore[return-value]
    return None


def to_clock(hour: int, minute: int, qualifier: Optional[str]) -> Tuple[Optional[time], Optional[Tuple[str, str]]]:
    """24-hour clock time for an hour as typed and its qualifier (上午/下午/夜诊/noon/small_hours/None)."""
    if minute >= 60 or hour >= 24 or hour == 0:
        return None, ("impossible_time", "no_such_time")
    conflict = (None, ("impossible_time", "half_day_conflict"))
    if qualifier == "上午":
        if hour >= 13:
            return conflict
    elif qualifier == "下午":
        hour = hour + 12 if hour < 12 else hour
    elif qualifier == "夜诊":
        if 6 <= hour <= 11:
            hour += 12
        elif hour == 12:
            hour = 0
        elif 12 < hour < 17:
            return conflict
    elif qualifier == "noon":
        if hour in (1, 2):
            hour += 12
        elif hour not in (11, 12, 13, 14):
            return conflict
    elif qualifier == "small_hours":
        if hour == 12:
            hour = 0
        elif hour > 5:
            return conflict
    elif hour == 6:
        return None, ("ambiguous", "hour_6")
    elif hour <= 5:
        hour += 12
    clock = time(hour, minute)
    if half_day_of(clock) is None:
        return clock, ("ambiguous", "noon") if hour == 12 else ("unsupported", "outside_clinic_hours")
    return clock, None


def half_day_end(half_day: Optional[str]) -> time:
    """When the half-day is over (for "is it still ahead today?")."""
    if half_day in HALF_DAY_BOUNDS:
        return HALF_DAY_BOUNDS[half_day][1]
    return DAYTIME_END


def weekday_cn(day: date) -> str:
    """周一 … 周日."""
    return WEEKDAYS_CN[day.weekday()]


def format_date_cn(day: date, *, with_year: bool = False) -> str:
    """11月25日（周三）, or 2026年11月25日（周三） with `with_year`. Data formatting, not a sentence."""
    prefix = f"{day.year}年" if with_year else ""
    return f"{prefix}{day.month}月{day.day}日（{weekday_cn(day)}）"


def week_start(day: date, weeks: int = 0) -> date:
    """Monday of the week containing `day`, shifted by `weeks`."""
    return day - timedelta(days=day.weekday()) + timedelta(weeks=weeks)


def add_months(year: int, month: int, months: int) -> Tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def valid_date(year: int, month: int, day: int) -> Optional[date]:
    """The date, or None when it does not exist (2月30日, 13月1日, 0号…)."""
    if not 1 <= month <= 12 or not 1 <= day <= 31 or not 1 <= year <= 9999:
        return None
    if day > days_in_month(year, month):
        return None
    return date(year, month, day)


def month_part(year: int, month: int, part: str) -> Tuple[date, date, bool]:
    """(first, last, calendar known) of a part of a month.

    初: from the 1st to the MONTH_EDGE_WORKDAYS-th working day; 底/末: from the MONTH_EDGE_WORKDAYS-th
    last working day to the last day; 上旬 1–10, 中/中旬 11–20, 下旬 21–end; 全 the whole month.
    """
    last_day = days_in_month(year, month)
    first, last = date(year, month, 1), date(year, month, last_day)
    known = True
    if part == "初":
        found, day = 0, first
        while day <= last:
            work, ok = is_workday(day)
            known &= ok
            found += work
            if found == MONTH_EDGE_WORKDAYS:
                break
            day += timedelta(days=1)
        return first, min(day, last), known
    if part in ("底", "末"):
        found, day = 0, last
        while day >= first:
            work, ok = is_workday(day)
            known &= ok
            found += work
            if found == MONTH_EDGE_WORKDAYS:
                break
            day -= timedelta(days=1)
        return max(day, first), last, known
    if part == "上旬":
        return first, date(year, month, 10), known
    if part in ("中", "中旬"):
        return date(year, month, 11), date(year, month, 20), known
    if part == "下旬":
        return date(year, month, 21), last, known
    return first, last, known


def resolve_month_day(today: date, month: int, day: int) -> Optional[date]:
    """A month/day typed without a year; None when no such date.

    This year if the day is today or later; if it passed at most PAST_GRACE_DAYS ago it stays in this
    year (the caller reports past_date); if it passed longer ago it is next year's.
    """
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if (month, day) >= (today.month, today.day):
        return valid_date(today.year, month, day)
    this_year = valid_date(today.year, month, day)
    if this_year is not None and (today - this_year).days <= PAST_GRACE_DAYS:
        return this_year
    return valid_date(today.year + 1, month, day)


def resolve_day_of_month(today: date, day: int) -> Optional[date]:
    """"15号" without a month: this month if the day is today or later, else next month; None if impossible."""
    if day >= today.day:
        return valid_date(today.year, today.month, day)
    year, month = add_months(today.year, today.month, 1)
    return valid_date(year, month, day)
