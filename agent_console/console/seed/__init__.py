"""Demo data: the five skill groups, demo accounts and canned replies (``demo.json``)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Dict, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import Agent, CannedReply
from console.services import accounts, groups
from console.settings import Settings

DEMO_FILE = Path(__file__).with_name("demo.json")
DEV_DEMO_PASSWORD = "demo-Console-2026"


def demo_password(settings: Settings) -> str:
    """CONSOLE_DEMO_PASSWORD; in development a documented default, in production none."""
    if settings.demo_password is not None:
        return settings.demo_password.get_secret_value()
    if settings.is_production:
        raise RuntimeError("CONSOLE_DEMO_PASSWORD must be set to seed accounts when CONSOLE_ENV=production")
    return DEV_DEMO_PASSWORD


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Agent))


def seed_database(session: Session, *, settings: Settings, now: dt.datetime,
                  data: Optional[Dict[str, Any]] = None) -> Dict[str, int]:
    data = data or json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    created_groups = groups.ensure_default_groups(session)
    password = demo_password(settings)
    for row in data["agents"]:
        accounts.create_agent(session, username=row["username"], password=password, agent_no=row["agent_no"],
                              display_name=row["display_name"], role=row["role"], group_codes=row["groups"],
                              max_parallel=row["max_parallel"], now=now)
    for row in data["canned_replies"]:
        group_id = groups.get_group(session, code=row["group"]).id if row["group"] else None
        session.add(CannedReply(group_id=group_id, title=row["title"], text=row["text"], created_at=now))
    session.flush()
    return {"groups": created_groups, "agents": len(data["agents"]), "canned_replies": len(data["canned_replies"])}
