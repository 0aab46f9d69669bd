"""Request and response bodies."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Literal, Optional

from pydantic import BaseModel, Field

Reason = Literal["request_human", "fallback", "complaint", "emergency", "self_harm", "flow_failed"]


class ErrorOut(BaseModel):
    code: str
    message: str
    details: Dict[str, Any] = {}


class HandoffIn(BaseModel):
    conversation_id: str = Field(min_length=1, max_length=128)
    reason: Reason
    topic: str = Field("", max_length=200)
    group: Optional[str] = Field(None, description="skill group code; default: from reason and topic")
    urgent: bool = False
    identity_verified: bool = False
    patient_display: str = Field("", max_length=64, description="masked, e.g. 李** 138****0001")
    patient_ref: Optional[str] = Field(None, max_length=64,
                                       description="opaque stable id of the verified patient (earlier chats)")
    contact: str = Field("", max_length=32, description="masked mobile for the follow-up ticket")
    summary: str = Field("", max_length=4000)


class HandoffOut(BaseModel):
    handoff_id: int
    status: Literal["queued", "assigned", "no_agent"]
    group: str
    group_name: str
    urgent: bool
    position: Optional[int]
    expected_wait_s: int
    agent_no: Optional[str] = None
    ticket_no: Optional[str] = None
    due_at: Optional[dt.datetime] = None
    why: Optional[str] = Field(None, description="no_agent: outside_hours | no_agent_online")


class PatientMessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=20000)
    sent_at: Optional[dt.datetime] = None


class SurveyIn(BaseModel):
    conversation_id: str = Field(min_length=1, max_length=128)
    rating: int = Field(ge=1, le=5)
    resolved: bool
    comment: str = Field("", max_length=4000)


class SurveyOut(BaseModel):
    survey_id: int
    callback: bool
    ticket_no: Optional[str] = None
    due_at: Optional[dt.datetime] = None


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class AgentOut(BaseModel):
    id: int
    username: str
    agent_no: str
    display_name: str
    role: str
    status: str
    status_label: str
    max_parallel: int
    groups: List[str]


class LoginOut(BaseModel):
    agent: AgentOut
    csrf_token: str


class StatusIn(BaseModel):
    status: Literal["online", "busy", "away"]


class AgentMessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class TransferIn(BaseModel):
    group: Optional[str] = None
    agent_id: Optional[int] = None
    note: str = Field("", max_length=500)


class CloseIn(BaseModel):
    resolution_code: str
    note: str = Field("", max_length=2000)


class NoteIn(BaseModel):
    note: str = Field("", max_length=2000)


class TicketIn(BaseModel):
    category: Literal["follow_up", "callback", "complaint", "consultation", "other"] = "consultation"
    urgency: Optional[Literal["urgent", "normal"]] = None
    note: str = Field("", max_length=2000)


class TicketUpdateIn(BaseModel):
    status: Optional[Literal["open", "in_progress", "done"]] = None
    note: str = Field("", max_length=2000)
