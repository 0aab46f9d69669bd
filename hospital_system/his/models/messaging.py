"""Outbox (SMS/notifications), one-time SMS codes, patient verification tokens, throttles."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from his.models.base import Base, UTCDateTime


class OutboxMessage(Base):
    """A message to send (SMS). A real deployment's sender drains ``status='pending'`` rows."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_recipient", "recipient", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16), default="sms")
    recipient: Mapped[str] = mapped_column(String(32))
    patient_id: Mapped[Optional[int]] = mapped_column(ForeignKey("patients.id"))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[Dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)


class SmsCode(Base):
    """A one-time code sent to a mobile. Only its hash is stored."""

    __tablename__ = "sms_codes"
    __table_args__ = (Index("ix_sms_codes_mobile", "mobile", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mobile: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    consumed_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)


class PatientToken(Base):
    """A short-lived verification token. One token may cover several patients (a family sharing
    one mobile): one row per (token, patient)."""

    __tablename__ = "patient_tokens"
    __table_args__ = (Index("ix_patient_tokens_hash", "token_hash", "patient_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    method: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class VerificationThrottle(Base):
    """Failed-attempt counter for verification by card number + name."""

    __tablename__ = "verification_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
