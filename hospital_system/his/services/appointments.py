"""Booking, rescheduling and cancelling, safe under concurrency.

A place is taken with one atomic conditional UPDATE (``booked = booked + 1 WHERE booked <
capacity``): on PostgreSQL the row lock makes concurrent attempts on the last place wait and
re-check, so exactly one succeeds; on SQLite write transactions are serialised (BEGIN IMMEDIATE).
"One active appointment per patient, department and half-day" and "one appointment per
idempotency key" are unique indexes, so races end in a clean error too."""
from __future__ import annotations

import datetime as dt
import secrets
from typing import List, Optional, Tuple

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from his.clock import local_dt
from his.errors import HisError, not_found
from his.holidays import public_holiday_name
from his.models import ACTIVE_APPOINTMENT_STATUSES, Appointment, Patient, Schedule, TimeSlot
from his.services import outbox, waitlist
from his.services.schedules import booking_window, find_alternatives
from his.settings import Settings

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_appointment_no(visit_date: dt.date, rand: Optional[secrets.SystemRandom] = None) -> str:
    rng = rand or secrets.SystemRandom()
    return f"GH{visit_date:%y%m%d}" + "".join(rng.choice(_ALPHABET) for _ in range(8))


def _refuse(session: Session, code: str, message: str, *, schedule_id: int, settings: Settings,
            now: dt.datetime) -> HisError:
    alternatives = find_alternatives(session, schedule_id=schedule_id, settings=settings, now=now)
    return HisError(code, message, alternatives=alternatives, details={"schedule_id": schedule_id})


def check_bookable(session: Session, *, slot: TimeSlot, settings: Settings, now: dt.datetime) -> None:
    """Raise the first calendar rule a booking of ``slot`` breaks, with nearest alternatives.
    (Whether a place is left is decided atomically by ``_take_place``.)"""
    schedule = slot.schedule
    args = {"schedule_id": schedule.id, "settings": settings, "now": now}
    if not schedule.doctor.department.accepts_appointments:
        raise HisError("not_bookable", "this department does not take appointments")
    if schedule.status == "holiday" or public_holiday_name(schedule.date):
        raise _refuse(session, "holiday", "no clinic on a public holiday", **args)
    if schedule.status == "closed":
        raise _refuse(session, "closed", "this half-day clinic is closed", **args)
    if local_dt(schedule.date, slot.start_time, settings.tz) <= now:
        raise _refuse(session, "past_date", "the slot has already started", **args)
    _, last_day = booking_window(settings=settings, now=now)
    if schedule.date > last_day:
        raise _refuse(session, "beyond_window",
                      f"booking opens {settings.booking_window_days} days ahead", **args)


def _find_duplicate(session: Session, *, patient_id: int, schedule: Schedule,
                    exclude_id: Optional[int] = None) -> Optional[Appointment]:
    query = select(Appointment).where(
        Appointment.patient_id == patient_id, Appointment.department_id == schedule.department_id,
        Appointment.visit_date == schedule.date, Appointment.half_day == schedule.half_day,
        Appointment.status.in_(ACTIVE_APPOINTMENT_STATUSES))
    if exclude_id is not None:
        query = query.where(Appointment.id != exclude_id)
    return session.scalars(query).first()


def _duplicate_error(existing: Optional[Appointment]) -> HisError:
    details = {"appointment_id": existing.id, "appointment_no": existing.appointment_no} if existing else {}
    return HisError("duplicate_same_halfday",
                    "the patient already holds an appointment in this department and half-day",
                    details=details)


def _take_place(session: Session, *, slot_id: int) -> bool:
    result = session.execute(update(TimeSlot).where(TimeSlot.id == slot_id,
                                                    TimeSlot.booked < TimeSlot.capacity)
                             .values(booked=TimeSlot.booked + 1))
    return result.rowcount == 1  # type: ignore[attr-defined]


def _release_place(session: Session, *, slot_id: int) -> None:
    session.execute(update(TimeSlot).where(TimeSlot.id == slot_id, TimeSlot.booked > 0)
                    .values(booked=TimeSlot.booked - 1))


