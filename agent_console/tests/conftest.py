"""Fixtures: a migrated + seeded template database per test session (SQLite file and, when the local
server answers, PostgreSQL), copied into a fresh database for every test; a fake Rasa HTTP server on
loopback; an app client.

Time is frozen at NOW (Monday 2026-09-21 10:00 Asia/Shanghai): inside service hours."""
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

from console.app import create_app
from console.db import Database
from console.migrate import upgrade
from console.rasa_client import RasaClient
from console.seed import DEV_DEMO_PASSWORD, seed_database
from console.settings import Settings
from fake_rasa import FakeRasa

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 9, 21, 10, 0, tzinfo=TZ)
TOKEN = "test-service-token"
RASA_TOKEN = "test-rasa-token"
PASSWORD = DEV_DEMO_PASSWORD
PG_ADMIN_URL = os.environ.get("CONSOLE_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


class MutableClock:
    """A frozen clock that tests can move."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += dt.timedelta(**delta)


def make_settings(url: str, **overrides: object) -> Settings:
    values = dict(database_url=url, service_token=TOKEN, rasa_token=RASA_TOKEN, sweep_interval_s=0)
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def build_database(url: str) -> None:
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
    path = tmp_path_factory.mktemp("template") / "console.db"
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
    name = f"console_test_{uuid.uuid4().hex[:10]}_tmpl"
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
    path = tmp_path / "console.db"
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


@pytest.fixture(scope="session")
def fake_rasa_server() -> Iterator[FakeRasa]:
    server = FakeRasa(token=RASA_TOKEN)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_rasa(fake_rasa_server: FakeRasa) -> FakeRasa:
    fake_rasa_server.reset()
    return fake_rasa_server


@pytest.fixture
def app_factory(settings: Settings, db: Database, clock: MutableClock,
                fake_rasa: FakeRasa) -> Iterator[Callable[..., TestClient]]:
    """Clients of one app (fresh SQLite, fake Rasa, frozen clock); several clients = several browsers."""
    rasa = RasaClient(fake_rasa.url, RASA_TOKEN, timeout_s=1.0)
    app = create_app(settings, clock=clock, database=db, rasa=rasa)
    clients = []

    def make(**kwargs: object) -> TestClient:
        client = TestClient(app, **kwargs)  # type: ignore[arg-type]
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)
    rasa.close()


@pytest.fixture
def bot(app_factory: Callable[..., TestClient]) -> TestClient:
    """The bot: a client with the service token."""
    return app_factory(headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.fixture
def login(app_factory: Callable[..., TestClient]) -> Callable[[str], TestClient]:
    """A signed-in browser for a demo account, CSRF header set, status 在线 unless told otherwise."""

    def _login(username: str, status: str = "online") -> TestClient:
        client = app_factory()
        response = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        client.agent = response.json()["agent"]  # type: ignore[attr-defined]
        if status != "away":
            assert client.put("/api/agents/me/status", json={"status": status}).status_code == 200
        return client

    return _login
