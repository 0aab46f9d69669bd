"""The semantic half of `hospital_core.dates`: resolves scanned mentions against the message time.

The rules are documented in `hospital_core.dates`; this module applies them. Problems are collected
as (code, reason, detail, span) and turned into `WhenError`s by `hospital_core.dates`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import List, NamedTuple, Optional, Tuple

from hospital_core.dates_calendar import (
    HALF_DAY_BOUNDS, add_months, days_in_month, half_day_end, half_day_of, month_part,
    resolve_day_of_month, resolve_month_day, to_clock, valid_date, week_start,
)
from hospital_core.dates_patterns import Mention, scan

PRECEDENCE = ("unsupported", "impossible_date", "impossible_time", "ambiguous", "past_date")
_CONNECTOR = re.compile(r"\s*(?:到|至|~|-|—|〜)\s*")
_QUALIFIER_GAP = re.compile(r"[\s,，的]*")
_LIST_GAP = re.compile(r"[\s,，、和或者还是到至~\-—〜也]{0,4}")
_JOINABLE_GAP = re.compile(r"[\s,，、的到至~\-—〜或者还是]*")
# Which clock half-days a half-day word allows (下午7点 is 夜诊; 中午1点 is 下午).
_COMPATIBLE = {"上午": {"上午"}, "下午": {"下午", "夜诊"}, "夜诊": {"下午", "夜诊"},
               "noon": {"上午", "下午", None}, "small_hours": {None}}
_DATED_KINDS = ("rel_day", "after", "few_days", "weekday", "week", "month_part", "ymd")


class Problem(NamedTuple):
    code: str
    reason: str
    detail: str
    span: Optional[Tuple[int, int]]


@dataclass
class Resolution:
    """Raw outcome of resolving one message (turned into a WhenResult by hospital_core.dates)."""

    text: str = ""
    date: Optional[date] = None
    date_range: Optional[Tuple[date, date]] = None
    half_day: Optional[str] = None
    time: Optional[time] = None
    earliest: bool = False
    spans: List[Tuple[int, int]] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    candidates: List[date] = field(default_factory=list)
    calendar_known: bool = True


@dataclass
class _Dated:
    """One date mention, resolved."""

    mention: Mention
    day: Optional[date] = None
    span: Optional[Tuple[date, date]] = None
    bare_weekday: Optional[int] = None


class Resolver:
    """Resolves the mentions of one normalised message as of `now` (Asia/Shanghai)."""

    def __init__(self, text: str, now: datetime):
        self.text, self.now, self.today = text, now, now.date()
        self.mentions = scan(text)
        self.errors: List[Problem] = []
        self.half_day: Optional[str] = None
        self.time: Optional[time] = None
        self.known = True

    def error(self, code: str, reason: str, detail: str, *mentions: Mention) -> None:
        span = (min(m.start for m in mentions), max(m.end for m in mentions)) if mentions else None
        self.errors.append(Problem(code, reason, detail, span))

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
            self.time, problem = to_clock(moment.value["hour"], moment.value["minute"], value)
            used = [moment] + ([qualifier[1]] if qualifier else [])
            if problem:
                self.error(problem[0], problem[1], f"hour {moment.value['hour']} with {value}", *used)
                if problem[0] == "impossible_time":
                    self.time = None
                return
            self.half_day = half_day_of(self.time)
            clashing = [word for value, word in words if self.half_day not in _COMPATIBLE[value]]
            if clashing:  # 上午来，下午3点: neither is kept
                self.error("ambiguous", "half_day_conflict", f"{self.half_day} vs other half-days", moment, *clashing)
                self.half_day, self.time = None, None
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
            resolved = resolve_month_day(today, month, day)
        else:
            resolved = resolve_day_of_month(today, day)
        if resolved is None:
            self.error("impossible_date", "no_such_date", f"month {month} day {day}", mention)
            return None
        return _Dated(mention, day=resolved)

    def _inherit_weeks(self) -> None:
        """"下周二或者周三", "下周一到周三": a bare weekday listed right after a week-qualified one shares its week."""
        weekdays = self.of("weekday")
        for before, after in zip(weekdays, weekdays[1:]):
            offset = before.value["week_offset"]
            if offset is not None and after.value["week_offset"] is None and _LIST_GAP.fullmatch(
                    self.text, before.end, after.start):
                after.value.update(week_offset=offset, inherited=True)

    def resolve_dates(self) -> Tuple[Optional[date], Optional[Tuple[date, date]], List[date]]:
        self._inherit_weeks()
        dated = [d for d in map(self.resolve_mention, self.of(*_DATED_KINDS)) if d]
        if any(e.code == "impossible_date" or e.reason in ("lunar", "festival") for e in self.errors) or not dated:
            return None, None, []
        if len(dated) == 2 and dated[0].day and dated[1].day and _CONNECTOR.fullmatch(
                self.text, dated[0].mention.end, dated[1].mention.start):
            first, last = dated[0].day, dated[1].day
            if last < first and (dated[1].bare_weekday is not None or dated[1].mention.value.get("inherited")):
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
                return None, None, sorted({day, weekday.day})
        if spans and not spans[0][0] <= day <= spans[0][1]:
            self.error("ambiguous", "date_outside_range", f"{day} not in {spans[0]}", *everything)
            return None, None, [day]
        return day, None, []

    def check_past(self, day: Optional[date], span: Optional[Tuple[date, date]]):
        asked = self.time is not None or self.half_day is not None
        reason = "time_passed" if self.time is not None else "half_day_passed"
        dated = self.of(*_DATED_KINDS)
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

    def run(self, original: str) -> Resolution:
        for mention in self.of("unsupported"):
            self.error("unsupported", mention.value["reason"], self.text[mention.start:mention.end], mention)
        self.resolve_half_day_and_time()
        day, span, candidates = self.resolve_dates()
        span = self.check_past(day, span)
        spans = [(m.start, m.end) for m in self.mentions]
        return Resolution(
            text=matched_text(original, spans), date=day, date_range=span, half_day=self.half_day,
            time=self.time, earliest=bool(self.of("earliest")), spans=spans,
            problems=sorted(self.errors, key=lambda e: PRECEDENCE.index(e.code)), candidates=candidates,
            calendar_known=self.known,
        )


def matched_text(original: str, spans: List[Tuple[int, int]]) -> str:
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
