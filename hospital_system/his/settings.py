"""Typed settings, read from the environment (prefix ``HIS_``) by pydantic-settings."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
SERVICE_DIR = PACKAGE_DIR.parent
VAR_DIR = SERVICE_DIR / "var"
DEV_TOKEN = "dev-his-token"


def default_database_url() -> str:
    """SQLite file under the git-ignored ``hospital_system/var/``."""
    return f"sqlite:///{VAR_DIR / 'his.db'}"


class Settings(BaseSettings):
    """Every knob of the service. Env names are the field names upper-cased with ``HIS_``."""

    model_config = SettingsConfigDict(env_prefix="HIS_", extra="ignore")

    env: str = Field("development", description="development | production")
    database_url: str = Field(default_factory=default_database_url)
    api_token: SecretStr = SecretStr(DEV_TOKEN)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    timezone: str = "Asia/Shanghai"
    db_pool_size: int = 10
    db_max_overflow: int = 20
    sqlite_busy_timeout_ms: int = 30_000

    booking_window_days: int = 14
    cancel_cutoff_minutes: int = 120
    alternatives_limit: int = 3

    otp_ttl_seconds: int = 300
    otp_max_attempts: int = 5
    otp_resend_interval_seconds: int = 60
    otp_max_per_hour: int = 5
    otp_lock_minutes: int = 15
    card_max_attempts: int = 5
    patient_token_ttl_minutes: int = 30

    outbox_api_enabled: Optional[bool] = Field(
        None, description="GET /api/outbox; default: on, except when HIS_ENV=production")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def outbox_enabled(self) -> bool:
        if self.outbox_api_enabled is None:
            return self.env != "production"
        return self.outbox_api_enabled

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def check_production(self) -> None:
        """Refuse to serve production with the well-known development token."""
        if self.env == "production" and self.api_token.get_secret_value() == DEV_TOKEN:
            raise RuntimeError("HIS_API_TOKEN must be set in production")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