def _load_slot(session: Session, *, slot_id: int) -> TimeSlot:
    slot = session.get(TimeSlot, slot_id)
    if slot is None:
        raise not_found("slot")
    return slot


def book_appointment(session: Session, *, patient_id: int, slot_id: int, idempotency_key: str,
                     settings: Settings, now: dt.datetime, channel: str = "chatbot"
                     ) -> Tuple[Appointment, bool]:
    """Book ``slot_id`` for the patient. Returns (appointment, created). A retry with the same
    idempotency key returns the first appointment instead of booking again."""
    if not idempotency_key:
        raise HisError("idempotency_key_required", "send an Idempotency-Key header")
    existing = session.scalar(select(Appointment).where(Appointment.patient_id == patient_id,
                                                        Appointment.idempotency_key == idempotency_key))
    if existing is not None:
        return _replay(existing, slot_id=slot_id), False
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise not_found("patient")
    slot = _load_slot(session, slot_id=slot_id)
    check_bookable(session, slot=slot, settings=settings, now=now)
    schedule = slot.schedule
    duplicate = _find_duplicate(session, patient_id=patient_id, schedule=schedule)
    if duplicate is not None and duplicate.idempotency_key == idempotency_key:
        return _replay(duplicate, slot_id=slot_id), False  # a concurrent retry committed first
    if duplicate is not None:
        raise _duplicate_error(duplicate)
    if not _take_place(session, slot_id=slot_id):
        raise _refuse(session, "slot_full", "no place left in this slot", schedule_id=schedule.id,
                      settings=settings, now=now)
    appt = Appointment(appointment_no=new_appointment_no(schedule.date), patient_id=patient_id,
                       slot_id=slot_id, schedule_id=schedule.id, doctor_id=schedule.doctor_id,
                       department_id=schedule.department_id, visit_date=schedule.date,
                       half_day=schedule.half_day, status="booked", idempotency_key=idempotency_key,
                       channel=channel, created_at=now, updated_at=now)
    session.add(appt)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()  # also gives the place back
        return _after_conflict(session, exc, patient_id=patient_id, slot_id=slot_id,
                               idempotency_key=idempotency_key), False
    session.refresh(appt)
    outbox.add_message(session, kind="booking_confirmation", recipient=patient.mobile, now=now,
                       patient_id=patient.id, payload={"appointment_id": appt.id},
                       **outbox.appointment_fields(appt))
    return appt, True


def _replay(existing: Appointment, *, slot_id: int) -> Appointment:
    if existing.slot_id != slot_id and existing.status == "booked":
        raise HisError("idempotency_key_reused", "this idempotency key was used for another slot",
                       details={"appointment_id": existing.id})
    return existing


def _after_conflict(session: Session, exc: IntegrityError, *, patient_id: int, slot_id: int,
                    idempotency_key: str) -> Appointment:
    """A concurrent request won a unique index: replay it (same key) or refuse (same half-day)."""
    existing = session.scalar(select(Appointment).where(Appointment.patient_id == patient_id,
                                                        Appointment.idempotency_key == idempotency_key))
    if existing is not None:
        return _replay(existing, slot_id=slot_id)
    raise _duplicate_error(None) from exc


def get_appointment(session: Session, *, appointment_id: int, patient_ids: List[int],
                    lock: bool = False) -> Appointment:
    """An appointment owned by one of ``patient_ids``; anybody else's is simply not found."""
    query = select(Appointment).where(Appointment.id == appointment_id,
                                      Appointment.patient_id.in_(patient_ids))
    if lock:
        query = query.with_for_update(of=Appointment)
    appt = session.scalars(query).unique().first()
    if appt is None:
        raise not_found("appointment")
    return appt


def list_patient_appointments(session: Session, *, patient_id: int, settings: Settings,
                              now: dt.datetime, upcoming_only: bool = True) -> List[Appointment]:
    query = select(Appointment).where(Appointment.patient_id == patient_id)
    if upcoming_only:
        query = query.where(Appointment.visit_date >= now.astimezone(settings.tz).date(),
                            Appointment.status.in_(ACTIVE_APPOINTMENT_STATUSES))
        order = (Appointment.visit_date, Appointment.slot_id)
    else:
        order = (Appointment.visit_date.desc(), Appointment.slot_id)
    return list(session.scalars(query.order_by(*order)).unique().all())


