"""Client for the human-agent queue: records escalations (urgent conversations) for agents.

Until the agents' workbench exists, escalations are rows in a small SQL table that the workbench
will read (SQLite under var/ by default; any SQLAlchemy URL via ESCALATION_DB_URL, e.g.
PostgreSQL in production). Text is stored masked. No I/O at import time.
"""
from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from typing import Any, Dict, List, Optional

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, insert, select
from sqlalchemy.engine import Engine

from hospital_core.paths import REPO_ROOT
from hospital_core.privacy import mask_pii

PRIORITY_URGENT = 0  # lower is served first
PRIORITY_NORMAL = 5
TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

metadata = MetaData()
escalations = Table(
    "escalations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(128), nullable=False, index=True),
    Column("reason", String(32), nullable=False),  # emergency | self_harm | …
    Column("category", String(64)),
    Column("priority", Integer, nullable=False, index=True),
    Column("status", String(16), nullable=False, default="waiting", index=True),
    Column("message", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def database_url() -> str:
    """ESCALATION_DB_URL, or a SQLite file under var/."""
    return os.environ.get("ESCALATION_DB_URL") or f"sqlite:///{REPO_ROOT / 'var' / 'handoff.db'}"


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        os.makedirs(os.path.dirname(url[len("sqlite:///"):]) or ".", exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    metadata.create_all(engine)
    return engine


def record_escalation(*, conversation_id: str, reason: str, category: Optional[str], message: str,
                      priority: int = PRIORITY_URGENT) -> int:
    """Queues the conversation for a human agent; returns the escalation's id."""
    with _engine(database_url()).begin() as conn:
        result = conn.execute(insert(escalations).values(
            conversation_id=conversation_id, reason=reason, category=category, priority=priority,
            status="waiting", message=mask_pii(message or "")[:500], created_at=dt.datetime.now(TZ)))
        return int(result.inserted_primary_key[0])


def waiting(*, limit: int = 50) -> List[Dict[str, Any]]:
    """Waiting escalations, most urgent and then oldest first."""
    query = (select(escalations).where(escalations.c.status == "waiting")
             .order_by(escalations.c.priority, escalations.c.created_at, escalations.c.id).limit(limit))
    with _engine(database_url()).connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
