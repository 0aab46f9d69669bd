"""Schedules with remaining places, holidays, booking window, slots and alternatives."""
from __future__ import annotations

from fastapi.testclient import TestClient

from his.db import Database
from his.services.schedules import find_alternatives
from his.settings import Settings
from tests.conftest import NOW, MutableClock
from tests.helpers import doctor_schedule, schedules, slots


def test_department_schedule_carries_fee_title_location_and_remaining(client: TestClient) -> None:
    rows = schedules(client, department="骨科", date_from="2026-09-21", date_to="2026-09-24")
    assert rows and all(r["department"]["name"] == "骨科" for r in rows)
    zhang = [r for r in rows if r["doctor"]["name"] == "张建国"]
    assert [(r["date"], r["half_day"]) for r in zhang] == [
        ("2026-09-21", "morning"), ("2026-09-23", "morning"), ("2026-09-24", "afternoon")]
    first = zhang[0]
    assert first["doctor"]["title"] == "主任医师" and first["fee"] == "50.00"
    assert first["location"] == "门诊楼3层C区" and first["half_day_label"] == "上午"
    assert first["weekday"] == 1 and first["weekday_label"] == "周一"
    assert first["bookable"] is True and 0 < first["remaining"] == first["capacity"] - first["booked"]


def test_half_day_filter_accepts_code_and_chinese(client: TestClient) -> None:
    by_code = schedules(client, department="骨科", half_day="afternoon")
    by_label = schedules(client, department="骨科", half_day="下午")
    assert by_code == by_label and by_code and all(r["half_day"] == "afternoon" for r in by_code)
    bad = client.get("/api/schedules", params={"half_day": "midnight"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"


def test_public_holidays_are_closed(client: TestClient) -> None:
    rows = schedules(client, department="骨科", date_from="2026-09-25", date_to="2026-10-07")
    holidays = [r for r in rows if r["date"] in ("2026-09-25", "2026-09-26") or r["date"] >= "2026-10-01"]
    workdays = [r for r in rows if "2026-09-28" <= r["date"] <= "2026-09-30"]
    assert holidays and all(r["status"] == "holiday" and r["unavailable_reason"] == "holiday" for r in holidays)
    assert {r["holiday_name"] for r in holidays} == {"中秋节", "国庆节"}
    assert workdays and all(r["holiday_name"] is None for r in workdays)


def test_weekend_workday_after_holiday_follows_weekly_schedule(client: TestClient) -> None:
    # 2026-10-10 is a Saturday working day (调休): only Saturday clinics, and it is not a holiday.
    rows = schedules(client, date_from="2026-10-10", date_to="2026-10-10")
    assert rows and all(r["status"] == "open" and r["holiday_name"] is None for r in rows)
    assert all(r["half_day"] == "morning" for r in rows if r["department"]["name"] != "儿科")


def test_booking_window(client: TestClient) -> None:
    rows = schedules(client, department="骨科", date_from="2026-10-06", date_to="2026-10-12")
    assert {r["date"] for r in rows if r["unavailable_reason"] == "beyond_window"} >= {"2026-10-08"}
    assert all(r["date"] > "2026-10-05" for r in rows if r["unavailable_reason"] == "beyond_window")
    default = schedules(client, department="骨科")
    assert min(r["date"] for r in default) == "2026-09-21" and max(r["date"] for r in default) <= "2026-10-05"


def test_fully_booked_doctor(client: TestClient) -> None:
    full = doctor_schedule(client, "王志强", "2026-09-22", "morning")
    assert full["remaining"] == 0 and full["unavailable_reason"] == "slot_full" and not full["bookable"]
    available = schedules(client, department="心内科", available_only=True)
    assert available and all(r["bookable"] and r["remaining"] > 0 for r in available)
    assert full["schedule_id"] not in {r["schedule_id"] for r in available}


def test_invalid_date_range(client: TestClient) -> None:
    backwards = client.get("/api/schedules", params={"date_from": "2026-09-30", "date_to": "2026-09-21"})
    too_long = client.get("/api/schedules", params={"date_from": "2026-09-01", "date_to": "2026-12-01"})
    assert backwards.json()["code"] == too_long.json()["code"] == "validation_error"


def test_slots_are_numbered_half_hours_with_capacity_by_title(client: TestClient) -> None:
    schedule = doctor_schedule(client, "张建国", "2026-09-23", "morning")
    rows = slots(client, schedule["schedule_id"])
    assert [s["seq"] for s in rows] == list(range(1, 9))
    assert (rows[0]["start_time"], rows[0]["end_time"]) == ("08:00", "08:30")
    assert rows[0]["start_at"] == "2026-09-23T08:00:00+08:00"
    assert all(s["capacity"] == 2 for s in rows)  # 主任医师: 2 per half hour
    assert sum(s["remaining"] for s in rows) == schedule["remaining"]


def test_doctor_slots_by_date_and_half_day(client: TestClient) -> None:
    schedule = doctor_schedule(client, "张建国", "2026-09-24", "afternoon")
    body = client.get(f"/api/doctors/{schedule['doctor']['id']}/slots",
                      params={"date": "2026-09-24", "half_day": "下午"}).json()
    assert body["schedule_id"] == schedule["schedule_id"] and body["slots"][0]["start_time"] == "13:30"
    missing = client.get(f"/api/doctors/{schedule['doctor']['id']}/slots",
                         params={"date": "2026-09-22", "half_day": "morning"})
    assert missing.status_code == 404


def test_started_slots_no_longer_count(client: TestClient, clock: MutableClock) -> None:
    before = doctor_schedule(client, "张建国", "2026-09-21", "morning")
    clock.advance(hours=4)  # 11:30: only the 11:30 slot has not started... and it starts now
    after = doctor_schedule(client, "张建国", "2026-09-21", "morning")
    assert before["remaining"] > 0 and after["remaining"] == 0
    assert after["unavailable_reason"] == "past_date"
    assert not any(s["available"] for s in slots(client, after["schedule_id"]))


def test_alternatives_same_doctor_first_then_same_department(client: TestClient, db: Database,
                                                            settings: Settings) -> None:
    full = doctor_schedule(client, "王志强", "2026-09-22", "morning")
    with db.read() as session:
        alternatives = find_alternatives(session, schedule_id=full["schedule_id"], settings=settings, now=NOW)
    kinds = [a["type"] for a in alternatives]
    assert kinds == sorted(kinds, key=lambda k: k != "same_doctor") and "same_department" in kinds
    for alt in alternatives:
        assert alt["bookable"] and alt["first_available_slot"]["available"]
        assert alt["department"]["name"] == "心血管内科"
        assert (alt["doctor"]["name"] == "王志强") == (alt["type"] == "same_doctor")
    others = [a for a in alternatives if a["type"] == "same_department"]
    assert len(others) <= settings.alternatives_limit
