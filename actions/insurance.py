"""Medical-insurance questions answered from the policy table data/hospital/insurance.yml."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import content

# Canonical values (data/lookups/insurance.yml) and table keys (data/hospital/insurance.yml).
WORKER = "职工医保"
RESIDENT = "城乡居民医保"
NO_INSURANCE = "无医保"
INPATIENT = "住院"
OUTPATIENT = "门诊"
VISIT_TYPES = (INPATIENT, OUTPATIENT)

TOPIC_RATIO = "报销比例"
TOPIC_DEDUCTIBLE = "起付线"
TOPIC_CAP = "封顶线"
TOPIC_REMOTE = "异地就医"
TOPIC_CHRONIC = "门诊慢特病"
TOPIC_SELF_PAY = "自费项目"
# Topics whose answer depends on the insurance type; the others are answered for everyone.
TOPICS_NEEDING_TYPE = {TOPIC_RATIO, TOPIC_DEDUCTIBLE, TOPIC_CAP}
TOPIC_SECTIONS = {TOPIC_REMOTE: "remote", TOPIC_CHRONIC: "chronic", TOPIC_SELF_PAY: "self_pay"}
TOPIC_RESPONSES = {
    TOPIC_REMOTE: "utter_insurance_remote",
    TOPIC_CHRONIC: "utter_insurance_chronic",
    TOPIC_SELF_PAY: "utter_insurance_self_pay",
}
ASK_TYPE_RESPONSE = "utter_ask_insurance_type"
RATIO_RESPONSE = "utter_insurance_ratio"
COMPARE_RESPONSE = "utter_insurance_compare"
NONE_RESPONSE = "utter_insurance_none"

ASK_INTENT = "ask_insurance"
ASKED_SLOT = "insurance_type_asked"


def common_values(table: Dict[Text, Any]) -> Dict[Text, Text]:
    """Values every insurance answer may show (region, year, source note, this hospital's level)."""
    keys = ("region", "policy_year", "source_note", "this_hospital_level", "type_hint")
    return {key: str(table.get(key, "")) for key in keys}


def section_values(table: Dict[Text, Any], section: Text) -> Dict[Text, Text]:
    """The texts of a flat section of the table (remote, chronic, self_pay, no_insurance)."""
    return {str(k): str(v) for k, v in (table.get(section) or {}).items()}


def policy_row(table: Dict[Text, Any], insurance_type: Text, visit_type: Text, level: Text) -> Dict[Text, Text]:
    """Deductible, ratio, cap and conditions for one insurance type, visit type and hospital level."""
    policy = table["types"][insurance_type][visit_type]
    return {
        "deductible": str(policy["deductible"][level]),
        "ratio": str(policy["ratio"][level]),
        "annual_cap": str(policy["annual_cap"]),
        "conditions": str(policy["conditions"]),
    }


def known_level(table: Dict[Text, Any], level: Optional[Text]) -> Text:
    """The asked hospital level if the table has it, else this hospital's level."""
    levels = table["types"][WORKER][INPATIENT]["ratio"]
    return level if level in levels else str(table["this_hospital_level"])


class ActionAnswerInsurance(Action):
    """Answers reimbursement questions with numbers from the policy table, asking the type if needed."""

    def name(self) -> Text:
        return "action_answer_insurance"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Answers the topic for the known insurance type, or asks for the type and remembers the question."""
        table = content.load_table(content.INSURANCE)
        intent = content.latest_intent(tracker)
        fresh_question = intent == ASK_INTENT

        def pick(entity: Text, slot: Text) -> Optional[Text]:
            value = content.first_entity_value(tracker, entity)
            return value if value or fresh_question else tracker.get_slot(slot)

        topic = pick("insurance_topic", "insurance_topic") or TOPIC_RATIO
        visit = pick("visit_type", "visit_type")
        level = known_level(table, pick("hospital_level", "hospital_level"))
        insurance_type = content.first_entity_value(tracker, "insurance_type") or tracker.get_slot(
            "insurance_type"
        )
        asked_before = bool(tracker.get_slot(ASKED_SLOT))
        done: List[EventType] = [SlotSet(ASKED_SLOT, False)] if asked_before else []
        values = common_values(table)

        if topic in TOPIC_RESPONSES:
            values.update(section_values(table, TOPIC_SECTIONS[topic]))
            content.utter(dispatcher, domain, TOPIC_RESPONSES[topic], values)
            return done
        if insurance_type == NO_INSURANCE:
            values.update(section_values(table, "no_insurance"))
            content.utter(dispatcher, domain, NONE_RESPONSE, values)
            return done
        visits = [visit] if visit in VISIT_TYPES else list(VISIT_TYPES)
        if insurance_type in table["types"]:
            for visit_type in visits:
                row = policy_row(table, insurance_type, visit_type, level)
                row.update(values, insurance_type=insurance_type, visit_type=visit_type, hospital_level=level)
                content.utter(dispatcher, domain, RATIO_RESPONSE, row)
            return done
        if not fresh_question:
            # The patient answered the type question without a type ("不清楚"): compare both types.
            for visit_type in visits:
                row = dict(values, visit_type=visit_type, hospital_level=level)
                for prefix, kind in (("worker", WORKER), ("resident", RESIDENT)):
                    policy = policy_row(table, kind, visit_type, level)
                    row[f"{prefix}_deductible"] = policy["deductible"]
                    row[f"{prefix}_ratio"] = policy["ratio"]
                content.utter(dispatcher, domain, COMPARE_RESPONSE, row)
            return done
        dispatcher.utter_message(response=ASK_TYPE_RESPONSE)
        return [
            SlotSet("insurance_topic", topic),
            SlotSet("visit_type", visit),
            SlotSet("hospital_level", level),
            SlotSet(ASKED_SLOT, True),
        ]
