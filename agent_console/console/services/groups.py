"""Skill groups and how a conversation's topic and handoff reason pick one.

Topics come from the bot: an intent or feature name (``book_appointment``) or the patient's own
words (``改约``). Keyword tables, not sentences: nothing here is shown to a patient."""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.errors import ConsoleError
from console.models import URGENT_REASONS, HandoffReason, SkillGroup

EMERGENCY, APPOINTMENT, BILLING, COMPLAINT, GENERAL = (
    "emergency", "appointment", "billing", "complaint", "general")

# code, name, priority (1 first), target wait in seconds
DEFAULT_GROUPS: List[Tuple[str, str, int, int]] = [
    (EMERGENCY, "急诊/紧急", 1, 60),
    (APPOINTMENT, "预约挂号", 2, 300),
    (BILLING, "医保收费", 3, 300),
    (COMPLAINT, "投诉建议", 4, 300),
    (GENERAL, "综合咨询", 5, 300),
]

# Topics that alert a supervisor (智能预警) and go to 投诉建议.
COMPLAINT_KEYWORDS = ("投诉", "医疗纠纷", "纠纷", "要求赔偿", "赔偿", "卫健委", "卫生健康委", "12320",
                      "举报", "医疗事故", "complaint", "dispute")

TOPIC_KEYWORDS: Dict[str, Tuple[str, ...]] = {
    EMERGENCY: ("emergency", "self_harm", "急诊", "急救", "紧急"),
    COMPLAINT: COMPLAINT_KEYWORDS + ("建议", "意见", "suggestion", "feedback"),
    APPOINTMENT: ("appointment", "booking", "reschedule", "cancel", "waitlist", "预约", "挂号", "改约",
                  "退号", "取消预约", "号源", "候补", "加号", "出诊", "医生", "科室"),
    BILLING: ("insurance", "price", "billing", "payment", "refund", "invoice", "医保", "报销", "收费",
              "费用", "价格", "退费", "发票", "缴费", "押金", "自费"),
}


def is_complaint(*texts: Optional[str]) -> bool:
    joined = " ".join(t for t in texts if t).lower()
    return any(keyword in joined for keyword in COMPLAINT_KEYWORDS)


def group_code_for(*, reason: str, topic: str = "", summary: str = "") -> str:
    """急诊/紧急 for emergencies and self-harm, 投诉建议 for complaints, else by topic keywords."""
    if reason in URGENT_REASONS:
        return EMERGENCY
    if reason == HandoffReason.complaint.value or is_complaint(topic, summary):
        return COMPLAINT
    lowered = (topic or "").lower()
    for code in (APPOINTMENT, BILLING, COMPLAINT):
        if any(keyword in lowered for keyword in TOPIC_KEYWORDS[code]):
            return code
    return GENERAL


def ensure_default_groups(session: Session) -> int:
    """Create the five standard groups if missing; returns how many were created."""
    existing = set(session.scalars(select(SkillGroup.code)))
    created = 0
    for code, name, priority, target in DEFAULT_GROUPS:
        if code not in existing:
            session.add(SkillGroup(code=code, name=name, priority=priority, target_wait_s=target))
            created += 1
    session.flush()
    return created


def get_group(session: Session, *, code: str) -> SkillGroup:
    group = session.scalar(select(SkillGroup).where(SkillGroup.code == code))
    if group is None:
        raise ConsoleError("validation_error", f"unknown skill group {code!r}",
                           details={"groups": [g.code for g in list_groups(session)]})
    return group


def list_groups(session: Session) -> List[SkillGroup]:
    return list(session.scalars(select(SkillGroup).order_by(SkillGroup.priority)))
