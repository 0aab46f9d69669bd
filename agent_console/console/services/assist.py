"""Agent assist (人工辅助): FAQ answers and similar resolved chats matching the patient's last messages.

The FAQ is the bot's own: each topic's answer is the response ``utter_faq/<topic>`` of the Rasa
domain with its ``{placeholders}`` filled from ``data/hospital/facts.yml``; its questions are the
labelled NLU examples ``faq/<topic>`` of ``data/nlu/faq.yml``. Matching is character-level fuzzy
similarity (rapidfuzz, normalised Indel distance and best partial alignment), which suits Chinese
text without a tokenizer. The files are read lazily and re-read when they change (no I/O at import)."""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml
from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Handoff, HandoffStatus, Message, Sender

log = logging.getLogger("console")
DOMAIN_FILE = "domain.yml"
FACTS_FILE = "data/hospital/facts.yml"
NLU_FILE = "data/nlu/faq.yml"
FAQ_PREFIX = "utter_faq/"
_ANNOTATION = re.compile(r"\[([^\]]+)\]\((?:[^)]*)\)|\[([^\]]+)\]\{[^}]*\}")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# punctuation and spaces carry no meaning for the match (after NFKC: half-width forms)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, punctuation and spaces removed."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "").lower())


def similarity(query: str, candidate: str) -> float:
    """0–100: how well ``candidate`` matches ``query`` (both normalised).

    The plain ratio rewards sentences that are alike as a whole; the partial ratio rewards a short
    question contained in a longer message ("停车怎么收费" in "你好，请问停车怎么收费，我开车来"),
    discounted when the shorter side is very short (two characters match too much by chance)."""
    if not query or not candidate:
        return 0.0
    whole = fuzz.ratio(query, candidate)
    shorter = min(len(query), len(candidate))
    partial = fuzz.partial_ratio(query, candidate) * min(1.0, 0.55 + 0.09 * shorter)
    return max(whole, partial)


@dataclass(frozen=True)
class FaqEntry:
    topic: str
    title: str
    answer: str
    questions: Tuple[str, ...]  # normalised examples


@dataclass
class _Cache:
    key: Optional[Tuple[Tuple[str, float], ...]] = None
    entries: Tuple[FaqEntry, ...] = ()


_cache = _Cache()
_lock = threading.Lock()


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _fill(text: str, facts: Dict[str, str]) -> str:
    """Placeholders from the facts; an unknown one stays visible as ``{name}`` (never an error)."""
    return _PLACEHOLDER.sub(lambda m: facts.get(m.group(1), m.group(0)), text)


def _facts(raw: Dict[str, Any]) -> Dict[str, str]:
    values = {str(k): str(v).strip() for k, v in raw.items()
              if v is not None and not isinstance(v, (dict, list))}
    line = str(raw.get("directory_line") or "{department}:{location}")
    locations = raw.get("department_locations") or {}
    if isinstance(locations, dict):
        values["department_directory"] = "\n".join(
            line.format(department=name, location=place) for name, place in locations.items())
    return values


def _examples(block: Any) -> List[str]:
    if isinstance(block, str):
        lines = [ln.strip() for ln in block.splitlines()]
        items = [ln[2:].strip() for ln in lines if ln.startswith("- ")]
    elif isinstance(block, list):
        items = [str(x) for x in block]
    else:
        items = []
    return [_ANNOTATION.sub(lambda m: m.group(1) or m.group(2), item) for item in items if item]


def build_entries(root: Path) -> Tuple[FaqEntry, ...]:
    """Read the FAQ from a Rasa project directory (domain, facts, FAQ NLU examples)."""
    domain = _read_yaml(root / DOMAIN_FILE)
    facts = _facts(_read_yaml(root / FACTS_FILE))
    nlu_path = root / NLU_FILE
    questions: Dict[str, List[str]] = {}
    if nlu_path.exists():
        for item in _read_yaml(nlu_path).get("nlu") or []:
            intent = str((item or {}).get("intent") or "")
            if intent.startswith("faq/"):
                questions.setdefault(intent[4:], []).extend(_examples(item.get("examples")))
    entries = []
    for name, variations in (domain.get("responses") or {}).items():
        if not str(name).startswith(FAQ_PREFIX) or not isinstance(variations, list):
            continue
        topic = str(name)[len(FAQ_PREFIX):]
        texts = [v.get("text") for v in variations if isinstance(v, dict) and v.get("text")]
        if not texts:
            continue
        examples = questions.get(topic, [])
        title = examples[0] if examples else topic
        normalised = tuple(q for q in (normalise(x) for x in examples) if q)
        entries.append(FaqEntry(topic=topic, title=title, answer=_fill(str(texts[0]), facts),
                                questions=normalised))
    return tuple(entries)


