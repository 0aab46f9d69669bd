"""Client of the hospital scheduling system (HIS, ``hospital_system/``): the one module the
actions use to talk to it.

* Base URL and service token from the environment: ``HIS_BASE_URL`` (default
  http://127.0.0.1:8000), ``HIS_API_TOKEN``; ``HIS_TIMEOUT`` (seconds, default 3) and
  ``HIS_GET_RETRIES`` (default 2).
* GET calls are retried on connection errors and 5xx (urllib3 ``Retry``); POST/DELETE never are,
  except ``triage`` (a pure computation: repeating it changes nothing).
  Booking sends an ``Idempotency-Key``, so repeating a failed booking by hand is safe.
* Failures raise :class:`HisUnavailable` (timeout, refused, 5xx) or :class:`HisError` (a 4xx
  business refusal with its ``code``, e.g. ``slot_full``, and the ``alternatives`` to offer).
* No I/O at import time: sessions are created on first use.
"""
from __future__ import annotations

import os
import threading
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, List, Optional

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
RETRY_STATUSES = (500, 502, 503, 504)

JSON = Dict[str, Any]


class HisUnavailable(Exception):
    """The HIS could not answer: timeout, connection refused, or a 5xx."""

    def __init__(self, message: str, *, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.status = status


class HisError(Exception):
    """The HIS refused the request (4xx) with a machine-readable ``code``."""

    def __init__(self, code: str, message: str = "", alternatives: Optional[List[JSON]] = None, *,
                 details: Optional[JSON] = None, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.alternatives = alternatives or []
        self.details = details or {}
        self.status = status


@dataclass(frozen=True)
class HisConfig:
    """Where the HIS is and how patient the client is with it."""

    base_url: str = DEFAULT_BASE_URL
    token: str = ""
    connect_timeout: float = 3.0
    read_timeout: float = 3.0
    get_retries: int = 2
    backoff_factor: float = 0.1

    @classmethod
    def from_env(cls) -> "HisConfig":
        timeout = float(os.environ.get("HIS_TIMEOUT", "3"))
        return cls(base_url=os.environ.get("HIS_BASE_URL", DEFAULT_BASE_URL).rstrip("/"),
                   token=os.environ.get("HIS_API_TOKEN", ""), connect_timeout=timeout, read_timeout=timeout,
                   get_retries=int(os.environ.get("HIS_GET_RETRIES", "2")))


@dataclass(frozen=True)
class Verification:
    """A verified patient (or a family sharing one mobile) and the token for their data."""

    token: str
    expires_at: str
    patient_id: int
    patients: List[JSON] = field(default_factory=list)


def _session(retry: Retry, token: str) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=20)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"Accept": "application/json", "Authorization": f"Bearer {token}"})
    return session


