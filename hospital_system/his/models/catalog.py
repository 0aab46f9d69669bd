"""Departments, doctors, fees, half-day schedules and their numbered time slots."""
from __future__ import annotations

import datetime as dt
from typing import List, Optional

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from his.models.base import Base


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    category: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(String(64))
    phone: Mapped[Optional[str]] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(200), default="")
    accepts_appointments: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    aliases: Mapped[List["DepartmentAlias"]] = relationship(
        back_populates="department", order_by="DepartmentAlias.alias", lazy="selectin")


class DepartmentAlias(Base):
    __tablename__ = "department_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(32), unique=True)

    department: Mapped[Department] = relationship(back_populates="aliases")


class RegistrationFee(Base):
    """挂号费 by doctor title, in fen (1/100 yuan)."""

    __tablename__ = "registration_fees"

    title: Mapped[str] = mapped_column(String(16), primary_key=True)
    fee_fen: Mapped[int]


class Doctor(Base):
    __tablename__ = "doctors"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    name: Mapped[str] = mapped_column(String(16), index=True)
    gender: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(ForeignKey("registration_fees.title"))
    specialties: Mapped[List[str]] = mapped_column(JSON, default=list)
    bio: Mapped[str] = mapped_column(String(300), default="")

    department: Mapped[Department] = relationship(lazy="joined")
    fee: Mapped[RegistrationFee] = relationship(lazy="joined")


class Schedule(Base):
    """One doctor's clinic on one date and half-day (出诊)."""

    __tablename__ = "schedules"
    __table_args__ = (
        UniqueConstraint("doctor_id", "date", "half_day", name="uq_schedules_doctor_date_half_day"),
        Index("ix_schedules_department_date", "department_id", "date", "half_day"),
        Index("ix_schedules_date", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("doctors.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    half_day: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="open")
    holiday_name: Mapped[Optional[str]] = mapped_column(String(32))
    location: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(100), default="")

    doctor: Mapped[Doctor] = relationship(lazy="joined")
    slots: Mapped[List["TimeSlot"]] = relationship(
        back_populates="schedule", order_by="TimeSlot.seq", lazy="selectin")


class TimeSlot(Base):
    """A numbered time slot of a schedule (分时段), e.g. No. 1, 08:00-08:30, capacity 3."""

    __tablename__ = "time_slots"
    __table_args__ = (
        UniqueConstraint("schedule_id", "seq", name="uq_time_slots_schedule_seq"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)

    schedule: Mapped[Schedule] = relationship(back_populates="slots")

    @property
    def remaining(self) -> int:
        return self.capacity - self.booked
