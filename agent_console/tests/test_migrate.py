"""The Alembic migration builds the schema the models describe, and downgrades cleanly."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import IntegrityError

from conftest import NOW
from console.db import Database
from console.migrate import downgrade, upgrade
from console.models import Base, Handoff


def test_upgrade_matches_models_and_downgrade_empties(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)
    indexes = {i["name"] for i in inspect(engine).get_indexes("handoffs")}
    assert "uq_handoffs_active_conversation" in indexes
    downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set()
    engine.dispose()


def test_one_active_handoff_per_conversation_on_each_backend(database_url: str) -> None:
    db = Database(create_engine(database_url))
    try:
        with db.write() as session:
            for status in ("closed", "closed", "waiting"):
                session.add(Handoff(conversation_id="dup", reason="fallback", group_id=1, status=status,
                                    created_at=NOW, waiting_since=NOW))
        with pytest.raises(IntegrityError), db.write() as session:
            session.add(Handoff(conversation_id="dup", reason="fallback", group_id=1, status="assigned",
                                created_at=NOW, waiting_since=NOW))
    finally:
        db.dispose()
