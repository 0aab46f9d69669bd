"""Patient verification: SMS one-time code, or card number + name → a verification token."""
from __future__ import annotations

from fastapi import APIRouter, status

from his.api.deps import Ctx, CtxDep, error_responses
from his.api.schemas import (CardVerifyRequest, SmsCodeOut, SmsCodeRequest, SmsVerifyRequest, VerifyOut,
                             patient_out)
from his.services import verification
from his.services.verification import Verified

router = APIRouter(prefix="/verification", tags=["verification"])


def _verify_out(result: Verified, ctx: Ctx) -> VerifyOut:
    return VerifyOut(token=result.token, expires_at=result.expires_at.astimezone(ctx.settings.tz),
                     patient_id=result.patients[0].id, patients=[patient_out(p) for p in result.patients])


@router.post("/sms-code", response_model=SmsCodeOut, status_code=status.HTTP_202_ACCEPTED,
             responses=error_responses("resend_too_soon", "too_many_attempts", "validation_error"))
def request_sms_code(body: SmsCodeRequest, ctx: Ctx = CtxDep) -> SmsCodeOut:
    """Send a 6-digit code to the mobile (written to the outbox). The answer is the same whether
    or not the mobile belongs to a patient."""
    with ctx.db.write() as session:
        result = verification.request_sms_code(session, mobile=body.mobile, settings=ctx.settings, now=ctx.now)
    return SmsCodeOut(**result)


@router.post("/sms-code/verify", response_model=VerifyOut,
             responses=error_responses("invalid_code", "code_expired", "too_many_attempts"))
def verify_sms_code(body: SmsVerifyRequest, ctx: Ctx = CtxDep) -> VerifyOut:
    """Check the code; on success returns the patient(s) of that mobile and a verification token."""
    with ctx.db.write() as session:
        return _verify_out(verification.verify_sms_code(session, mobile=body.mobile, code=body.code,
                                                        settings=ctx.settings, now=ctx.now), ctx)


@router.post("/card", response_model=VerifyOut,
             responses=error_responses("invalid_identity", "too_many_attempts"))
def verify_card(body: CardVerifyRequest, ctx: Ctx = CtxDep) -> VerifyOut:
    """Verify by 就诊卡号 and name."""
    with ctx.db.write() as session:
        return _verify_out(verification.verify_card(session, card_no=body.card_no, name=body.name,
                                                    settings=ctx.settings, now=ctx.now), ctx)
