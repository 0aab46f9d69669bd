"""Bot → console (service token): handoff requests, relayed patient messages, typing, surveys."""
from __future__ import annotations

from typing import Any, Dict

from fastapi import APIRouter

from console.api.deps import CtxDep, Ctx
from console.api.schemas import HandoffIn, HandoffOut, PatientMessageIn, SurveyIn, SurveyOut
from console.effects import Effects
from console.errors import ConsoleError
from console.services import intake, surveys

router = APIRouter(tags=["bot"])


@router.post("/handoffs", response_model=HandoffOut)
def request_handoff(body: HandoffIn, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """Queue the conversation for a human agent (or ticket it when nobody can serve it)."""
    effects = Effects()
    with ctx.db.write() as session:
        result = intake.request_handoff(
            session, conversation_id=body.conversation_id, reason=body.reason, topic=body.topic,
            group_code=body.group, urgent=body.urgent, identity_verified=body.identity_verified,
            patient_display=body.patient_display, patient_ref=body.patient_ref, contact=body.contact,
            summary=body.summary, settings=ctx.settings, now=ctx.now, effects=effects)
    ctx.dispatch(effects)
    return result


@router.get("/conversations/{conversation_id}/handoff", response_model=HandoffOut)
def handoff_status(conversation_id: str, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """The active handoff of a conversation (409 ``not_active`` when the bot should answer itself)."""
    with ctx.db.read() as session:
        handoff = intake.active_handoff(session, conversation_id=conversation_id)
        if handoff is None:
            raise ConsoleError("not_active", "no waiting or assigned handoff for this conversation")
        return intake.describe_for_bot(session, handoff=handoff, settings=ctx.settings, now=ctx.now)


@router.post("/conversations/{conversation_id}/messages", status_code=201)
def relay_message(conversation_id: str, body: PatientMessageIn, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """A patient message while the conversation is with the agents; pushed to the agent at once.
    409 ``not_active`` when no handoff is active (the bot then answers it itself)."""
    effects = Effects()
    with ctx.db.write() as session:
        message = intake.relay_patient_message(session, conversation_id=conversation_id, text=body.text,
                                               sent_at=body.sent_at, settings=ctx.settings, now=ctx.now,
                                               effects=effects)
        out = {"message_id": message.id, "handoff_id": message.handoff_id}
    ctx.dispatch(effects)
    return out


@router.post("/conversations/{conversation_id}/typing", status_code=204)
def patient_typing(conversation_id: str, ctx: Ctx = CtxDep) -> None:
    """The patient is typing: shown to the assigned agent."""
    effects = Effects()
    with ctx.db.read() as session:
        handoff = intake.active_handoff(session, conversation_id=conversation_id)
        if handoff is None:
            raise ConsoleError("not_active", "no waiting or assigned handoff for this conversation")
        if handoff.assigned_agent_id is not None:
            effects.push({"type": "patient_typing", "handoff_id": handoff.id},
                         agent_ids=[handoff.assigned_agent_id], supervisors=False)
    ctx.dispatch(effects)


@router.post("/surveys", response_model=SurveyOut, status_code=201)
def submit_survey(body: SurveyIn, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """Store a survey; a rating ≤ 2 or 未解决 creates a callback ticket due in 24 h."""
    with ctx.db.write() as session:
        survey, ticket = surveys.submit_survey(session, conversation_id=body.conversation_id,
                                               rating=body.rating, resolved=body.resolved,
                                               comment=body.comment, settings=ctx.settings, now=ctx.now)
        return {"survey_id": survey.id, "callback": ticket is not None,
                "ticket_no": ticket.ticket_no if ticket else None,
                "due_at": ticket.due_at.astimezone(ctx.settings.tz) if ticket else None}
