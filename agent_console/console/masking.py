"""Masking of personal data (PIPL) for everything the console stores or shows.

The patterns are the project's shared ones (``hospital_core.privacy``: ID numbers keep their first
and last 4 characters, mobiles their first 3 and last 4); this module adds bank-card numbers and
e-mail addresses, which patients also paste into chats, and a length cap."""
from __future__ import annotations

import re
from typing import Any, Optional

from hospital_core.privacy import mask_pii

_CARD = re.compile(r"(?<![0-9])(\d{4})\d{8,11}(\d{4})(?![0-9])")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def mask_text(text: Optional[str], *, limit: Optional[int] = None) -> str:
    """Masked copy of free text: ID numbers, mobiles, bank cards, e-mail; control characters dropped."""
    if not text:
        return ""
    text = _CONTROL.sub("", str(text))
    if limit is not None and len(text) > limit:
        text = text[:limit]
    text = mask_pii(text)
    text = _CARD.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 8) + m.group(2), text)
    return _EMAIL.sub(lambda m: m.group(1) + "***" + m.group(2), text)


def mask_value(value: Any) -> Any:
    """Masks strings (recursively inside lists and dicts); other values are returned as they are."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [mask_value(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    return value