def _check_cutoff(appt: Appointment, *, settings: Settings, now: dt.datetime) -> None:
    start = local_dt(appt.visit_date, appt.slot.start_time, settings.tz)
    if start - now < dt.timedelta(minutes=settings.cancel_cutoff_minutes):
        raise HisError("too_late_to_cancel",
                       f"changes close {settings.cancel_cutoff_minutes} minutes before the slot",
                       details={"slot_start": start.isoformat()})


def cancel_appointment(session: Session, *, appointment_id: int, patient_ids: List[int],
                       settings: Settings, now: dt.datetime, reason: Optional[str] = None) -> Appointment:
    """Cancel (idempotent), free the place and notify the first patient on the waitlist."""
    appt = get_appointment(session, appointment_id=appointment_id, patient_ids=patient_ids, lock=True)
    if appt.status == "cancelled":
        return appt
    if appt.status not in ACTIVE_APPOINTMENT_STATUSES:
        raise HisError("not_active", f"appointment is {appt.status}")
    _check_cutoff(appt, settings=settings, now=now)
    _release_place(session, slot_id=appt.slot_id)
    appt.status, appt.cancel_reason, appt.updated_at = "cancelled", (reason or "")[:100], now
    outbox.add_message(session, kind="cancellation", recipient=appt.patient.mobile, now=now,
                       patient_id=appt.patient_id, payload={"appointment_id": appt.id},
                       **outbox.appointment_fields(appt))
    waitlist.notify_first(session, schedule_id=appt.schedule_id, settings=settings, now=now)
    return appt


def reschedule_appointment(session: Session, *, appointment_id: int, patient_ids: List[int],
                           new_slot_id: int, settings: Settings, now: dt.datetime) -> Appointment:
    """Move an active appointment to another slot of the same department (same number kept)."""
    appt = get_appointment(session, appointment_id=appointment_id, patient_ids=patient_ids, lock=True)
    if appt.status not in ACTIVE_APPOINTMENT_STATUSES:
        raise HisError("not_active", f"appointment is {appt.status}")
    if appt.slot_id == new_slot_id:
        return appt  # already there: a retried request changes nothing
    _check_cutoff(appt, settings=settings, now=now)
    new_slot = _load_slot(session, slot_id=new_slot_id)
    schedule = new_slot.schedule
    if schedule.department_id != appt.department_id:
        raise HisError("different_department", "reschedule within the same department only")
    check_bookable(session, slot=new_slot, settings=settings, now=now)
    duplicate = _find_duplicate(session, patient_id=appt.patient_id, schedule=schedule, exclude_id=appt.id)
    if duplicate is not None:
        raise _duplicate_error(duplicate)
    old_slot_id, old_schedule_id = appt.slot_id, appt.schedule_id
    # Touch the two slot rows in id order so two opposite reschedules cannot deadlock.
    if old_slot_id < new_slot_id:
        _release_place(session, slot_id=old_slot_id)
    if not _take_place(session, slot_id=new_slot_id):
        session.rollback()
        raise _refuse(session, "slot_full", "no place left in this slot", schedule_id=schedule.id,
                      settings=settings, now=now)
    if old_slot_id > new_slot_id:
        _release_place(session, slot_id=old_slot_id)
    appt.slot_id, appt.schedule_id, appt.doctor_id = new_slot_id, schedule.id, schedule.doctor_id
    appt.visit_date, appt.half_day = schedule.date, schedule.half_day
    appt.status, appt.updated_at = "rescheduled", now
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise _duplicate_error(None) from exc
    session.refresh(appt)
    outbox.add_message(session, kind="reschedule", recipient=appt.patient.mobile, now=now,
                       patient_id=appt.patient_id, payload={"appointment_id": appt.id},
                       **outbox.appointment_fields(appt))
    if old_schedule_id != schedule.id:  # a place freed on the old half-day
        waitlist.notify_first(session, schedule_id=old_schedule_id, settings=settings, now=now)
    return appt
