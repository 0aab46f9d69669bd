"""Helpers for service-level tests: a database, agents' statuses, handoff requests."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Iterator, Tuple

from contextlib import contextmanager
from sqlalchemy import select

from console.db import Database
from console.effects import Effects
from console.models import Agent, Handoff
from console.services import intake
from console.settings import Settings


@contextmanager
def database(settings: Settings) -> Iterator[Database]:
    db = Database.from_settings(settings)
    try:
        yield db
    finally:
        db.dispose()


def set_status(db: Database, **statuses: str) -> None:
    """set_status(db, agent01="online", agent02="away", …)"""
    with db.write() as session:
        for username, status in statuses.items():
            agent = session.scalar(select(Agent).where(Agent.username == username))
            assert agent is not None, username
            agent.status = status


def all_away(db: Database) -> None:
    set_status(db, agent01="away", agent02="away", agent03="away", super01="away")


def request(db: Database, settings: Settings, now: dt.datetime, conversation_id: str,
            reason: str = "request_human", **kwargs: Any) -> Tuple[Dict[str, Any], Effects]:
    effects = Effects()
    with db.write() as session:
        result = intake.request_handoff(session, conversation_id=conversation_id, reason=reason,
                                        settings=settings, now=now, effects=effects, **kwargs)
    return result, effects


def handoff(db: Database, handoff_id: int) -> Handoff:
    with db.read() as session:
        found = session.get(Handoff, handoff_id)
        assert found is not None
        return found


def agent_id(db: Database, username: str) -> int:
    with db.read() as session:
        return session.scalar(select(Agent.id).where(Agent.username == username))  # type: ignore[return-value]
