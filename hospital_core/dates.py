"""When does the patient want to come? Chinese dates, half-days and times, resolved from the message time.

`parse_when(text, now=message_time)` finds the date/time expression inside a message and resolves it in
Asia/Shanghai from `now` (never the wall clock). The rules chosen for the ambiguous cases:

- bare weekday "周三": the next Wednesday on or after today; today counts only while the requested
  half-day (or time) is still ahead — with neither given, until the daytime clinics end (18:00);
  "这周五"/"本周五" is Friday of the current Monday–Sunday week (possibly `past_date`); "下周三" is
  Wednesday of next week, "下下周一" the week after; a weekday next to a date ("3月5号周四") is checked;
- month/day without a year ("3月5号"): this year if today or later; passed by at most 7 days → `past_date`;
  passed longer ago → next year. Day only ("15号"): this month if today or later, else next month;
  a day the month lacks ("2月30号", "31号" in a 30-day month) → `impossible_date`;
- fuzzy ranges: 月初 = 1st … 3rd working day, 月底 = 3rd-last working day … last day, 月中 = 11–20,
  上/中/下旬; bare 月初/月中/月底 already over this month mean next month's; 这周/本周, 下周, 这个月,
  下个月 are whole weeks/months; 周末 = the coming Saturday–Sunday (today only while daytime is ahead);
  过两天/过几天 = today+2 … today+4, 两三天后 = today+2 … today+3; 这几天/N天内 = today … today+N;
  3天前/上周X/昨天 → `past_date` (the date is still given). Ranges are clipped to start today;
- clock times: 1–5 点 without qualifier → afternoon, 7–11 → morning, 6 → `ambiguous`, 12/中午 → `ambiguous`
  (noon is closed), 0 点 and 24+ → `impossible_time`; 上午/下午/晚上 qualify the hour next to them
  ("上午13点" → `impossible_time`); the half-day of a time comes from the clock (下午7点 → 夜诊);
  times outside 06:00–23:00 → `unsupported` (outside_clinic_hours); "8.30" right after a day or half-day
  word (明天8.30, 上午8.30) is a time; "3.5" is 3月5日 only alone, with 号/日, after a booking verb
  (约/改到…) or before a half-day/weekday (血糖8.5 is no date); "9-10点" is the window starting at 9;
  "一点" needs a day/half-day word before it (一点都不…); 早上好/下午好 as greetings are not half-days;
- lunar dates (三月初五, 农历…) and festival names (国庆, 春节…) → `unsupported`;
- 最近/尽快/越快越好/最早 set `earliest`; two different dates → `ambiguous` with `candidates`,
  "周一到周三" → a range; a bare weekday listed after a week-qualified one shares its week
  ("下周二或者周三" → `ambiguous`, next week's Tuesday and Wednesday as candidates).
Dates on which the hospital is closed, booking windows and holidays are the hospital system's business;
`is_public_holiday` and `half_day_of` are provided for it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import List, Literal, Optional, Tuple
from zoneinfo import ZoneInfo

from hospital_core.dates_calendar import (
    HalfDay, HolidayStatus, format_date_cn, half_day_of, is_public_holiday, weekday_cn,
)
from hospital_core.dates_resolve import Resolver
from hospital_core.text import normalize

__all__ = ["WhenError", "WhenResult", "parse_when", "format_date_cn", "format_when_cn", "weekday_cn",
           "half_day_of", "is_public_holiday", "HolidayStatus", "HalfDay", "SHANGHAI", "now_from_timestamp"]

SHANGHAI = ZoneInfo("Asia/Shanghai")
ErrorCode = Literal["impossible_date", "impossible_time", "past_date", "ambiguous", "unsupported"]


@dataclass(frozen=True)
class WhenError:
    """Why no usable date/time came out: `code` for the bot, `reason` a finer machine-readable cause.

    Reasons: impossible_date: no_such_date, no_such_month; impossible_time: no_such_time,
    half_day_conflict; past_date: date_passed, range_passed, half_day_passed, time_passed;
    ambiguous: noon, hour_6, multiple_half_days, half_day_conflict, multiple_dates, weekday_mismatch,
    weekday_outside_range, date_outside_range; unsupported: lunar, festival, outside_clinic_hours.
    """

    code: ErrorCode
    reason: str
    detail: str = ""                      # for developers and logs, never shown to patients
    span: Optional[Tuple[int, int]] = None


@dataclass(frozen=True)
class WhenResult:
    """What `parse_when` understood. Nothing set and no error means the message named no date or time.

    With `past_date` the date (or range) is still filled in, so the bot can say which day is over;
    with `impossible_date`, `ambiguous` dates or lunar/festival dates it is not.
    """

    text: str = ""                                    # the matched words, from the original message
    date: Optional[date] = None
    date_range: Optional[Tuple[date, date]] = None    # inclusive, never starting before today
    half_day: Optional[HalfDay] = None
    time: Optional[time] = None
    earliest: bool = False                            # 最近/尽快: the earliest available slot
    spans: List[Tuple[int, int]] = field(default_factory=list)  # offsets into the original text
    error: Optional[WhenError] = None                 # the most important of `errors`
    errors: List[WhenError] = field(default_factory=list)
    candidates: List[date] = field(default_factory=list)  # the dates to choose from when ambiguous
    calendar_known: bool = True                       # False: working days guessed as Monday–Friday

    @property
    def found(self) -> bool:
        """Whether the message contained any date or time expression."""
        return bool(self.spans)


def now_from_timestamp(timestamp: float) -> datetime:
    """A message timestamp (seconds since the epoch, as Rasa stores it) as an Asia/Shanghai datetime."""
    return datetime.fromtimestamp(timestamp, tz=SHANGHAI)


def _shanghai(now: datetime) -> datetime:
    if not isinstance(now, datetime):
        raise TypeError("now must be a datetime (the message time)")
    if now.tzinfo is None:  # naive: taken as Asia/Shanghai local time
        return now.replace(tzinfo=SHANGHAI)
    return now.astimezone(SHANGHAI)


def parse_when(text: str, *, now: datetime) -> WhenResult:
    """Finds and resolves the date / half-day / time expression in `text`, as of the message time `now`.

    `now` should be timezone-aware (it is converted to Asia/Shanghai); a naive datetime is taken as
    Asia/Shanghai local time. Offsets in `spans` index the original `text`.
    """
    original = text or ""
    found = Resolver(normalize(original), _shanghai(now)).run(original)
    errors = [WhenError(p.code, p.reason, p.detail, p.span) for p in found.problems]  # type: ignore[arg-type]
    return WhenResult(
        text=found.text, date=found.date, date_range=found.date_range,
        half_day=found.half_day, time=found.time, earliest=found.earliest,  # type: ignore[arg-type]
        spans=found.spans, error=errors[0] if errors else None, errors=errors,
        candidates=found.candidates, calendar_known=found.calendar_known,
    )


def format_when_cn(result: WhenResult) -> str:
    """The resolved date, range, half-day and time as data for an echo: "12月2日（周三）上午 10:00",
    "11月26日（周四）至11月30日（周一）下午". Empty when nothing was resolved. Not a sentence."""
    parts = []
    if result.date is not None:
        parts.append(format_date_cn(result.date))
    elif result.date_range is not None:
        first, last = result.date_range
        parts.append(format_date_cn(first) if first == last else f"{format_date_cn(first)}至{format_date_cn(last)}")
    if result.half_day is not None:
        parts.append(result.half_day)
    text = "".join(parts)
    if result.time is not None:
        text = f"{text} {result.time:%H:%M}".strip()
    return text
