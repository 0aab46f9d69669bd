"""The demo seed: complete, deterministic, consistent, valid whenever it runs."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy import func, select

from his.clock import system_clock
from his.db import Database
from his.models import Appointment, Department, Doctor, Patient, Report, Schedule, TimeSlot, WaitlistEntry
from his.seed import load_demo_patients, seed_database
from his.migrate import upgrade
from tests.conftest import NOW, make_settings


def _fingerprint(db: Database) -> str:
    with db.read() as session:
        rows = session.execute(
            select(Doctor.name, Doctor.title, Schedule.date, Schedule.half_day, Schedule.status,
                   func.sum(TimeSlot.booked)).join(Schedule, Schedule.doctor_id == Doctor.id)
            .join(TimeSlot).group_by(Doctor.id, Schedule.id).order_by(Schedule.id)).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _fresh(tmp_path: Path, name: str, now: dt.datetime) -> Database:
    url = f"sqlite:///{tmp_path / name}"
    upgrade(url)
    settings = make_settings(url)
    db = Database.from_settings(settings)
    with db.write() as session:
        seed_database(session, settings=settings, now=now)
    return db


def test_every_department_has_two_to_four_doctors(db: Database) -> None:
    with db.read() as session:
        counts = session.execute(select(Department.name, func.count(Doctor.id)).join(Doctor)
                                 .group_by(Department.id)).all()
    assert len(counts) == 30 and all(2 <= n <= 4 for _, n in counts), counts


def test_zhang_jianguo_works_several_half_days_this_week(db: Database) -> None:
    with db.read() as session:
        zhang = session.scalars(select(Doctor).where(Doctor.name == "张建国")).one()
        assert (zhang.department.name, zhang.title) == ("骨科", "主任医师")
        others = session.scalars(select(Doctor).join(Department).where(
            Department.name == "骨科", Doctor.name.startswith("张"))).all()
        assert [d.name for d in others] == ["张建国"]
        week = session.scalars(select(Schedule).where(
            Schedule.doctor_id == zhang.id, Schedule.status == "open",
            Schedule.date.between(NOW.date(), NOW.date() + dt.timedelta(days=6)))).all()
    assert len(week) >= 3


def test_fully_booked_half_days_and_holidays_exist(db: Database) -> None:
    with db.read() as session:
        full = session.execute(select(Schedule.id).join(TimeSlot).where(Schedule.status == "open")
                               .group_by(Schedule.id).having(func.sum(TimeSlot.capacity) == func.sum(TimeSlot.booked))
                               ).all()
        holidays = session.scalars(select(Schedule.holiday_name).where(Schedule.status == "holiday").distinct()).all()
        closed = session.scalar(select(func.count()).select_from(Schedule).where(Schedule.status == "closed"))
    assert len(full) >= 5 and set(holidays) == {"中秋节", "国庆节"} and closed


def test_counters_equal_active_appointments(db: Database) -> None:
    with db.read() as session:
        active = (select(func.count()).select_from(Appointment)
                  .where(Appointment.slot_id == TimeSlot.id,
                         Appointment.status.in_(("booked", "rescheduled", "attended", "no_show")))
                  .scalar_subquery())
        mismatched = session.scalar(select(func.count()).select_from(TimeSlot).where(TimeSlot.booked != active))
    assert mismatched == 0


def test_demo_patients(db: Database) -> None:
    specs = load_demo_patients()
    with db.read() as session:
        for spec in specs:
            patient = session.scalars(select(Patient).where(Patient.card_no == spec["card_no"])).one()
            assert (patient.name, patient.mobile) == (spec["name"], spec["mobile"])
            assert "*" in patient.id_number_masked  # never a full ID number
            n_reports = session.scalar(select(func.count()).select_from(Report).where(Report.patient_id == patient.id))
            n_appts = session.scalar(select(func.count()).select_from(Appointment)
                                     .where(Appointment.patient_id == patient.id))
            assert n_reports == len(spec["reports"]) and n_appts == len(spec["appointments"])
        assert session.scalar(select(func.count()).select_from(WaitlistEntry)) == 1
        statuses = set(session.scalars(select(Report.status)))
    assert statuses == {"pending", "ready"}


def test_seed_is_deterministic(tmp_path: Path, db: Database) -> None:
    again = _fresh(tmp_path, "again.db", NOW)
    assert _fingerprint(again) == _fingerprint(db)
    again.dispose()


def test_seed_with_todays_date_is_valid(tmp_path: Path) -> None:
    now = system_clock()
    db = _fresh(tmp_path, "today.db", now)
    today = now.astimezone(NOW.tzinfo).date()
    with db.read() as session:
        first, last = session.execute(select(func.min(Schedule.date), func.max(Schedule.date))).one()
        upcoming = session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.visit_date >= today, Appointment.patient_id.in_(
                select(Patient.id).where(Patient.mobile.like("138000000%")))))
    assert first <= today and last >= today + dt.timedelta(days=27) and upcoming >= 3
    db.dispose()
