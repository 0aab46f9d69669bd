"""Who is the patient? Mobile + one-time SMS code, or 就诊卡号 + name, checked by the HIS.

The forms call `identity_slots`, `understand_identity` and `settle_identity`; the HIS sends the code
through its SMS outbox, counts wrong tries, expires codes and locks after too many. What stays in the
session afterwards is the HIS verification token, the patient id(s), the name and the masked mobile:
the full mobile and the code are dropped once verified. A new session (carry_over_slots: false) or an
expired HIS token means verifying again. Someone else's mobile or card number, typed after the
verification, is refused (`utter_other_patient_refused`).
"""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_support as support
from actions.booking_understanding import card_numbers, mobiles, ordinal, person_name, sms_code
from actions.his_client import HisError, HisUnavailable, Verification

if TYPE_CHECKING:  # pragma: no cover
    from actions.booking_forms import FormTurn

RESEND_WORDS = re.compile(r"重新发|再发|重发|没收到|没有收到|收不到")


def identity_slots(view: Mapping[Text, Any]) -> List[Text]:
    """The identity slots still to ask for, in order."""
    if view.get("patient_token"):
        return [] if view.get("patient_id") else ["patient_id"]
    if view.get("card_number"):
        return ["card_holder_name"]
    return ["phone_number", "otp_code"]


def family(view: Mapping[Text, Any]) -> List[Dict[Text, Any]]:
    return [p for p in (view.get("family") or []) if isinstance(p, dict)]


def _foreign_identifiers(turn: "FormTurn") -> bool:
    """A mobile or card number in the message that belongs to none of the verified patients."""
    own_mobiles = {p.get("mobile") for p in family(turn.view)} | {turn.get("patient_mobile")}
    own_cards = {p.get("card") for p in family(turn.view)}
    phones = [m for m in mobiles(turn.message) if support.mask_mobile(m) not in own_mobiles]
    cards = [c for c in card_numbers(turn.message) if c not in own_cards]
    return bool(phones or cards)


def understand_identity(turn: "FormTurn", *, refuse_ends_task: bool) -> None:
    """Mobile, code, card number, name or family member from the message."""
    message = turn.message
    if turn.get("patient_token"):
        if not turn.get("patient_id"):
            _choose_family_member(turn)
        if _foreign_identifiers(turn):
            turn.say("utter_other_patient_refused", patient=support.patient_label(turn.view))
            if refuse_ends_task:
                turn.set("other_patient_refused", True)
            else:
                turn.noop()
        return
    phones, cards = mobiles(message), card_numbers(message)
    if phones:
        if phones[0] != turn.get("phone_number"):
            turn.set("phone_number", phones[0])
            turn.clear("otp_code", "otp_sent_to", "card_number", "card_holder_name")
        else:
            turn.noop()
        return
    if cards:
        if cards[0] != turn.get("card_number"):
            turn.set("card_number", cards[0])
            turn.clear("phone_number", "otp_code", "otp_sent_to", "card_holder_name")
        name = person_name(message, bare_ok=False)
        if name:
            turn.set("card_holder_name", name)
        return
    if turn.requested == "otp_code":
        code = sms_code(message)
        if code:
            turn.set("otp_code", code)
        elif message.intent == "retry" or RESEND_WORDS.search(message.norm):
            turn.set("otp_sent_to", None)  # the ask action sends a new code
        elif re.search(r"\d", message.norm):
            turn.say("utter_otp_format")
            turn.noop()
    elif turn.requested == "card_holder_name":
        name = person_name(message, bare_ok=True)
        if name:
            turn.set("card_holder_name", name)
    elif turn.requested == "phone_number" and re.search(r"\d{4,}", message.digits_text):
        turn.say("utter_phone_invalid")
        turn.noop()


def _choose_family_member(turn: "FormTurn") -> None:
    members = family(turn.view)
    chosen: Optional[Dict[Text, Any]] = None
    wanted = turn.message.entity("patient_id")
    if wanted is not None:
        chosen = next((p for p in members if str(p["id"]) == str(wanted)), None)
    if chosen is None:
        chosen = next((p for p in members if p["name"] and p["name"] in turn.message.norm), None)
    index = ordinal(turn.message)
    if chosen is None and index is not None and 0 <= index < len(members):
        chosen = members[index]
    if chosen is not None:
        turn.set("patient_id", str(chosen["id"]))
        turn.set("patient_name", chosen["name"])
    elif wanted is not None:  # an id that is not one of the verified family
        turn.say("utter_other_patient_refused", patient="、".join(p["name"] for p in members))
        turn.noop()


