"""Words and numerals of `hospital_core.dates`: the vocabulary the patterns are built from.

Tables map what patients type (simplified Chinese, after `hospital_core.text.normalize`) to values;
Chinese numerals are read by cn2an.
"""
from __future__ import annotations

import re
from typing import Optional, Tuple

import cn2an

# --- numerals -------------------------------------------------------------------------------------
CN_DIGITS = "零〇一二两三四五六七八九十廿"
YEAR = r"(?:\d{4}|[零〇一二三四五六七八九]{4})"
MONTH = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"
DAY = r"(?:\d{1,2}|[二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?|[一二三四五六七八九])"
HOUR = r"(?:\d{1,2}|二?十[一二三四五六七八九]?|[零〇一二两三四五六七八九])"
MINUTE = r"(?:\d{1,2}|[一二三四五]?十[一二三四五六七八九]?|[零〇][一二三四五六七八九]|[一二三四五六七八九])"
COUNT = r"(?:\d{1,3}|[一二两三四五六七八九十]{1,3})"
NO_NUM_BEFORE = rf"(?<![\d{CN_DIGITS}])"

WEEK_PREFIX = r"(?P<pfx>下下个?|下个?|这一?个?|本|上上个?|上个?)"
WEEK_WORD = r"(?:周|星期|礼拜)"
MONTH_PREFIX = r"(?P<mrel>这个?|本|下下个?|下个?|上个?)"
PART = r"(?P<part>初|上旬|中旬|下旬|中|底|末)"
LUNAR_DAY = r"(?:初|廿|二十|三十|十)?[一二三四五六七八九十]"

WEEKDAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
                 "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
WEEK_OFFSET = {"下下": 2, "下": 1, "这": 0, "本": 0, "上上": -2, "上": -1}
MONTH_OFFSET = {"这": 0, "本": 0, "下下": 2, "下": 1, "上": -1}
YEAR_OFFSET = {"今年": 0, "明年": 1, "后年": 2}

RELATIVE_DAYS = {
    "大大后天": (4, None), "大后天": (3, None), "后天": (2, None), "明天": (1, None), "明日": (1, None),
    "明儿个": (1, None), "明儿": (1, None), "今天": (0, None), "今日": (0, None), "今儿个": (0, None),
    "今儿": (0, None), "当天": (0, None), "昨天": (-1, None), "昨日": (-1, None), "前天": (-2, None),
    "大前天": (-3, None), "今早": (0, "上午"), "今晨": (0, "上午"), "今晚": (0, "夜诊"), "今夜": (0, "夜诊"),
    "今早上": (0, "上午"), "今晚上": (0, "夜诊"), "明早": (1, "上午"), "明晨": (1, "上午"), "明晚": (1, "夜诊"),
    "明早上": (1, "上午"), "明晚上": (1, "夜诊"), "昨晚": (-1, "夜诊"),
}
HALF_DAY_WORDS = {
    "上午": "上午", "早上": "上午", "早晨": "上午", "清早": "上午", "清晨": "上午", "一大早": "上午",
    "大清早": "上午", "一早": "上午", "上半天": "上午", "下午": "下午", "午后": "下午", "下半天": "下午",
    "晚上": "夜诊", "晚间": "夜诊", "傍晚": "夜诊", "夜诊": "夜诊", "夜间": "夜诊", "夜里": "夜诊",
    "晚诊": "夜诊", "中午": "noon", "午间": "noon", "正午": "noon", "凌晨": "small_hours",
    "半夜": "small_hours", "深夜": "small_hours", "午夜": "small_hours",
}
FESTIVALS = r"春节|过年|除夕|元宵节?|元旦|清明节?|五一(?![路街道])|劳动节|端午节?|中秋节?|国庆节?|十一假期|十一长假|小长假|寒假|暑假"
# Characters after "5号"/"5日" that make it a room, line, bed… or a duration, not a day of the month.
NOT_DAY_AFTER_HAO = "楼线窗诊床门口馆厅房病位机台码院科屏柜桌室区车梯人者药字片栋座层号"
NOT_DAY_AFTER_RI = "次餐遍内前左量剂游常子记本元间夜光历语文报" + CN_DIGITS
# Units after "3.5" / "3-5" / "3/5" that make it a quantity, not a date.
QUANTITY_UNITS = (r"(?:天|日|号|倍|个|次|元|块|毛|角|斤|克|公斤|千克|毫|米|厘|度|℃|%|岁|周(?![一二三四五六日天1-7])|"
                  r"月|年|点|时|分|秒|片|粒|袋|支|盒|瓶|楼|层|万|千|百|折|寸|升|[a-zA-Z])")
ADJECTIVES_BEFORE_YIDIAN = set("快早晚好有多少慢小大差轻重点些稍再提")
# "早上好" is a greeting when it opens the message or follows punctuation or the person greeted.
GREETING_BEFORE = set(" ,.!?;:，。！？；：、~您你生夫士师们")
# Text just before "8.30" that makes it a clock time rather than 8月30日.
TIME_CONTEXT = re.compile(r"(?:" + "|".join(sorted(set(HALF_DAY_WORDS) | set(RELATIVE_DAYS), key=len, reverse=True))
                          + r"|(?:周|星期|礼拜)[一二三四五六日天1-7]|\d[号日])$")


def to_int(numeral: str) -> Optional[int]:
    """Arabic or Chinese numeral → int (cn2an for Chinese); None if it is not a well-formed number."""
    if numeral.isascii() and numeral.isdigit():
        return int(numeral)
    try:
        value = cn2an.cn2an(numeral, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return int(value) if float(value).is_integer() else None


def vague_count(numeral: str) -> Optional[Tuple[int, int]]:
    """"两三" / "三五": two single digits meaning "two or three" → (2, 3); None for a plain number."""
    digits = "一二三四五六七八九"
    if len(numeral) == 2 and numeral[0] in digits + "两" and numeral[1] in digits:
        low, high = (2 if numeral[0] == "两" else digits.index(numeral[0]) + 1), digits.index(numeral[1]) + 1
        return (low, high) if low < high else None
    return None
# "3.5" is only read as 3月5日 in a date-like context (it is far more often a measurement: 血糖8.5).
DOTTED_DATE_BEFORE = re.compile(r"(?:约|挂|订|定|改|到|在|是|于|号|日期|时间)[:：]?$")
DOTTED_DATE_AFTER = re.compile(r"(?:上午|下午|晚上|早上|中午|周|星期|礼拜|\(|（|那天|当天|的号|可以|行|有号|能)")
