"""Business errors. Each has a machine-readable ``code`` the bot maps to its own Chinese reply,
an HTTP status, a developer message, and optional ``alternatives`` the bot can offer."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

# code -> HTTP status. The API turns HisError into {"code", "message", "alternatives", "details"}.
ERROR_STATUS: Dict[str, int] = {
    "unauthorized": 401,
    "verification_required": 401,
    "verification_expired": 401,
    "forbidden": 403,
    "not_found": 404,
    "validation_error": 422,
    "idempotency_key_required": 400,
    "idempotency_key_reused": 409,
    "slot_full": 409,
    "past_date": 409,
    "beyond_window": 409,
    "holiday": 409,
    "closed": 409,
    "not_bookable": 409,
    "duplicate_same_halfday": 409,
    "different_department": 409,
    "too_late_to_cancel": 409,
    "not_active": 409,
    "already_waitlisted": 409,
    "slots_available": 409,
    "invalid_code": 400,
    "code_expired": 400,
    "too_many_attempts": 429,
    "resend_too_soon": 429,
    "invalid_identity": 400,
    "outbox_disabled": 404,
}


class HisError(Exception):
    """A refused request with a stable code (see ERROR_STATUS)."""

    def __init__(self, code: str, message: str, *, alternatives: Optional[List[Dict[str, Any]]] = None,
                 details: Optional[Dict[str, Any]] = None) -> None:
        if code not in ERROR_STATUS:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.alternatives = alternatives or []
        self.details = details or {}

    @property
    def status(self) -> int:
        return ERROR_STATUS[self.code]

    def to_dict(self) -> Dict[str, Any]:
        return {"code": self.code, "message": self.message, "alternatives": self.alternatives,
                "details": self.details}


def not_found(what: str) -> HisError:
    return HisError("not_found", f"{what} not found")
