"""In-process fan-out of console events to the agents' websockets.

Each connection owns an asyncio queue on the event loop that serves it; ``publish`` may be called
from any thread (sync endpoints run in the thread pool) and hands events over with
``call_soon_threadsafe``, so a patient message reaches the agent's socket without polling. One
process only: several workers would need a broker (e.g. Redis pub/sub) behind the same interface."""
from __future__ import annotations

import asyncio
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List

from console.effects import Push


@dataclass
class Connection:
    id: int
    agent_id: int
    group_codes: FrozenSet[str]
    supervisor: bool
    loop: asyncio.AbstractEventLoop
    queue: "asyncio.Queue[Dict[str, Any]]" = field(default_factory=lambda: asyncio.Queue(maxsize=1000))

    def wants(self, push: Push) -> bool:
        return (self.agent_id in push.agent_ids or bool(self.group_codes.intersection(push.group_codes))
                or (push.supervisors and self.supervisor))


class Hub:
    def __init__(self) -> None:
        self._connections: Dict[int, Connection] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def connect(self, *, agent_id: int, group_codes: List[str], supervisor: bool) -> Connection:
        conn = Connection(id=next(self._ids), agent_id=agent_id, group_codes=frozenset(group_codes),
                          supervisor=supervisor, loop=asyncio.get_running_loop())
        with self._lock:
            self._connections[conn.id] = conn
        return conn

    def disconnect(self, conn: Connection) -> None:
        with self._lock:
            self._connections.pop(conn.id, None)

    def connected_agents(self) -> List[int]:
        with self._lock:
            return sorted({c.agent_id for c in self._connections.values()})

    def publish(self, push: Push) -> int:
        """Queue the event for every interested connection; returns how many."""
        with self._lock:
            targets = [c for c in self._connections.values() if c.wants(push)]
        delivered = 0
        for conn in targets:
            try:
                conn.loop.call_soon_threadsafe(_put, conn.queue, push.event)
                delivered += 1
            except RuntimeError:  # its loop is closed: the socket is gone
                self.disconnect(conn)
        return delivered


def _put(queue: "asyncio.Queue[Dict[str, Any]]", event: Dict[str, Any]) -> None:
    if queue.full():  # a stalled client loses its oldest events, never blocks the others
        queue.get_nowait()
    queue.put_nowait(event)