def faq_entries(root: Path) -> Tuple[FaqEntry, ...]:
    """The FAQ of ``root``, cached until one of its files changes (missing files: empty FAQ)."""
    paths = [root / DOMAIN_FILE, root / FACTS_FILE, root / NLU_FILE]
    key = tuple((str(p), p.stat().st_mtime if p.exists() else -1.0) for p in paths)
    with _lock:
        if _cache.key == key:
            return _cache.entries
        try:
            entries = build_entries(root) if paths[0].exists() else ()
        except (OSError, yaml.YAMLError) as exc:
            log.warning("agent assist: cannot read the FAQ under %s: %s", root, exc)
            entries = ()
        _cache.key, _cache.entries = key, entries
        return entries


def _weighted(queries: Sequence[str], score_one: Any) -> float:
    """Best score over the patient's last messages, the most recent counting fully and each older
    one 10 % less."""
    best = 0.0
    for age, query in enumerate(reversed(queries)):
        best = max(best, score_one(query) * (1.0 - 0.1 * age))
    return best


def _best(scored: List[Tuple[float, Any]], *, limit: int, spread: float) -> List[Tuple[float, Any]]:
    """The top ``limit``, dropping those more than ``spread`` points behind the best one."""
    if not scored:
        return []
    top = scored[0][0]
    return [pair for pair in scored[:limit] if pair[0] >= top - spread]


def match_faq(queries: Sequence[str], *, entries: Sequence[FaqEntry], limit: int = 3,
              min_score: float = 60.0, spread: float = 25.0) -> List[Dict[str, Any]]:
    """FAQ answers for the patient's messages (oldest first), best first."""
    normalised = [q for q in (normalise(x) for x in queries) if q]
    if not normalised:
        return []
    scored = []
    for entry in entries:
        candidates = entry.questions or (normalise(entry.title),)
        score = _weighted(normalised, lambda q: max(similarity(q, c) for c in candidates))
        if score >= min_score:
            scored.append((score, entry))
    scored.sort(key=lambda pair: (-pair[0], pair[1].topic))
    return [{"topic": e.topic, "title": e.title, "text": e.answer, "score": round(s, 1)}
            for s, e in _best(scored, limit=limit, spread=spread)]


def patient_queries(session: Session, *, handoff: Handoff, count: int = 3) -> List[str]:
    """The patient's last messages in this chat (oldest first); else the bot's summary and topic."""
    rows = list(session.scalars(select(Message.text).where(
        Message.handoff_id == handoff.id, Message.sender == Sender.patient.value)
        .order_by(Message.id.desc()).limit(count)))
    if rows:
        return list(reversed(rows))
    return [t for t in (handoff.topic, handoff.summary) if t]


def similar_resolved(session: Session, *, handoff: Handoff, queries: Sequence[str], limit: int = 3,
                     min_score: float = 60.0, spread: float = 25.0, window: int = 500) -> List[Dict[str, Any]]:
    """Closed chats (of any patient) whose patient messages resemble these, with the agent's replies
    there (masked, as stored). Only the most recent ``window`` closed chats are compared."""
    normalised = [q for q in (normalise(x) for x in queries) if q]
    if not normalised:
        return []
    closed = list(session.scalars(select(Handoff).where(
        Handoff.status == HandoffStatus.closed.value, Handoff.id != handoff.id)
        .order_by(Handoff.closed_at.desc(), Handoff.id.desc()).limit(window)).unique())
    if not closed:
        return []
    ids = [h.id for h in closed]
    texts: Dict[int, Dict[str, List[str]]] = {i: {"patient": [], "agent": []} for i in ids}
    for handoff_id, sender, text in session.execute(
            select(Message.handoff_id, Message.sender, Message.text)
            .where(Message.handoff_id.in_(ids), Message.delivery != "failed").order_by(Message.id)):
        if sender in (Sender.patient.value, Sender.agent.value):
            texts[handoff_id][sender].append(text)
    scored = []
    for h in closed:
        said = texts[h.id]
        if not said["agent"]:
            continue  # nothing an agent could reuse
        candidates = [normalise(t) for t in said["patient"]] + [normalise(h.topic)]
        candidates = [c for c in candidates if c]
        if not candidates:
            continue
        score = _weighted(normalised, lambda q: max(similarity(q, c) for c in candidates))
        if score >= min_score:
            scored.append((score, h))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].id))
    return [{"handoff_id": h.id, "topic": h.topic, "group": h.group.code, "group_name": h.group.name,
             "resolution_code": h.resolution_code, "closed_at": h.closed_at,
             "patient_text": " / ".join(texts[h.id]["patient"][-2:]), "replies": texts[h.id]["agent"][-3:],
             "score": round(s, 1)} for s, h in _best(scored, limit=limit, spread=spread)]
