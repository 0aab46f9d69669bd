"""HTTP API: one router module per feature, all mounted under /api behind the service token.

To add a feature (e.g. the safety engineer's POST /api/triage): write ``his/api/triage.py`` with
``router = APIRouter(prefix="/triage", tags=["triage"])`` and add it to FEATURE_ROUTERS below."""
from __future__ import annotations

from typing import List

from fastapi import APIRouter

from his.api import appointments, catalog, outbox, patients, schedules, triage, verification, waitlist

FEATURE_ROUTERS: List[APIRouter] = [
    catalog.router,
    schedules.router,
    verification.router,
    patients.router,
    appointments.router,
    waitlist.router,
    outbox.router,
    triage.router,
]
