"""Browser-test support: the console is served by uvicorn on a free loopback port (fresh seeded SQLite, the
loopback fake Rasa, a clock that runs from NOW and can be moved forward), driven by Debian's
Chromium through Playwright (never ``playwright install``: the system browser, headless)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List

import httpx

from conftest import PASSWORD, TOKEN
from console.db import Database
from console.settings import SERVICE_DIR
from fake_rasa import FakeRasa

CHROMIUM = os.environ.get("CONSOLE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT_DIR = SERVICE_DIR / "docs" / "screenshots"

class RunningClock:
    """NOW plus the real time elapsed since the start (wait times tick in the page), plus an offset
    that tests move forward."""

    def __init__(self, start: dt.datetime) -> None:
        self.start, self.t0, self.offset = start, time.monotonic(), dt.timedelta()

    def __call__(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.monotonic() - self.t0) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += dt.timedelta(**delta)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveConsole:
    url: str
    clock: RunningClock
    db: Database
    fake_rasa: FakeRasa
    clients: List[httpx.Client] = field(default_factory=list)

    def page_url(self, page: str = "") -> str:
        return f"{self.url}/console/{page}"

    @property
    def bot(self) -> httpx.Client:
        """The bot: service token."""
        client = httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
        self.clients.append(client)
        return client

    def agent(self, username: str, status: str = "online") -> httpx.Client:
        """An agent's API session (outside the browser), CSRF header set, status set."""
        client = httpx.Client(base_url=self.url, timeout=5)
        self.clients.append(client)
        r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        if status != "away":
            assert client.put("/api/agents/me/status", json={"status": status}).status_code == 200
        return client

    def request_handoff(self, conversation_id: str, **body: Any) -> Dict[str, Any]:
        payload = {"conversation_id": conversation_id, "reason": "request_human", **body}
        r = self.bot.post("/api/handoffs", json=payload)
        assert r.status_code == 200, r.text
        return r.json()


def sign_in(page: Any, live: LiveConsole, username: str, password: str = PASSWORD) -> None:
    page.goto(live.page_url())
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")


def screenshot(page: Any, name: str, tmp_path: Path) -> Path:
    """Into tmp_path always; into docs/screenshots when CONSOLE_SCREENSHOTS=1 (make screenshots)."""
    target = tmp_path / name
    page.screenshot(path=str(target), full_page=False)
    if os.environ.get("CONSOLE_SCREENSHOTS") == "1":
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, SCREENSHOT_DIR / name)
    return target
