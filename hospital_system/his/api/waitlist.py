"""Waitlist (候补) for fully booked half-days."""
from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy.orm import Session

from his.api.deps import Ctx, CtxDep, PatientTokenDep, error_responses, verified_for, verified_ids
from his.api.schemas import ScheduleOut, WaitlistCreate, WaitlistOut
from his.models import WaitlistEntry
from his.services import schedules, waitlist

router = APIRouter(prefix="/waitlist", tags=["waitlist"])
AUTH = ("verification_required", "verification_expired", "forbidden")


def waitlist_out(session: Session, entry: WaitlistEntry, ctx: Ctx) -> WaitlistOut:
    view = schedules.get_schedule_view(session, schedule_id=entry.schedule_id, settings=ctx.settings, now=ctx.now)
    tz = ctx.settings.tz
    return WaitlistOut(id=entry.id, patient_id=entry.patient_id, status=entry.status,  # type: ignore[arg-type]
                       position=waitlist.position(session, entry=entry), schedule=ScheduleOut.model_validate(view),
                       created_at=entry.created_at.astimezone(tz),
                       notified_at=entry.notified_at.astimezone(tz) if entry.notified_at else None)


@router.post("", response_model=WaitlistOut, status_code=status.HTTP_201_CREATED,
             responses=error_responses(*AUTH, "not_found", "slots_available", "already_waitlisted", "holiday",
                                       "closed", "past_date", "beyond_window", "not_bookable"))
def join_waitlist(body: WaitlistCreate, token: str = PatientTokenDep, ctx: Ctx = CtxDep) -> WaitlistOut:
    """Join the waitlist of a fully booked half-day; the first in line gets an SMS when a place frees."""
    verified_for(ctx, token, body.patient_id)
    with ctx.db.write() as session:
        entry = waitlist.join_waitlist(session, patient_id=body.patient_id, schedule_id=body.schedule_id,
                                       settings=ctx.settings, now=ctx.now)
        return waitlist_out(session, entry, ctx)


@router.delete("/{entry_id}", response_model=WaitlistOut, responses=error_responses(*AUTH, "not_found"))
def leave_waitlist(entry_id: int, token: str = PatientTokenDep, ctx: Ctx = CtxDep) -> WaitlistOut:
    """Leave a waitlist (status becomes cancelled)."""
    ids = verified_ids(ctx, token)
    with ctx.db.write() as session:
        entry = waitlist.leave_waitlist(session, entry_id=entry_id, patient_ids=ids)
        session.flush()
        return waitlist_out(session, entry, ctx)
