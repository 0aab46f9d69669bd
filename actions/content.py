"""Loading the editable hospital tables (data/hospital/*.yml) and filling response placeholders.

Tables are read lazily on first use and cached per file modification time, so nothing is read at
import time and content staff's edits apply on the next message without a restart. All patient-facing
wording lives in domain.yml responses or in the tables; this module only moves values around.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Set, Text, Tuple

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from hospital_core.paths import data_dir

FACTS = "facts"
INSURANCE = "insurance"
PRICES = "prices"

# Keys of facts.yml that are not sentences for patients but structure or formats.
_FACTS_STRUCTURE_KEYS = {"department_locations", "directory_line"}
_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")

_cache: Dict[Path, Tuple[float, Dict[Text, Any]]] = {}
_lock = threading.Lock()


def table_path(name: Text) -> Path:
    """Path of the table `name` (facts, insurance, prices) under data/hospital/."""
    return data_dir() / "hospital" / f"{name}.yml"


def load_table(name: Text) -> Dict[Text, Any]:
    """The parsed table, re-read only when the file changed; an error if it is missing or not a mapping."""
    path = table_path(name)
    mtime = path.stat().st_mtime
    with _lock:
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(content, dict):
        raise ValueError(f"{path} must contain a YAML mapping")
    with _lock:
        _cache[path] = (mtime, content)
    return content


def clear_cache() -> None:
    """Forgets every loaded table (tests that switch HOSPITAL_DATA_DIR)."""
    with _lock:
        _cache.clear()


def facts() -> Dict[Text, Text]:
    """Every sentence-like fact as text, plus the derived `department_directory`."""
    table = load_table(FACTS)
    values = {
        str(key): str(value).strip()
        for key, value in table.items()
        if key not in _FACTS_STRUCTURE_KEYS and value is not None and not isinstance(value, (dict, list))
    }
    values["department_directory"] = department_directory()
    return values


def department_locations() -> Dict[Text, Text]:
    """Canonical department name → where it is."""
    table = load_table(FACTS)
    return {str(k): str(v) for k, v in (table.get("department_locations") or {}).items()}


def department_directory() -> Text:
    """All departments with their location, one line each, in the format of `directory_line`."""
    table = load_table(FACTS)
    line = str(table.get("directory_line") or "{department}:{location}")
    return "\n".join(
        line.format(department=name, location=place) for name, place in department_locations().items()
    )


def response_texts(domain: Mapping[Text, Any], response: Text) -> List[Text]:
    """The texts of every variation of `response` in the domain (empty if unknown)."""
    variations = (domain.get("responses") or {}).get(response) or []
    return [v.get("text") or "" for v in variations if isinstance(v, dict)]


def placeholders(texts: Iterable[Text]) -> Set[Text]:
    """The `{name}` placeholders used in the given texts."""
    found: Set[Text] = set()
    for text in texts:
        found.update(_PLACEHOLDER.findall(text))
    return found


def has_response(domain: Mapping[Text, Any], response: Text) -> bool:
    """Whether the domain defines `response`."""
    return response in (domain.get("responses") or {})


def utter(
    dispatcher: CollectingDispatcher,
    domain: Mapping[Text, Any],
    response: Text,
    values: Mapping[Text, Any],
    **extra: Any,
) -> None:
    """Utters `response`, passing only the values its placeholders use (keeps bot events small).

    When the domain sent to the action server has no texts for the response (selective domain), all
    values are passed so Rasa can still fill whatever the response needs.
    """
    needed = placeholders(response_texts(domain, response))
    chosen = {k: v for k, v in values.items() if k in needed} if needed else {}
    if not response_texts(domain, response):
        chosen = dict(values)
    dispatcher.utter_message(response=response, **chosen, **extra)


def latest_entity_values(tracker: Tracker, entity: Text) -> List[Text]:
    """Distinct values of `entity` in the latest user message, in order of appearance."""
    entities = sorted(
        (tracker.latest_message or {}).get("entities") or [],
        key=lambda e: e.get("start") if isinstance(e.get("start"), int) else 0,
    )
    values: List[Text] = []
    for item in entities:
        if item.get("entity") == entity and item.get("value") is not None:
            value = str(item["value"])
            if value not in values:
                values.append(value)
    return values


def first_entity_value(tracker: Tracker, entity: Text) -> Optional[Text]:
    """The first value of `entity` in the latest user message, if any."""
    values = latest_entity_values(tracker, entity)
    return values[0] if values else None


def latest_intent(tracker: Tracker) -> Optional[Text]:
    """Name of the intent of the latest user message."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")
