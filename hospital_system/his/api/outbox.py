"""Read the outbox (SMS that would be sent). For tests and the demo page of the embedded setup:
off by default when HIS_ENV=production, or whenever HIS_OUTBOX_API_ENABLED=false."""
from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Query

from his.api.deps import Ctx, CtxDep, error_responses
from his.api.schemas import OutboxOut, outbox_out
from his.errors import HisError
from his.services import outbox

router = APIRouter(prefix="/outbox", tags=["outbox"])


@router.get("", response_model=List[OutboxOut], responses=error_responses("outbox_disabled"))
def list_outbox(recipient: Optional[str] = Query(None, max_length=32), kind: Optional[str] = Query(None, max_length=32),
                after_id: int = Query(0, ge=0), limit: int = Query(50, ge=1, le=200),
                ctx: Ctx = CtxDep) -> List[OutboxOut]:
    """Messages newest first, optionally for one recipient and kind (sms_code, booking_confirmation,
    reschedule, cancellation, waitlist_available)."""
    if not ctx.settings.outbox_enabled:
        raise HisError("outbox_disabled", "the outbox API is disabled (HIS_OUTBOX_API_ENABLED=false)")
    with ctx.db.read() as session:
        return [outbox_out(m, tz=ctx.settings.tz) for m in outbox.list_messages(
            session, recipient=recipient, kind=kind, after_id=after_id, limit=limit)]
