"""Sign-in with hashed passwords, session cookies, CSRF, lock-out, expiry, service token."""
from __future__ import annotations

from typing import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import PASSWORD, make_settings
from console.app import create_app
from console.models import Agent, AgentSession
from console.seed import demo_password
from console.settings import Settings


def test_login_sets_a_strict_httponly_cookie_and_returns_a_csrf_token(app_factory: Callable[..., TestClient]) -> None:
    browser = app_factory()
    response = browser.post("/api/auth/login", json={"username": "agent01", "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "console_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "secure" not in cookie  # development; production sets Secure
    body = response.json()
    assert body["agent"]["agent_no"] == "1001" and body["agent"]["groups"] == ["appointment", "general"]
    me = browser.get("/api/auth/me")
    assert me.status_code == 200 and me.json()["csrf_token"] == body["csrf_token"]


def test_passwords_are_hashed_and_sessions_stored_as_hashes(app_factory: Callable[..., TestClient], db) -> None:  # type: ignore[no-untyped-def]
    browser = app_factory()
    browser.post("/api/auth/login", json={"username": "agent01", "password": PASSWORD})
    token = browser.cookies.get("console_session")
    with db.read() as session:
        agent = session.scalar(select(Agent).where(Agent.username == "agent01"))
        assert agent.password_hash.startswith("$argon2id$") and PASSWORD not in agent.password_hash
        stored = [s.token_hash for s in session.scalars(select(AgentSession))]
    assert token and token not in stored and len(stored[0]) == 64


def test_wrong_password_unknown_user_and_lockout(app_factory: Callable[..., TestClient]) -> None:
    browser = app_factory()
    for username in ("agent01", "nobody"):
        response = browser.post("/api/auth/login", json={"username": username, "password": "wrong-password"})
        assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"
    for _ in range(4):
        browser.post("/api/auth/login", json={"username": "agent01", "password": "wrong-password"})
    locked = browser.post("/api/auth/login", json={"username": "agent01", "password": PASSWORD})
    assert locked.status_code == 429 and locked.json()["code"] == "too_many_attempts"


def test_state_changing_calls_need_the_csrf_header(app_factory: Callable[..., TestClient]) -> None:
    browser = app_factory()
    csrf = browser.post("/api/auth/login", json={"username": "agent01", "password": PASSWORD}).json()["csrf_token"]
    refused = browser.put("/api/agents/me/status", json={"status": "online"})
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    wrong = browser.put("/api/agents/me/status", json={"status": "online"}, headers={"X-CSRF-Token": "x" * 32})
    assert wrong.status_code == 403
    ok = browser.put("/api/agents/me/status", json={"status": "online"}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200 and ok.json()["status_label"] == "在线"
    assert browser.get("/api/queue").status_code == 200  # reads need no header


def test_logout_and_expiry(app_factory: Callable[..., TestClient], clock) -> None:  # type: ignore[no-untyped-def]
    browser = app_factory()
    csrf = browser.post("/api/auth/login", json={"username": "agent02", "password": PASSWORD}).json()["csrf_token"]
    token = browser.cookies.get("console_session")
    assert browser.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    browser.cookies.set("console_session", token)  # a stolen cookie after logout
    assert browser.get("/api/auth/me").json()["code"] == "unauthorized"
    other = app_factory()
    other.post("/api/auth/login", json={"username": "agent02", "password": PASSWORD})
    clock.advance(minutes=61)  # idle limit 60 minutes
    expired = other.get("/api/auth/me")
    assert expired.status_code == 401 and expired.json()["code"] == "session_expired"


def test_workbench_needs_a_session_and_bot_calls_need_the_token(app_factory: Callable[..., TestClient]) -> None:
    anonymous = app_factory()
    assert anonymous.get("/api/queue").status_code == 401
    assert anonymous.post("/api/handoffs", json={"conversation_id": "c", "reason": "fallback"}).status_code == 401
    wrong = app_factory(headers={"Authorization": "Bearer nope"})
    assert wrong.post("/api/surveys", json={"conversation_id": "c", "rating": 3, "resolved": True}).status_code == 401
    # an agent session is no service token
    agent = app_factory()
    agent.post("/api/auth/login", json={"username": "agent01", "password": PASSWORD})
    assert agent.post("/api/handoffs", json={"conversation_id": "c", "reason": "fallback"}).status_code == 401


def test_supervisor_only_endpoints(login: Callable[..., TestClient]) -> None:
    assert login("agent01").get("/api/supervisor/overview").status_code == 403
    assert login("super01").get("/api/supervisor/overview").status_code == 200


def test_production_refuses_development_secrets(sqlite_database_url: str) -> None:
    prod = make_settings(sqlite_database_url, env="production", service_token="dev-console-token")
    with pytest.raises(RuntimeError, match="CONSOLE_SERVICE_TOKEN"):
        create_app(prod)
    prod = make_settings(sqlite_database_url, env="production")
    assert prod.secure_cookies is True
    with pytest.raises(RuntimeError, match="CONSOLE_DEMO_PASSWORD"):
        demo_password(prod)
    assert demo_password(make_settings(sqlite_database_url, env="production",
                                       demo_password="a-long-secret-1")) == "a-long-secret-1"


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSOLE_PORT", "8200")
    monkeypatch.setenv("CONSOLE_SERVICE_START", "07:30")
    monkeypatch.setenv("CONSOLE_ALLOWED_ORIGINS", '["https://kefu.example.org"]')
    settings = Settings()
    assert settings.port == 8200 and settings.service_start.hour == 7 and settings.service_start.minute == 30
    assert settings.allowed_origins == ["https://kefu.example.org"]
    assert settings.database_url.endswith("agent_console/var/console.db")
