"""Request and response models (they make /openapi.json) and ORM → response mappers.

Datetimes are returned in HIS_TIMEZONE with their offset (``2026-11-24T08:00:00+08:00``); dates
as ``YYYY-MM-DD``; money as strings in yuan (``"50.00"``)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Literal, Optional
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from his.clock import local_dt
from his.models import Appointment, Department, Doctor, HalfDay, OutboxMessage, Patient, Report
from his.services.schedules import fee_text

MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"


class Ref(BaseModel):
    id: int
    name: str


class DoctorRef(Ref):
    title: str


class DepartmentOut(BaseModel):
    id: int
    name: str
    category: str
    location: str = Field(examples=["门诊楼3层C区"])
    phone: Optional[str]
    description: str
    accepts_appointments: bool
    aliases: List[str]


class DoctorOut(BaseModel):
    id: int
    name: str
    gender: str
    title: str = Field(examples=["主任医师"])
    department: Ref
    specialties: List[str]
    bio: str
    fee: str = Field(description="registration fee in yuan", examples=["50.00"])


class SlotOut(BaseModel):
    slot_id: int
    seq: int = Field(description="slot number within the half-day, from 1")
    start_time: str = Field(examples=["08:00"])
    end_time: str = Field(examples=["08:30"])
    start_at: dt.datetime
    end_at: dt.datetime
    capacity: int
    booked: int
    remaining: int
    available: bool


class ScheduleOut(BaseModel):
    schedule_id: int
    date: dt.date
    weekday: int = Field(description="1 = Monday … 7 = Sunday")
    weekday_label: str
    half_day: HalfDay
    half_day_label: str = Field(examples=["上午"])
    status: Literal["open", "closed", "holiday"]
    holiday_name: Optional[str]
    doctor: DoctorRef
    department: Ref
    location: str
    fee: str = Field(description="registration fee in yuan", examples=["50.00"])
    capacity: int
    booked: int
    remaining: int = Field(description="places left in slots that have not started")
    bookable: bool
    unavailable_reason: Optional[str] = Field(
        description="the error code a booking would get: slot_full, past_date, beyond_window, holiday, "
                    "closed, not_bookable")
    note: str


class ScheduleSlotsOut(ScheduleOut):
    slots: List[SlotOut]


class AlternativeOut(ScheduleOut):
    type: Literal["same_doctor", "same_department"]
    first_available_slot: Optional[SlotOut]


class ErrorOut(BaseModel):
    code: str = Field(examples=["slot_full"])
    message: str
    alternatives: List[AlternativeOut] = Field(default_factory=list)
    details: Dict[str, Any] = Field(default_factory=dict)


class HealthOut(BaseModel):
    status: str
    database: str
    time: dt.datetime


class PatientOut(BaseModel):
    id: int
    name: str
    gender: str
    mobile_masked: str = Field(examples=["138****0001"])
    card_no: str
    id_number_masked: str = Field(examples=["1101**********1234"])
    insurance_type: str


class SmsCodeRequest(BaseModel):
    mobile: str = Field(pattern=MOBILE_PATTERN, examples=["13800000001"])


class SmsCodeOut(BaseModel):
    sent: bool = True
    expires_in: int = Field(description="seconds the code stays valid")
    resend_after: int = Field(description="seconds before another code may be requested")


class SmsVerifyRequest(BaseModel):
    mobile: str = Field(pattern=MOBILE_PATTERN, examples=["13800000001"])
    code: str = Field(pattern=r"^[0-9]{6}$", examples=["123456"])


class CardVerifyRequest(BaseModel):
    card_no: str = Field(min_length=4, max_length=20, examples=["200100000001"])
    name: str = Field(min_length=1, max_length=32, examples=["李秀英"])


class VerifyOut(BaseModel):
    token: str = Field(description="send as X-Patient-Token on patient-specific calls")
    expires_at: dt.datetime
    patient_id: int = Field(description="the first verified patient")
    patients: List[PatientOut] = Field(description="every patient the token covers (one mobile may "
                                                   "belong to a family)")


class AppointmentCreate(BaseModel):
    patient_id: int
    slot_id: int


class RescheduleRequest(BaseModel):
    slot_id: int


class CancelRequest(BaseModel):
    reason: Optional[str] = Field(default=None, max_length=100)


class AppointmentOut(BaseModel):
    id: int
    appointment_no: str
    status: Literal["booked", "rescheduled", "cancelled", "attended", "no_show"]
    patient_id: int
    department: Ref
    doctor: DoctorRef
    schedule_id: int
    slot_id: int
    seq: int
    date: dt.date
    half_day: HalfDay
    half_day_label: str
    start_at: dt.datetime
    end_at: dt.datetime
    location: str
    fee: str
    change_deadline: dt.datetime = Field(description="last moment to cancel or reschedule")
    cancel_reason: Optional[str]
    created_at: dt.datetime
    updated_at: dt.datetime


class ReportOut(BaseModel):
    id: int
    report_no: str
    kind: str = Field(examples=["血常规"])
    category: str = Field(examples=["检验"])
    department: Optional[Ref]
    ordered_on: dt.date
    status: Literal["pending", "ready"]
    expected_ready_at: Optional[dt.datetime]
    ready_at: Optional[dt.datetime]
    pickup_place: str
    online_url: Optional[str]
    summary: str


class WaitlistCreate(BaseModel):
    patient_id: int
    schedule_id: int


class WaitlistOut(BaseModel):
    id: int
    patient_id: int
    status: Literal["waiting", "notified", "cancelled"]
    position: Optional[int] = Field(description="1-based place in the queue while waiting")
    schedule: ScheduleOut
    created_at: dt.datetime
    notified_at: Optional[dt.datetime]


class OutboxOut(BaseModel):
    id: int
    kind: str = Field(examples=["sms_code"])
    channel: str
    recipient: str
    patient_id: Optional[int]
    body: str
    payload: Dict[str, Any]
    status: str
    created_at: dt.datetime


def _local(value: Optional[dt.datetime], tz: ZoneInfo) -> Optional[dt.datetime]:
    return value.astimezone(tz) if value is not None else None


def mask_mobile(mobile: str) -> str:
    return mobile[:3] + "****" + mobile[-4:] if len(mobile) >= 7 else "****"


def department_out(dept: Department) -> DepartmentOut:
    return DepartmentOut(id=dept.id, name=dept.name, category=dept.category, location=dept.location,
                         phone=dept.phone, description=dept.description,
                         accepts_appointments=dept.accepts_appointments,
                         aliases=[a.alias for a in dept.aliases])


def doctor_out(doctor: Doctor) -> DoctorOut:
    return DoctorOut(id=doctor.id, name=doctor.name, gender=doctor.gender, title=doctor.title,
                     department=Ref(id=doctor.department.id, name=doctor.department.name),
                     specialties=list(doctor.specialties or []), bio=doctor.bio,
                     fee=fee_text(doctor.fee.fee_fen))


def patient_out(patient: Patient) -> PatientOut:
    return PatientOut(id=patient.id, name=patient.name, gender=patient.gender,
                      mobile_masked=mask_mobile(patient.mobile), card_no=patient.card_no,
                      id_number_masked=patient.id_number_masked, insurance_type=patient.insurance_type)


def appointment_out(appt: Appointment, *, tz: ZoneInfo, cutoff_minutes: int) -> AppointmentOut:
    start = local_dt(appt.visit_date, appt.slot.start_time, tz)
    half = HalfDay(appt.half_day)
    return AppointmentOut(
        id=appt.id, appointment_no=appt.appointment_no, status=appt.status,  # type: ignore[arg-type]
        patient_id=appt.patient_id, department=Ref(id=appt.department.id, name=appt.department.name),
        doctor=DoctorRef(id=appt.doctor.id, name=appt.doctor.name, title=appt.doctor.title),
        schedule_id=appt.schedule_id, slot_id=appt.slot_id, seq=appt.slot.seq, date=appt.visit_date,
        half_day=half, half_day_label=half.label, start_at=start,
        end_at=local_dt(appt.visit_date, appt.slot.end_time, tz), location=appt.schedule.location,
        fee=fee_text(appt.doctor.fee.fee_fen), change_deadline=start - dt.timedelta(minutes=cutoff_minutes),
        cancel_reason=appt.cancel_reason, created_at=appt.created_at.astimezone(tz),
        updated_at=appt.updated_at.astimezone(tz))


def report_out(report: Report, *, tz: ZoneInfo) -> ReportOut:
    dept = Ref(id=report.department.id, name=report.department.name) if report.department else None
    return ReportOut(id=report.id, report_no=report.report_no, kind=report.kind, category=report.category,
                     department=dept, ordered_on=report.ordered_on, status=report.status,  # type: ignore[arg-type]
                     expected_ready_at=_local(report.expected_ready_at, tz), ready_at=_local(report.ready_at, tz),
                     pickup_place=report.pickup_place, online_url=report.online_url, summary=report.summary)


def outbox_out(message: OutboxMessage, *, tz: ZoneInfo) -> OutboxOut:
    return OutboxOut(id=message.id, kind=message.kind, channel=message.channel, recipient=message.recipient,
                     patient_id=message.patient_id, body=message.body, payload=dict(message.payload or {}),
                     status=message.status, created_at=message.created_at.astimezone(tz))
