"""Context around a match: clauses and sentences, negation, past events, hypotheticals, fiction.

All functions work on the prepared text (normalised, ASCII lower-cased, service names masked), which
has the same length as the original message, so every offset is also an offset into the original.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import List, Optional, Tuple

from hospital_core.safety.lexicon import Context

MASK = "\u25a1"          # replaces service names (胸痛门诊 → □□□□); matches no pattern
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def prepare(normalised: str, context: Context) -> str:
    """Lower-cases ASCII and masks service names; keeps the length."""
    text = normalised.translate(ASCII_LOWER)
    if context.service_names is not None:
        text = context.service_names.sub(lambda m: MASK * len(m.group(0)), text)
    return text


@dataclass
class Segments:
    """Clause and sentence boundaries of one text, for quick lookups by offset."""
    text: str
    clause_starts: List[int]
    sentence_starts: List[int]

    @classmethod
    def of(cls, text: str, context: Context) -> "Segments":
        clauses, sentences = [0], [0]
        for i, ch in enumerate(text):
            if ch in context.clause_breaks:
                clauses.append(i + 1)
            if ch in context.sentence_breaks:
                sentences.append(i + 1)
        return cls(text, clauses, sentences)

    @staticmethod
    def _bounds(starts: List[int], pos: int, length: int) -> Tuple[int, int]:
        k = bisect.bisect_right(starts, pos) - 1
        start = starts[k]
        end = starts[k + 1] - 1 if k + 1 < len(starts) else length
        return start, end

    def clause(self, pos: int) -> Tuple[int, int]:
        return self._bounds(self.clause_starts, pos, len(self.text))

    def sentence(self, pos: int) -> Tuple[int, int]:
        return self._bounds(self.sentence_starts, pos, len(self.text))


def _is_reduplicated_question(text: str, pos: int, cue: str) -> bool:
    """是不是 / 会不会 / 有没有: a question, not a negation."""
    if cue[0] not in "不没" or pos == 0 or pos + 1 >= len(text):
        return False
    return text[pos - 1] == text[pos + 1]


def is_negated(seg: Segments, start: int, context: Context) -> bool:
    """A negation cue (没有, 不, 无…) ends at most `negation_gap` characters before `start`, same clause."""
    clause_start, _ = seg.clause(start)
    lo = max(clause_start, start - context.negation_gap - 4)
    window = seg.text[lo:start]
    for m in context.negation.finditer(window):
        cue_end = lo + m.end()
        if start - cue_end > context.negation_gap:
            continue
        pos = lo + m.start()
        if _is_reduplicated_question(seg.text, pos, m.group(0)):
            continue
        if context.negation_exceptions is not None and _inside_exception(seg, pos, context):
            continue
        return True
    return False


def _inside_exception(seg: Segments, pos: int, context: Context) -> bool:
    lo = max(0, pos - 4)
    for m in context.negation_exceptions.finditer(seg.text, lo, min(len(seg.text), pos + 6)):
        if m.start() <= pos < m.end():
            return True
    return False


def _last(regex, text: str, lo: int, hi: int) -> Optional[Tuple[int, int]]:
    found = None
    for m in regex.finditer(text, lo, hi):
        found = (m.start(), m.end())
    return found


def is_past(seg: Segments, start: int, end: int, context: Context) -> bool:
    """A past/sequela cue before the match (same sentence, no present cue in between), or a
    completion cue right after it (…过, …后, …后遗症, 好了)."""
    text = seg.text
    clause_start, clause_end = seg.clause(end - 1 if end > start else start)
    if context.past_after is not None and context.past_after.match(text, end, clause_end):
        return True
    if context.past_before is None:
        return False
    sentence_start, _ = seg.sentence(start)
    lo = max(sentence_start, start - context.past_window)
    cue = _last(context.past_before, text, lo, start)
    if cue is None:
        return False
    if context.present is not None:
        if context.present.search(text, cue[1], start):
            return False
        here_start, here_end = seg.clause(start)
        if here_start > cue[1] and context.present.search(text, here_start, here_end):
            return False
    return True


def is_hypothetical(seg: Segments, start: int, context: Context) -> bool:
    """如果 / 万一 / 假如… earlier in the same clause."""
    if context.hypothetical is None:
        return False
    clause_start, _ = seg.clause(start)
    return context.hypothetical.search(seg.text, clause_start, start) is not None


def is_knowledge_question(seg: Segments, start: int, context: Context) -> bool:
    """有什么症状 / 前兆 / 怎么预防… in the same sentence (applies to disease names only)."""
    if context.knowledge is None:
        return False
    lo, hi = seg.sentence(start)
    return context.knowledge.search(seg.text, lo, hi) is not None


def is_fiction(seg: Segments, start: int, context: Context) -> bool:
    """电视剧 / 新闻 / 小说… in the same sentence, unless the match's own clause is about the writer
    or happening now (我爸… / 突然…) and the fiction cue sits in another clause."""
    if context.fiction is None:
        return False
    lo, hi = seg.sentence(start)
    cue = context.fiction.search(seg.text, lo, hi)
    if cue is None:
        return False
    c_lo, c_hi = seg.clause(start)
    if c_lo <= cue.start() < c_hi:
        return True
    for regex in (context.first_person, context.present):
        if regex is not None and regex.search(seg.text, c_lo, c_hi):
            return False
    return True


def is_mild(seg: Segments, start: int, end: int, context: Context) -> bool:
    """有点 / 偶尔 / 血丝… in the clause(s) the match spans."""
    if context.mild is None:
        return False
    lo, _ = seg.clause(start)
    _, hi = seg.clause(max(start, end - 1))
    return context.mild.search(seg.text, lo, hi) is not None
