"""Length-preserving normalisation of what patients type.

Every function here maps a string to a string of the same length, character by character, so that
token offsets computed on the normalised text are valid offsets into the original message.
- full-width ASCII and the ideographic space become half-width (ＣＴ → CT, １２０ → 120);
- traditional characters become simplified (掛號 → 挂号), via zhconv's conversion tables;
- common typos become the intended word (挂好 → 挂号), from an editable table of same-length pairs.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

import yaml
import zhconv

from hospital_core.paths import data_dir

_FULLWIDTH_OFFSET = 0xFEE0


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (U+FF01..U+FF5E) and U+3000 to their half-width forms; other characters kept."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - _FULLWIDTH_OFFSET))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese, keeping the length (falls back to character-wise conversion)."""
    converted = zhconv.convert(text, "zh-cn")
    if len(converted) == len(text):
        return converted
    chars = []
    for ch in text:
        single = zhconv.convert(ch, "zh-cn")
        chars.append(single if len(single) == 1 else ch)
    return "".join(chars)


def load_typos(path: Optional[Path] = None) -> Dict[str, str]:
    """Reads the typo table; pairs whose two sides differ in length are rejected with an error."""
    path = path or data_dir() / "normalization" / "typos.yml"
    if not path.exists():
        return {}
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    table = {}
    for wrong, right in (content.get("typos") or {}).items():
        wrong, right = str(wrong), str(right)
        if len(wrong) != len(right):
            raise ValueError(f"typo pair {wrong!r} -> {right!r} must keep the length")
        table[wrong] = right
    return table


@lru_cache(maxsize=4)
def _typo_regex(path: Optional[Path] = None):
    table = load_typos(path)
    if not table:
        return None, table
    alternatives = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in alternatives)), table


def fix_typos(text: str, path: Optional[Path] = None) -> str:
    """Replaces known typos by the intended word (same length)."""
    regex, table = _typo_regex(path)
    if regex is None:
        return text
    return regex.sub(lambda m: table[m.group(0)], text)


def strip_controls(text: str) -> str:
    """Control and format characters (zero-width joiners, BOM…) become spaces; length kept."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t" else ch for ch in text)


def normalize(text: str) -> str:
    """The full normalisation: controls, width, script, typos. Output has the same length as input."""
    if not text:
        return text or ""
    result = fix_typos(to_simplified(to_halfwidth(strip_controls(text))))
    assert len(result) == len(text)
    return result