class HisClient:
    """Typed, keyword-only calls to the HIS API returning plain dicts (see hospital_system/openapi.json)."""

    def __init__(self, config: Optional[HisConfig] = None) -> None:
        self.config = config or HisConfig.from_env()
        self._lock = threading.Lock()
        self._reader: Optional[requests.Session] = None
        self._writer: Optional[requests.Session] = None
        self._idempotent: Optional[requests.Session] = None

    # -- plumbing -----------------------------------------------------------------------------
    def _sessions(self) -> tuple[requests.Session, requests.Session, requests.Session]:
        """Sessions for GET (retried), for writes (never retried) and for idempotent POSTs (retried)."""
        with self._lock:
            if self._reader is None or self._writer is None or self._idempotent is None:
                cfg = self.config
                read_retry = Retry(total=cfg.get_retries, connect=cfg.get_retries, read=0, other=0,
                                   status=cfg.get_retries, status_forcelist=RETRY_STATUSES,
                                   allowed_methods=frozenset({"GET"}), backoff_factor=cfg.backoff_factor,
                                   raise_on_status=False, respect_retry_after_header=False)
                no_retry = Retry(total=0, connect=0, read=0, redirect=0, status=0, other=0, raise_on_status=False)
                self._reader, self._writer = _session(read_retry, cfg.token), _session(no_retry, cfg.token)
                self._idempotent = _session(read_retry.new(allowed_methods=frozenset({"GET", "POST"})), cfg.token)
            return self._reader, self._writer, self._idempotent

    def close(self) -> None:
        with self._lock:
            for session in (self._reader, self._writer, self._idempotent):
                if session is not None:
                    session.close()
            self._reader = self._writer = self._idempotent = None

    def _request(self, method: str, path: str, *, params: Optional[JSON] = None, json: Optional[JSON] = None,
                 patient_token: Optional[str] = None, headers: Optional[Dict[str, str]] = None,
                 idempotent: bool = False) -> Any:
        reader, writer, idempotent_writer = self._sessions()
        session = reader if method == "GET" else idempotent_writer if idempotent else writer
        all_headers = dict(headers or {})
        if patient_token is not None:
            all_headers["X-Patient-Token"] = patient_token
        if params:
            params = {k: v for k, v in params.items() if v is not None}
        try:
            response = session.request(method, self.config.base_url + path, params=params, json=json,
                                       headers=all_headers,
                                       timeout=(self.config.connect_timeout, self.config.read_timeout))
        except requests.RequestException as exc:  # timeout, refused, reset, retries exhausted
            what = "timed out" if _is_timeout(exc) else f"unreachable ({exc.__class__.__name__})"
            raise HisUnavailable(f"HIS {what} on {method} {path}") from exc
        if response.status_code >= 500:
            raise HisUnavailable(f"HIS answered {response.status_code} on {method} {path}",
                                 status=response.status_code)
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            if not isinstance(body, dict) or "code" not in body:
                raise HisError(f"http_{response.status_code}", response.text[:200], status=response.status_code)
            raise HisError(str(body["code"]), str(body.get("message", "")), list(body.get("alternatives") or []),
                           details=dict(body.get("details") or {}), status=response.status_code)
        return body

    # -- catalogue and schedules -------------------------------------------------------------
    def health(self) -> JSON:
        return self._request("GET", "/health")

    def list_departments(self) -> List[JSON]:
        return self._request("GET", "/api/departments")

    def resolve_department(self, *, name: str) -> Optional[JSON]:
        """The canonical department for a name or alias (心内科 → 心血管内科), or None."""
        try:
            return self._request("GET", "/api/departments/resolve", params={"name": name})
        except HisError as exc:
            if exc.code in ("not_found", "validation_error"):
                return None
            raise

    def find_doctors(self, *, department: Optional[str] = None, name: Optional[str] = None,
                     title: Optional[str] = None) -> List[JSON]:
        """Doctors by department (name, alias or id), fuzzy name ("张医生") and title."""
        return self._request("GET", "/api/doctors", params={"department": department, "name": name, "title": title})

    def get_doctor(self, *, doctor_id: int) -> JSON:
        return self._request("GET", f"/api/doctors/{doctor_id}")

    def list_schedules(self, *, department: Optional[str] = None, doctor_id: Optional[int] = None,
                       date_from: Optional[str] = None, date_to: Optional[str] = None,
                       half_day: Optional[str] = None, available_only: bool = False) -> List[JSON]:
        """Half-day clinics with remaining places, fee, title and location (dates: YYYY-MM-DD)."""
        return self._request("GET", "/api/schedules", params={
            "department": department, "doctor_id": doctor_id, "date_from": date_from, "date_to": date_to,
            "half_day": half_day, "available_only": "true" if available_only else None})

    def get_slots(self, *, schedule_id: int) -> JSON:
        """One half-day with its numbered time slots (``slots``: slot_id, start_time, remaining…)."""
        return self._request("GET", f"/api/schedules/{schedule_id}/slots")

    # -- symptom triage ----------------------------------------------------------------------
    def triage(self, *, text: str, age: Optional[float] = None, sex: Optional[str] = None,
               pregnant: Optional[bool] = None) -> JSON:
        """Departments for free-text symptoms (``departments`` best first, ``recommendations`` with reasons,
        ``emergency``, ``ask``, ``notes``, ``fallback_department``, ``patient``). Retried like a GET: it is a
        pure computation. ``sex``: "male"/"female"; ``age`` in years."""
        body = {"text": text, "age": age, "sex": sex, "pregnant": pregnant}
        return self._request("POST", "/api/triage", json={k: v for k, v in body.items() if v is not None},
                             idempotent=True)

    # -- verification ------------------------------------------------------------------------
    def request_sms_code(self, *, mobile: str) -> JSON:
        return self._request("POST", "/api/verification/sms-code", json={"mobile": mobile})

    def verify_sms_code(self, *, mobile: str, code: str) -> Verification:
        return _verification(self._request("POST", "/api/verification/sms-code/verify",
                                           json={"mobile": mobile, "code": code}))

    def verify_card(self, *, card_no: str, name: str) -> Verification:
        return _verification(self._request("POST", "/api/verification/card", json={"card_no": card_no, "name": name}))

    # -- a verified patient's data -----------------------------------------------------------
    def get_patient(self, *, patient_id: int, patient_token: str) -> JSON:
        return self._request("GET", f"/api/patients/{patient_id}", patient_token=patient_token)

    def list_appointments(self, *, patient_id: int, patient_token: str, upcoming_only: bool = True) -> List[JSON]:
        return self._request("GET", f"/api/patients/{patient_id}/appointments", patient_token=patient_token,
                             params={"scope": "upcoming" if upcoming_only else "all"})

    def list_reports(self, *, patient_id: int, patient_token: str, status: Optional[str] = None) -> List[JSON]:
        return self._request("GET", f"/api/patients/{patient_id}/reports", patient_token=patient_token,
                             params={"status": status})

    def book_appointment(self, *, patient_id: int, slot_id: int, patient_token: str,
                         idempotency_key: Optional[str] = None) -> JSON:
        """Book a slot. Never retried automatically; pass the same ``idempotency_key`` to retry by hand."""
        key = idempotency_key or uuid.uuid4().hex
        return self._request("POST", "/api/appointments", json={"patient_id": patient_id, "slot_id": slot_id},
                             patient_token=patient_token, headers={"Idempotency-Key": key})

    def get_appointment(self, *, appointment_id: int, patient_token: str) -> JSON:
        return self._request("GET", f"/api/appointments/{appointment_id}", patient_token=patient_token)

    def reschedule_appointment(self, *, appointment_id: int, slot_id: int, patient_token: str) -> JSON:
        return self._request("POST", f"/api/appointments/{appointment_id}/reschedule", json={"slot_id": slot_id},
                             patient_token=patient_token)

    def cancel_appointment(self, *, appointment_id: int, patient_token: str, reason: Optional[str] = None) -> JSON:
        return self._request("POST", f"/api/appointments/{appointment_id}/cancel", json={"reason": reason},
                             patient_token=patient_token)

    def join_waitlist(self, *, patient_id: int, schedule_id: int, patient_token: str) -> JSON:
        return self._request("POST", "/api/waitlist", json={"patient_id": patient_id, "schedule_id": schedule_id},
                             patient_token=patient_token)

    def list_waitlist(self, *, patient_id: int, patient_token: str) -> List[JSON]:
        return self._request("GET", f"/api/patients/{patient_id}/waitlist", patient_token=patient_token)

    def leave_waitlist(self, *, entry_id: int, patient_token: str) -> JSON:
        return self._request("DELETE", f"/api/waitlist/{entry_id}", patient_token=patient_token)

    # -- demo / tests --------------------------------------------------------------------------
    def outbox(self, *, recipient: Optional[str] = None, kind: Optional[str] = None, limit: int = 20) -> List[JSON]:
        """SMS the HIS would send (embedded demo only; disabled in production)."""
        return self._request("GET", "/api/outbox", params={"recipient": recipient, "kind": kind, "limit": limit})


def _is_timeout(exc: requests.RequestException) -> bool:
    """requests reports a read timeout that exhausted urllib3's retries as a ConnectionError."""
    if isinstance(exc, requests.Timeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, TimeoutError) or "timed out" in str(reason or "").lower()


def _verification(body: JSON) -> Verification:
    return Verification(token=body["token"], expires_at=body["expires_at"], patient_id=int(body["patient_id"]),
                        patients=list(body.get("patients") or []))


@lru_cache(maxsize=1)
def get_client() -> HisClient:
    """The process-wide client configured from the environment (created on first call)."""
    return HisClient()
