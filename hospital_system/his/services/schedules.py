"""Schedules (a doctor's half-day clinics) with remaining places, their slots, and alternatives."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from his.clock import local_dt
from his.errors import not_found
from his.holidays import public_holiday_name
from his.models import Department, Doctor, HalfDay, RegistrationFee, Schedule, TimeSlot
from his.settings import Settings

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_HALF_DAY_ORDER = case({"morning": 0, "afternoon": 1, "evening": 2}, value=Schedule.half_day, else_=3)


def booking_window(*, settings: Settings, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """First and last local dates that can be booked (today .. today + window)."""
    today = now.astimezone(settings.tz).date()
    return today, today + dt.timedelta(days=settings.booking_window_days)


def fee_text(fee_fen: int) -> str:
    return f"{fee_fen // 100}.{fee_fen % 100:02d}"


def _schedule_query(*, settings: Settings, now: dt.datetime) -> Any:
    local_now = now.astimezone(settings.tz)
    future = or_(Schedule.date > local_now.date(),
                 and_(Schedule.date == local_now.date(), TimeSlot.start_time > local_now.time()))
    free = TimeSlot.capacity - TimeSlot.booked
    return (
        select(Schedule.id, Schedule.date, Schedule.half_day, Schedule.status, Schedule.holiday_name,
               Schedule.location, Schedule.note, Doctor.id.label("doctor_id"),
               Doctor.name.label("doctor_name"), Doctor.title, Department.id.label("department_id"),
               Department.name.label("department_name"), Department.accepts_appointments,
               RegistrationFee.fee_fen,
               func.coalesce(func.sum(TimeSlot.capacity), 0).label("capacity"),
               func.coalesce(func.sum(TimeSlot.booked), 0).label("booked"),
               func.coalesce(func.sum(case((future, free), else_=0)), 0).label("remaining"))
        .join(Doctor, Doctor.id == Schedule.doctor_id)
        .join(Department, Department.id == Schedule.department_id)
        .join(RegistrationFee, RegistrationFee.title == Doctor.title)
        .outerjoin(TimeSlot, TimeSlot.schedule_id == Schedule.id)
        .group_by(Schedule.id, Doctor.id, Department.id, RegistrationFee.title)
    )


def _reason(row: Any, *, today: dt.date, last_day: dt.date) -> Optional[str]:
    """Why a schedule cannot be booked now (an error code), or None when it can."""
    if not row.accepts_appointments:
        return "not_bookable"
    if row.status == "holiday" or public_holiday_name(row.date):
        return "holiday"
    if row.status == "closed":
        return "closed"
    if row.date < today or (row.remaining == 0 and row.capacity > row.booked):
        return "past_date"
    if row.date > last_day:
        return "beyond_window"
    if row.remaining <= 0:
        return "slot_full"
    return None


def _view(row: Any, *, today: dt.date, last_day: dt.date) -> Dict[str, Any]:
    half = HalfDay(row.half_day)
    reason = _reason(row, today=today, last_day=last_day)
    return {
        "schedule_id": row.id,
        "date": row.date.isoformat(),
        "weekday": row.date.isoweekday(),
        "weekday_label": WEEKDAYS_ZH[row.date.weekday()],
        "half_day": half.value,
        "half_day_label": half.label,
        "status": row.status,
        "holiday_name": row.holiday_name or public_holiday_name(row.date),
        "doctor": {"id": row.doctor_id, "name": row.doctor_name, "title": row.title},
        "department": {"id": row.department_id, "name": row.department_name},
        "location": row.location,
        "fee": fee_text(row.fee_fen),
        "capacity": int(row.capacity),
        "booked": int(row.booked),
        "remaining": int(row.remaining),
        "bookable": reason is None,
        "unavailable_reason": reason,
        "note": row.note,
    }


def list_schedules(session: Session, *, settings: Settings, now: dt.datetime,
                   department_id: Optional[int] = None, doctor_id: Optional[int] = None,
                   date_from: Optional[dt.date] = None, date_to: Optional[dt.date] = None,
                   half_day: Optional[HalfDay] = None, only_available: bool = False,
                   exclude_doctor_id: Optional[int] = None, limit: int = 500) -> List[Dict[str, Any]]:
    """Half-day schedules in a date range (default: the booking window), earliest first."""
    today, last_day = booking_window(settings=settings, now=now)
    date_from = date_from or today
    date_to = date_to or last_day
    query = _schedule_query(settings=settings, now=now).where(Schedule.date.between(date_from, date_to))
    if department_id is not None:
        query = query.where(Schedule.department_id == department_id)
    if doctor_id is not None:
        query = query.where(Schedule.doctor_id == doctor_id)
    if exclude_doctor_id is not None:
        query = query.where(Schedule.doctor_id != exclude_doctor_id)
    if half_day is not None:
        query = query.where(Schedule.half_day == half_day.value)
    if only_available:
        query = query.where(Schedule.status == "open", Schedule.date.between(today, last_day),
                            Department.accepts_appointments.is_(True))
    query = query.order_by(Schedule.date, _HALF_DAY_ORDER, Doctor.id).limit(limit)
    views = [_view(row, today=today, last_day=last_day) for row in session.execute(query)]
    if only_available:
        views = [v for v in views if v["bookable"]]
    return views


def get_schedule_view(session: Session, *, schedule_id: int, settings: Settings,
                      now: dt.datetime) -> Dict[str, Any]:
    today, last_day = booking_window(settings=settings, now=now)
    row = session.execute(_schedule_query(settings=settings, now=now)
                          .where(Schedule.id == schedule_id)).first()
    if row is None:
        raise not_found("schedule")
    return _view(row, today=today, last_day=last_day)


def slot_view(slot: TimeSlot, schedule: Schedule, *, settings: Settings,
              now: dt.datetime) -> Dict[str, Any]:
    start_at = local_dt(schedule.date, slot.start_time, settings.tz)
    return {
        "slot_id": slot.id,
        "seq": slot.seq,
        "start_time": slot.start_time.strftime("%H:%M"),
        "end_time": slot.end_time.strftime("%H:%M"),
        "start_at": start_at.isoformat(),
        "end_at": local_dt(schedule.date, slot.end_time, settings.tz).isoformat(),
        "capacity": slot.capacity,
        "booked": slot.booked,
        "remaining": slot.remaining,
        "available": slot.remaining > 0 and start_at > now,
    }


def list_slots(session: Session, *, schedule_id: int, settings: Settings,
               now: dt.datetime) -> Dict[str, Any]:
    """A schedule with its numbered slots and each slot's remaining places."""
    view = get_schedule_view(session, schedule_id=schedule_id, settings=settings, now=now)
    schedule = session.get(Schedule, schedule_id)
    assert schedule is not None
    view["slots"] = [slot_view(s, schedule, settings=settings, now=now) for s in schedule.slots]
    return view


