"""End to end: `make run`'s stack answers over REST and in the chat page, protects its API, masks
personal data in its logs, and stops cleanly on Ctrl-C."""
from __future__ import annotations

import os
import signal
import socket
import urllib.error
import urllib.request
from urllib.parse import urlparse

import pytest

from tests.stack import running_stack

pytestmark = pytest.mark.stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("stack"), {"LOG_LEVEL": "DEBUG"}) as running:
        yield running


def test_rest_channel_greets_with_the_menu(stack):
    replies = stack.say("rest-user-1", "你好")
    assert replies and replies[0].get("text")
    assert any(reply.get("buttons") for reply in replies), "the welcome offers the service menu"
    assert "utter_greet" in stack.bot_responses("rest-user-1")


def test_rest_channel_answers_a_faq(stack):
    stack.say("rest-user-2", "停车场怎么收费")
    assert stack.user_intents("rest-user-2")[-1] == "faq"
    assert "utter_faq/parking" in stack.bot_responses("rest-user-2")


def test_http_api_requires_the_token(stack):
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(f"{stack.urls['rasa']}/status", timeout=10)
    assert denied.value.code == 401
    with urllib.request.urlopen(f"{stack.urls['rasa']}/status?token={stack.token}", timeout=10) as ok:
        assert ok.status == 200


def test_mobile_and_id_numbers_never_reach_the_logs_in_clear(stack):
    stack.say("rest-user-3", "我手机号13912345678 身份证110101199003071234")
    logs = "".join(path.read_text(errors="replace") for path in (stack.var / "logs").glob("*.log"))
    assert "parse_data_text" in logs, "the server logs parsed messages at debug level in this test"
    assert "13912345678" not in logs
    assert "199003071234" not in logs
    assert "139****5678" in logs


@pytest.mark.browser
def test_chat_page_in_headless_chromium(stack):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(stack.urls["webchat"] if "server=" in stack.urls["webchat"]
                      else stack.urls["webchat"] + "?server=" + stack.urls["rasa"])
            page.wait_for_selector(".msg.bot", timeout=30_000)
            assert page.locator(".quick button").count() >= 3, "the welcome shows quick replies"
            page.fill("#text", "医院地址在哪里")
            page.press("#text", "Enter")
            page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 2", timeout=30_000)
            session_id = page.evaluate("window.localStorage.getItem('hospital-chat-session')")
            # The script tag a patient types stays text in the page.
            page.fill("#text", "<img src=x onerror=\"window.pwned=1\">")
            page.press("#text", "Enter")
            page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 3", timeout=30_000)
            assert page.evaluate("window.pwned") is None
            assert page.locator(".msg.user img").count() == 0
        finally:
            browser.close()
    assert session_id
    assert "faq" in stack.user_intents(session_id)
    assert "utter_faq/address" in stack.bot_responses(session_id)


def _listening(url: str) -> bool:
    parsed = urlparse(url)
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((parsed.hostname, parsed.port)) == 0


def test_ctrl_c_stops_everything(stack):
    os.killpg(stack.proc.pid, signal.SIGINT)
    assert stack.proc.wait(60) == 0
    for name in ("rasa", "actions", "webchat"):
        assert not _listening(stack.urls[name]), f"{name} still listening after Ctrl-C"
