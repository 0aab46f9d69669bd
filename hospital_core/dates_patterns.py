"""The lexical half of `hospital_core.dates`: finds date and time expressions ("mentions") in a message.

`scan(normalized_text)` returns non-overlapping mentions (longest match wins, then leftmost), each with
its offsets and an unresolved value; nothing here knows what day it is. The text must already be
normalised by `hospital_core.text.normalize` (half-width, simplified), which keeps offsets valid.
The vocabulary (words, numerals read by cn2an) lives in `hospital_core.dates_lexicon`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from hospital_core.dates_lexicon import (
    ADJECTIVES_BEFORE_YIDIAN, CN_DIGITS, COUNT, DAY, DOTTED_DATE_AFTER, DOTTED_DATE_BEFORE, FESTIVALS,
    GREETING_BEFORE, HALF_DAY_WORDS, HOUR, LUNAR_DAY, MINUTE, MONTH, MONTH_OFFSET, MONTH_PREFIX,
    NOT_DAY_AFTER_HAO, NOT_DAY_AFTER_RI, NO_NUM_BEFORE, PART, QUANTITY_UNITS, RELATIVE_DAYS, TIME_CONTEXT,
    WEEKDAY_INDEX, WEEK_OFFSET, WEEK_PREFIX, WEEK_WORD, YEAR, YEAR_OFFSET, to_int, vague_count,
)


@dataclass
class Mention:
    """One date/time expression: `kind` says which value fields are meaningful."""

    kind: str  # rel_day, after, few_days, weekday, week, month_part, ymd, half_day, time, earliest, unsupported
    start: int
    end: int
    value: Dict[str, Any] = field(default_factory=dict)

    @property
    def length(self) -> int:
        return self.end - self.start


Builder = Callable[["re.Match[str]", str], Optional[Mention]]
_PATTERNS: List[tuple] = []


def _pattern(regex: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        _PATTERNS.append((re.compile(regex, re.IGNORECASE), builder))
        return builder
    return register


def _m(kind: str, match: "re.Match[str]", **value: Any) -> Mention:
    return Mention(kind, match.start(), match.end(), value)


def _week_offset(prefix: Optional[str]) -> Optional[int]:
    if not prefix:
        return None
    return WEEK_OFFSET[prefix.rstrip("个一")]


def _month_offset(prefix: str) -> int:
    return MONTH_OFFSET[prefix.rstrip("个")]


# --- unsupported: lunar calendar and festivals ----------------------------------------------------
@_pattern(rf"农历|阴历|旧历|(?:[正腊冬]|{MONTH})月(?:初|廿)[一二三四五六七八九十\d]{{1,3}}|[正腊]月{LUNAR_DAY}{{0,2}}")
def _lunar(match, text):
    return _m("unsupported", match, reason="lunar")


@_pattern(FESTIVALS)
def _festival(match, text):
    return _m("unsupported", match, reason="festival")


# --- absolute dates -------------------------------------------------------------------------------
@_pattern(r"(?<![\d.])(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?![\d.])")
def _iso(match, text):
    return _m("ymd", match, year=int(match["y"]), month=int(match["m"]), day=int(match["d"]))


@_pattern(rf"(?:(?<!\d)(?P<y>{YEAR})\s*年|(?P<yrel>今年|明年|后年))\s*(?P<m>{MONTH})\s*月份?\s*"
          rf"(?:(?P<d>{DAY})\s*(?:[日号]|(?![\d{CN_DIGITS}]))|{PART}(?![一二三四五六七八九十]))?")
def _year_month_day(match, text):
    year = to_int(match["y"]) if match["y"] else None
    value = dict(year=year, year_offset=YEAR_OFFSET.get(match["yrel"] or ""), month=to_int(match["m"]))
    if value["year"] is None and value["year_offset"] is None or value["month"] is None:
        return None
    if match["d"]:
        return _m("ymd", match, day=to_int(match["d"]), **value)
    return _m("month_part", match, part=match["part"] or "全", **value)


@_pattern(rf"(?<![\d年]){NO_NUM_BEFORE}(?P<m>{MONTH})\s*月\s*(?P<d>{DAY})\s*(?:[日号]|(?![\d{CN_DIGITS}]))")
def _month_day(match, text):
    return _m("ymd", match, month=to_int(match["m"]), day=to_int(match["d"]))


@_pattern(rf"(?<![\d年]){NO_NUM_BEFORE}(?P<m>{MONTH})\s*月(?:份\s*)?{PART}?(?<=[份初旬中底末])(?![一二三四五六七八九十\d])")
def _month_only(match, text):
    return _m("month_part", match, month=to_int(match["m"]), part=match["part"] or "全")


@_pattern(rf"{MONTH_PREFIX}月份?\s*(?P<d>{DAY})\s*[日号]")
def _relative_month_day(match, text):
    return _m("ymd", match, month_offset=_month_offset(match["mrel"]), day=to_int(match["d"]))


@_pattern(rf"{MONTH_PREFIX}月份?\s*{PART}?(?![一二三四五六七八九十经])")
def _relative_month(match, text):
    return _m("month_part", match, month_offset=_month_offset(match["mrel"]), part=match["part"] or "全")


@_pattern(rf"(?<![个几每岁年\d{CN_DIGITS}])月{PART}(?![一二三四五六七八九十])")
def _bare_month_part(match, text):
    return _m("month_part", match, part=match["part"], bare=True)


@_pattern(r"(?<!月)(?P<part>上旬|中旬|下旬)")
def _bare_ten_days(match, text):
    return _m("month_part", match, part=match["part"], bare=True)


@_pattern(rf"(?<![\d.:/\-A-Za-z])(?P<a>\d{{1,2}})(?P<sep>[./\-])(?P<b>\d{{1,2}})(?P<suf>[号日])?(?![\d.:/\-])"
          rf"(?!\s*{QUANTITY_UNITS})")
def _numeric_month_day(match, text):
    first, second = int(match["a"]), int(match["b"])
    before = text[max(0, match.start() - 8):match.start()].rstrip()
    if match["sep"] == "." and len(match["b"]) == 2 and not match["suf"] and TIME_CONTEXT.search(before):
        return _m("time", match, hour=first, minute=second)  # "上午8.30", "明天8.30" are times
    if not (1 <= first <= 12 and 1 <= second <= 31):
        return None
    if match["sep"] == "." and not (match["suf"] or _dotted_date_context(text, match)):
        return None  # 血糖8.5, 糖化6.5: a measurement, not 8月5日
    return _m("ymd", match, month=first, day=second)


def _dotted_date_context(text: str, match: "re.Match[str]") -> bool:
    """"3.5" is a date when it stands alone, follows a booking verb or precedes a half-day/weekday."""
    before, after = text[:match.start()].rstrip(), text[match.end():].lstrip()
    return (not before.strip(" ,，。.!！?？") and not after.strip(" ,，。.!！?？吧呢啊")
            or DOTTED_DATE_BEFORE.search(before) is not None or DOTTED_DATE_AFTER.match(after) is not None)


@_pattern(rf"(?<![\d月年第每隔前数几{CN_DIGITS}])(?P<d>{DAY})\s*(?P<suf>[号日])")
def _day_only(match, text):
    following = text[match.end():match.end() + 1]
    banned = NOT_DAY_AFTER_HAO if match["suf"] == "号" else NOT_DAY_AFTER_RI
    if following and following in banned:
        return None
    day = to_int(match["d"])
    if day is None or not 1 <= day <= 31:
        return None
    return _m("ymd", match, day=day)


# --- relative days --------------------------------------------------------------------------------
@_pattern("|".join(sorted(RELATIVE_DAYS, key=len, reverse=True)).replace("后天", "后天(?!性)"))
def _relative_day(match, text):
    offset, half_day = RELATIVE_DAYS[match.group(0)]
    return _m("rel_day", match, offset=offset, half_day=half_day)


@_pattern(rf"{NO_NUM_BEFORE}(?P<n>{COUNT})\s*个?\s*(?P<u>天|日|周|星期|礼拜|月)\s*(?:(?P<later>以后|之后|后)|以前|之前|前)")
def _after(match, text):
    unit = {"天": "days", "日": "days", "月": "months"}.get(match["u"], "weeks")
    vague = vague_count(match["n"])
    if vague and match["later"] and unit != "months":  # 两三天后, 三五周后
        days = 7 if unit == "weeks" else 1
        return _m("few_days", match, first=vague[0] * days, last=vague[1] * days)
    count = None if vague else to_int(match["n"])
    if count is None:
        return None
    return _m("after", match, count=count if match["later"] else -count, unit=unit)


@_pattern(rf"过\s*(?P<n>{COUNT}|几|些)\s*(?P<u>天|日)")
def _pass_days(match, text):
    vague = vague_count(match["n"])
    if vague:
        return _m("few_days", match, first=vague[0], last=vague[1])
    count = None if match["n"] in ("几", "些", "两") else to_int(match["n"])
    if count is None:
        return _m("few_days", match, first=2, last=4)
    return _m("after", match, count=count, unit="days")


@_pattern(rf"{NO_NUM_BEFORE}(?P<n>{COUNT})\s*(?:天|日)\s*(?:以内|之内|内)|(?:这|近|最近)(?:几|两|二|三)天")
def _within(match, text):
    vague = vague_count(match["n"]) if match["n"] else None
    count = vague[1] if vague else to_int(match["n"]) if match["n"] else 3
    if count is None:
        return None
    return _m("few_days", match, first=0, last=count)


# --- weeks and weekdays ---------------------------------------------------------------------------
@_pattern(rf"(?<![每几隔]){WEEK_PREFIX}?\s?{WEEK_WORD}(?P<wd>[一二三四五六日天1-7])(?![次遍回趟个])")
def _weekday(match, text):
    return _m("weekday", match, week_offset=_week_offset(match["pfx"]), weekday=WEEKDAY_INDEX[match["wd"]])


@_pattern(rf"(?<![每几隔]){WEEK_PREFIX}?\s?(?:{WEEK_WORD}末|{WEEK_WORD}六[和或、]?{WEEK_WORD}?[日天])|双休日?")
def _weekend(match, text):
    return _m("week", match, week_offset=_week_offset(match["pfx"]), weekend=True)


@_pattern(rf"{WEEK_PREFIX}\s?{WEEK_WORD}(?![一二三四五六日天1-7末围边到全期岁年次])")
def _week(match, text):
    return _m("week", match, week_offset=_week_offset(match["pfx"]), weekend=False)


# --- half-days and clock times --------------------------------------------------------------------
@_pattern("|".join(sorted(HALF_DAY_WORDS, key=len, reverse=True)))
def _half_day(match, text):
    previous = text[match.start() - 1:match.start()]
    if text.startswith("好", match.end()) and (not previous or previous in GREETING_BEFORE):
        return None  # 早上好, 医生下午好
    return _m("half_day", match, half_day=HALF_DAY_WORDS[match.group(0)])


@_pattern(rf"[早晚](?={HOUR}\s*[点:])")
def _short_half_day(match, text):
    return _m("half_day", match, half_day="上午" if match.group(0) == "早" else "夜诊")


@_pattern(r"(?<![\d:.])(?P<h>\d{1,2})(?::(?P<mi>\d{2}))?\s?(?P<ap>a\.?m\.?|p\.?m\.?)(?![a-z])")
def _am_pm(match, text):
    qualifier = "上午" if match["ap"].lower().startswith("a") else "下午"
    return _m("time", match, hour=int(match["h"]), minute=int(match["mi"] or 0), qualifier=qualifier)


@_pattern(rf"{NO_NUM_BEFORE}(?P<h>{HOUR})\s*(?:点|时)?\s*(?:-|~|到|至)\s*(?P<h2>{HOUR})\s*(?:点钟|点|时)")
def _hour_range(match, text):
    hour = to_int(match["h"])  # "上午9-10点": the start of the window
    return None if hour is None else _m("time", match, hour=hour, minute=0)


@_pattern(r"(?<![\d:.])(?P<h>\d{1,2})\s*:\s*(?P<mi>\d{2})(?![\d:])")
def _clock(match, text):
    return _m("time", match, hour=int(match["h"]), minute=int(match["mi"]))


@_pattern(rf"{NO_NUM_BEFORE}(?P<h>{HOUR})\s*(?P<unit>点钟|点|时)(?!滴)"
          rf"(?:(?P<half>半)|(?P<q1>[一1]刻)|(?P<q3>[三3]刻)|(?P<mi>{MINUTE})\s*分?(?![\d{CN_DIGITS}号日天]))?")
def _hour(match, text):
    hour_text = match["h"]
    previous = text[match.start() - 1:match.start()]
    if match["unit"] == "时" and not hour_text.isdigit():
        return None  # 一时半会儿, 同时…
    following = text[match.end():match.end() + 1]
    if hour_text == "一" and (previous in ADJECTIVES_BEFORE_YIDIAN or following in ("点", "儿")):
        return None  # 快一点, 早一点, 好一点儿
    bare = not (match["half"] or match["q1"] or match["q3"] or match["mi"] or match["unit"] == "点钟")
    if hour_text == "一" and bare and not TIME_CONTEXT.search(text[max(0, match.start() - 8):match.start()].rstrip()):
        return None  # 一点都不负责: "一点" alone is a time only after a day or half-day word
    if hour_text in ("两", "二") and previous in ("有", "这", "那"):
        return None  # 有两点要问
    hour = to_int(hour_text)
    if hour is None:
        return None
    minute = 30 if match["half"] else 15 if match["q1"] else 45 if match["q3"] else None
    if match["mi"]:
        minute = to_int(match["mi"])
    return _m("time", match, hour=hour, minute=minute or 0)


@_pattern(r"尽快|尽早|越快越好|越早越好|最早|最快|最近(?:的|一次的?)?(?=号|时间|一天|日子|日期|预约|门诊|专家|哪|能约|能挂|"
          r"可以约|可以挂|有号|有没有号|有空|[,.!?;，。！？；]|$)")
def _earliest(match, text):
    return _m("earliest", match)


def scan(text: str) -> List[Mention]:
    """All mentions in `text` (normalised), non-overlapping, in text order; the longest match wins."""
    candidates: List[Mention] = []
    for order, (regex, builder) in enumerate(_PATTERNS):
        match = regex.search(text)
        while match is not None:  # overlapping matches too: a shorter one may win where a longer loses
            mention = builder(match, text)
            if mention is not None and mention.end > mention.start:
                mention.value.setdefault("_order", order)
                candidates.append(mention)
            match = regex.search(text, match.start() + 1)
    candidates.sort(key=lambda m: (-m.length, m.start, m.value["_order"]))
    taken = bytearray(len(text))
    chosen: List[Mention] = []
    for mention in candidates:
        if any(taken[mention.start:mention.end]):
            continue
        taken[mention.start:mention.end] = b"\x01" * mention.length
        mention.value.pop("_order", None)
        chosen.append(mention)
    chosen.sort(key=lambda m: m.start)
    return chosen