def settle_identity(turn: "FormTurn") -> None:
    """Asks the HIS to check the code or the card + name once both parts are there."""
    if turn.get("patient_token"):
        return
    phone, code = turn.get("phone_number"), turn.get("otp_code")
    card, name = turn.get("card_number"), turn.get("card_holder_name")
    try:
        if phone and code:
            _accept(turn, support.his().verify_sms_code(mobile=phone, code=code))
        elif card and name:
            _accept(turn, support.his().verify_card(card_no=card, name=name))
    except HisError as error:
        _refused(turn, error, by_card=not (phone and code))


def _refused(turn: "FormTurn", error: HisError, *, by_card: bool) -> None:
    retry_after = int(error.details.get("retry_after") or 0)
    minutes = max(1, math.ceil(retry_after / 60)) if retry_after else 15
    if by_card:
        turn.clear("card_number", "card_holder_name")
        if error.code == "too_many_attempts":
            turn.say("utter_card_locked", minutes=minutes)
        else:
            turn.say("utter_card_mismatch")
        return
    turn.set("otp_code", None)
    if error.code == "invalid_code" and error.details.get("attempts_left"):
        turn.say("utter_otp_invalid", attempts_left=error.details["attempts_left"])
    elif error.code == "code_expired":
        turn.say("utter_otp_expired")
        turn.set("otp_sent_to", None)
    elif error.code == "too_many_attempts":
        turn.say("utter_otp_locked", minutes=minutes)
        turn.clear("phone_number", "otp_sent_to")
    elif error.code == "invalid_code":  # no code waiting any more: send a new one
        turn.say("utter_otp_expired")
        turn.set("otp_sent_to", None)
    else:
        turn.say("utter_otp_format")


def _accept(turn: "FormTurn", result: Verification) -> None:
    members = [{"id": str(p["id"]), "name": str(p.get("name") or ""), "mobile": p.get("mobile_masked"),
                "card": p.get("card_no")} for p in result.patients]
    turn.set("patient_token", result.token)
    turn.set("family", members)
    turn.set("patient_mobile", members[0]["mobile"] if members else None)
    turn.clear(*support.PENDING_IDENTITY_SLOTS)
    if len(members) == 1:
        turn.set("patient_id", members[0]["id"])
        turn.set("patient_name", members[0]["name"])
        turn.say("utter_verified", patient=members[0]["name"], mobile=members[0]["mobile"] or "")
    else:
        turn.clear("patient_id", "patient_name")
        turn.say("utter_verified_family", count=len(members), mobile=members[0]["mobile"] if members else "")


class ActionAskOtpCode(Action):
    """Sends the SMS code (once per mobile unless a resend is asked) and asks the patient to type it."""

    def name(self) -> Text:
        return "action_ask_otp_code"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        from actions.booking_forms import his_down_this_turn

        phone = tracker.get_slot("phone_number")
        if not phone or his_down_this_turn(tracker):
            return []
        masked = support.mask_mobile(phone)
        if tracker.get_slot("otp_sent_to") == phone:
            support.say(dispatcher, domain, "utter_ask_otp_code_again", mobile=masked)
            return []
        try:
            sent = support.his().request_sms_code(mobile=phone)
        except HisUnavailable:
            support.his_unavailable(dispatcher, domain)
            return []
        except HisError as error:
            retry_after = int(error.details.get("retry_after") or 0)
            if error.code == "resend_too_soon":
                support.say(dispatcher, domain, "utter_otp_resend_wait", seconds=retry_after or 60, mobile=masked)
                return [SlotSet("otp_sent_to", phone)]
            if error.code == "too_many_attempts":
                support.say(dispatcher, domain, "utter_otp_locked", minutes=max(1, math.ceil(retry_after / 60)))
            else:
                support.say(dispatcher, domain, "utter_phone_invalid")
            return [SlotSet("phone_number", None), SlotSet("otp_sent_to", None)]
        minutes = max(1, int(sent.get("expires_in") or 300) // 60)
        support.say(dispatcher, domain, "utter_ask_otp_code", mobile=masked, minutes=minutes)
        return [SlotSet("otp_sent_to", phone)]


class ActionAskPatientId(Action):
    """Asks which of the patients sharing the verified mobile the request is for."""

    def name(self) -> Text:
        return "action_ask_patient_id"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        members = family(tracker.slots)
        buttons = [support.button(p["name"], "inform", patient_id=p["id"]) for p in members]
        support.say(dispatcher, domain, "utter_ask_patient_id", buttons=buttons,
                    names="、".join(p["name"] for p in members))
        return []
