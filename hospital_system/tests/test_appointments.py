"""Booking rules, idempotency, cancel and reschedule, on SQLite and PostgreSQL."""
from __future__ import annotations

from typing import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from his.app import create_app
from his.db import Database
from his.models import Appointment, Department, Doctor, OutboxMessage, Schedule, TimeSlot
from tests.conftest import TOKEN, MutableClock, make_settings
from tests.helpers import book, doctor_schedule, free_slot, schedules, slots

CHEN = ("200100000003", "陈晓明")


@pytest.fixture
def backend_db(database_url: str) -> Iterator[Database]:
    database = Database.from_settings(make_settings(database_url))
    yield database
    database.dispose()


@pytest.fixture
def api(database_url: str, backend_db: Database, clock: MutableClock) -> Iterator[TestClient]:
    app = create_app(make_settings(database_url), clock=clock, database=backend_db)
    with TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


@pytest.fixture
def chen(api: TestClient) -> dict:
    body = api.post("/api/verification/card", json={"card_no": CHEN[0], "name": CHEN[1]}).json()
    return {"id": body["patient_id"], "token": body["token"]}


def _slot_booked(db: Database, slot_id: int) -> int:
    with db.read() as session:
        return session.scalar(select(TimeSlot.booked).where(TimeSlot.id == slot_id)) or 0


def test_book_confirm_and_list(api: TestClient, chen: dict, backend_db: Database) -> None:
    schedule = doctor_schedule(api, "张建国", "2026-09-23", "morning")
    slot = free_slot(api, schedule["schedule_id"])
    response = book(api, chen["token"], chen["id"], slot["slot_id"])
    assert response.status_code == 201, response.text
    appt = response.json()
    assert appt["status"] == "booked" and appt["appointment_no"].startswith("GH260923")
    assert appt["doctor"]["name"] == "张建国" and appt["fee"] == "50.00" and appt["location"] == "门诊楼3层C区"
    assert appt["start_at"] == slot["start_at"] and appt["created_at"].endswith("+08:00")
    assert appt["change_deadline"] < appt["start_at"]
    assert _slot_booked(backend_db, slot["slot_id"]) == slot["booked"] + 1
    upcoming = api.get(f"/api/patients/{chen['id']}/appointments", headers={"X-Patient-Token": chen["token"]})
    assert [a["id"] for a in upcoming.json()] == [appt["id"]]
    assert api.get(f"/api/appointments/{appt['id']}", headers={"X-Patient-Token": chen["token"]}).json() == appt
    with backend_db.read() as session:
        sms = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "booking_confirmation",
                                                          OutboxMessage.recipient == "13800000003")).all()
    assert len(sms) == 1 and appt["appointment_no"] in sms[0].body


def test_idempotent_retry_never_double_books(api: TestClient, chen: dict, backend_db: Database) -> None:
    slot = free_slot(api, doctor_schedule(api, "张建国", "2026-09-23", "morning")["schedule_id"])
    first = book(api, chen["token"], chen["id"], slot["slot_id"], key="retry-1")
    again = book(api, chen["token"], chen["id"], slot["slot_id"], key="retry-1")
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert _slot_booked(backend_db, slot["slot_id"]) == slot["booked"] + 1
    other = free_slot(api, doctor_schedule(api, "李红梅", "2026-09-22", "morning")["schedule_id"])
    reused = book(api, chen["token"], chen["id"], other["slot_id"], key="retry-1")
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    no_key = api.post("/api/appointments", json={"patient_id": chen["id"], "slot_id": other["slot_id"]},
                      headers={"X-Patient-Token": chen["token"]})
    assert no_key.status_code == 400 and no_key.json()["code"] == "idempotency_key_required"


