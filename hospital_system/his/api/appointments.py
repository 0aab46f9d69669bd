"""Appointments: create (idempotent), read, reschedule, cancel."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Header, Response, status

from his.api.deps import Ctx, CtxDep, PatientTokenDep, error_responses, verified_for, verified_ids
from his.api.schemas import AppointmentCreate, AppointmentOut, CancelRequest, RescheduleRequest, appointment_out
from his.models import Appointment
from his.services import appointments

router = APIRouter(prefix="/appointments", tags=["appointments"])
AUTH = ("verification_required", "verification_expired", "forbidden")
BOOKING_RULES = ("slot_full", "past_date", "beyond_window", "holiday", "closed", "not_bookable",
                 "duplicate_same_halfday")


def _out(appt: Appointment, ctx: Ctx) -> AppointmentOut:
    return appointment_out(appt, tz=ctx.settings.tz, cutoff_minutes=ctx.settings.cancel_cutoff_minutes)


@router.post("", response_model=AppointmentOut, status_code=status.HTTP_201_CREATED,
             responses={**error_responses(*AUTH, *BOOKING_RULES, "not_found", "idempotency_key_required",
                                          "idempotency_key_reused", "validation_error"),
                        200: {"model": AppointmentOut, "description": "replay of an earlier request "
                                                                      "with the same Idempotency-Key"}})
def create_appointment(body: AppointmentCreate, response: Response,
                       idempotency_key: Optional[str] = Header(
                           None, alias="Idempotency-Key", max_length=64,
                           description="unique per booking attempt; a retry with the same key never books twice"),
                       token: str = PatientTokenDep, ctx: Ctx = CtxDep) -> AppointmentOut:
    """Book a slot for a verified patient. Refusals carry the nearest alternatives."""
    verified_for(ctx, token, body.patient_id)
    with ctx.db.write() as session:
        appt, created = appointments.book_appointment(
            session, patient_id=body.patient_id, slot_id=body.slot_id, idempotency_key=idempotency_key or "",
            settings=ctx.settings, now=ctx.now)
        out = _out(appt, ctx)
    if not created:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.get("/{appointment_id}", response_model=AppointmentOut, responses=error_responses(*AUTH, "not_found"))
def get_appointment(appointment_id: int, token: str = PatientTokenDep, ctx: Ctx = CtxDep) -> AppointmentOut:
    """One appointment of a patient the token covers (anybody else's is not found)."""
    ids = verified_ids(ctx, token)
    with ctx.db.read() as session:
        return _out(appointments.get_appointment(session, appointment_id=appointment_id, patient_ids=ids), ctx)


@router.post("/{appointment_id}/reschedule", response_model=AppointmentOut,
             responses=error_responses(*AUTH, *BOOKING_RULES, "not_found", "not_active", "too_late_to_cancel",
                                       "different_department"))
def reschedule(appointment_id: int, body: RescheduleRequest, token: str = PatientTokenDep,
               ctx: Ctx = CtxDep) -> AppointmentOut:
    """Move to another slot of the same department; the old place goes to the waitlist."""
    ids = verified_ids(ctx, token)
    with ctx.db.write() as session:
        appt = appointments.reschedule_appointment(session, appointment_id=appointment_id, patient_ids=ids,
                                                   new_slot_id=body.slot_id, settings=ctx.settings, now=ctx.now)
        return _out(appt, ctx)


@router.post("/{appointment_id}/cancel", response_model=AppointmentOut,
             responses=error_responses(*AUTH, "not_found", "not_active", "too_late_to_cancel"))
def cancel(appointment_id: int, body: Optional[CancelRequest] = None, token: str = PatientTokenDep,
           ctx: Ctx = CtxDep) -> AppointmentOut:
    """Cancel (repeating it is harmless); the first patient on the waitlist is notified."""
    ids = verified_ids(ctx, token)
    with ctx.db.write() as session:
        appt = appointments.cancel_appointment(session, appointment_id=appointment_id, patient_ids=ids,
                                               reason=body.reason if body else None, settings=ctx.settings,
                                               now=ctx.now)
        return _out(appt, ctx)
