"""The notification outbox: SMS texts written in the transaction of the change they announce.

The SMS wording below is the HIS's own (what the hospital's SMS gateway sends), not the bot's."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from his.models import HalfDay, OutboxMessage

HOSPITAL_SIGNATURE = "【示范市第一人民医院】"

TEMPLATES: Dict[str, str] = {
    "sms_code": "您的验证码为{code}，{minutes}分钟内有效，请勿泄露给他人。",
    "booking_confirmation": "{name}您好，您已预约{date} {half_day} {department} {doctor}，"
                            "就诊时段{start}-{end}，预约号{appointment_no}。请携带就诊卡提前到{location}签到。",
    "reschedule": "{name}您好，您的预约{appointment_no}已改为{date} {half_day} {department} {doctor}，"
                  "就诊时段{start}-{end}。",
    "cancellation": "{name}您好，您的预约{appointment_no}（{date} {half_day} {department} {doctor}）已取消。",
    "waitlist_available": "{name}您好，您候补的{date} {half_day} {department} {doctor}有号源释放，"
                          "请尽快预约，号源先到先得。",
}


def add_message(session: Session, *, kind: str, recipient: str, now: dt.datetime,
                patient_id: Optional[int] = None, payload: Optional[Dict[str, Any]] = None,
                **fields: Any) -> OutboxMessage:
    """Queue an SMS rendered from TEMPLATES[kind] with ``fields``."""
    body = HOSPITAL_SIGNATURE + TEMPLATES[kind].format(**fields)
    message = OutboxMessage(kind=kind, channel="sms", recipient=recipient, patient_id=patient_id,
                            body=body, payload=payload or {}, status="pending", created_at=now)
    session.add(message)
    return message


def list_messages(session: Session, *, recipient: Optional[str] = None, kind: Optional[str] = None,
                  after_id: int = 0, limit: int = 50) -> Sequence[OutboxMessage]:
    """Newest first, optionally for one recipient and kind, with id > after_id."""
    query = select(OutboxMessage).where(OutboxMessage.id > after_id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return session.scalars(query.order_by(OutboxMessage.id.desc()).limit(min(limit, 200))).all()


def appointment_fields(appt: Any) -> Dict[str, Any]:
    """Template fields describing an appointment (shared by the booking notifications)."""
    return {
        "name": appt.patient.name,
        "appointment_no": appt.appointment_no,
        "date": appt.visit_date.strftime("%m月%d日"),
        "half_day": HalfDay(appt.half_day).label,
        "department": appt.department.name,
        "doctor": appt.doctor.name,
        "start": appt.slot.start_time.strftime("%H:%M"),
        "end": appt.slot.end_time.strftime("%H:%M"),
        "location": appt.schedule.location,
    }
