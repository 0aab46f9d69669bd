"""Fixtures: a migrated + seeded template database per test session (SQLite file and, when the
local server answers, PostgreSQL), copied into a fresh database for every test.

Time is frozen at NOW (Monday 2026-09-21 07:30 Asia/Shanghai) so rules are deterministic: the
booking window then covers the National Day holidays (2026-10-01..07) and the 调休 workday."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from pathlib import Path
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from his.app import create_app
from his.db import Database
from his.migrate import upgrade
from his.seed import seed_database
from his.settings import Settings

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 9, 21, 7, 30, tzinfo=TZ)
TOKEN = "test-service-token"
PG_ADMIN_URL = os.environ.get("HIS_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


class MutableClock:
    """A frozen clock that tests can move."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += dt.timedelta(**delta)


def make_settings(url: str, **overrides: object) -> Settings:
    return Settings(database_url=url, api_token=TOKEN, **overrides)  # type: ignore[arg-type]


def build_database(url: str) -> None:
    """Create the schema with the Alembic migrations, then seed it as of NOW."""
    upgrade(url)
    settings = make_settings(url)
    db = Database.from_settings(settings)
    try:
        with db.write() as session:
            seed_database(session, settings=settings, now=NOW)
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "his.db"
    build_database(f"sqlite:///{path}")
    return path


def _pg_admin():  # type: ignore[no-untyped-def]
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1)


def pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    try:
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN_URL}: {exc.__class__.__name__}")
    name = f"his_test_{uuid.uuid4().hex[:10]}_tmpl"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        build_database(pg_url(name))
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_database_url(pg_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database cloned from the seeded template."""
    name = pg_template.replace("_tmpl", f"_{uuid.uuid4().hex[:6]}")
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    try:
        yield pg_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh copy of the seeded SQLite template."""
    path = tmp_path / "his.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh seeded database, on each backend in turn."""
    name = "sqlite_database_url" if request.param == "sqlite" else "pg_database_url"
    return request.getfixturevalue(name)


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock(NOW)


@pytest.fixture
def settings(sqlite_database_url: str) -> Settings:
    return make_settings(sqlite_database_url)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database.from_settings(settings)
    yield database
    database.dispose()


@pytest.fixture
def client(settings: Settings, db: Database, clock: MutableClock) -> Iterator[TestClient]:
    """An API client with the service token, on a fresh SQLite database, at NOW."""
    app = create_app(settings, clock=clock, database=db)
    with TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"}) as test_client:
        yield test_client


@pytest.fixture
def verify(client: TestClient) -> Callable[[str, str], dict]:
    """Verify a demo patient by card + name; returns the verification response."""

    def _verify(card_no: str, name: str) -> dict:
        response = client.post("/api/verification/card", json={"card_no": card_no, "name": name})
        assert response.status_code == 200, response.text
        return response.json()

    return _verify
