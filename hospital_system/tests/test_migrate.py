"""Alembic: the migrations build exactly the models' schema, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from his.db import create_db_engine
from his.migrate import downgrade, upgrade
from his.models import Base


def test_migrated_schema_matches_models(database_url: str) -> None:
    """database_url was created by the migrations (conftest.build_database)."""
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            assert context.get_current_revision() == "0001"
    finally:
        engine.dispose()


def test_upgrade_and_downgrade_fresh_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    engine = create_db_engine(url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
    downgrade(url, "base")
    engine = create_db_engine(url)
    assert inspect(engine).get_table_names() == ["alembic_version"]
    engine.dispose()
