"""Engine and sessions.

Two session factories share one connection pool: ``Database.read()`` for queries and
``Database.write()`` for changes. On PostgreSQL they are the same. On SQLite a write transaction
starts with ``BEGIN IMMEDIATE`` so concurrent writers queue on SQLite's write lock (busy timeout)
instead of failing when a read lock cannot be upgraded; readers keep ``BEGIN`` (deferred) and, with
WAL, never wait for writers.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from console.settings import Settings

_BEGIN_OPTION = "console_sqlite_begin"


def create_db_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20,
                     busy_timeout_ms: int = 30_000, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys, a busy timeout and explicit BEGINs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_size=pool_size, max_overflow=max_overflow,
                             pool_pre_ping=True, echo=echo)
    connect_args = {"check_same_thread": False, "timeout": busy_timeout_ms / 1000}
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, pool_size=pool_size, max_overflow=max_overflow,
                               connect_args=connect_args)
    else:  # in-memory: one shared connection (SQLAlchemy's default pool for it)
        engine = create_engine(url, echo=echo, connect_args=connect_args)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    """Holds the engine and the read/write session factories of one app or script."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        write_engine = engine
        if engine.dialect.name == "sqlite":
            write_engine = engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(write_engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Database":
        return cls(create_db_engine(settings.database_url, pool_size=settings.db_pool_size,
                                    max_overflow=settings.db_max_overflow,
                                    busy_timeout_ms=settings.sqlite_busy_timeout_ms))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; closing it ends its transaction (objects stay readable)."""
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error. A service may commit early
        (e.g. to keep a failed-attempt counter) before it raises."""
        with self._write() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()
