"""hospital_core.dates: dates, half-days and times typed by patients, resolved from a fixed message time.

Expected dates are worked out by hand from a calendar (2026-11-23 is a Monday), not by the code.
"""
from __future__ import annotations

import signal
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone

import pytest

from hospital_core.dates import (
    SHANGHAI, WhenResult, format_date_cn, format_when_cn, half_day_of, is_public_holiday, now_from_timestamp,
    parse_when, weekday_cn,
)

NOW = datetime(2026, 11, 23, 9, 15, tzinfo=SHANGHAI)            # Monday morning
YEAR_END = datetime(2026, 12, 30, 10, 0, tzinfo=SHANGHAI)       # Wednesday, two days before New Year
FEB_END = datetime(2027, 2, 27, 10, 0, tzinfo=SHANGHAI)         # Saturday, 2027 is not a leap year
SUNDAY_EVENING = datetime(2026, 11, 29, 20, 30, tzinfo=SHANGHAI)
MONDAY_EVENING = datetime(2026, 11, 23, 19, 0, tzinfo=SHANGHAI)
D = date


def when(text: str, now: datetime = NOW) -> WhenResult:
    return parse_when(text, now=now)


def assert_ok(result: WhenResult) -> None:
    assert result.error is None, result.error
    assert result.errors == []


# --- relative days --------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected, half_day", [
    ("今天", D(2026, 11, 23), None),
    ("今日", D(2026, 11, 23), None),
    ("明天", D(2026, 11, 24), None),
    ("明日", D(2026, 11, 24), None),
    ("后天", D(2026, 11, 25), None),
    ("大后天", D(2026, 11, 26), None),
    ("今早", D(2026, 11, 23), "上午"),
    ("今晚", D(2026, 11, 23), "夜诊"),
    ("明早", D(2026, 11, 24), "上午"),
    ("明晚", D(2026, 11, 24), "夜诊"),
    ("明天一早", D(2026, 11, 24), "上午"),
    ("3天后", D(2026, 11, 26), None),
    ("三天以后", D(2026, 11, 26), None),
    ("5天之后", D(2026, 11, 28), None),
    ("两周后", D(2026, 12, 7), None),
    ("一个月后", D(2026, 12, 23), None),
    ("过三天", D(2026, 11, 26), None),
])
def test_relative_days(text, expected, half_day):
    result = when(text)
    assert_ok(result)
    assert (result.date, result.date_range, result.half_day) == (expected, None, half_day)
    assert result.text == text
    assert result.spans and result.spans[0][0] == 0 and result.spans[-1][1] == len(text)


@pytest.mark.parametrize("text", ["昨天", "前天", "昨晚"])
def test_yesterday_is_a_past_date_that_is_still_reported(text):
    result = when(text)
    assert result.error.code == "past_date"
    assert result.error.reason == "date_passed"
    assert result.date is not None and result.date < NOW.date()


@pytest.mark.parametrize("text, first, last", [
    ("过两天", D(2026, 11, 25), D(2026, 11, 27)),
    ("过几天", D(2026, 11, 25), D(2026, 11, 27)),
    ("这几天", D(2026, 11, 23), D(2026, 11, 26)),
    ("3天内", D(2026, 11, 23), D(2026, 11, 26)),
    ("两三天后", D(2026, 11, 25), D(2026, 11, 26)),   # not 23 days
    ("过两三天", D(2026, 11, 25), D(2026, 11, 26)),
    ("三五天以后", D(2026, 11, 26), D(2026, 11, 28)),
    ("两三周后", D(2026, 12, 7), D(2026, 12, 14)),
])
def test_vague_days_are_ranges(text, first, last):
    result = when(text)
    assert_ok(result)
    assert result.date is None
    assert result.date_range == (first, last)


