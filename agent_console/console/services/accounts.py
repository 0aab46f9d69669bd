"""Accounts, passwords (argon2id), sign-in with lock-out, server-side sessions, agent status."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Iterable, Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from console.errors import ConsoleError
from console.models import Agent, AgentSession, AgentStatus, Role, SkillGroup
from console.services import audit
from console.settings import Settings

_hasher = PasswordHasher()
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8
# verified against when the username is unknown, so both paths cost one argon2 verification
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password shorter than {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_agent(session: Session, *, username: str, password: str, agent_no: str, display_name: str,
                 role: str = Role.agent.value, group_codes: Iterable[str] = (), max_parallel: int = 3,
                 now: dt.datetime) -> Agent:
    Role(role)
    groups = list(session.scalars(select(SkillGroup).where(SkillGroup.code.in_(list(group_codes)))))
    agent = Agent(username=username, password_hash=hash_password(password), role=role,
                  agent_no=agent_no, display_name=display_name, status=AgentStatus.away.value,
                  status_changed_at=now, max_parallel=max_parallel, created_at=now, groups=groups)
    session.add(agent)
    session.flush()
    return agent


def authenticate(session: Session, *, username: str, password: str, now: dt.datetime) -> Agent:
    """The agent for these credentials. Five wrong passwords lock the account for 15 minutes.
    Unknown user and wrong password give the same error."""
    agent = session.scalar(select(Agent).where(Agent.username == username))
    if agent is None or not agent.is_active:
        verify_password(_DUMMY_HASH, password)
        raise ConsoleError("invalid_credentials", "wrong username or password")
    if agent.locked_until is not None and agent.locked_until > now:
        raise ConsoleError("too_many_attempts", "account locked after repeated failures",
                           details={"locked_until": agent.locked_until.isoformat()})
    if not verify_password(agent.password_hash, password):
        agent.failed_logins += 1
        if agent.failed_logins >= MAX_FAILED_LOGINS:
            agent.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
            agent.failed_logins = 0
        audit.record(session, action="login_failed", now=now, agent=agent)
        session.commit()  # keep the counter although the request fails
        raise ConsoleError("invalid_credentials", "wrong username or password")
    agent.failed_logins = 0
    agent.locked_until = None
    if _hasher.check_needs_rehash(agent.password_hash):
        agent.password_hash = _hasher.hash(password)
    return agent


def open_session(session: Session, *, agent: Agent, settings: Settings,
                 now: dt.datetime) -> Tuple[str, AgentSession]:
    """A new session for ``agent``: returns the cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    row = AgentSession(token_hash=token_hash(token), csrf_token=secrets.token_urlsafe(24),
                       agent_id=agent.id, created_at=now, last_seen_at=now,
                       expires_at=now + dt.timedelta(minutes=settings.session_ttl_minutes))
    session.add(row)
    audit.record(session, action="login", now=now, agent=agent)
    session.flush()
    return token, row


def resolve_session(session: Session, *, token: str, settings: Settings,
                    now: dt.datetime) -> Tuple[Agent, AgentSession]:
    """The agent and session of a cookie token; expired (absolute or idle) sessions are refused."""
    row = session.scalar(select(AgentSession).where(AgentSession.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None:
        raise ConsoleError("unauthorized", "not signed in")
    idle_limit = row.last_seen_at + dt.timedelta(minutes=settings.session_idle_minutes)
    if row.expires_at <= now or idle_limit <= now:
        raise ConsoleError("session_expired", "session expired; sign in again")
    agent = session.get(Agent, row.agent_id)
    if agent is None or not agent.is_active:
        raise ConsoleError("unauthorized", "account disabled")
    if (now - row.last_seen_at).total_seconds() > 30:  # one write per half minute at most
        session.execute(update(AgentSession).where(AgentSession.id == row.id).values(last_seen_at=now))
    return agent, row


def close_session(session: Session, *, session_id: int, now: dt.datetime) -> None:
    row = session.get(AgentSession, session_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        agent = session.get(Agent, row.agent_id)
        audit.record(session, action="logout", now=now, agent=agent)


def set_status(session: Session, *, agent: Agent, status: str, now: dt.datetime) -> Agent:
    AgentStatus(status)
    if agent.status != status:
        audit.record(session, action="status", now=now, agent=agent,
                     details={"from": agent.status, "to": status})
        agent.status = status
        agent.status_changed_at = now
    return agent


def get_agent(session: Session, *, agent_id: int) -> Optional[Agent]:
    return session.get(Agent, agent_id)
