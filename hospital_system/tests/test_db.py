"""Engine set-up: SQLite pragmas and serialised write transactions."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from his.db import Database, create_db_engine


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_sqlite_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    """Read-then-write transactions in many threads: BEGIN IMMEDIATE makes them wait their turn,
    so no 'database is locked' and no lost update."""
    db = Database(create_db_engine(f"sqlite:///{tmp_path / 'x.db'}", pool_size=20))
    with db.write() as session:
        session.execute(text("CREATE TABLE counter (n INTEGER)"))
        session.execute(text("INSERT INTO counter VALUES (0)"))
    errors: list = []

    def bump() -> None:
        try:
            with db.write() as session:
                n = session.execute(text("SELECT n FROM counter")).scalar_one()
                time.sleep(0.005)
                session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.read() as session:
        assert session.execute(text("SELECT n FROM counter")).scalar_one() == 20
    assert errors == []
    db.dispose()


def test_write_rolls_back_on_error(tmp_path: Path) -> None:
    db = Database(create_db_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    with db.write() as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
    try:
        with db.write() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
            raise ValueError("boom")
    except ValueError:
        pass
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
    db.dispose()