# --- weekdays -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("周三", D(2026, 11, 25)),
    ("星期三", D(2026, 11, 25)),
    ("礼拜三", D(2026, 11, 25)),
    ("周日", D(2026, 11, 29)),
    ("星期天", D(2026, 11, 29)),
    ("礼拜天", D(2026, 11, 29)),
    ("星期日", D(2026, 11, 29)),
    ("这周五", D(2026, 11, 27)),
    ("本周五", D(2026, 11, 27)),
    ("这个星期五", D(2026, 11, 27)),
    ("下周三", D(2026, 12, 2)),
    ("下个礼拜三", D(2026, 12, 2)),
    ("下星期三", D(2026, 12, 2)),
    ("下下周一", D(2026, 12, 7)),
    ("下周日", D(2026, 12, 6)),
    ("周一", D(2026, 11, 23)),            # today, the day is still ahead
    ("周一下午", D(2026, 11, 23)),
])
def test_weekdays_on_monday_morning(text, expected):
    result = when(text)
    assert_ok(result)
    assert result.date == expected


@pytest.mark.parametrize("text, expected", [
    ("周一", D(2026, 11, 30)),      # daytime is over: next Monday
    ("周一上午", D(2026, 11, 30)),
    ("周一晚上", D(2026, 11, 23)),  # the evening clinic is still ahead
    ("周二", D(2026, 11, 24)),
])
def test_bare_weekday_equal_to_today_depends_on_the_half_day(text, expected):
    result = when(text, MONDAY_EVENING)
    assert_ok(result)
    assert result.date == expected


def test_bare_weekday_today_with_a_time_already_past_means_next_week():
    assert when("周一上午9点").date == D(2026, 11, 30)   # 09:00 < 09:15
    assert when("周一上午10点").date == D(2026, 11, 23)


@pytest.mark.parametrize("text, expected", [
    ("上周五", D(2026, 11, 20)),
    ("上个星期三", D(2026, 11, 18)),
])
def test_last_week_is_past(text, expected):
    result = when(text)
    assert result.error.code == "past_date"
    assert result.date == expected


def test_this_weeks_day_already_gone_is_past():
    result = when("这周一", datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    assert result.error.code == "past_date"
    assert result.date == D(2026, 11, 23)


@pytest.mark.parametrize("text, expected, code", [
    ("周日", D(2026, 12, 6), None),          # Sunday 20:30: daytime over, next Sunday
    ("这周日", D(2026, 11, 29), None),
    ("这周日晚上", D(2026, 11, 29), None),
    ("这周日上午", D(2026, 11, 29), "past_date"),
    ("今天下午", D(2026, 11, 29), "past_date"),
    ("下周一", D(2026, 11, 30), None),
    ("周一", D(2026, 11, 30), None),
    ("明天", D(2026, 11, 30), None),
    ("这周一", D(2026, 11, 23), "past_date"),
])
def test_sunday_evening(text, expected, code):
    result = when(text, SUNDAY_EVENING)
    assert result.date == expected
    assert (result.error.code if result.error else None) == code


def test_weekend_on_sunday_evening_means_next_weekend_unless_this_weekend_is_said():
    assert when("周末", SUNDAY_EVENING).date_range == (D(2026, 12, 5), D(2026, 12, 6))
    assert when("这周末", SUNDAY_EVENING).date_range == (D(2026, 11, 29), D(2026, 11, 29))
    assert when("周末", datetime(2026, 11, 29, 10, 0, tzinfo=SHANGHAI)).date_range == (
        D(2026, 11, 29), D(2026, 11, 29))


# --- absolute dates -------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("3月5号", D(2027, 3, 5)),
    ("3月5日", D(2027, 3, 5)),
    ("三月五日", D(2027, 3, 5)),
    ("三月五号", D(2027, 3, 5)),
    ("3.5", D(2027, 3, 5)),
    ("3-5", D(2027, 3, 5)),
    ("3/5", D(2027, 3, 5)),
    ("2027年3月5日", D(2027, 3, 5)),
    ("2027-03-05", D(2027, 3, 5)),
    ("2027/3/5", D(2027, 3, 5)),
    ("二〇二七年三月五日", D(2027, 3, 5)),
    ("明年3月5号", D(2027, 3, 5)),
    ("十二月一号", D(2026, 12, 1)),
    ("11月25日", D(2026, 11, 25)),
    ("十一月二十五号", D(2026, 11, 25)),
    ("11月23号", D(2026, 11, 23)),      # today
    ("11月10号", D(2027, 11, 10)),      # passed 13 days ago: next year
    ("5号", D(2026, 12, 5)),            # the 5th already passed this month: next month
    ("五号", D(2026, 12, 5)),
    ("15号", D(2026, 12, 15)),
    ("十五号", D(2026, 12, 15)),
    ("23号", D(2026, 11, 23)),
    ("25日", D(2026, 11, 25)),
    ("30号", D(2026, 11, 30)),
    ("下个月5号", D(2026, 12, 5)),
    ("下月十号", D(2026, 12, 10)),
    ("3.5号", D(2027, 3, 5)),
    ("3.5日", D(2027, 3, 5)),
    ("12.1", D(2026, 12, 1)),
])
def test_absolute_dates(text, expected):
    result = when(text)
    assert_ok(result)
    assert result.date == expected
    assert result.spans == [(0, len(text))]


