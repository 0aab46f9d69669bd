"""Typed settings, read from the environment (prefix ``CONSOLE_``) by pydantic-settings."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import List, Optional
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
SERVICE_DIR = PACKAGE_DIR.parent
VAR_DIR = SERVICE_DIR / "var"
DEV_SERVICE_TOKEN = "dev-console-token"
DEV_RASA_TOKEN = "dev-rasa-token"


def default_database_url() -> str:
    """SQLite file under the git-ignored ``agent_console/var/``."""
    return f"sqlite:///{VAR_DIR / 'console.db'}"


class Settings(BaseSettings):
    """Every knob of the service. Env names are the field names upper-cased with ``CONSOLE_``."""

    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore")

    env: str = Field("development", description="development | production")
    database_url: str = Field(default_factory=default_database_url)
    host: str = "127.0.0.1"
    port: int = 8100
    timezone: str = "Asia/Shanghai"
    db_pool_size: int = 10
    db_max_overflow: int = 20
    sqlite_busy_timeout_ms: int = 30_000

    # bot -> console
    service_token: SecretStr = SecretStr(DEV_SERVICE_TOKEN)
    # console -> Rasa HTTP API (rasa run --enable-api --auth-token …)
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: SecretStr = SecretStr(DEV_RASA_TOKEN)
    rasa_timeout_s: float = 3.0

    # agent sessions
    session_ttl_minutes: int = 8 * 60
    session_idle_minutes: int = 60
    cookie_secure: Optional[bool] = Field(None, description="default: on when CONSOLE_ENV=production")
    allowed_origins: List[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:8100", "http://localhost:8100"],
        description="Origins allowed to open the agents' websocket (CSWSH protection)")
    demo_password: Optional[SecretStr] = Field(
        None, description="password of the seeded demo accounts; required when CONSOLE_ENV=production")

    # service hours (local time); groups in always_open_groups are served around the clock
    service_start: dt.time = dt.time(8, 0)
    service_end: dt.time = dt.time(22, 0)
    always_open_groups: List[str] = Field(default_factory=lambda: ["emergency"])

    # queue
    auto_assign: bool = True
    urgent_any_agent: bool = Field(True, description="urgent chats go to any free agent when no "
                                                     "急诊/紧急 agent is free")
    wait_limit_s: int = Field(600, description="waiting longer than this turns the chat into a ticket")
    urgent_wait_limit_s: int = 180
    wait_alert_s: int = Field(300, description="supervisor highlight for a long wait (急诊: group target)")
    default_handle_time_s: int = 300
    handle_time_window_days: int = 7
    long_handle_factor: float = 1.5
    sweep_interval_s: float = Field(15.0, description="background sweep (expiry, alerts); 0 = off")

    # tickets
    urgent_ticket_hours: int = 1
    normal_ticket_hours: int = 24

    # limits
    max_message_chars: int = 2000

    # agent assist: the Rasa project whose FAQ (domain.yml, data/hospital/facts.yml,
    # data/nlu/faq.yml) is offered to agents
    assist_root: Path = Field(default_factory=lambda: SERVICE_DIR.parent,
                              description="Rasa project directory with the FAQ (default: the repo root)")

    @field_validator("service_start", "service_end", mode="before")
    @classmethod
    def _parse_time(cls, value: object) -> object:
        if isinstance(value, str) and len(value) == 5:
            return dt.time.fromisoformat(value)
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def secure_cookies(self) -> bool:
        return self.is_production if self.cookie_secure is None else self.cookie_secure

    def check_production(self) -> None:
        """Refuse to serve production with the well-known development tokens."""
        if not self.is_production:
            return
        if self.service_token.get_secret_value() == DEV_SERVICE_TOKEN:
            raise RuntimeError("CONSOLE_SERVICE_TOKEN must be set in production")
        if self.rasa_token.get_secret_value() == DEV_RASA_TOKEN:
            raise RuntimeError("CONSOLE_RASA_TOKEN must be set in production")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
