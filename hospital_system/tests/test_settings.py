"""Typed settings from the environment."""
from __future__ import annotations

import pytest

from his.settings import DEV_TOKEN, VAR_DIR, Settings


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HIS_DATABASE_URL", "HIS_API_TOKEN", "HIS_PORT", "HIS_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == f"sqlite:///{VAR_DIR / 'his.db'}" and settings.is_sqlite
    assert settings.port == 8000 and settings.timezone == "Asia/Shanghai"
    assert settings.booking_window_days == 14 and settings.cancel_cutoff_minutes == 120
    assert settings.api_token.get_secret_value() == DEV_TOKEN
    assert "dev-his-token" not in repr(settings)  # the secret is not printed


def test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIS_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/his")
    monkeypatch.setenv("HIS_API_TOKEN", "s3cret")
    monkeypatch.setenv("HIS_PORT", "8123")
    monkeypatch.setenv("HIS_BOOKING_WINDOW_DAYS", "7")
    monkeypatch.setenv("HIS_OUTBOX_API_ENABLED", "false")
    settings = Settings()
    assert not settings.is_sqlite and settings.port == 8123 and settings.booking_window_days == 7
    assert settings.api_token.get_secret_value() == "s3cret" and settings.outbox_enabled is False
    assert settings.tz.key == "Asia/Shanghai"


def test_outbox_api_defaults_off_in_production() -> None:
    assert Settings().outbox_enabled is True
    assert Settings(env="production").outbox_enabled is False
    assert Settings(env="production", outbox_api_enabled=True).outbox_enabled is True


def test_production_needs_a_real_token() -> None:
    with pytest.raises(RuntimeError):
        Settings(env="production").check_production()
    Settings(env="production", api_token="long-random-token").check_production()  # type: ignore[arg-type]