@pytest.mark.parametrize("text, expected", [
    ("11月20号", D(2026, 11, 20)),      # 3 days ago: within the 7-day grace, so past_date
    ("11月16号", D(2026, 11, 16)),      # exactly 7 days ago
    ("2026年3月5日", D(2026, 3, 5)),
    ("2026-03-05", D(2026, 3, 5)),
    ("这个月5号", D(2026, 11, 5)),
])
def test_recently_passed_dates_are_past(text, expected):
    result = when(text)
    assert result.error.code == "past_date"
    assert result.date == expected


@pytest.mark.parametrize("text, expected", [("我3天前来过", D(2026, 11, 20)), ("三个月前", D(2026, 8, 23))])
def test_durations_ago_are_past(text, expected):
    result = when(text)
    assert (result.error.code, result.date) == ("past_date", expected)


def test_eight_days_ago_rolls_to_next_year():
    assert when("11月15号").date == D(2027, 11, 15)


# --- fuzzy ranges ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text, first, last", [
    ("月底", D(2026, 11, 26), D(2026, 11, 30)),        # last 3 working days: Thu 26, Fri 27, Mon 30
    ("这个月底", D(2026, 11, 26), D(2026, 11, 30)),
    ("本月底", D(2026, 11, 26), D(2026, 11, 30)),
    ("月末", D(2026, 11, 26), D(2026, 11, 30)),
    ("下个月初", D(2026, 12, 1), D(2026, 12, 3)),
    ("下月初", D(2026, 12, 1), D(2026, 12, 3)),
    ("月中", D(2026, 12, 11), D(2026, 12, 20)),        # this month's middle is over: next month's
    ("下个月中旬", D(2026, 12, 11), D(2026, 12, 20)),
    ("12月初", D(2026, 12, 1), D(2026, 12, 3)),
    ("12月下旬", D(2026, 12, 21), D(2026, 12, 31)),
    ("下个月", D(2026, 12, 1), D(2026, 12, 31)),
    ("这个月", D(2026, 11, 23), D(2026, 11, 30)),       # clipped to start today
    ("3月份", D(2027, 3, 1), D(2027, 3, 31)),
    ("这周末", D(2026, 11, 28), D(2026, 11, 29)),
    ("周末", D(2026, 11, 28), D(2026, 11, 29)),
    ("下周末", D(2026, 12, 5), D(2026, 12, 6)),
    ("下周", D(2026, 11, 30), D(2026, 12, 6)),
    ("下个星期", D(2026, 11, 30), D(2026, 12, 6)),
    ("这周", D(2026, 11, 23), D(2026, 11, 29)),
    ("下下周", D(2026, 12, 7), D(2026, 12, 13)),
    ("中旬", D(2026, 12, 11), D(2026, 12, 20)),
    ("下旬", D(2026, 11, 23), D(2026, 11, 30)),       # Nov 21–30, clipped to today
    ("周六日", D(2026, 11, 28), D(2026, 11, 29)),
    ("星期六和星期天", D(2026, 11, 28), D(2026, 11, 29)),
])
def test_fuzzy_ranges(text, first, last):
    result = when(text)
    assert_ok(result)
    assert result.date is None
    assert result.date_range == (first, last)
    assert result.calendar_known


def test_month_start_counts_working_days_around_national_day():
    # 2026-10-01…07 are holidays, Oct 8, 9 and the make-up Saturday Oct 10 are the first working days
    result = when("下个月初", datetime(2026, 9, 20, 10, 0, tzinfo=SHANGHAI))
    assert result.date_range == (D(2026, 10, 1), D(2026, 10, 10))
    assert result.calendar_known


