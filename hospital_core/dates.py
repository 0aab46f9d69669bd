"""When does the patient want to come? Dates, half-days and times typed in Chinese, resolved from the message time.

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
  过两天/过几天 = today+2 … today+4; 这几天/N天内 = today … today+N. Ranges are clipped to start today;
- clock times: 1–5 点 without qualifier → afternoon, 7–11 → morning, 6 → `ambiguous`, 12/中午 → `ambiguous`
  (noon is closed), 0 点 and 24+ → `impossible_time`; 上午/下午/晚上 qualify the hour next to them
  ("上午13点" → `impossible_time`); the half-day of a time comes from the clock (下午7点 → 夜诊);
  times outside 06:00–23:00 → `unsupported` (outside_clinic_hours);
- lunar dates (三月初五, 农历…) and festival names (国庆, 春节…) → `unsupported`;
- 最近/尽快/越快越好/最早 set `earliest`; two different dates → `ambiguous` with `candidates`,
  "周一到周三" → a range.
Dates on which the hospital is closed, booking windows and holidays are the hospital system's business;
`is_public_holiday` and `half_day_of` are provided for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Dict, List, Literal, Optional, Tuple
from zoneinfo import ZoneInfo

from hospital_core.dates_calendar import (
    HALF_DAY_BOUNDS, HalfDay, HolidayStatus, add_months, days_in_month, format_date_cn, half_day_end,
    half_day_of, is_public_holiday, month_part, resolve_day_of_month, resolve_month_day, valid_date,
    week_start, weekday_cn,
)
from hospital_core.dates_patterns import Mention, scan
from hospital_core.text import normalize

__all__ = ["WhenError", "WhenResult", "parse_when", "format_date_cn", "weekday_cn", "half_day_of",
           "is_public_holiday", "HolidayStatus", "HalfDay", "SHANGHAI", "now_from_timestamp"]

SHANGHAI = ZoneInfo("Asia/Shanghai")
ErrorCode = Literal["impossible_date", "impossible_time", "past_date", "ambiguous", "unsupported"]
_PRECEDENCE = ("unsupported", "impossible_date", "impossible_time", "ambiguous", "past_date")
_CONNECTOR = re.compile(r"\s*(?:到|至|~|-|—|〜)\s*")
_QUALIFIER_GAP = re.compile(r"[\s,，的]*")
_JOINABLE_GAP = re.compile(r"[\s,，、的到至~\-—〜或者还是]*")
_COMPATIBLE = {"上午": {"上午"}, "下午": {"下午", "夜诊"}, "夜诊": {"下午", "夜诊"},
               "noon": {"上午", "下午", None}, "small_hours": {None}}


@dataclass(frozen=True)
class WhenError:
    """Why no usable date/time came out: `code` for the bot, `reason` a finer machine-readable cause."""

    code: ErrorCode
    reason: str
    detail: str = ""                      # for developers and logs, never shown to patients
    span: Optional[Tuple[int, int]] = None


@dataclass(frozen=True)
class WhenResult:
    """What `parse_when` understood. Nothing set and no error means the message named no date or time."""

    text: str = ""                                    # the matched words, from the original message
    date: Optional[date] = None
    date_range: Optional[Tuple[date, date]] = None    # inclusive
    half_day: Optional[HalfDay] = None
    time: Optional[time] = None
    earliest: bool = False                            # 最近/尽快: the earliest available slot
    spans: List[Tuple[int, int]] = field(default_factory=list)
    error: Optional[WhenError] = None                 # the most important of `errors`
    errors: List[WhenError] = field(default_factory=list)
    candidates: List[date] = field(default_factory=list)  # the dates to choose from when ambiguous
    calendar_known: bool = True                       # False: working days guessed as Monday–Friday

    @property
    def found(self) -> bool:
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
    """Finds and resolves the date / half-day / time expression in `text`, as of the message time `now`."""
    original = text or ""
    normalized = normalize(original)
    return _Resolver(normalized, _shanghai(now)).run(original)


@dataclass
class _Dated:
    """One date mention, resolved."""

    mention: Mention
    day: Optional[date] = None
    span: Optional[Tuple[date, date]] = None
    bare_weekday: Optional[int] = None


class _Resolver:
    def __init__(self, text: str, now: datetime):
        self.text, self.now, self.today = text, now, now.date()
        self.mentions = scan(text)
        self.errors: List[WhenError] = []
        self.half_day: Optional[str] = None
        self.time: Optional[time] = None
        self.known = True

    def error(self, code: str, reason: str, detail: str, *mentions: Mention) -> None:
        span = (min(m.start for m in mentions), max(m.end for m in mentions)) if mentions else None
        self.errors.append(WhenError(code, reason, detail, span))  # type: ignore[arg-type]

    def of(self, *kinds: str) -> List[Mention]:
        return [m for m in self.mentions if m.kind in kinds]

    # --- half-day and time ------------------------------------------------------------------------
    def _half_day_words(self) -> List[Tuple[str, Mention]]:
        words = [(m.value["half_day"], m) for m in self.of("half_day")]
        words += [(m.value["half_day"], m) for m in self.of("rel_day") if m.value["half_day"]]
        return sorted(words, key=lambda pair: pair[1].start)

    def _qualifier(self, moment: Mention, words: List[Tuple[str, Mention]]) -> Optional[Tuple[str, Mention]]:
        if moment.value.get("qualifier"):
            return moment.value["qualifier"], moment
        for value, word in words:
            if word.end <= moment.start and _QUALIFIER_GAP.fullmatch(self.text, word.end, moment.start):
                return value, word
        return words[0] if len({value for value, _ in words}) == 1 else None

    def resolve_half_day_and_time(self) -> None:
        words = self._half_day_words()
        times = self.of("time")
        if times:
            moment = times[0]
            qualifier = self._qualifier(moment, words)
            value = qualifier[0] if qualifier else None
            self.time, problem = _to_clock(moment.value["hour"], moment.value["minute"], value)
            used = [moment] + ([qualifier[1]] if qualifier else [])
            if problem:
                self.error(problem[0], problem[1], f"hour {moment.value['hour']} with {value}", *used)
                if problem[0] == "impossible_time":
                    self.time = None
                return
            self.half_day = half_day_of(self.time)
            for word_value, word in words:
                if self.half_day not in _COMPATIBLE[word_value]:
                    self.error("ambiguous", "half_day_conflict", f"{word_value} vs {self.time}", word, moment)
            return
        day_parts = sorted({value for value, _ in words if value in HALF_DAY_BOUNDS})
        if len(day_parts) > 1:
            self.error("ambiguous", "multiple_half_days", "/".join(day_parts), *[m for _, m in words])
        elif day_parts:
            self.half_day = day_parts[0]
        elif any(value == "noon" for value, _ in words):
            self.error("ambiguous", "noon", "noon is closed: morning or afternoon?", *[m for _, m in words])
        elif words:
            self.error("unsupported", "outside_clinic_hours", "no clinic at night", *[m for _, m in words])

    def still_ahead(self) -> bool:
        """Can today still be meant, given the requested time or half-day?"""
        if self.time is not None:
            return self.time > self.now.time().replace(tzinfo=None)
        return self.now.time().replace(tzinfo=None) < half_day_end(self.half_day)

    # --- dates ------------------------------------------------------------------------------------
    def resolve_mention(self, mention: Mention) -> Optional[_Dated]:
        kind, value, today = mention.kind, mention.value, self.today
        if kind == "rel_day":
            return _Dated(mention, day=today + timedelta(days=value["offset"]))
        if kind == "after":
            if value["unit"] == "months":
                year, month = add_months(today.year, today.month, value["count"])
                return _Dated(mention, day=date(year, month, min(today.day, days_in_month(year, month))))
            days = value["count"] * (7 if value["unit"] == "weeks" else 1)
            return _Dated(mention, day=today + timedelta(days=days))
        if kind == "few_days":
            return _Dated(mention, span=(today + timedelta(days=value["first"]), today + timedelta(days=value["last"])))
        if kind == "weekday":
            return self._weekday(mention)
        if kind == "week":
            return self._week(mention)
        if kind == "month_part":
            return self._month_part(mention)
        return self._ymd(mention)

    def _weekday(self, mention: Mention) -> _Dated:
        weekday, offset = mention.value["weekday"], mention.value["week_offset"]
        if offset is not None:
            return _Dated(mention, day=week_start(self.today, offset) + timedelta(days=weekday))
        day = self.today + timedelta(days=(weekday - self.today.weekday()) % 7)
        if day == self.today and not self.still_ahead():
            day += timedelta(days=7)
        return _Dated(mention, day=day, bare_weekday=weekday)

    def _week(self, mention: Mention) -> _Dated:
        offset = mention.value["week_offset"]
        monday = week_start(self.today, offset or 0)
        if not mention.value["weekend"]:
            return _Dated(mention, span=(monday, monday + timedelta(days=6)))
        saturday, sunday = monday + timedelta(days=5), monday + timedelta(days=6)
        if offset is None:  # bare 周末: the weekend days still ahead, else next weekend
            ahead = [d for d in (saturday, sunday) if d > self.today or (d == self.today and self.still_ahead())]
            if not ahead:
                return _Dated(mention, span=(saturday + timedelta(days=7), sunday + timedelta(days=7)))
            saturday = ahead[0]
        return _Dated(mention, span=(saturday, sunday))

    def _month_part(self, mention: Mention) -> Optional[_Dated]:
        value, today = mention.value, self.today
        if value.get("month") is not None:
            month = value["month"]
            if not 1 <= month <= 12:
                self.error("impossible_date", "no_such_month", f"month {month}", mention)
                return None
            if value.get("year") is not None:
                year = value["year"]
            elif value.get("year_offset") is not None:
                year = today.year + value["year_offset"]
            else:
                year = today.year + (month < today.month)
        else:
            year, month = add_months(today.year, today.month, value.get("month_offset") or 0)
        first, last, known = month_part(year, month, value["part"])
        if value.get("bare") and last < today:
            year, month = add_months(year, month, 1)
            first, last, known = month_part(year, month, value["part"])
        self.known &= known
        return _Dated(mention, span=(first, last))

    def _ymd(self, mention: Mention) -> Optional[_Dated]:
        value, today = mention.value, self.today
        day, month = value["day"], value.get("month")
        if value.get("year") is not None or value.get("year_offset") is not None:
            year = value["year"] if value.get("year") is not None else today.year + value["year_offset"]
            resolved = valid_date(year, month, day)
        elif value.get("month_offset") is not None:
            year, month = add_months(today.year, today.month, value["month_offset"])
            resolved = valid_date(year, month, day)
        elif month is not None:
            resolved, _ = resolve_month_day(today, month, day)
        else:
            resolved = resolve_day_of_month(today, day)
        if resolved is None:
            self.error("impossible_date", "no_such_date", f"month {month} day {day}", mention)
            return None
        return _Dated(mention, day=resolved)

    def resolve_dates(self) -> Tuple[Optional[date], Optional[Tuple[date, date]], List[date]]:
        dated = [d for d in map(self.resolve_mention, self.of("rel_day", "after", "few_days", "weekday",
                                                                "week", "month_part", "ymd")) if d]
        if any(e.code == "impossible_date" or e.reason in ("lunar", "festival") for e in self.errors) or not dated:
            return None, None, []
        if len(dated) == 2 and dated[0].day and dated[1].day and _CONNECTOR.fullmatch(
                self.text, dated[0].mention.end, dated[1].mention.start):
            first, last = dated[0].day, dated[1].day
            if last < first and dated[1].bare_weekday is not None:
                last += timedelta(days=7)
            if last >= first:
                return None, (first, last), []
        singles = sorted({d.day for d in dated if d.day and d.bare_weekday is None})
        weekdays = [d for d in dated if d.bare_weekday is not None]
        spans = sorted({d.span for d in dated if d.span})
        everything = [d.mention for d in dated]
        if len(singles) > 1 or len({d.bare_weekday for d in weekdays}) > 1 or len(spans) > 1:
            candidates = sorted(set(singles) | {d.day for d in weekdays})
            self.error("ambiguous", "multiple_dates", "several different dates", *everything)
            return None, None, candidates
        if not singles and weekdays and spans:  # 下周的周三, 月底周五: the weekday inside the range
            first, last = spans[0]
            first = max(first, self.today)
            inside = [first + timedelta(days=i) for i in range((last - first).days + 1)]
            inside = [d for d in inside if d.weekday() == weekdays[0].bare_weekday]
            if inside:
                return inside[0], None, []
            self.error("ambiguous", "weekday_outside_range", "weekday not in the range", *everything)
            return None, None, [weekdays[0].day]
        if not singles and weekdays:
            return weekdays[0].day, None, []
        if not singles:
            return None, spans[0], []
        day = singles[0]
        for weekday in weekdays:
            if day.weekday() != weekday.bare_weekday:
                self.error("ambiguous", "weekday_mismatch", f"{day} is not weekday {weekday.bare_weekday}",
                           *everything)
                return None, None, [day, weekday.day]
        if spans and not spans[0][0] <= day <= spans[0][1]:
            self.error("ambiguous", "date_outside_range", f"{day} not in {spans[0]}", *everything)
            return None, None, [day]
        return day, None, []

    def check_past(self, day: Optional[date], span: Optional[Tuple[date, date]]):
        asked = self.time is not None or self.half_day is not None
        reason = "time_passed" if self.time is not None else "half_day_passed"
        dated = self.of("rel_day", "after", "few_days", "weekday", "week", "month_part", "ymd")
        if day is not None:
            if day < self.today:
                self.error("past_date", "date_passed", f"{day} is before {self.today}", *dated)
            elif day == self.today and asked and not self.still_ahead():
                self.error("past_date", reason, "today's requested time is over", *dated)
        if span is not None:
            first, last = max(span[0], self.today), span[1]
            if first == self.today and asked and not self.still_ahead():
                first += timedelta(days=1)
            if last < self.today or first > last:
                self.error("past_date", "range_passed", f"{span} is over", *dated)
                return span
            return first, last
        return span

    def run(self, original: str) -> WhenResult:
        for mention in self.of("unsupported"):
            self.error("unsupported", mention.value["reason"], self.text[mention.start:mention.end], mention)
        self.resolve_half_day_and_time()
        day, span, candidates = self.resolve_dates()
        span = self.check_past(day, span)
        errors = sorted(self.errors, key=lambda e: _PRECEDENCE.index(e.code))
        spans = [(m.start, m.end) for m in self.mentions]
        return WhenResult(
            text=_matched_text(original, spans), date=day, date_range=span,
            half_day=self.half_day, time=self.time,  # type: ignore[arg-type]
            earliest=bool(self.of("earliest")), spans=spans, error=errors[0] if errors else None,
            errors=errors, candidates=candidates, calendar_known=self.known,
        )


def _to_clock(hour: int, minute: int, qualifier: Optional[str]) -> Tuple[Optional[time], Optional[Tuple[str, str]]]:
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


def _matched_text(original: str, spans: List[Tuple[int, int]]) -> str:
    """The matched words; neighbours separated only by spaces or "的" are kept together."""
    pieces: List[str] = []
    previous_end: Optional[int] = None
    for start, end in spans:
        if previous_end is not None:
            gap = original[previous_end:start]
            pieces.append(gap if len(gap) <= 2 and _JOINABLE_GAP.fullmatch(gap) else " ")
        pieces.append(original[start:end])
        previous_end = end
    return "".join(pieces)
