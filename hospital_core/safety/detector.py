"""Emergency and self-harm detection on one user message, from the lexicon in `data/safety/`."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from hospital_core.safety import context as ctx
from hospital_core.safety.lexicon import Lexicon, Pattern, load_lexicon
from hospital_core.text import normalize

MAX_HITS_PER_PART = 64       # bounds the work of co-occurrence patterns on long pastes


@dataclass(frozen=True)
class Evidence:
    """One matched span: offsets into the ORIGINAL message, and the pattern that matched."""
    pattern_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Match:
    """One pattern that fired, with the spans of its parts."""
    category: str
    kind: str
    pattern_id: str
    evidence: Tuple[Evidence, ...]
    hint_key: Optional[str]


@dataclass(frozen=True)
class Detection:
    """The result of `detect`: the most urgent category first, and everything else that fired."""
    category: str                      # stable snake_case id, e.g. "stroke", "self_harm"
    kind: str                          # "medical" or "self_harm"
    hint_key: Optional[str]            # first-aid hint key (data/safety/hints.yml), None if none is safe
    hint: Optional[str]                # the hint text (Chinese), from the data file
    evidence: Tuple[Evidence, ...]     # spans that support `category`
    matches: Tuple[Match, ...]         # every match, most urgent category first

    @property
    def categories(self) -> Tuple[str, ...]:
        seen: List[str] = []
        for m in self.matches:
            if m.category not in seen:
                seen.append(m.category)
        return tuple(seen)

    @property
    def medical(self) -> bool:
        return any(m.kind == "medical" for m in self.matches)

    @property
    def self_harm(self) -> bool:
        return any(m.kind == "self_harm" for m in self.matches)

    def to_dict(self) -> dict:
        """JSON-ready form (used by the hospital service and the Rasa component)."""
        return {
            "category": self.category, "kind": self.kind, "hint_key": self.hint_key, "hint": self.hint,
            "categories": list(self.categories), "medical": self.medical, "self_harm": self.self_harm,
            "evidence": [{"pattern_id": e.pattern_id, "start": e.start, "end": e.end, "text": e.text}
                         for e in self.evidence],
        }


_lock = threading.Lock()
_cache: Dict[str, Lexicon] = {}


def get_lexicon(folder: Optional[Path] = None) -> Lexicon:
    """The compiled lexicon, loaded once per folder (default: data_dir()/safety)."""
    if folder is None:
        from hospital_core.paths import data_dir
        folder = data_dir() / "safety"
    key = str(folder)
    lexicon = _cache.get(key)
    if lexicon is None:
        with _lock:
            lexicon = _cache.get(key)
            if lexicon is None:
                lexicon = _cache[key] = load_lexicon(Path(folder))
    return lexicon


def reload() -> None:
    """Forget every loaded lexicon (the next call reads the data files again)."""
    with _lock:
        _cache.clear()


class _Run:
    """One detection pass over one prepared text."""

    def __init__(self, text: str, lexicon: Lexicon, contextual: bool = True) -> None:
        self.lexicon = lexicon
        self.c = lexicon.context
        self.contextual = contextual       # False: ignore negation/past/hypothetical/fiction/knowledge/mild
        self.text = ctx.prepare(text, self.c)
        self.seg = ctx.Segments.of(self.text, self.c)

    def hit_ok(self, p: Pattern, start: int, end: int) -> bool:
        t = self.text
        if end <= start:
            return False
        if p.not_before is not None and p.not_before.search(t, max(0, start - 8), start):
            return False
        if p.not_after is not None and p.not_after.match(t, end):
            return False
        if self.contextual and "negation" in p.checks and ctx.is_negated(self.seg, start, self.c):
            return False
        return True

    def span_ok(self, p: Pattern, start: int, end: int) -> bool:
        seg, c = self.seg, self.c
        if p.not_near is not None:
            lo, hi = seg.sentence(start)
            _, hi2 = seg.sentence(max(start, end - 1))
            if p.not_near.search(self.text, max(lo, start - p.near_window), min(hi2, end + p.near_window)):
                return False
        if not self.contextual:
            return True
        if "past" in p.checks and ctx.is_past(seg, start, end, c):
            return False
        if "hypothetical" in p.checks and ctx.is_hypothetical(seg, start, c):
            return False
        if "fiction" in p.checks and ctx.is_fiction(seg, start, c):
            return False
        if p.name and ctx.is_knowledge_question(seg, start, c):
            return False
        if p.mild and ctx.is_mild(seg, start, end, c):
            return False
        return True

    def hits(self, p: Pattern, part) -> List[Tuple[int, int]]:
        found = []
        for m in part.finditer(self.text):
            if self.hit_ok(p, m.start(), m.end()):
                found.append((m.start(), m.end()))
                if len(found) >= MAX_HITS_PER_PART:
                    break
        return found

    def match(self, p: Pattern) -> Optional[Tuple[Tuple[int, int], ...]]:
        if len(p.parts) == 1:
            for span in self.hits(p, p.parts[0]):
                if self.span_ok(p, *span):
                    return (span,)
            return None
        per_part = []
        for part in p.parts:
            found = self.hits(p, part)
            if not found:
                return None
            per_part.append(found)
        for anchor in per_part[0]:
            chosen = [anchor]
            for others in per_part[1:]:
                free = [s for s in others if all(s[1] <= c[0] or s[0] >= c[1] for c in chosen)]
                if not free:      # each part must be its own words: 手脚冰凉 cannot be both halves
                    break
                chosen.append(min(free, key=lambda s: abs(s[0] - anchor[0])))
            if len(chosen) < len(per_part):
                continue
            gap = max(s for s, _ in chosen) - min(e for _, e in chosen)
            if gap <= p.window and self.span_ok(p, min(s for s, _ in chosen), max(e for _, e in chosen)):
                return tuple(sorted(chosen))
        return None


def detect_all(text: str, *, lexicon: Optional[Lexicon] = None) -> List[Match]:
    """Every pattern that fires on `text`, most urgent category first."""
    if not text or not text.strip():
        return []
    lexicon = lexicon or get_lexicon()
    run = _Run(normalize(text), lexicon)
    matches: List[Match] = []
    for pattern in lexicon.patterns:
        spans = run.match(pattern)
        if spans is None:
            continue
        category = lexicon.categories[pattern.category]
        evidence = tuple(Evidence(pattern.id, s, e, text[s:e]) for s, e in spans)
        matches.append(Match(category.id, category.kind, pattern.id, evidence,
                             pattern.hint or category.hint))
    matches.sort(key=lambda m: lexicon.categories[m.category].priority)
    return matches


def detect(text: str, *, lexicon: Optional[Lexicon] = None) -> Optional[Detection]:
    """The emergency / self-harm detection for one message, or None when nothing fires."""
    lexicon = lexicon or get_lexicon()
    matches = detect_all(text, lexicon=lexicon)
    if not matches:
        return None
    top = matches[0]
    evidence = tuple(e for m in matches if m.category == top.category for e in m.evidence)
    return Detection(top.category, top.kind, top.hint_key, lexicon.hints.get(top.hint_key or ""),
                     evidence, tuple(matches))


def non_acute_context(text: str, *, lexicon: Optional[Lexicon] = None) -> bool:
    """True when the message talks about emergency matters in a way the context rules recognise as
    NOT acute, and nothing acute was detected: a service name (胸痛门诊几点开门), a past event or
    sequela (上个月心梗做了支架, 中风后康复), a negation (没有胸痛), a hypothetical or knowledge question
    (心梗有什么症状), fiction or news, mild wording. The Rasa component uses it to veto a classifier's
    emergency guess; it never overrides a lexicon detection."""
    if not text or not text.strip():
        return False
    lexicon = lexicon or get_lexicon()
    if detect(text, lexicon=lexicon) is not None:
        return False
    c = lexicon.context
    normalised = normalize(text)
    if c.service_names is not None and c.service_names.search(normalised.translate(ctx.ASCII_LOWER)):
        return True
    if c.present is not None and c.present.search(normalised):
        return False            # something is happening now (现在, 突然, 今天…): let the classifier speak
    raw = _Run(normalised, lexicon, contextual=False)
    if any(raw.match(p) is not None for p in lexicon.patterns):
        return True             # a red flag that only the context rules silenced
    if c.mentions is None:
        return False
    run = _Run(normalised, lexicon)
    for m in c.mentions.finditer(run.text):
        start, end = m.start(), m.end()
        if (ctx.is_negated(run.seg, start, c) or ctx.is_past(run.seg, start, end, c)
                or ctx.is_hypothetical(run.seg, start, c) or ctx.is_fiction(run.seg, start, c)
                or ctx.is_knowledge_question(run.seg, start, c) or ctx.is_mild(run.seg, start, end, c)):
            return True
    return False
