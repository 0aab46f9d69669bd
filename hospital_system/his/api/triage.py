"""POST /api/triage: free-text symptoms (+ age, sex, pregnancy) → canonical departments, best first.

The logic is the project's ``hospital_core.triage`` (editable table in data/triage/) and
``hospital_core.safety`` (red-flag lexicon in data/safety/); both are loaded when the app starts.
The same endpoint serves the chat assistant and any other channel (app, website, phone IVR)."""
from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, List, Literal, Optional

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, Field, StrictBool, field_validator

from his import core  # noqa: F401  (makes hospital_core importable)
from his.api.deps import error_responses
from his.errors import HisError
from hospital_core.safety import LexiconError, get_lexicon
from hospital_core.triage import get_knowledge, triage

log = logging.getLogger("his.triage")
MAX_TEXT = 2000
Fact = Literal["age", "sex", "pregnant"]


def preload() -> None:
    """Load and compile the triage table and the red-flag lexicon, and warm up one triage."""
    get_knowledge()
    get_lexicon()
    triage("咳嗽")


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    """Preload at startup. A broken data file is logged, not fatal: scheduling keeps working and
    /api/triage answers 500 until the file is fixed."""
    try:
        preload()
    except Exception:  # noqa: BLE001 - reported; the endpoint fails on its own
        log.exception("triage knowledge or safety lexicon failed to load; POST /api/triage will fail")
    # Like app.py: move the loaded tables out of the collector's sight (shorter full collections).
    gc.collect()
    gc.freeze()
    yield


router = APIRouter(prefix="/triage", tags=["triage"], lifespan=lifespan)


class TriageIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="the patient's own words",
                      examples=["持续咳嗽加胸痛"])
    age: Optional[float] = Field(None, ge=0, le=120, strict=True, description="years (0.5 = six months)",
                                 examples=[65])
    sex: Optional[Literal["male", "female"]] = None
    pregnant: Optional[StrictBool] = None

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be blank")
        return value


class TriageEmergencyOut(BaseModel):
    category: str = Field(description="most urgent red-flag category (data/safety/categories.yml)",
                          examples=["chest_pain"])
    kind: Literal["medical", "self_harm"]
    categories: List[str] = Field(description="every category found, most urgent first")
    hint: Optional[str] = Field(description="first-aid hint (Chinese) when one is safe to give")


class TriageRecommendationOut(BaseModel):
    name: str = Field(description="canonical department", examples=["呼吸内科"])
    reason: str = Field(description="one-line reason (Chinese)", examples=["咳嗽咳痰看呼吸内科"])
    score: float


class TriageSymptomOut(BaseModel):
    id: str = Field(description="symptom entry id in data/triage/", examples=["cough"])
    text: str = Field(description="the words of the message it was recognised in", examples=["咳嗽"])


class TriagePatientOut(BaseModel):
    age: Optional[float]
    sex: Optional[Literal["male", "female"]]
    pregnant: Optional[bool]


class TriageOut(BaseModel):
    departments: List[str] = Field(description="canonical department names, best first; empty: no match",
                                   examples=[["呼吸内科", "心血管内科"]])
    emergency: Optional[TriageEmergencyOut] = Field(description="null, or the emergency found: go to the ER / call 120")
    recommendations: List[TriageRecommendationOut] = Field(description="the departments with reason and score")
    ask: List[Fact] = Field(description="unknown facts that would change the first department: ask them")
    notes: List[str] = Field(description="notes to show with the answer (Chinese), e.g. 如胸痛剧烈…优先急诊")
    fallback_department: Optional[str] = Field(description="to offer when nothing matched (else null)",
                                               examples=[None])
    symptoms: List[TriageSymptomOut]
    patient: TriagePatientOut = Field(description="the patient as understood: given values, or from the text")


@router.post("", response_model=TriageOut, responses=error_responses("validation_error"))
def triage_symptoms(body: TriageIn) -> TriageOut:
    """Recommend departments for free-text symptoms. Age, sex and pregnancy are optional; when one
    of them would change the first department it is listed in `ask`. An emergency in the text puts
    急诊科 first and is returned in `emergency`. A guide, not a diagnosis."""
    try:
        result = triage(body.text, age=body.age, sex=body.sex, pregnant=body.pregnant)
    except LexiconError:
        raise                 # a broken data file (KnowledgeError too): a server error, 500
    except ValueError as exc:
        raise HisError("validation_error", str(exc)) from exc
    emergency = None
    if result.emergency is not None:
        e = result.emergency
        emergency = TriageEmergencyOut(category=e.category, kind=e.kind, categories=list(e.categories), hint=e.hint)
    departments = [r.department for r in result.departments]
    return TriageOut(
        departments=departments, emergency=emergency,
        recommendations=[TriageRecommendationOut(name=r.department, reason=r.reason, score=round(r.score, 2))
                         for r in result.departments],
        ask=list(result.ask), notes=list(result.notes),
        fallback_department=None if departments else get_knowledge().settings.fallback_department,
        symptoms=[TriageSymptomOut(id=s.id, text=s.text) for s in result.symptoms],
        patient=TriagePatientOut(age=result.patient.age, sex=result.patient.sex, pregnant=result.patient.pregnant))
