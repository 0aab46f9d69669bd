"""50 simultaneous bookings of the last free place give exactly one appointment.

Each thread uses its own session and database connection and calls the booking service as the
API does (``Database.write()`` + ``book_appointment``)."""
from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterator, List, Tuple

import pytest
from sqlalchemy import func, insert, select, update

from his.db import Database
from his.errors import HisError
from his.models import Appointment, Doctor, Patient, Schedule, TimeSlot
from his.services.appointments import book_appointment
from tests.conftest import NOW, make_settings

THREADS = 50


@pytest.fixture
def backend(database_url: str) -> Iterator[Tuple[Database, object]]:
    settings = make_settings(database_url, db_pool_size=THREADS, db_max_overflow=10)
    database = Database.from_settings(settings)
    yield database, settings
    database.dispose()


def _last_place(db: Database) -> int:
    """A slot of 张建国 on 2026-09-23 morning with exactly one place left."""
    with db.write() as session:
        slot_id = session.scalar(
            select(TimeSlot.id).join(Schedule).join(Doctor)
            .where(Doctor.name == "张建国", Schedule.date == dt.date(2026, 9, 23), Schedule.half_day == "morning",
                   TimeSlot.booked < TimeSlot.capacity).order_by(TimeSlot.seq).limit(1))
        session.execute(update(TimeSlot).where(TimeSlot.id == slot_id).values(booked=TimeSlot.capacity - 1))
    assert slot_id is not None
    return slot_id


def _new_patients(db: Database, count: int) -> List[int]:
    with db.write() as session:
        rows = [{"name": f"并发{i}", "gender": "男", "mobile": f"1370000{i:04d}", "card_no": f"2999{i:08d}",
                 "id_number_masked": "1101**********0000", "insurance_type": "自费", "created_at": NOW}
                for i in range(count)]
        return list(session.scalars(insert(Patient).returning(Patient.id), rows))


def _race(db: Database, settings: object, calls: List[Callable[[], object]]) -> List[object]:
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> object:
        barrier.wait()
        try:
            return call()
        except HisError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _booker(db: Database, settings: object, patient_id: int, slot_id: int, key: str) -> Callable[[], object]:
    def call() -> object:
        with db.write() as session:
            appt, created = book_appointment(session, patient_id=patient_id, slot_id=slot_id, idempotency_key=key,
                                             settings=settings, now=NOW)  # type: ignore[arg-type]
            return ("created" if created else "replayed", appt.id)
    return call


def test_fifty_patients_race_for_the_last_place(backend: Tuple[Database, object]) -> None:
    db, settings = backend
    slot_id = _last_place(db)
    patients = _new_patients(db, THREADS)
    results = _race(db, settings, [_booker(db, settings, pid, slot_id, f"k{pid}") for pid in patients])
    created = [r for r in results if isinstance(r, tuple) and r[0] == "created"]
    assert len(created) == 1, results
    assert sorted(r for r in results if not isinstance(r, tuple)) == ["slot_full"] * (THREADS - 1)
    with db.read() as session:
        slot = session.get(TimeSlot, slot_id)
        assert slot is not None and slot.booked == slot.capacity
        winners = session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.slot_id == slot_id, Appointment.patient_id.in_(patients)))
    assert winners == 1


def test_same_request_retried_concurrently_books_once(backend: Tuple[Database, object]) -> None:
    db, settings = backend
    slot_id = _last_place(db)
    with db.write() as session:
        session.execute(update(TimeSlot).where(TimeSlot.id == slot_id).values(booked=0))
    patient = _new_patients(db, 1)[0]
    results = _race(db, settings, [_booker(db, settings, patient, slot_id, "same-key") for _ in range(20)])
    ids = {r[1] for r in results if isinstance(r, tuple)}
    assert len(ids) == 1 and all(isinstance(r, tuple) for r in results), results
    with db.read() as session:
        assert session.get(TimeSlot, slot_id).booked == 1  # type: ignore[union-attr]


def test_one_patient_many_slots_same_half_day_books_once(backend: Tuple[Database, object]) -> None:
    db, settings = backend
    with db.write() as session:
        slot_ids = list(session.scalars(
            select(TimeSlot.id).join(Schedule).join(Doctor)
            .where(Doctor.name == "张建国", Schedule.date == dt.date(2026, 9, 23), Schedule.half_day == "morning")))
        session.execute(update(TimeSlot).where(TimeSlot.id.in_(slot_ids)).values(booked=0))
    patient = _new_patients(db, 1)[0]
    results = _race(db, settings, [_booker(db, settings, patient, sid, f"k{sid}") for sid in slot_ids])
    assert sum(isinstance(r, tuple) for r in results) == 1, results
    assert sorted(r for r in results if not isinstance(r, tuple)) == ["duplicate_same_halfday"] * (len(slot_ids) - 1)
    with db.read() as session:
        assert sum(session.get(TimeSlot, s).booked for s in slot_ids) == 1  # type: ignore[union-attr]
