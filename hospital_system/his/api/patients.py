"""A verified patient's own data: profile, appointments, reports, waitlist entries.

Every route needs X-Patient-Token for that patient: another patient's id gives ``forbidden``."""
from __future__ import annotations

from typing import List, Literal, Optional

from fastapi import APIRouter, Query

from his.api.deps import Ctx, CtxDep, PatientTokenDep, error_responses, verified_for
from his.api.schemas import (AppointmentOut, PatientOut, ReportOut, WaitlistOut, appointment_out, patient_out,
                             report_out)
from his.api.waitlist import waitlist_out
from his.errors import not_found
from his.models import Patient
from his.services import appointments, reports, waitlist

router = APIRouter(prefix="/patients", tags=["patients"])
AUTH = ("verification_required", "verification_expired", "forbidden")


@router.get("/{patient_id}", response_model=PatientOut, responses=error_responses(*AUTH, "not_found"))
def get_patient(patient_id: int, token: str = PatientTokenDep, ctx: Ctx = CtxDep) -> PatientOut:
    verified_for(ctx, token, patient_id)
    with ctx.db.read() as session:
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise not_found("patient")
        return patient_out(patient)


@router.get("/{patient_id}/appointments", response_model=List[AppointmentOut], responses=error_responses(*AUTH))
def list_appointments(patient_id: int, scope: Literal["upcoming", "all"] = "upcoming",
                      token: str = PatientTokenDep, ctx: Ctx = CtxDep) -> List[AppointmentOut]:
    """Upcoming active appointments (default) or the whole history, newest first."""
    verified_for(ctx, token, patient_id)
    with ctx.db.read() as session:
        rows = appointments.list_patient_appointments(session, patient_id=patient_id, settings=ctx.settings,
                                                      now=ctx.now, upcoming_only=scope == "upcoming")
        return [appointment_out(a, tz=ctx.settings.tz, cutoff_minutes=ctx.settings.cancel_cutoff_minutes)
                for a in rows]


@router.get("/{patient_id}/reports", response_model=List[ReportOut], responses=error_responses(*AUTH))
def list_reports(patient_id: int, status: Optional[Literal["pending", "ready"]] = None,
                 token: str = PatientTokenDep, ctx: Ctx = CtxDep) -> List[ReportOut]:
    """The patient's reports, newest order first."""
    verified_for(ctx, token, patient_id)
    with ctx.db.read() as session:
        return [report_out(r, tz=ctx.settings.tz)
                for r in reports.list_reports(session, patient_id=patient_id, status=status)]


@router.get("/{patient_id}/reports/{report_id}", response_model=ReportOut,
            responses=error_responses(*AUTH, "not_found"))
def get_report(patient_id: int, report_id: int, token: str = PatientTokenDep, ctx: Ctx = CtxDep) -> ReportOut:
    verified_for(ctx, token, patient_id)
    with ctx.db.read() as session:
        return report_out(reports.get_report(session, report_id=report_id, patient_ids=[patient_id]),
                          tz=ctx.settings.tz)


@router.get("/{patient_id}/waitlist", response_model=List[WaitlistOut], responses=error_responses(*AUTH))
def list_waitlist(patient_id: int, token: str = PatientTokenDep, ctx: Ctx = CtxDep) -> List[WaitlistOut]:
    """The patient's upcoming waitlist entries (waiting or notified)."""
    verified_for(ctx, token, patient_id)
    with ctx.db.read() as session:
        entries = waitlist.list_patient_waitlist(session, patient_id=patient_id, settings=ctx.settings, now=ctx.now)
        return [waitlist_out(session, e, ctx) for e in entries]

