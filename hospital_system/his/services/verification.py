"""Patient verification: a one-time SMS code, or card number + name. Either gives a short-lived
verification token covering the verified patient(s); patient data needs that token.

A code request answers the same whether or not the mobile belongs to a patient (no enumeration
of who is a patient here): the SMS is only written when it does."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from typing import Dict, List

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from his.errors import HisError
from his.models import Patient, PatientToken, SmsCode, VerificationThrottle
from his.services import outbox
from his.settings import Settings

MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


@dataclass
class Verified:
    token: str
    expires_at: dt.datetime
    patients: List[Patient] = field(default_factory=list)


def _digest(settings: Settings, text: str) -> str:
    key = settings.api_token.get_secret_value().encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_sms_code(session: Session, *, mobile: str, settings: Settings, now: dt.datetime) -> Dict[str, int]:
    """Send a 6-digit code (valid ``otp_ttl_seconds``) unless rate limits or a lock forbid it."""
    if not MOBILE_RE.match(mobile):
        raise HisError("validation_error", "mobile must be an 11-digit mainland number")
    last = session.scalars(select(SmsCode).where(SmsCode.mobile == mobile)
                           .order_by(SmsCode.id.desc()).limit(1)).first()
    if last is not None and last.locked_until is not None and last.locked_until > now:
        raise HisError("too_many_attempts", "too many wrong codes; try again later",
                       details={"retry_after": int((last.locked_until - now).total_seconds())})
    if last is not None and (now - last.created_at).total_seconds() < settings.otp_resend_interval_seconds:
        wait = settings.otp_resend_interval_seconds - int((now - last.created_at).total_seconds())
        raise HisError("resend_too_soon", "a code was sent moments ago", details={"retry_after": wait})
    sent_last_hour = session.scalar(select(func.count()).select_from(SmsCode).where(
        SmsCode.mobile == mobile, SmsCode.created_at > now - dt.timedelta(hours=1))) or 0
    if sent_last_hour >= settings.otp_max_per_hour:
        raise HisError("resend_too_soon", "hourly limit of codes reached", details={"retry_after": 3600})
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(SmsCode(mobile=mobile, code_hash=_digest(settings, f"{mobile}:{code}"), attempts=0,
                        created_at=now, expires_at=now + dt.timedelta(seconds=settings.otp_ttl_seconds)))
    patient = session.scalars(select(Patient).where(Patient.mobile == mobile).limit(1)).first()
    if patient is not None:
        outbox.add_message(session, kind="sms_code", recipient=mobile, now=now, patient_id=None,
                           payload={"purpose": "verification"}, code=code,
                           minutes=settings.otp_ttl_seconds // 60)
    return {"expires_in": settings.otp_ttl_seconds, "resend_after": settings.otp_resend_interval_seconds}


def verify_sms_code(session: Session, *, mobile: str, code: str, settings: Settings,
                    now: dt.datetime) -> Verified:
    """Check the latest code for ``mobile``. Wrong codes count (committed even though we raise);
    after ``otp_max_attempts`` the code is dead and the mobile locked for ``otp_lock_minutes``."""
    last = session.scalars(select(SmsCode).where(SmsCode.mobile == mobile)
                           .order_by(SmsCode.id.desc()).limit(1).with_for_update()).first()
    if last is None or last.consumed_at is not None:
        raise HisError("invalid_code", "no code is waiting for this mobile; request one")
    if last.locked_until is not None or last.attempts >= settings.otp_max_attempts:
        raise HisError("too_many_attempts", "too many wrong codes; request a new one later")
    if last.expires_at <= now:
        raise HisError("code_expired", "the code has expired; request a new one")
    if not hmac.compare_digest(last.code_hash, _digest(settings, f"{mobile}:{code.strip()}")):
        last.attempts += 1
        left = settings.otp_max_attempts - last.attempts
        if left <= 0:
            last.locked_until = now + dt.timedelta(minutes=settings.otp_lock_minutes)
        session.commit()
        if left <= 0:
            raise HisError("too_many_attempts", "too many wrong codes; request a new one later")
        raise HisError("invalid_code", "wrong code", details={"attempts_left": left})
    last.consumed_at = now
    patients = list(session.scalars(select(Patient).where(Patient.mobile == mobile).order_by(Patient.id)))
    if not patients:
        raise HisError("invalid_code", "wrong code")
    return issue_token(session, patients=patients, method="sms", settings=settings, now=now)


def verify_card(session: Session, *, card_no: str, name: str, settings: Settings,
                now: dt.datetime) -> Verified:
    """Verify by 就诊卡号 + exact name; ``card_max_attempts`` failures lock the card for a while."""
    card_no, name = card_no.strip(), re.sub(r"\s+", "", name)
    key = f"card:{card_no}"[:64]
    throttle = session.get(VerificationThrottle, key, with_for_update=True)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        raise HisError("too_many_attempts", "too many failed attempts; try again later",
                       details={"retry_after": int((throttle.locked_until - now).total_seconds())})
    patient = session.scalars(select(Patient).where(Patient.card_no == card_no)).first()
    if patient is None or patient.name != name:
        if throttle is None:
            throttle = VerificationThrottle(key=key, failures=0, updated_at=now)
            session.add(throttle)
        if throttle.locked_until is not None:  # an old lock has run out: start counting again
            throttle.failures, throttle.locked_until = 0, None
        throttle.failures += 1
        throttle.updated_at = now
        if throttle.failures >= settings.card_max_attempts:
            throttle.locked_until = now + dt.timedelta(minutes=settings.otp_lock_minutes)
        session.commit()
        raise HisError("invalid_identity", "card number and name do not match")
    if throttle is not None:
        session.delete(throttle)
    return issue_token(session, patients=[patient], method="card", settings=settings, now=now)


def issue_token(session: Session, *, patients: List[Patient], method: str, settings: Settings,
                now: dt.datetime) -> Verified:
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(minutes=settings.patient_token_ttl_minutes)
    session.execute(delete(PatientToken).where(PatientToken.expires_at < now - dt.timedelta(days=1)))
    for patient in patients:
        session.add(PatientToken(token_hash=_token_hash(token), patient_id=patient.id, method=method,
                                 created_at=now, expires_at=expires))
    return Verified(token=token, expires_at=expires, patients=patients)


def patients_for_token(session: Session, *, token: str, now: dt.datetime) -> List[int]:
    """Patient ids a verification token covers; raises when it is missing, unknown or expired."""
    if not token:
        raise HisError("verification_required", "send the patient's verification token (X-Patient-Token)")
    rows = session.execute(select(PatientToken.patient_id, PatientToken.expires_at)
                           .where(PatientToken.token_hash == _token_hash(token))).all()
    if not rows:
        raise HisError("verification_required", "unknown verification token")
    valid = [pid for pid, expires in rows if expires > now]
    if not valid:
        raise HisError("verification_expired", "the verification token has expired")
    return valid


def require_patient(session: Session, *, token: str, patient_id: int, now: dt.datetime) -> List[int]:
    """The token's patient ids, provided ``patient_id`` is one of them (else ``forbidden``)."""
    ids = patients_for_token(session, token=token, now=now)
    if patient_id not in ids:
        raise HisError("forbidden", "the verification token is for another patient")
    return ids
