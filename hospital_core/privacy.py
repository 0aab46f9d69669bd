"""Masking of personal data (PIPL): mobile and ID numbers never reach a log in clear."""
from __future__ import annotations

import logging
import re
from typing import Any

# 18-digit resident ID (last char may be X) and 15-digit legacy ID; mainland mobile numbers,
# optionally with +86/86 and separators. Boundaries: not inside a longer run of digits.
# A number may also follow a JSON escape such as \u53f7 (号), whose last characters are digits:
# Rasa's debug logs write Chinese text that way.
_START = r"(?:(?<![0-9])|(?<=\\u[0-9a-fA-F]{4}))"
_ID_NUMBER = re.compile(_START + r"([1-9]\d{5})(\d{8}|\d{6})(\d{3}[0-9Xx]|\d{1})(?![0-9Xx])")
_MOBILE = re.compile(_START + r"((?:\+?86[-\s]?)?1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?![0-9])")


def _mask_id(match: "re.Match[str]") -> str:
    whole = match.group(0)
    if len(whole) not in (15, 18):
        return whole
    return whole[:4] + "*" * (len(whole) - 8) + whole[-4:]


def mask_pii(text: Any) -> Any:
    """Masks ID numbers (keeps first 4 and last 4) and mobile numbers (keeps first 3 and last 4)."""
    if not isinstance(text, str) or not text:
        return text
    text = _ID_NUMBER.sub(_mask_id, text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


_installed = False


def install_log_masking() -> None:
    """Makes every log record carry a masked message, whatever handler or formatter prints it.

    A log-record factory is used rather than a handler filter because Rasa replaces the root
    handler (coloredlogs) after reading a logging config file. Idempotent; no I/O.
    """
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string stays as it is; logging reports it
            return record
        masked = mask_pii(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
