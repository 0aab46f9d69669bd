"""The app factory: authentication, health, error format, time zone, committed OpenAPI file."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from his.app import create_app
from his.cli import openapi_json
from his.settings import SERVICE_DIR, Settings
from tests.conftest import TOKEN


def test_health_needs_no_token_and_reports_local_time(client: TestClient) -> None:
    response = client.get("/health", headers={"Authorization": ""})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["time"] == "2026-09-21T07:30:00+08:00"


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic " + TOKEN, TOKEN])
def test_api_refuses_missing_or_wrong_service_token(client: TestClient, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {"Authorization": ""}
    response = client.get("/api/departments", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_route_and_validation_errors_are_json_with_code(client: TestClient) -> None:
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    invalid = client.get("/api/schedules", params={"date_from": "not-a-date"})
    assert invalid.status_code == 422
    assert invalid.json()["code"] == "validation_error"
    assert invalid.json()["details"]["errors"][0]["loc"] == ["query", "date_from"]


def test_production_refuses_the_development_token() -> None:
    with pytest.raises(RuntimeError):
        create_app(Settings(env="production", database_url="sqlite://"))


def test_health_reports_an_unreachable_database() -> None:
    settings = Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", api_token=TOKEN)
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_committed_openapi_json_is_up_to_date() -> None:
    committed = (SERVICE_DIR / "openapi.json").read_text(encoding="utf-8")
    assert committed == openapi_json(Settings(database_url="sqlite://")), \
        "run `make -C hospital_system openapi` and commit hospital_system/openapi.json"
    spec = json.loads(committed)
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "/api/appointments" in spec["paths"] and "/health" in spec["paths"]


def test_live_openapi_is_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "409" in spec["paths"]["/api/appointments"]["post"]["responses"]