def test_past_range_is_reported():
    result = when("上个月")
    assert result.error.code == "past_date"
    assert result.error.reason == "range_passed"
    assert result.date_range == (D(2026, 10, 1), D(2026, 10, 31))


@pytest.mark.parametrize("text", ["最近", "最近有号吗", "尽快", "越快越好", "越早越好", "最早的号", "帮我约个最快的"])
def test_earliest_marker(text):
    result = when(text)
    assert_ok(result)
    assert result.earliest
    assert result.date is None and result.date_range is None


def test_earliest_can_come_with_a_range():
    result = when("下周越早越好")
    assert result.earliest and result.date_range == (D(2026, 11, 30), D(2026, 12, 6))


# --- half-days and times --------------------------------------------------------------------------
@pytest.mark.parametrize("text, half_day, clock", [
    ("上午", "上午", None),
    ("早上", "上午", None),
    ("早晨", "上午", None),
    ("下午", "下午", None),
    ("午后", "下午", None),
    ("晚上", "夜诊", None),
    ("夜诊", "夜诊", None),
    ("夜间", "夜诊", None),
    ("上午8点半", "上午", time(8, 30)),
    ("8:30", "上午", time(8, 30)),
    ("八点半", "上午", time(8, 30)),
    ("九点", "上午", time(9, 0)),
    ("十点一刻", "上午", time(10, 15)),
    ("九点四十五分", "上午", time(9, 45)),
    ("下午3点", "下午", time(15, 0)),
    ("15:00", "下午", time(15, 0)),
    ("三点", "下午", time(15, 0)),       # 1–5 without qualifier: afternoon
    ("两点半", "下午", time(14, 30)),
    ("11点", "上午", time(11, 0)),       # 7–11 without qualifier: morning
    ("下午两点十分", "下午", time(14, 10)),
    ("晚上7点", "夜诊", time(19, 0)),
    ("下午6点半", "夜诊", time(18, 30)),  # the clock decides the half-day
    ("早上6点", "上午", time(6, 0)),
    ("中午1点", "下午", time(13, 0)),
    ("上午8.30", "上午", time(8, 30)),
    ("9am", "上午", time(9, 0)),
    ("3pm", "下午", time(15, 0)),
    ("3点多", "下午", time(15, 0)),
    ("晚八点", "夜诊", time(20, 0)),
    ("早八点", "上午", time(8, 0)),
    ("下午一点", "下午", time(13, 0)),
])
def test_half_days_and_times(text, half_day, clock):
    result = when(text)
    assert_ok(result)
    assert (result.half_day, result.time) == (half_day, clock)
    assert result.date is None and result.date_range is None


# --- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, code, reason", [
    ("2月30号", "impossible_date", "no_such_date"),
    ("4月31日", "impossible_date", "no_such_date"),
    ("13月1日", "impossible_date", "no_such_date"),
    ("2026年2月29日", "impossible_date", "no_such_date"),
    ("0月5号", "impossible_date", "no_such_date"),
    ("3月32号", "impossible_date", "no_such_date"),
    ("31号", "impossible_date", "no_such_date"),        # November has 30 days
    ("13月份", "impossible_date", "no_such_month"),
    ("上午13点", "impossible_time", "half_day_conflict"),
    ("下午25点", "impossible_time", "no_such_time"),
    ("0点", "impossible_time", "no_such_time"),
    ("24:00", "impossible_time", "no_such_time"),
    ("8:75", "impossible_time", "no_such_time"),
    ("中午", "ambiguous", "noon"),
    ("12点半", "ambiguous", "noon"),
    ("6点", "ambiguous", "hour_6"),
    ("上午或者下午", "ambiguous", "multiple_half_days"),
    ("明天上午还是下午好", "ambiguous", "multiple_half_days"),   # 下午好 here is not a greeting
    ("上午来，下午3点", "ambiguous", "half_day_conflict"),
    ("周三或者周四", "ambiguous", "multiple_dates"),
    ("明天还是后天", "ambiguous", "multiple_dates"),
    ("3月6号周四", "ambiguous", "weekday_mismatch"),   # 2027-03-06 is a Saturday
    ("凌晨3点", "unsupported", "outside_clinic_hours"),
    ("半夜", "unsupported", "outside_clinic_hours"),
    ("三月初五", "unsupported", "lunar"),
    ("正月十五", "unsupported", "lunar"),
    ("农历十月初八", "unsupported", "lunar"),
    ("国庆节后", "unsupported", "festival"),
    ("春节前", "unsupported", "festival"),
])
def test_errors(text, code, reason):
    result = when(text)
    assert result.error is not None
    assert (result.error.code, result.error.reason) == (code, reason)
    assert result.error.span is not None
    start, end = result.error.span
    assert 0 <= start < end <= len(text)