def _error(response, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.json()["code"] == code, response.text
    assert response.status_code == 409
    return response.json()


def test_calendar_rules(api: TestClient, chen: dict, clock: MutableClock) -> None:
    rows = schedules(api, department="骨科", date_from="2026-10-01", date_to="2026-10-01")
    holiday_slot = slots(api, rows[0]["schedule_id"])[0]
    body = _error(book(api, chen["token"], chen["id"], holiday_slot["slot_id"]), "holiday")
    assert body["alternatives"] and all(a["status"] == "open" for a in body["alternatives"])
    late = slots(api, doctor_schedule(api, "张建国", "2026-10-12", "morning")["schedule_id"])[0]
    _error(book(api, chen["token"], chen["id"], late["slot_id"]), "beyond_window")
    today = slots(api, doctor_schedule(api, "张建国", "2026-09-21", "morning")["schedule_id"])[0]
    clock.advance(minutes=20)  # 07:50: still bookable
    assert book(api, chen["token"], chen["id"], today["slot_id"]).status_code == 201
    clock.advance(minutes=25)  # 08:15: the 08:00 slot has started
    lis = api.post("/api/verification/card", json={"card_no": "200100000002", "name": "王建华"}).json()
    _error(book(api, lis["token"], lis["patient_id"], today["slot_id"]), "past_date")


def test_closed_half_day_and_not_bookable_department(api: TestClient, chen: dict, backend_db: Database) -> None:
    schedule = doctor_schedule(api, "王磊", "2026-09-22", "afternoon")
    with backend_db.write() as session:
        session.execute(update(Schedule).where(Schedule.id == schedule["schedule_id"]).values(status="closed"))
    slot = slots(api, schedule["schedule_id"])[0]
    assert book(api, chen["token"], chen["id"], slot["slot_id"]).json()["code"] == "closed"
    with backend_db.write() as session:  # an emergency doctor's schedule: the ER takes no appointments
        er_doctor = session.scalar(select(Doctor).join(Department).where(Department.name == "急诊科"))
        session.execute(update(Schedule).where(Schedule.id == schedule["schedule_id"])
                        .values(status="open", doctor_id=er_doctor.id, department_id=er_doctor.department_id))
    assert book(api, chen["token"], chen["id"], slot["slot_id"]).json()["code"] == "not_bookable"


def test_full_slot_offers_alternatives(api: TestClient, chen: dict) -> None:
    full = doctor_schedule(api, "王志强", "2026-09-22", "morning")
    body = _error(book(api, chen["token"], chen["id"], slots(api, full["schedule_id"])[0]["slot_id"]), "slot_full")
    kinds = {a["type"] for a in body["alternatives"]}
    assert kinds == {"same_doctor", "same_department"}
    assert all(a["first_available_slot"]["available"] for a in body["alternatives"])


def test_one_appointment_per_department_and_half_day(api: TestClient, chen: dict) -> None:
    schedule = doctor_schedule(api, "张建国", "2026-09-23", "morning")
    free = [s for s in slots(api, schedule["schedule_id"]) if s["available"]]
    assert book(api, chen["token"], chen["id"], free[0]["slot_id"]).status_code == 201
    body = _error(book(api, chen["token"], chen["id"], free[1]["slot_id"]), "duplicate_same_halfday")
    assert body["details"]["appointment_no"].startswith("GH")
    other_dept = schedules(api, department="眼科", date_from="2026-09-23", date_to="2026-09-23",
                           half_day="morning", available_only=True)
    if other_dept:  # another department in the same half-day is fine
        assert book(api, chen["token"], chen["id"], free_slot(api, other_dept[0]["schedule_id"])["slot_id"]
                    ).status_code == 201


def test_cancel_frees_the_place_and_is_idempotent(api: TestClient, chen: dict, backend_db: Database) -> None:
    slot = free_slot(api, doctor_schedule(api, "张建国", "2026-09-23", "morning")["schedule_id"])
    appt = book(api, chen["token"], chen["id"], slot["slot_id"]).json()
    headers = {"X-Patient-Token": chen["token"]}
    cancelled = api.post(f"/api/appointments/{appt['id']}/cancel", json={"reason": "时间冲突"}, headers=headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "时间冲突"
    assert _slot_booked(backend_db, slot["slot_id"]) == slot["booked"]
    assert api.post(f"/api/appointments/{appt['id']}/cancel", headers=headers).json()["status"] == "cancelled"
    assert _slot_booked(backend_db, slot["slot_id"]) == slot["booked"]
    assert api.get(f"/api/patients/{chen['id']}/appointments", headers=headers).json() == []
    history = api.get(f"/api/patients/{chen['id']}/appointments", params={"scope": "all"}, headers=headers)
    assert [a["status"] for a in history.json()] == ["cancelled"]
    again = book(api, chen["token"], chen["id"], slot["slot_id"])  # the half-day is free again
    assert again.status_code == 201


def test_no_change_within_two_hours(api: TestClient, chen: dict, clock: MutableClock) -> None:
    schedule = doctor_schedule(api, "张建国", "2026-09-21", "morning")
    slot = [s for s in slots(api, schedule["schedule_id"]) if s["available"] and s["start_time"] < "09:30"][0]
    appt = book(api, chen["token"], chen["id"], slot["slot_id"]).json()
    headers = {"X-Patient-Token": chen["token"]}
    response = api.post(f"/api/appointments/{appt['id']}/cancel", headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "too_late_to_cancel"
    later = free_slot(api, doctor_schedule(api, "张建国", "2026-09-23", "morning")["schedule_id"])
    moved = api.post(f"/api/appointments/{appt['id']}/reschedule", json={"slot_id": later["slot_id"]},
                     headers=headers)
    assert moved.json()["code"] == "too_late_to_cancel"


def test_cancel_attended_is_refused(api: TestClient, backend_db: Database) -> None:
    li = api.post("/api/verification/card", json={"card_no": "200100000001", "name": "李秀英"}).json()
    history = api.get(f"/api/patients/{li['patient_id']}/appointments", params={"scope": "all"},
                      headers={"X-Patient-Token": li["token"]}).json()
    attended = next(a for a in history if a["status"] == "attended")
    response = api.post(f"/api/appointments/{attended['id']}/cancel", headers={"X-Patient-Token": li["token"]})
    assert response.status_code == 409 and response.json()["code"] == "not_active"


def test_reschedule(api: TestClient, chen: dict, backend_db: Database) -> None:
    first = free_slot(api, doctor_schedule(api, "张建国", "2026-09-23", "morning")["schedule_id"])
    target = free_slot(api, doctor_schedule(api, "张建国", "2026-09-24", "afternoon")["schedule_id"])
    appt = book(api, chen["token"], chen["id"], first["slot_id"]).json()
    headers = {"X-Patient-Token": chen["token"]}
    moved = api.post(f"/api/appointments/{appt['id']}/reschedule", json={"slot_id": target["slot_id"]},
                     headers=headers)
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["status"] == "rescheduled" and body["appointment_no"] == appt["appointment_no"]
    assert (body["date"], body["half_day"], body["start_time"] if "start_time" in body else body["start_at"]) == (
        "2026-09-24", "afternoon", target["start_at"])
    assert _slot_booked(backend_db, first["slot_id"]) == first["booked"]
    assert _slot_booked(backend_db, target["slot_id"]) == target["booked"] + 1
    same = api.post(f"/api/appointments/{appt['id']}/reschedule", json={"slot_id": target["slot_id"]},
                    headers=headers)
    assert same.status_code == 200 and _slot_booked(backend_db, target["slot_id"]) == target["booked"] + 1
    eye = schedules(api, department="眼科", available_only=True)[0]
    wrong = api.post(f"/api/appointments/{appt['id']}/reschedule",
                     json={"slot_id": free_slot(api, eye["schedule_id"])["slot_id"]}, headers=headers)
    assert wrong.json()["code"] == "different_department"
    with backend_db.write() as session:
        session.execute(update(TimeSlot).where(TimeSlot.id == first["slot_id"]).values(booked=TimeSlot.capacity))
    full = api.post(f"/api/appointments/{appt['id']}/reschedule", json={"slot_id": first["slot_id"]},
                    headers=headers)
    assert full.json()["code"] == "slot_full" and full.json()["alternatives"]
    assert api.get(f"/api/appointments/{appt['id']}", headers=headers).json()["slot_id"] == target["slot_id"]


def test_patient_scoping(api: TestClient, chen: dict) -> None:
    li = api.post("/api/verification/card", json={"card_no": "200100000001", "name": "李秀英"}).json()
    slot = free_slot(api, doctor_schedule(api, "张建国", "2026-09-23", "morning")["schedule_id"])
    forbidden = book(api, chen["token"], li["patient_id"], slot["slot_id"])
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    missing_token = book(api, "", chen["id"], slot["slot_id"])
    assert missing_token.status_code == 401 and missing_token.json()["code"] == "verification_required"
    li_appt = api.get(f"/api/patients/{li['patient_id']}/appointments",
                      headers={"X-Patient-Token": li["token"]}).json()[0]
    for path in (f"/api/appointments/{li_appt['id']}", f"/api/appointments/{li_appt['id']}/cancel"):
        method = api.get if not path.endswith("cancel") else api.post
        response = method(path, headers={"X-Patient-Token": chen["token"]})
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    still = api.get(f"/api/appointments/{li_appt['id']}", headers={"X-Patient-Token": li["token"]}).json()
    assert still["status"] == "booked"


def test_unknown_slot(api: TestClient, chen: dict) -> None:
    assert book(api, chen["token"], chen["id"], 10**8).json()["code"] == "not_found"


def test_appointment_rows_match_counters_after_activity(api: TestClient, chen: dict, backend_db: Database) -> None:
    slot = free_slot(api, doctor_schedule(api, "张建国", "2026-09-23", "morning")["schedule_id"])
    appt = book(api, chen["token"], chen["id"], slot["slot_id"]).json()
    api.post(f"/api/appointments/{appt['id']}/cancel", headers={"X-Patient-Token": chen["token"]})
    with backend_db.read() as session:
        booked = session.scalar(select(TimeSlot.booked).where(TimeSlot.id == slot["slot_id"]))
        active = session.scalars(select(Appointment).where(Appointment.slot_id == slot["slot_id"],
                                                           Appointment.status.in_(("booked", "rescheduled")))).all()
    assert booked == len(active)
