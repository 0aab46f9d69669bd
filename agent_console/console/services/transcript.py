"""Rasa tracker JSON → the agent's history view: patient, bot and agent turns with times, recognised
intents and entities, key slots, lifecycle events; split by conversation session; masked.

External intents (``EXTERNAL: agent_message`` from ``trigger_intent``) are not patient turns: the
bot's utterances that follow ``agent_message`` are the agent's words (with their 工号); the other
lifecycle intents (``handoff_*``) become system entries."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

from console.masking import mask_text, mask_value

EXTERNAL_PREFIX = "EXTERNAL: "
AGENT_MESSAGE_INTENT = "agent_message"
# slots worth showing to an agent (name prefixes): what the patient was booking or asking about
KEY_SLOT_PREFIXES = ("department", "doctor", "appointment", "schedule", "slot", "date", "half_day",
                     "report", "insurance_type", "insurance_topic", "visit_type", "emergency_category",
                     "urgent", "triage")


def is_key_slot(name: str) -> bool:
    return name.startswith(KEY_SLOT_PREFIXES)


def _time(ts: Any, tz: ZoneInfo) -> Optional[str]:
    try:
        return dt.datetime.fromtimestamp(float(ts), tz=dt.timezone.utc).astimezone(tz).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _entities(raw: Any) -> List[Dict[str, Any]]:
    if isinstance(raw, dict):
        return [{"entity": str(k), "value": mask_value(v)} for k, v in raw.items()]
    out = []
    for ent in raw or []:
        if isinstance(ent, dict) and "entity" in ent:
            out.append({"entity": str(ent["entity"]), "value": mask_value(ent.get("value"))})
    return out


def _is_external(event: Dict[str, Any]) -> bool:
    meta = event.get("metadata") or {}
    return bool(meta.get("is_external")) or str(event.get("text") or "").startswith(EXTERNAL_PREFIX)


def build_transcript(tracker: Dict[str, Any], *, tz: ZoneInfo) -> Dict[str, Any]:
    sessions: List[Dict[str, Any]] = []
    current: Dict[str, Any] = {"started_at": None, "turns": []}
    agent_no: Optional[str] = None  # set after an external agent_message, until the next user event
    for event in tracker.get("events") or []:
        if not isinstance(event, dict):
            continue
        kind, at = event.get("event"), _time(event.get("timestamp"), tz)
        if kind == "session_started":
            if current["turns"]:
                sessions.append(current)
            current = {"started_at": at, "turns": []}
            agent_no = None
        elif kind == "user":
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") if isinstance(parse.get("intent"), dict) else {}
            if not intent and isinstance(event.get("intent"), dict):
                intent = event["intent"]
            name = intent.get("name")
            entities = _entities(parse.get("entities") if parse.get("entities") is not None else event.get("entities"))
            if _is_external(event):
                name = name or str(event.get("text", ""))[len(EXTERNAL_PREFIX):]
                values = {e["entity"]: e["value"] for e in entities}
                if name == AGENT_MESSAGE_INTENT:
                    agent_no = str(values.get("agent_no") or "") or None
                else:
                    agent_no = None
                    current["turns"].append({"role": "system", "event": name, "at": at,
                                             "details": {k: v for k, v in values.items() if k != "text"}})
                continue
            agent_no = None
            current["turns"].append({"role": "patient", "text": mask_text(event.get("text")), "at": at,
                                     "intent": name, "confidence": intent.get("confidence"),
                                     "entities": entities})
        elif kind == "bot":
            meta = event.get("metadata") or {}
            by = meta.get("agent_no") or agent_no
            turn: Dict[str, Any] = {"role": "agent" if by else "bot", "text": mask_text(event.get("text")),
                                    "at": at}
            if by:
                turn["agent_no"] = str(by)
            elif meta.get("utter_action"):
                turn["response"] = meta["utter_action"]
            current["turns"].append(turn)
        elif kind == "slot" and is_key_slot(str(event.get("name", ""))):
            if event.get("value") is not None:
                current["turns"].append({"role": "slot", "name": event["name"],
                                         "value": mask_value(event.get("value")), "at": at})
        elif kind in ("pause", "resume"):
            current["turns"].append({"role": "system", "event": f"conversation_{kind}d", "at": at, "details": {}})
    if current["turns"] or not sessions:
        sessions.append(current)
    slots = {k: mask_value(v) for k, v in (tracker.get("slots") or {}).items()
             if is_key_slot(k) and v is not None}
    return {"conversation_id": tracker.get("sender_id"), "sessions": sessions, "key_slots": slots}
