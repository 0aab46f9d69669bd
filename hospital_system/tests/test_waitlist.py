"""Waitlist: join a full half-day, queue positions, notification through the outbox on cancel."""
from __future__ import annotations

from typing import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from his.db import Database
from his.models import Appointment
from his.services.appointments import cancel_appointment
from his.settings import Settings
from tests.conftest import NOW
from tests.helpers import doctor_schedule


def test_join_full_half_day_and_get_notified(client: TestClient, verify: Callable[[str, str], dict],
                                             db: Database, settings: Settings) -> None:
    full = doctor_schedule(client, "王志强", "2026-09-22", "morning")
    chen = verify("200100000003", "陈晓明")
    headers = {"X-Patient-Token": chen["token"]}
    joined = client.post("/api/waitlist", json={"patient_id": chen["patient_id"], "schedule_id": full["schedule_id"]},
                         headers=headers)
    assert joined.status_code == 201, joined.text
    assert joined.json()["position"] == 2  # 赵丽娟 (demo) waits first
    again = client.post("/api/waitlist", json={"patient_id": chen["patient_id"], "schedule_id": full["schedule_id"]},
                        headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "already_waitlisted"

    with db.write() as session:  # somebody cancels a booking of that half-day
        appt = session.scalars(select(Appointment).where(Appointment.schedule_id == full["schedule_id"])).first()
        assert appt is not None
        cancel_appointment(session, appointment_id=appt.id, patient_ids=[appt.patient_id], settings=settings, now=NOW)
    notices = client.get("/api/outbox", params={"recipient": "13800000004", "kind": "waitlist_available"}).json()
    assert len(notices) == 1 and "王志强" in notices[0]["body"]
    assert notices[0]["payload"]["schedule_id"] == full["schedule_id"]
    mine = client.get(f"/api/patients/{chen['patient_id']}/waitlist", headers=headers).json()
    assert [(e["status"], e["position"]) for e in mine] == [("waiting", 1)]
    assert client.get("/api/outbox", params={"recipient": "13800000003", "kind": "waitlist_available"}).json() == []

    left = client.delete(f"/api/waitlist/{mine[0]['id']}", headers=headers)
    assert left.json()["status"] == "cancelled"
    assert client.get(f"/api/patients/{chen['patient_id']}/waitlist", headers=headers).json() == []


def test_waitlist_only_for_full_upcoming_half_days(client: TestClient, verify: Callable[[str, str], dict]) -> None:
    chen = verify("200100000003", "陈晓明")
    headers = {"X-Patient-Token": chen["token"]}
    open_one = doctor_schedule(client, "张建国", "2026-09-23", "morning")
    response = client.post("/api/waitlist", json={"patient_id": chen["patient_id"],
                                                  "schedule_id": open_one["schedule_id"]}, headers=headers)
    assert response.json()["code"] == "slots_available"
    holiday = doctor_schedule(client, "张建国", "2026-10-05", "morning")
    response = client.post("/api/waitlist", json={"patient_id": chen["patient_id"],
                                                  "schedule_id": holiday["schedule_id"]}, headers=headers)
    assert response.json()["code"] == "holiday"


def test_leaving_someone_elses_entry_is_not_found(client: TestClient, verify: Callable[[str, str], dict]) -> None:
    zhao, chen = verify("200100000004", "赵丽娟"), verify("200100000003", "陈晓明")
    entry = client.get(f"/api/patients/{zhao['patient_id']}/waitlist",
                       headers={"X-Patient-Token": zhao["token"]}).json()[0]
    response = client.delete(f"/api/waitlist/{entry['id']}", headers={"X-Patient-Token": chen["token"]})
    assert response.status_code == 404