def _first_free_slot(session: Session, *, schedule_id: int, settings: Settings,
                     now: dt.datetime) -> Optional[Dict[str, Any]]:
    schedule = session.get(Schedule, schedule_id)
    if schedule is None:
        return None
    for slot in schedule.slots:
        view = slot_view(slot, schedule, settings=settings, now=now)
        if view["available"]:
            return view
    return None


def find_alternatives(session: Session, *, schedule_id: int, settings: Settings, now: dt.datetime,
                      limit: Optional[int] = None) -> List[Dict[str, Any]]:
    """Nearest bookable half-days: the same doctor at other times first, then other doctors of
    the same department (same half-day first, then closest dates). Each carries its first free slot."""
    limit = limit or settings.alternatives_limit
    schedule = session.get(Schedule, schedule_id)
    if schedule is None:
        return []
    wanted = schedule.date

    def distance(view: Dict[str, Any]) -> tuple[int, int, str]:
        day = dt.date.fromisoformat(view["date"])
        same_half = 0 if (day == wanted and view["half_day"] == schedule.half_day) else 1
        return (same_half, abs((day - wanted).days), view["date"] + view["half_day"])

    same_doctor = list_schedules(session, settings=settings, now=now, doctor_id=schedule.doctor_id,
                                 only_available=True)
    same_department = list_schedules(session, settings=settings, now=now,
                                     department_id=schedule.department_id,
                                     exclude_doctor_id=schedule.doctor_id, only_available=True)
    result: List[Dict[str, Any]] = []
    for kind, views in (("same_doctor", same_doctor), ("same_department", same_department)):
        for view in sorted(views, key=distance)[:limit]:
            view["type"] = kind
            view["first_available_slot"] = _first_free_slot(session, schedule_id=view["schedule_id"],
                                                            settings=settings, now=now)
            result.append(view)
    return result
