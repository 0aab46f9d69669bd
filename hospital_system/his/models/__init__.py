"""ORM models (SQLAlchemy 2.0 typed declarative). Import from here."""
from his.models.base import (ACTIVE_APPOINTMENT_STATUSES, TITLES, AppointmentStatus, Base, HalfDay,
                             ReportStatus, ScheduleStatus, UTCDateTime, WaitlistStatus)
from his.models.catalog import Department, DepartmentAlias, Doctor, RegistrationFee, Schedule, TimeSlot
from his.models.messaging import OutboxMessage, PatientToken, SmsCode, VerificationThrottle
from his.models.patients import Appointment, Patient, Report, WaitlistEntry

__all__ = [
    "ACTIVE_APPOINTMENT_STATUSES", "TITLES", "AppointmentStatus", "Base", "HalfDay", "ReportStatus",
    "ScheduleStatus", "UTCDateTime", "WaitlistStatus", "Department", "DepartmentAlias", "Doctor",
    "RegistrationFee", "Schedule", "TimeSlot", "OutboxMessage", "PatientToken", "SmsCode",
    "VerificationThrottle", "Appointment", "Patient", "Report", "WaitlistEntry",
]
