"""Price questions answered from the price table data/hospital/prices.yml."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import content
from hospital_core.text import normalize

ITEM_RESPONSE = "utter_price_item"
MENU_RESPONSE = "utter_price_menu"
UNKNOWN_RESPONSE = "utter_price_unknown"
MAX_ITEMS = 3


def table_key(table: Dict[Text, Any], value: Text) -> Optional[Text]:
    """The price-table key for an extracted entity value (case-insensitive), if any."""
    items = table.get("items") or {}
    if value in items:
        return value
    lowered = value.lower()
    return next((key for key in items if str(key).lower() == lowered), None)


def matching_variants(variants: List[Dict[Text, Any]], text: Text) -> List[Dict[Text, Any]]:
    """The variants the patient named by one of their aliases (longest first), or all when none is."""
    remaining = normalize(text or "").lower()
    owners: Dict[Text, List[int]] = {}
    for index, variant in enumerate(variants):
        for alias in variant.get("aliases") or []:
            owners.setdefault(str(alias).lower(), []).append(index)
    chosen = set()
    # Longest aliases first, each consumed once, so "副主任" is not also read as "主任".
    for alias in sorted(owners, key=len, reverse=True):
        if alias and alias in remaining:
            chosen.update(owners[alias])
            remaining = remaining.replace(alias, " ")
    return [v for i, v in enumerate(variants) if i in chosen] or list(variants)


def price_lines(table: Dict[Text, Any], variants: List[Dict[Text, Any]]) -> Text:
    """One line per variant in the table's `line_format`."""
    line = str(table.get("line_format") or "{name}:{price}")
    return "\n".join(line.format(name=v["name"], price=v["price"]) for v in variants)


def item_list(table: Dict[Text, Any]) -> Text:
    """Names of every priced item, joined with the table's separator."""
    separator = str(table.get("item_separator") or "、")
    return separator.join(str(key) for key in (table.get("items") or {}))


class ActionAnswerPrice(Action):
    """Gives reference prices of the items asked for, or lists what can be priced."""

    def name(self) -> Text:
        return "action_answer_price"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Utters utter_price_item per known item; utter_price_menu/utter_price_unknown otherwise."""
        table = content.load_table(content.PRICES)
        keys: List[Text] = []
        for value in content.latest_entity_values(tracker, "price_item"):
            key = table_key(table, value)
            if key and key not in keys:
                keys.append(key)
        text = (tracker.latest_message or {}).get("text") or ""
        values: Dict[Text, Any] = dict(content.facts(), price_items=item_list(table))
        if not keys:
            # A menu button ("/ask_price") asks what can be priced; typed text named something unknown.
            response = MENU_RESPONSE if text.strip().startswith("/") else UNKNOWN_RESPONSE
            content.utter(dispatcher, domain, response, values)
            return []
        for key in keys[:MAX_ITEMS]:
            item = table["items"][key]
            variants = matching_variants(list(item.get("variants") or []), text)
            content.utter(
                dispatcher,
                domain,
                ITEM_RESPONSE,
                dict(
                    values,
                    item_name=str(item.get("display") or key),
                    price_lines=price_lines(table, variants),
                    price_note=str(table.get("note") or ""),
                ),
            )
        return []
