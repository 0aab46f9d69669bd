"""What the latest patient message says for the booking/appointment/report forms.

Departments and doctors come from the NLU entities (lookup tables + synonyms, data/lookups/) with a
regex fallback for "张医生"/"王主任"; dates, half-days and times from `hospital_core.dates.parse_when`
resolved at the message time; mobiles, 就诊卡号, SMS codes, names and "第一个"-style choices from
the text. Pure functions of the tracker: no HIS calls, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Text, Tuple

from rasa_sdk import Tracker

from actions.booking_support import message_time
from hospital_core.dates import WhenResult, parse_when
from hospital_core.text import normalize

MOBILE = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)")
CARD = re.compile(r"(?<!\d)(\d{10,20})(?!\d)")
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
SEPARATORS = re.compile(r"(?<=\d)[\s\-－—]+(?=\d)")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧肖田董潘袁蔡蒋余于杜叶程"
            "魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
            "万钱严覃武戴莫孔向汤")
DOCTOR_REFERENCE = re.compile(f"([{SURNAMES}])(医生|大夫|主任|教授|医师)")
NAME_CUES = re.compile(r"(?:我叫|我是|姓名是?|名字是?|名字叫|叫)\s*([\u4e00-\u9fff·]{2,5})")
HAN_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,5}$")
ORDINAL = re.compile(r"第\s*([一二三四五六七八九十\d])\s*(?:个|项|位|条|种)?")
BARE_INDEX = re.compile(r"^\s*([1-9])\s*$")
CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# Words around a piece of data that do not change its meaning ("骨科吧", "就约8点半的").
FILLER = set("的吧呢啊呀了嘛哈哦噢喔吗么号挂约个要我想就那这给帮请麻烦一下是好行可以都也再还用换改成到时段间点看")
FILLER_PUNCT = set(" ,，.。!！?？~～、:：;；\"'“”‘’()（）[]【】-—")
NOT_NAMES = {"医生", "大夫", "主任", "专家", "患者", "病人", "家属", "本人", "自己", "我妈", "我爸", "孩子", "老人",
             "验证码", "手机号", "就诊卡", "卡号", "姓名", "名字", "挂号", "预约", "报告", "取消", "重新发送",
             "没收到", "不知道", "谢谢", "你好", "好的", "可以", "算了", "不用了"}


@dataclass
class Message:
    """The latest user message as the forms read it."""

    text: Text
    norm: Text
    intent: Optional[Text]
    entities: List[Dict[Text, Any]] = field(default_factory=list)
    when: Optional[WhenResult] = None

    def entity_values(self, name: Text) -> List[Text]:
        values: List[Text] = []
        for item in self.entities:
            if item.get("entity") == name and item.get("value") not in (None, ""):
                value = str(item["value"])
                if value not in values:
                    values.append(value)
        return values

    def entity(self, name: Text) -> Optional[Text]:
        values = self.entity_values(name)
        return values[0] if values else None

    @property
    def digits_text(self) -> Text:
        """The text with separators inside numbers removed (138 0000 0001 → 13800000001)."""
        return SEPARATORS.sub("", self.norm)


def read_message(tracker: Tracker) -> Message:
    """The latest user message with its intent, entities and resolved date/time."""
    latest = tracker.latest_message or {}
    text = str(latest.get("text") or "")
    if text.startswith("/"):  # a button payload: entities only, no words to read
        text = ""
    entities = sorted((e for e in latest.get("entities") or [] if isinstance(e, dict)),
                      key=lambda e: e.get("start") if isinstance(e.get("start"), int) else 0)
    norm = normalize(text)
    when = parse_when(text, now=message_time(tracker)) if text else None
    return Message(text=text, norm=norm, intent=(latest.get("intent") or {}).get("name"),
                   entities=entities, when=when if when is not None and when.found else None)


def is_fresh(tracker: Tracker, form_name: Text) -> bool:
    """Whether the form runs on a new user message (not when it resumes after an interruption)."""
    allowed = {"action_listen", "action_extract_slots", "action_deactivate_loop", "action_session_start",
               form_name, f"validate_{form_name}", None}
    for event in reversed(tracker.events or []):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind == "action" and event.get("name") not in allowed:
            return False
    return False


# -- pieces of data ---------------------------------------------------------------------------------

def mobiles(message: Message) -> List[Text]:
    return [m.group(1) for m in MOBILE.finditer(message.digits_text)]


def card_numbers(message: Message) -> List[Text]:
    """Digit runs that are not mobile numbers and not 6-digit codes (就诊卡号)."""
    found = []
    for match in CARD.finditer(message.digits_text):
        value = match.group(1)
        if MOBILE.fullmatch(value) or len(value) == 6:
            continue
        found.append(value)
    return found


def sms_code(message: Message) -> Optional[Text]:
    match = CODE.search(message.digits_text)
    return match.group(1) if match else None


def person_name(message: Message, *, bare_ok: bool) -> Optional[Text]:
    """A patient's name: after 我叫/姓名, next to a card number, or (when asked for) the whole message."""
    cue = NAME_CUES.search(message.norm)
    if cue and cue.group(1) not in NOT_NAMES:
        return cue.group(1)
    rest = re.sub(r"[\d\s,，.。:：;；、]+", " ", message.norm)
    rest = re.sub(r"(就诊卡号?|卡号|诊疗卡号?|姓名|名字|是|的)", " ", rest)
    parts = [p for p in rest.split() if HAN_NAME.match(p) and p not in NOT_NAMES]
    if len(parts) == 1 and (bare_ok or CARD.search(message.digits_text)):
        return parts[0]
    return None


