"""Business errors with a stable machine-readable ``code`` (the bot and the UI map codes to their
own Chinese wording), an HTTP status and a developer message."""
from __future__ import annotations

from typing import Any, Dict, Optional

ERROR_STATUS: Dict[str, int] = {
    "unauthorized": 401,
    "invalid_credentials": 401,
    "session_expired": 401,
    "csrf_failed": 403,
    "forbidden": 403,
    "not_found": 404,
    "validation_error": 422,
    "not_active": 409,  # no waiting/assigned handoff for this conversation (the bot resumes)
    "already_active": 409,  # a handoff for this conversation is already waiting/assigned
    "not_waiting": 409,  # accept: somebody else took it, or it ended
    "not_assigned": 409,
    "at_capacity": 409,
    "not_in_group": 403,
    "agent_unavailable": 409,
    "delivery_failed": 502,  # Rasa did not take the agent's message
    "too_many_attempts": 429,
}


class ConsoleError(Exception):
    """A refused request with a stable code (see ERROR_STATUS)."""

    def __init__(self, code: str, message: str, *, details: Optional[Dict[str, Any]] = None) -> None:
        if code not in ERROR_STATUS:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    @property
    def status(self) -> int:
        return ERROR_STATUS[self.code]


def not_found(what: str) -> ConsoleError:
    return ConsoleError("not_found", f"{what} not found")
