"""The outbox read endpoint and its production switch."""
from __future__ import annotations

from fastapi.testclient import TestClient

from his.app import create_app
from his.db import Database
from his.services import outbox
from tests.conftest import NOW, TOKEN, make_settings


def test_filters_and_order(client: TestClient, db: Database) -> None:
    with db.write() as session:
        for mobile in ("13800000001", "13800000002", "13800000001"):
            outbox.add_message(session, kind="sms_code", recipient=mobile, now=NOW, code="123456", minutes=5)
    mine = client.get("/api/outbox", params={"recipient": "13800000001"}).json()
    assert len(mine) == 2 and mine[0]["id"] > mine[1]["id"]
    assert mine[0]["body"].startswith("【示范市第一人民医院】") and mine[0]["created_at"].endswith("+08:00")
    newer = client.get("/api/outbox", params={"after_id": mine[1]["id"]}).json()
    assert [m["id"] for m in newer][-1] > mine[1]["id"] and all(m["id"] > mine[1]["id"] for m in newer)
    assert client.get("/api/outbox", params={"kind": "cancellation"}).json() == []


def test_can_be_disabled(sqlite_database_url: str) -> None:
    app = create_app(make_settings(sqlite_database_url, outbox_api_enabled=False))
    with TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        response = client.get("/api/outbox")
    assert response.status_code == 404 and response.json()["code"] == "outbox_disabled"