@pytest.mark.parametrize("text", ["2月30号", "三月初五", "周三或者周四", "3月6号周四"])
def test_no_date_is_given_when_the_date_is_wrong(text):
    result = when(text)
    assert result.date is None and result.date_range is None


def test_impossible_times_leave_no_time():
    for text in ("上午13点", "下午25点", "0点"):
        assert when(text).time is None


def test_ambiguous_dates_offer_candidates():
    assert when("周三或者周四").candidates == [D(2026, 11, 25), D(2026, 11, 26)]
    listed = when("下周二或者周三都行")           # the bare weekday shares the week it is listed with
    assert (listed.error.code, listed.error.reason) == ("ambiguous", "multiple_dates")
    assert listed.candidates == [D(2026, 12, 1), D(2026, 12, 2)]
    assert when("3月6号周四").candidates == [D(2026, 11, 26), D(2027, 3, 6)]


def test_feb_29_exists_in_a_leap_year():
    result = when("2月29号", datetime(2027, 3, 10, 9, 0, tzinfo=SHANGHAI))
    assert_ok(result)
    assert result.date == D(2028, 2, 29)


@pytest.mark.parametrize("text, now, reason", [
    ("今天上午9点", NOW, "time_passed"),
    ("今天上午", datetime(2026, 11, 23, 13, 0, tzinfo=SHANGHAI), "half_day_passed"),
    ("今晚", datetime(2026, 11, 23, 23, 30, tzinfo=SHANGHAI), "half_day_passed"),
])
def test_today_with_a_passed_half_day_or_time(text, now, reason):
    result = when(text, now)
    assert (result.error.code, result.error.reason) == ("past_date", reason)
    assert result.date == now.date()


def test_today_while_the_half_day_is_still_on_is_fine():
    result = when("今天上午")
    assert_ok(result)
    assert (result.date, result.half_day) == (D(2026, 11, 23), "上午")


def test_range_starting_today_skips_today_when_its_half_day_is_over():
    result = when("这周下午", MONDAY_EVENING)
    assert_ok(result)
    assert result.date_range == (D(2026, 11, 24), D(2026, 11, 29))


# --- combinations, spans, sentences ---------------------------------------------------------------
def test_booking_sentence_with_department_and_doctor():
    text = "帮我挂下周三上午骨科张医生的号"
    result = when(text)
    assert_ok(result)
    assert (result.date, result.half_day, result.time) == (D(2026, 12, 2), "上午", None)
    assert [text[s:e] for s, e in result.spans] == ["下周三", "上午"]
    assert result.text == "下周三上午"
    assert f"{format_date_cn(result.date)}{result.half_day}" == "12月2日（周三）上午"


