"""Helpers for the issue-3 action tests: the live HIS wired into the actions, trackers as the action
server receives them, and a driver that plays a form the way Rasa's FormAction does (validate the
message, then ask for the requested slot with action_ask_<slot> or utter_ask_<slot>).

The tests run the real actions against a live, freshly seeded HIS (tests/fixtures_his.py); dates are
relative to the real today, so scenarios are chosen through the HIS itself (e.g. "张建国's next open
half-day"), never by weekday arithmetic that could fail on a Sunday evening.
"""
from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import inspect
import json
import os
import secrets
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import appointments, booking, booking_ask, reports, verification
from actions.his_client import HisClient, HisConfig, get_client
from hospital_core.dates import SHANGHAI
from tests.fixtures_his import HIS_DIR, HIS_PYTHON, _free_port, _healthy
from tests.test_actions_support import domain_dict, render

ASK_ACTIONS = {
    "schedule_id": booking_ask.ActionAskScheduleId,
    "slot_id": booking_ask.ActionAskSlotId,
    "otp_code": verification.ActionAskOtpCode,
    "patient_id": verification.ActionAskPatientId,
    "booking_confirm": booking.ActionAskBookingConfirm,
    "appointment_id": appointments.ActionAskAppointmentId,
    "appointment_confirm": appointments.ActionAskAppointmentConfirm,
}
VALIDATIONS = {
    "booking_form": booking.ValidateBookingForm,
    "appointment_form": appointments.ValidateAppointmentForm,
    "report_form": reports.ValidateReportForm,
}


def now() -> dt.datetime:
    return dt.datetime.now(SHANGHAI)


def today() -> dt.date:
    return now().date()


# -- the HIS ------------------------------------------------------------------------------------------

