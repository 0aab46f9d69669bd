"""Fixtures of the browser tests (marked ``browser``; ``make test-browser`` runs only them)."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator, List

import pytest

from conftest import NOW, RASA_TOKEN, make_settings
from console.app import create_app
from console.db import Database
from console.rasa_client import RasaClient
from fake_rasa import FakeRasa
from ui.support import CHROMIUM, CHROMIUM_ARGS, LiveConsole, RunningClock, free_port

playwright_api = pytest.importorskip("playwright.sync_api")


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live(sqlite_database_url: str, fake_rasa: FakeRasa) -> Iterator[LiveConsole]:
    import uvicorn

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = make_settings(sqlite_database_url, allowed_origins=[url], auto_assign=False, port=port)
    clock = RunningClock(NOW)
    db = Database.from_settings(settings)
    rasa = RasaClient(fake_rasa.url, RASA_TOKEN, timeout_s=2.0)
    app = create_app(settings, clock=clock, database=db, rasa=rasa)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "console did not start"
        time.sleep(0.02)
    console = LiveConsole(url=url, clock=clock, db=db, fake_rasa=fake_rasa)
    try:
        yield console
    finally:
        for client in console.clients:
            client.close()
        server.should_exit = True
        thread.join(timeout=10)
        rasa.close()
        db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    pw = playwright_api.sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        pw.stop()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[[], Any]]:
    """Pages in separate browser contexts (separate cookies: separate agents). A page fails the test
    on any JavaScript error, dialog, or request leaving loopback."""
    contexts: List[Any] = []
    problems: List[str] = []

    def make() -> Any:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN",
                                      timezone_id="Asia/Shanghai")
        contexts.append(context)

        def guard(route: Any) -> None:
            if route.request.url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:")):
                route.continue_()
            else:
                problems.append(f"external request {route.request.url}")
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems, problems