@pytest.mark.parametrize("text, expected_date, half_day, clock, pieces", [
    ("明天下午三点", D(2026, 11, 24), "下午", time(15, 0), ["明天", "下午", "三点"]),
    ("3月5号上午", D(2027, 3, 5), "上午", None, ["3月5号", "上午"]),
    ("我想约后天早上8点半的号", D(2026, 11, 25), "上午", time(8, 30), ["后天", "早上", "8点半"]),
    ("医生你好，请问周五下午还有号吗？", D(2026, 11, 27), "下午", None, ["周五", "下午"]),
    ("给我妈妈挂12月3号上午的心内科", D(2026, 12, 3), "上午", None, ["12月3号", "上午"]),
    ("能不能约大后天晚上7点", D(2026, 11, 26), "夜诊", time(19, 0), ["大后天", "晚上", "7点"]),
    ("3月5号（周五）上午", D(2027, 3, 5), "上午", None, ["3月5号", "周五", "上午"]),
    ("明天周二", D(2026, 11, 24), None, None, ["明天", "周二"]),
    ("下周的周三", D(2026, 12, 2), None, None, ["下周", "周三"]),
    ("月底周五", D(2026, 11, 27), None, None, ["月底", "周五"]),
    ("2026-12-01 14:30", D(2026, 12, 1), "下午", time(14, 30), ["2026-12-01", "14:30"]),
    ("礼拜一早上", D(2026, 11, 23), "上午", None, ["礼拜一", "早上"]),
    ("明晚上7点", D(2026, 11, 24), "夜诊", time(19, 0), ["明晚上", "7点"]),
    ("明天8.30", D(2026, 11, 24), "上午", time(8, 30), ["明天", "8.30"]),        # a time, not 8月30日
    ("12.1周二", D(2026, 12, 1), None, None, ["12.1", "周二"]),
    ("改到3.5上午吧", D(2027, 3, 5), "上午", None, ["3.5", "上午"]),
    ("约3.5", D(2027, 3, 5), None, None, ["3.5"]),
    ("明天一点", D(2026, 11, 24), "下午", time(13, 0), ["明天", "一点"]),
    ("12月1号8.30", D(2026, 12, 1), "上午", time(8, 30), ["12月1号", "8.30"]),
    ("周三8.30", D(2026, 11, 25), "上午", time(8, 30), ["周三", "8.30"]),
    ("3月5日9点", D(2027, 3, 5), "上午", time(9, 0), ["3月5日", "9点"]),
    ("下个月5号9点", D(2026, 12, 5), "上午", time(9, 0), ["下个月5号", "9点"]),
    ("明天上午9-10点", D(2026, 11, 24), "上午", time(9, 0), ["明天", "上午", "9-10点"]),
    ("早上好，我想约明天下午", D(2026, 11, 24), "下午", None, ["明天", "下午"]),
])
def test_combinations_in_one_sentence(text, expected_date, half_day, clock, pieces):
    result = when(text)
    assert_ok(result)
    assert (result.date, result.half_day, result.time) == (expected_date, half_day, clock)
    assert [text[s:e] for s, e in result.spans] == pieces


@pytest.mark.parametrize("text, first, last", [
    ("周一到周三", D(2026, 11, 23), D(2026, 11, 25)),
    ("下周一到周三", D(2026, 11, 30), D(2026, 12, 2)),   # the bare weekday follows the first date
    ("12月1号至12月3号", D(2026, 12, 1), D(2026, 12, 3)),
    ("下周五到周一", D(2026, 12, 4), D(2026, 12, 7)),
    ("3号到5号", D(2026, 12, 3), D(2026, 12, 5)),
])
def test_explicit_ranges(text, first, last):
    result = when(text)
    assert_ok(result)
    assert result.date_range == (first, last)
    assert result.text == text


def test_far_apart_pieces_are_joined_with_a_space():
    text = "明天我要上班，如果可以的话下午"
    result = when(text)
    assert result.text == "明天 下午"
    assert (result.date, result.half_day) == (D(2026, 11, 24), "下午")


@pytest.mark.parametrize("text, expected_date, half_day, clock", [
    ("明天下午３點", D(2026, 11, 24), "下午", time(15, 0)),
    ("下週三上午", D(2026, 12, 2), "上午", None),
    ("禮拜天", D(2026, 11, 29), None, None),
    ("後天晚上", D(2026, 11, 25), "夜诊", None),
    ("３月５號", D(2027, 3, 5), None, None),
    ("１５：００", None, "下午", time(15, 0)),
])
def test_traditional_and_fullwidth_input(text, expected_date, half_day, clock):
    result = when(text)
    assert_ok(result)
    assert (result.date, result.half_day, result.time) == (expected_date, half_day, clock)
    assert result.text == text[result.spans[0][0]:result.spans[-1][1]]  # echoed as typed


