"""Waitlist (候补) for a doctor's fully booked half-day. When a place frees, the first waiting
patient gets an SMS through the outbox (they still book it themselves: first come, first served)."""
from __future__ import annotations

import datetime as dt
from typing import List, Optional

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from his.errors import HisError, not_found
from his.models import HalfDay, Patient, Schedule, WaitlistEntry
from his.services import outbox
from his.services.schedules import booking_window, get_schedule_view
from his.settings import Settings


def join_waitlist(session: Session, *, patient_id: int, schedule_id: int, settings: Settings,
                  now: dt.datetime) -> WaitlistEntry:
    """Put the patient on the waitlist of a fully booked, still upcoming half-day."""
    view = get_schedule_view(session, schedule_id=schedule_id, settings=settings, now=now)
    reason = view["unavailable_reason"]
    if reason is None:
        raise HisError("slots_available", "places are available: book one instead",
                       details={"remaining": view["remaining"]})
    if reason != "slot_full":
        raise HisError(reason, f"cannot join the waitlist: {reason}")
    if session.get(Patient, patient_id) is None:
        raise not_found("patient")
    entry = WaitlistEntry(patient_id=patient_id, schedule_id=schedule_id, status="waiting", created_at=now)
    session.add(entry)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise HisError("already_waitlisted", "the patient is already on this waitlist") from exc
    return entry


def position(session: Session, *, entry: WaitlistEntry) -> Optional[int]:
    """1-based place in the queue of a waiting entry (None once notified/cancelled)."""
    if entry.status != "waiting":
        return None
    return session.scalar(select(func.count()).select_from(WaitlistEntry).where(
        WaitlistEntry.schedule_id == entry.schedule_id, WaitlistEntry.status == "waiting",
        WaitlistEntry.id <= entry.id))


def list_patient_waitlist(session: Session, *, patient_id: int, settings: Settings,
                          now: dt.datetime) -> List[WaitlistEntry]:
    today, _ = booking_window(settings=settings, now=now)
    return list(session.scalars(
        select(WaitlistEntry).join(Schedule, Schedule.id == WaitlistEntry.schedule_id)
        .where(WaitlistEntry.patient_id == patient_id, Schedule.date >= today,
               WaitlistEntry.status != "cancelled")
        .order_by(Schedule.date, WaitlistEntry.id)).unique().all())


def leave_waitlist(session: Session, *, entry_id: int, patient_ids: List[int]) -> WaitlistEntry:
    entry = session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.id == entry_id, WaitlistEntry.patient_id.in_(patient_ids))).unique().first()
    if entry is None:
        raise not_found("waitlist entry")
    entry.status = "cancelled"
    return entry


def notify_first(session: Session, *, schedule_id: int, settings: Settings,
                 now: dt.datetime) -> Optional[WaitlistEntry]:
    """Notify the first waiting patient of an upcoming half-day that a place is free."""
    schedule = session.get(Schedule, schedule_id)
    today, _ = booking_window(settings=settings, now=now)
    if schedule is None or schedule.date < today:
        return None
    entry = session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.schedule_id == schedule_id,
                                    WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.id).limit(1)
        .with_for_update(of=WaitlistEntry, skip_locked=True)).unique().first()
    if entry is None:
        return None
    patient = session.get(Patient, entry.patient_id)
    assert patient is not None
    entry.status, entry.notified_at = "notified", now
    outbox.add_message(
        session, kind="waitlist_available", recipient=patient.mobile, now=now, patient_id=patient.id,
        payload={"waitlist_id": entry.id, "schedule_id": schedule_id},
        name=patient.name, date=schedule.date.strftime("%m月%d日"), half_day=HalfDay(schedule.half_day).label,
        department=schedule.doctor.department.name, doctor=schedule.doctor.name)
    return entry
