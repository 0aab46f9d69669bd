"""Schedules (half-day clinics with remaining places, fee, title, location) and their slots."""
from __future__ import annotations

import datetime as dt
from typing import List, Optional

from fastapi import APIRouter, Query
from sqlalchemy import select

from his.api.deps import Ctx, CtxDep, error_responses
from his.api.schemas import ScheduleOut, ScheduleSlotsOut
from his.errors import HisError, not_found
from his.models import HalfDay, Schedule
from his.services import catalog, schedules

router = APIRouter(tags=["schedules"])
MAX_RANGE_DAYS = 31


def parse_half_day(text: Optional[str]) -> Optional[HalfDay]:
    if not text:
        return None
    try:
        return HalfDay.parse(text)
    except ValueError:
        raise HisError("validation_error", "half_day must be morning/afternoon/evening or 上午/下午/夜诊",
                       details={"half_day": text}) from None


@router.get("/schedules", response_model=List[ScheduleOut], responses=error_responses("not_found"))
def list_schedules(  # noqa: PLR0913
        department: Optional[str] = Query(None, max_length=32, description="id, name or alias"),
        doctor_id: Optional[int] = None,
        date_from: Optional[dt.date] = Query(None, description="default: today"),
        date_to: Optional[dt.date] = Query(None, description="default: the end of the booking window"),
        half_day: Optional[str] = Query(None, max_length=10, description="morning/afternoon/evening or 上午/下午/夜诊"),
        available_only: bool = Query(False, description="only half-days that can be booked now"),
        limit: int = Query(200, ge=1, le=500),
        ctx: Ctx = CtxDep) -> List[ScheduleOut]:
    """Half-day schedules, earliest first, each with remaining places, fee, title and location."""
    half = parse_half_day(half_day)
    if date_from and date_to and (date_to < date_from or (date_to - date_from).days > MAX_RANGE_DAYS):
        raise HisError("validation_error", f"date range must be ordered and at most {MAX_RANGE_DAYS} days")
    with ctx.db.read() as session:
        dept_id = catalog.department_id_by_ref(session, ref=department) if department else None
        views = schedules.list_schedules(session, settings=ctx.settings, now=ctx.now, department_id=dept_id,
                                         doctor_id=doctor_id, date_from=date_from, date_to=date_to,
                                         half_day=half, only_available=available_only, limit=limit)
    return views  # type: ignore[return-value]  # plain dicts: FastAPI validates them once


@router.get("/schedules/{schedule_id}/slots", response_model=ScheduleSlotsOut,
            responses=error_responses("not_found"))
def schedule_slots(schedule_id: int, ctx: Ctx = CtxDep) -> ScheduleSlotsOut:
    """One half-day with its numbered time slots and the places left in each."""
    with ctx.db.read() as session:
        return ScheduleSlotsOut.model_validate(
            schedules.list_slots(session, schedule_id=schedule_id, settings=ctx.settings, now=ctx.now))


@router.get("/doctors/{doctor_id}/slots", response_model=ScheduleSlotsOut,
            responses=error_responses("not_found", "validation_error"))
def doctor_slots(doctor_id: int, date: dt.date, half_day: str = Query(max_length=10),
                 ctx: Ctx = CtxDep) -> ScheduleSlotsOut:
    """The slots of a doctor's half-day, found by date and half-day."""
    half = parse_half_day(half_day)
    assert half is not None
    with ctx.db.read() as session:
        schedule_id = session.scalar(select(Schedule.id).where(
            Schedule.doctor_id == doctor_id, Schedule.date == date, Schedule.half_day == half.value))
        if schedule_id is None:
            raise not_found("schedule")
        return ScheduleSlotsOut.model_validate(
            schedules.list_slots(session, schedule_id=schedule_id, settings=ctx.settings, now=ctx.now))
