"""An agent's message: stored (masked copy), delivered to the patient through Rasa, pushed to the
other consoles watching. Shared by the REST endpoint and the websocket."""
from __future__ import annotations

from typing import Any, Dict

from console.api.deps import AgentCtx, Ctx
from console.effects import Push
from console.errors import ConsoleError
from console.models import Message
from console.rasa_client import RasaError
from console.services import intake, workbench


def send_agent_message(ctx: Ctx, me: AgentCtx, *, handoff_id: int, text: str) -> Dict[str, Any]:
    with ctx.db.write() as session:
        agent = me.load(session)
        message = workbench.add_agent_message(session, handoff_id=handoff_id, agent=agent, text=text,
                                              settings=ctx.settings, now=ctx.now)
        conversation_id = workbench.get_handoff(session, handoff_id=handoff_id).conversation_id
        agent_no, message_id = agent.agent_no, message.id
    try:
        ctx.rasa.trigger_intent(conversation_id, "agent_message", {"text": text.strip(), "agent_no": agent_no})
        delivered = True
    except RasaError as exc:
        delivered, error = False, str(exc)[:200]
    with ctx.db.write() as session:
        workbench.set_delivery(session, message_id=message_id, delivered=delivered)
        message = session.get(Message, message_id)
        view = intake.message_view(message, settings=ctx.settings, agent_no=agent_no)
    ctx.hub.publish(Push({"type": "agent_message", "handoff_id": handoff_id, "message": view},
                         agent_ids=(me.agent_id,), supervisors=True))
    if not delivered:
        raise ConsoleError("delivery_failed", "the message could not be delivered to the patient",
                           details={"message": view, "error": error})
    return view
