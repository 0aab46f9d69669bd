"""Agent assist (人工辅助): FAQ answers and similar resolved chats for the open conversation."""
from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Query

from console.api.deps import AgentCtx, AgentDep, Ctx, CtxDep
from console.api.views import iso
from console.services import assist, workbench

router = APIRouter(tags=["workbench"])


@router.get("/handoffs/{handoff_id}/assist")
def assist_for(handoff_id: int, q: Optional[str] = Query(None, max_length=200,
                                                         description="search this instead of the patient's last messages"),
               me: AgentCtx = AgentDep, ctx: Ctx = CtxDep) -> Dict[str, Any]:
    """FAQ answers (the bot's ``utter_faq/*`` with the hospital facts) and similar closed chats with
    the agents' replies, matching the patient's last messages (or ``q``). Same access as the chat."""
    with ctx.db.write() as session:
        handoff = workbench.open_handoff(session, handoff_id=handoff_id, agent=me.load(session), now=ctx.now,
                                         action="assist")
        queries = [q] if q and q.strip() else assist.patient_queries(session, handoff=handoff)
        faq = assist.match_faq(queries, entries=assist.faq_entries(ctx.settings.assist_root))
        similar = assist.similar_resolved(session, handoff=handoff, queries=queries)
    for row in similar:
        row["closed_at"] = iso(row["closed_at"], ctx.settings)
    return {"queries": queries, "faq": faq, "similar": similar}