def doctor_mentions(message: Message) -> List[Text]:
    """Doctors the patient named: full names (lookup entity) and references like 张医生/王主任."""
    found = message.entity_values("doctor")
    taken = [(e["start"], e["end"]) for e in message.entities
             if e.get("entity") == "doctor" and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]
    for match in DOCTOR_REFERENCE.finditer(message.norm):
        start, end = match.span()
        if any(start < e and s < end for s, e in taken) or any(n.startswith(match.group(1)) for n in found):
            continue
        found.append(match.group(0))
    return found


def departments(message: Message) -> List[Text]:
    return message.entity_values("department")


def ordinal(message: Message) -> Optional[int]:
    """'第二个' → 1, '3' → 2 (zero-based), None when the message is no such choice."""
    match = ORDINAL.search(message.norm) or BARE_INDEX.match(message.norm)
    if not match:
        return None
    token = match.group(1)
    number = int(token) if token.isdigit() else CN_DIGITS.get(token)
    return number - 1 if number else None


def spans_of_data(message: Message) -> List[Tuple[int, int]]:
    """Where the recognised pieces of data are in the text."""
    spans: List[Tuple[int, int]] = []
    for item in message.entities:
        if isinstance(item.get("start"), int) and isinstance(item.get("end"), int):
            spans.append((item["start"], item["end"]))
    if message.when is not None:
        spans.extend(message.when.spans)
    for pattern in (DOCTOR_REFERENCE, ORDINAL):
        spans.extend(m.span() for m in pattern.finditer(message.norm))
    spans.extend(m.span() for m in re.finditer(r"\d+", message.norm))
    return spans


def leftover(message: Message) -> Text:
    """The words of the message that are neither data nor filler."""
    covered: Set[int] = set()
    for start, end in spans_of_data(message):
        covered.update(range(start, end))
    return "".join(ch for i, ch in enumerate(message.norm)
                   if i not in covered and ch not in FILLER and ch not in FILLER_PUNCT)


def is_mostly_data(message: Message) -> bool:
    """True for answers like "骨科吧", "下周三上午", "13800000001": data with at most two other characters."""
    if not message.text:
        return False
    if not spans_of_data(message):
        return False
    return len(leftover(message)) <= 2