@pytest.mark.parametrize("text", [
    "", "   ", "我想挂个号", "你好", "骨科在几楼？", "挂号费多少钱", "😀😀😀", "请问5号楼怎么走",
    "3号窗口在哪", "体温38.5度", "一日三次，每次1/2片", "这周围有停车场吗", "每周三有门诊吗",
    "快一点好不好", "早上好", "医生下午好！", "您好，晚上好", "最近一直头疼", "有两点要问", "血压140/90", "咳嗽3-5天了",
    "血糖8.5正常吗", "糖化6.5偏高吗", "到医院最近的地铁站", "一点都不负责", "吃了1.5片",
    "'; DROP TABLE appointments; --", "<script>alert(1)</script>", "hello world", "I am ill",
])
def test_sentences_without_a_date(text):
    result = when(text)
    assert result == WhenResult()
    assert not result.found


def test_emoji_do_not_shift_offsets():
    text = "😀😀明天👍下午🙏"
    result = when(text)
    assert_ok(result)
    assert [text[s:e] for s, e in result.spans] == ["明天", "下午"]
    assert result.text == "明天👍下午" or result.text == "明天 下午"


def test_zero_width_characters_are_harmless():
    result = when("明\u200b天下午")
    assert result.half_day == "下午"


@contextmanager
def watchdog(seconds: int):
    """Fails (instead of hanging CI) if a regex ever backtracks catastrophically."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum, frame):
        raise TimeoutError(f"parse_when took more than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("filler", ["我想挂个号，", "3", "三", "1.2.", "周", "😀", "下", "号", " "])
def test_long_input_is_handled_and_the_date_found(filler):
    suffix = "，明天下午三点"
    text = (filler * 5000)[:5000 - len(suffix)] + suffix
    with watchdog(10):
        result = when(text)
    assert len(text) == 5000
    assert result.date == D(2026, 11, 24)
    assert result.half_day == "下午" and result.time == time(15, 0)
    assert text[result.spans[-1][0]:result.spans[-1][1]] == "三点"


# --- helpers --------------------------------------------------------------------------------------
@pytest.mark.parametrize("day, expected", [
    (D(2026, 11, 25), "11月25日（周三）"),
    (D(2026, 11, 29), "11月29日（周日）"),
    (D(2027, 3, 5), "3月5日（周五）"),
])
def test_format_date_cn(day, expected):
    assert format_date_cn(day) == expected


def test_format_date_cn_with_year_and_weekday_cn():
    assert format_date_cn(D(2027, 1, 4), with_year=True) == "2027年1月4日（周一）"
    assert [weekday_cn(D(2026, 11, 23) + timedelta(days=i)) for i in range(7)] == [
        "周一", "周二", "周三", "周四", "周五", "周六", "周日"]


@pytest.mark.parametrize("text, expected", [
    ("帮我挂下周三上午骨科张医生的号", "12月2日（周三）上午"),
    ("明天下午三点", "11月24日（周二）下午 15:00"),
    ("月底", "11月26日（周四）至11月30日（周一）"),
    ("下午3点", "下午 15:00"),
    ("我想挂个号", ""),
    ("2月30号", ""),
])
def test_format_when_cn(text, expected):
    assert format_when_cn(when(text)) == expected


def test_format_when_cn_single_day_range():
    assert format_when_cn(when("这周末", SUNDAY_EVENING)) == "11月29日（周日）"


@pytest.mark.parametrize("clock, expected", [
    (time(6, 0), "上午"), (time(8, 30), "上午"), (time(11, 59), "上午"), (time(12, 0), None),
    (time(12, 59), None), (time(13, 0), "下午"), (time(17, 59), "下午"), (time(18, 0), "夜诊"),
    (time(22, 59), "夜诊"), (time(23, 0), None), (time(3, 0), None), (time(5, 59), None),
])
def test_half_day_of(clock, expected):
    assert half_day_of(clock) == expected


def test_public_holidays():
    national_day = is_public_holiday(D(2026, 10, 1))
    assert national_day and national_day.known
    assert national_day.name == "National Day" and national_day.name_cn == "国庆节"
    assert is_public_holiday(D(2026, 1, 1)).name_cn == "元旦"


def test_makeup_workday_and_ordinary_weekend_are_not_public_holidays():
    makeup = is_public_holiday(D(2026, 10, 10))       # Saturday worked in lieu of National Day
    assert not makeup and makeup.known and makeup.makeup_workday
    weekend = is_public_holiday(D(2026, 11, 28))
    assert not weekend and weekend.known and weekend.name is None
    assert not is_public_holiday(D(2026, 11, 23))


def test_unknown_year_is_flagged_not_raised():
    status = is_public_holiday(D(2040, 10, 1))
    assert not status
    assert status.known is False


def test_working_days_of_an_unknown_year_are_estimated_and_flagged():
    result = when("下个月初", YEAR_END)                 # January 2027: Mon–Fri estimate
    assert result.date_range == (D(2027, 1, 1), D(2027, 1, 5))
    assert result.calendar_known is False


# --- the message time -----------------------------------------------------------------------------
def test_now_in_another_timezone_is_converted_to_shanghai():
    utc_evening = datetime(2026, 11, 23, 17, 0, tzinfo=timezone.utc)   # 01:00 on the 24th in Shanghai
    assert when("今天", utc_evening).date == D(2026, 11, 24)
    assert when("明天", utc_evening).date == D(2026, 11, 25)


def test_naive_now_is_shanghai_time_and_a_date_is_refused():
    assert when("明天", datetime(2026, 11, 23, 23, 59)).date == D(2026, 11, 24)
    with pytest.raises(TypeError):
        parse_when("明天", now=D(2026, 11, 23))  # type: ignore[arg-type]


def test_now_from_timestamp():
    moment = now_from_timestamp(NOW.timestamp())
    assert moment == NOW and moment.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("text, expected", [
    ("下周三", D(2027, 1, 6)),
    ("1月5号", D(2027, 1, 5)),
    ("5号", D(2027, 1, 5)),
    ("30号", D(2026, 12, 30)),
    ("31号", D(2026, 12, 31)),
    ("明天", D(2026, 12, 31)),
    ("这周五", D(2027, 1, 1)),
    ("12月20号", D(2027, 12, 20)),
    ("2027年1月4号", D(2027, 1, 4)),
])
def test_across_the_year_end(text, expected):
    result = when(text, YEAR_END)
    assert_ok(result)
    assert result.date == expected


def test_across_the_year_end_ranges_and_grace():
    assert when("月底", YEAR_END).date_range == (D(2026, 12, 30), D(2026, 12, 31))
    assert when("下周", YEAR_END).date_range == (D(2027, 1, 4), D(2027, 1, 10))
    assert when("周末", YEAR_END).date_range == (D(2027, 1, 2), D(2027, 1, 3))
    assert when("12月25号", YEAR_END).error.code == "past_date"


@pytest.mark.parametrize("text, expected, code", [
    ("2月29号", None, "impossible_date"),
    ("30号", None, "impossible_date"),          # February 2027 has 28 days
    ("28号", D(2027, 2, 28), None),
    ("3月1号", D(2027, 3, 1), None),
    ("后天", D(2027, 3, 1), None),
    ("周一", D(2027, 3, 1), None),
])
def test_end_of_february(text, expected, code):
    result = when(text, FEB_END)
    assert result.date == expected
    assert (result.error.code if result.error else None) == code


def test_end_of_february_ranges():
    month_end = when("月底", FEB_END)
    assert month_end.date_range == (D(2027, 2, 27), D(2027, 2, 28))
    assert month_end.calendar_known is False
    assert when("下个月初", FEB_END).date_range == (D(2027, 3, 1), D(2027, 3, 3))
    assert when("周末", FEB_END).date_range == (D(2027, 2, 27), D(2027, 2, 28))


def test_invariants_over_a_year_of_message_times():
    start = datetime(2026, 1, 1, 10, 0, tzinfo=SHANGHAI)
    for offset in range(0, 366, 5):
        now = start + timedelta(days=offset)
        today = now.date()
        assert when("明天", now).date == today + timedelta(days=1)
        next_wednesday = when("下周三", now).date
        assert next_wednesday.weekday() == 2 and 3 <= (next_wednesday - today).days <= 9
        wednesday = when("周三", now).date
        assert wednesday.weekday() == 2 and 0 <= (wednesday - today).days <= 6
        first, last = when("下个月", now).date_range
        assert first.day == 1 and (last + timedelta(days=1)).day == 1 and first > today
        day15 = when("15号", now).date
        assert day15.day == 15 and 0 <= (day15 - today).days <= 31
