"""Patients, appointments, reports and the waitlist."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from his.models.base import Base, UTCDateTime
from his.models.catalog import Department, Doctor, Schedule, TimeSlot

_ACTIVE = text("status IN ('booked', 'rescheduled')")


class Patient(Base):
    """A registered patient. The ID number is stored masked only (e.g. 1101**********1234)."""

    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    gender: Mapped[str] = mapped_column(String(2))
    mobile: Mapped[str] = mapped_column(String(20), index=True)
    id_number_masked: Mapped[str] = mapped_column(String(32))
    card_no: Mapped[str] = mapped_column(String(20), unique=True)
    insurance_type: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Appointment(Base):
    """A booking of one time slot. Date, half-day, doctor and department are copied from the slot
    so that "one active appointment per patient, department and half-day" is a database constraint."""

    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("patient_id", "idempotency_key", name="uq_appointments_patient_idempotency"),
        Index("uq_appointments_active_halfday", "patient_id", "department_id", "visit_date", "half_day",
              unique=True, sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
        Index("ix_appointments_patient_date", "patient_id", "visit_date"),
        Index("ix_appointments_slot", "slot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_no: Mapped[str] = mapped_column(String(24), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("time_slots.id"))
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id"))
    doctor_id: Mapped[int] = mapped_column(ForeignKey("doctors.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    visit_date: Mapped[dt.date] = mapped_column(Date)
    half_day: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default="booked")
    idempotency_key: Mapped[Optional[str]] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16), default="chatbot")
    cancel_reason: Mapped[Optional[str]] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    patient: Mapped[Patient] = relationship(lazy="joined")
    slot: Mapped[TimeSlot] = relationship(lazy="joined")
    schedule: Mapped[Schedule] = relationship(lazy="joined")
    doctor: Mapped[Doctor] = relationship(lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")


class Report(Base):
    """A lab (检验) or imaging/exam (检查) report."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_patient_ordered", "patient_id", "ordered_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_no: Mapped[str] = mapped_column(String(24), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("departments.id"))
    kind: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(8))
    ordered_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    expected_ready_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    ready_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    pickup_place: Mapped[str] = mapped_column(String(64))
    online_url: Mapped[Optional[str]] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(200), default="")

    department: Mapped[Optional[Department]] = relationship(lazy="joined")


_WAITING = text("status = 'waiting'")


class WaitlistEntry(Base):
    """A patient waiting for a place on a fully booked doctor's half-day (候补)."""

    __tablename__ = "waitlist"
    __table_args__ = (
        Index("uq_waitlist_waiting", "patient_id", "schedule_id", unique=True,
              sqlite_where=_WAITING, postgresql_where=_WAITING),
        Index("ix_waitlist_schedule_status", "schedule_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id"))
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    notified_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)

    schedule: Mapped[Schedule] = relationship(lazy="joined")
