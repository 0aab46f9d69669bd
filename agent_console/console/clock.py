"""Time helpers. Storage is UTC; service hours and ticket numbers are local (CONSOLE_TIMEZONE)."""
from __future__ import annotations

import datetime as dt
from typing import Callable

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """The real current time, timezone-aware (UTC)."""
    return dt.datetime.now(dt.timezone.utc)
