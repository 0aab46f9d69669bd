"""Small helpers shared by the API tests."""
from __future__ import annotations

import uuid
from typing import Any, Dict, List, Optional

from fastapi.testclient import TestClient
from httpx import Response


def schedules(client: TestClient, **params: Any) -> List[Dict[str, Any]]:
    response = client.get("/api/schedules", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def slots(client: TestClient, schedule_id: int) -> List[Dict[str, Any]]:
    return client.get(f"/api/schedules/{schedule_id}/slots").json()["slots"]


def free_slot(client: TestClient, schedule_id: int) -> Dict[str, Any]:
    return next(s for s in slots(client, schedule_id) if s["available"])


def doctor_schedule(client: TestClient, doctor: str, date: str, half_day: str) -> Dict[str, Any]:
    found = [s for s in schedules(client, date_from=date, date_to=date, half_day=half_day)
             if s["doctor"]["name"] == doctor]
    assert len(found) == 1, (doctor, date, half_day, found)
    return found[0]


def book(client: TestClient, token: str, patient_id: int, slot_id: int, key: Optional[str] = None) -> Response:
    return client.post("/api/appointments", json={"patient_id": patient_id, "slot_id": slot_id},
                       headers={"X-Patient-Token": token, "Idempotency-Key": key or uuid.uuid4().hex})
