"""Programmatic Alembic: ``upgrade(url)`` is what `make migrate`, `make run` and the tests use."""
from __future__ import annotations

from alembic import command
from alembic.config import Config

from console.settings import SERVICE_DIR


def alembic_config(database_url: str) -> Config:
    cfg = Config(str(SERVICE_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(SERVICE_DIR / "migrations"))
    cfg.attributes["database_url"] = database_url
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