def _wire(base_url: str, token: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[HisClient]:
    monkeypatch.setenv("HIS_BASE_URL", base_url)
    monkeypatch.setenv("HIS_API_TOKEN", token)
    monkeypatch.setenv("HIS_TIMEOUT", "5")
    get_client.cache_clear()
    client = HisClient(HisConfig(base_url=base_url, token=token))
    yield client
    client.close()
    get_client.cache_clear()


def wire_his(url: str, monkeypatch: pytest.MonkeyPatch, *, timeout: str = "0.5") -> None:
    """Points the actions at `url` (e.g. a closed port or a server that never answers)."""
    monkeypatch.setenv("HIS_BASE_URL", url)
    monkeypatch.setenv("HIS_TIMEOUT", timeout)
    monkeypatch.setenv("HIS_GET_RETRIES", "1")
    get_client.cache_clear()


@dataclass
class SpecialHis:
    """A second HIS instance started with test settings (short code life, long cancel cutoff)."""

    base_url: str
    token: str
    proc: subprocess.Popen = field(repr=False)


def start_special_his(workdir: Path, **settings: str) -> SpecialHis:
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "HIS_DATABASE_URL": f"sqlite:///{workdir / 'his.db'}", "HIS_API_TOKEN": token,
           "HIS_PORT": str(port), "PYTHONPATH": str(HIS_DIR), **settings}
    for command in ("migrate", "seed"):
        subprocess.run([str(HIS_PYTHON), "-m", "his.cli", command], cwd=HIS_DIR, env=env, check=True,
                       capture_output=True, timeout=120)
    log = (workdir / "uvicorn.log").open("w")
    proc = subprocess.Popen([str(HIS_PYTHON), "-m", "uvicorn", "his.app:create_app", "--factory", "--host",
                             "127.0.0.1", "--port", str(port), "--no-access-log"], cwd=HIS_DIR, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while not _healthy(base_url):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError((workdir / "uvicorn.log").read_text())
        time.sleep(0.1)
    return SpecialHis(base_url, token, proc)


def stop_special_his(his: SpecialHis) -> None:
    his.proc.terminate()
    try:
        his.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        his.proc.kill()


_SHARED: Dict[str, SpecialHis] = {}


def shared_his(tmp_path_factory: pytest.TempPathFactory, name: str, **settings: str) -> SpecialHis:
    """One instance per name for the whole pytest session (stopped when the session ends)."""
    if name not in _SHARED:
        _SHARED[name] = start_special_his(tmp_path_factory.mktemp(name), **settings)
        atexit.register(stop_special_his, _SHARED[name])
    return _SHARED[name]


@pytest.fixture(scope="session")
def booking_his(tmp_path_factory: pytest.TempPathFactory) -> SpecialHis:
    """The HIS of the issue-3 tests: freshly seeded, SMS codes without the 60 s resend pause."""
    return shared_his(tmp_path_factory, "booking_his", HIS_OTP_RESEND_INTERVAL_SECONDS="0",
                      HIS_OTP_MAX_PER_HOUR="1000")


@pytest.fixture
def his(booking_his: SpecialHis, monkeypatch: pytest.MonkeyPatch) -> Iterator[HisClient]:
    """The actions talk to booking_his; the test gets its own client for checks."""
    yield from _wire(booking_his.base_url, booking_his.token, monkeypatch)


def demo_patient(key: str) -> Dict[str, Any]:
    """A demo patient of hospital_system/his/seed/demo_patients.json."""
    data = json.loads((HIS_DIR / "his" / "seed" / "demo_patients.json").read_text(encoding="utf-8"))
    return next(p for p in data["patients"] if p["key"] == key)


def verified_slots(client: HisClient, key: str) -> Dict[str, Any]:
    """Identity slots of a demo patient verified by card + name (what the forms store)."""
    patient = demo_patient(key)
    result = client.verify_card(card_no=patient["card_no"], name=patient["name"])
    member = result.patients[0]
    return {"patient_token": result.token, "patient_id": str(result.patient_id), "patient_name": member["name"],
            "patient_mobile": member["mobile_masked"],
            "family": [{"id": str(member["id"]), "name": member["name"], "mobile": member["mobile_masked"],
                        "card": member["card_no"]}]}


def latest_code(client: HisClient, mobile: str) -> str:
    """The SMS code the HIS just sent (embedded outbox, as the demo page and tests read it)."""
    messages = client.outbox(recipient=mobile, kind="sms_code", limit=50)
    newest = max(messages, key=lambda m: m["id"])
    return str(newest["payload"].get("code") or _digits(newest["body"]))


def _digits(text: str) -> str:
    import re

    return re.search(r"\d{6}", text).group(0)


# -- trackers -------------------------------------------------------------------------------------------

def entity(name: str, value: str, text: str = "", surface: Optional[str] = None) -> Dict[str, Any]:
    """An entity as the NLU gives it (with offsets when `surface` appears in `text`)."""
    surface = surface or value
    start = text.find(surface) if text else -1
    item: Dict[str, Any] = {"entity": name, "value": value}
    if start >= 0:
        item.update(start=start, end=start + len(surface))
    return item


def tracker(text: str, intent: Optional[str], *, entities: Sequence[Dict[str, Any]] = (),
            slots: Optional[Dict[str, Any]] = None, active_loop: Optional[str] = None,
            extra_events: Sequence[Dict[str, Any]] = (), timestamp: Optional[float] = None) -> Tracker:
    """A tracker whose latest message is `text`; the form action (if any) runs right after it."""
    all_slots = {name: None for name in domain_dict()["slots"]}
    all_slots.update(slots or {})
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": list(entities)}
    events = [{"event": "user", "text": text, "parse_data": latest,
               "timestamp": timestamp if timestamp is not None else time.time()}]
    events += list(extra_events)
    if active_loop:
        events.append({"event": "action", "name": active_loop})
    return Tracker("test-patient", all_slots, latest, events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def run(action: Action, tr: Tracker) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tr, domain_dict())
    if inspect.iscoroutine(result):
        result = asyncio.run(result)
    return dispatcher.messages, list(result)


def names(messages: Iterable[Dict[str, Any]]) -> List[Optional[str]]:
    return [m.get("response") for m in messages]


def slot_updates(events: Iterable[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def rendered(messages: Iterable[Dict[str, Any]]) -> str:
    """All texts as the patient reads them (Rasa's own NLG fills the placeholders)."""
    texts = []
    for message in messages:
        text = render(message) if message.get("response") else (message.get("text") or "")
        assert "{" not in text, f"unfilled placeholder in {message.get('response')}: {text}"
        texts.append(text)
        for button in message.get("buttons") or []:
            texts.append(button["title"])
    return "\n".join(texts)


def buttons(messages: Iterable[Dict[str, Any]]) -> List[Dict[str, str]]:
    return [b for m in messages for b in (m.get("buttons") or [])]


def payload_entities(payload: str) -> Dict[str, str]:
    return json.loads(payload[payload.index("{"):]) if "{" in payload else {}


# -- a form played turn by turn ------------------------------------------------------------------------

@dataclass
class Turn:
    messages: List[Dict[str, Any]]
    rejected: bool = False

    @property
    def responses(self) -> List[Optional[str]]:
        return names(self.messages)

    @property
    def text(self) -> str:
        return rendered(self.messages)


class FormDriver:
    """Plays a form like Rasa: validation on each message, then the question for the requested slot."""

    def __init__(self, form: str, slots: Optional[Dict[str, Any]] = None) -> None:
        self.form = form
        self.slots: Dict[str, Any] = {name: None for name in domain_dict()["slots"]}
        self.slots.update(slots or {})
        self.active = False
        self.history: List[Turn] = []

    @property
    def requested(self) -> Optional[str]:
        return self.slots.get("requested_slot")

    @property
    def done(self) -> bool:
        return not self.active and bool(self.history) and not self.history[-1].rejected

    def say(self, text: str, intent: Optional[str] = "inform", entities: Sequence[Dict[str, Any]] = ()) -> Turn:
        validation = VALIDATIONS[self.form]()
        # As Rasa does: at activation the loop is already marked active (an active_loop event after
        # the message) and requested_slot is whatever the session had.
        starting = [] if self.active else [{"event": "active_loop", "name": self.form}]
        tr = tracker(text, intent, entities=entities, slots=dict(self.slots), active_loop=self.form,
                     extra_events=starting)
        messages, events = run(validation, tr)
        updates = slot_updates(events)
        if self.active and set(updates) == {"requested_slot"} and not messages:
            turn = Turn(messages, rejected=True)  # Rasa would reject the form: another rule answers
            self.history.append(turn)
            return turn
        self.slots.update(updates)
        self.active = True
        if self.requested is None:
            self.active = False
            turn = Turn(messages)
            self.history.append(turn)
            return turn
        messages = messages + self._ask(text, intent, entities, messages)
        turn = Turn(messages)
        self.history.append(turn)
        return turn

    def _ask(self, text: str, intent: Optional[str], entities: Sequence[Dict[str, Any]],
             so_far: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        slot = self.requested
        bots = [{"event": "bot", "metadata": {"utter_action": m.get("response")}} for m in so_far]
        ask = ASK_ACTIONS.get(slot)
        if ask is None:
            return [{"response": f"utter_ask_{slot}"}]
        tr = tracker(text, intent, entities=entities, slots=self.slots, active_loop=self.form,
                     extra_events=bots)
        messages, events = run(ask(), tr)
        updates = slot_updates(events)
        self.slots.update(updates)
        if "requested_slot" in updates and updates["requested_slot"] is None:
            self.active = False
        return messages

    def finish(self, action: Action, text: str = "", intent: Optional[str] = None) -> Turn:
        """Runs the action the rules predict once the form is complete."""
        messages, events = run(action, tracker(text, intent, slots=self.slots))
        self.slots.update(slot_updates(events))
        turn = Turn(messages)
        self.history.append(turn)
        return turn

    def verify_by_sms(self, client: HisClient, mobile: str) -> Turn:
        """Answers the identity questions with the mobile and the code from the HIS outbox."""
        assert self.requested == "phone_number", self.requested
        turn = self.say(mobile)
        assert self.requested == "otp_code", turn.responses
        return self.say(latest_code(client, mobile))
