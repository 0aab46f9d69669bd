"""Time helpers. Storage is UTC; dates, half-days and slot times are local (HIS_TIMEZONE)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Callable
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real current time, timezone-aware (UTC)."""
    return datetime.now(timezone.utc)


def fixed_clock(moment: datetime) -> Clock:
    """A clock frozen at ``moment`` (tests, demos)."""
    if moment.tzinfo is None:
        raise ValueError("fixed_clock needs an aware datetime")
    return lambda: moment


def local_dt(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The aware datetime of a local wall-clock time."""
    return datetime.combine(day, at, tzinfo=tz)


def local_today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()
