"""Side effects collected by the services and carried out by the API layer after the commit:
websocket pushes to agents/supervisors and lifecycle intents sent to Rasa.

Services never talk to the network themselves: a rolled-back transaction then announces nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence, Tuple


@dataclass
class Push:
    """An event for connected consoles: given agents, agents of given groups, and/or supervisors."""

    event: Dict[str, Any]
    agent_ids: Tuple[int, ...] = ()
    group_codes: Tuple[str, ...] = ()
    supervisors: bool = True


@dataclass
class Trigger:
    """An intent for Rasa's ``trigger_intent`` (it lands in the conversation's tracker)."""

    conversation_id: str
    intent: str
    entities: Dict[str, Any]


@dataclass
class Effects:
    pushes: List[Push] = field(default_factory=list)
    triggers: List[Trigger] = field(default_factory=list)

    def push(self, event: Dict[str, Any], *, agent_ids: Sequence[int] = (),
             group_codes: Sequence[str] = (), supervisors: bool = True) -> None:
        self.pushes.append(Push(event, tuple(agent_ids), tuple(group_codes), supervisors))

    def trigger(self, conversation_id: str, intent: str, **entities: Any) -> None:
        self.triggers.append(Trigger(conversation_id, intent, entities))
