"""The Rasa client against the fake Rasa HTTP server on loopback."""
from __future__ import annotations

import socket
import time

import pytest

from conftest import RASA_TOKEN
from console.rasa_client import RasaBadResponse, RasaClient, RasaHTTPError, RasaUnavailable
from fake_rasa import FakeRasa


@pytest.fixture
def client(fake_rasa: FakeRasa):  # type: ignore[no-untyped-def]
    c = RasaClient(fake_rasa.url + "/", RASA_TOKEN, timeout_s=0.5)
    yield c
    c.close()


def test_trigger_intent_sends_name_entities_token_and_latest_channel(client: RasaClient, fake_rasa: FakeRasa) -> None:
    answer = client.trigger_intent("conv/1 李", "agent_message", {"text": "您好", "agent_no": "1001"})
    assert answer["tracker"]["sender_id"] == "conv/1 李"
    call = fake_rasa.calls[-1]
    assert call["method"] == "POST" and call["path"] == "/conversations/conv/1 李/trigger_intent"
    assert "%2F" in call["raw_path"]  # the id is one path segment
    assert call["query"] == {"output_channel": "latest", "token": RASA_TOKEN}
    assert call["body"] == {"name": "agent_message", "entities": {"text": "您好", "agent_no": "1001"}}


def test_get_tracker(client: RasaClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.load_tracker("tracker_handoff.json")
    tracker = client.get_tracker("conv-li")
    assert tracker["sender_id"] == "conv-li" and len(tracker["events"]) > 10
    assert fake_rasa.calls[-1]["query"]["include_events"] == "ALL"


def test_http_errors_are_typed(client: RasaClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.status = 400
    with pytest.raises(RasaHTTPError) as err:
        client.trigger_intent("c", "unknown_intent")
    assert err.value.status == 400 and err.value.reason == "BadRequest"
    fake_rasa.status = 200
    wrong = RasaClient(fake_rasa.url, "wrong-token", timeout_s=0.5)
    with pytest.raises(RasaHTTPError) as err:
        wrong.get_tracker("c")
    assert err.value.status == 401 and "wrong-token" not in str(err.value)
    wrong.close()


def test_bad_json_is_typed(client: RasaClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.broken_json = True
    with pytest.raises(RasaBadResponse):
        client.get_tracker("c")


def test_timeout_is_unavailable_and_not_retried(client: RasaClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.delay_s = 1.0
    started = time.monotonic()
    with pytest.raises(RasaUnavailable):
        client.trigger_intent("c", "agent_message", {"text": "x"})
    assert time.monotonic() - started < 0.9
    time.sleep(0.6)  # let the slow handler record its call
    assert len([c for c in fake_rasa.calls if c["method"] == "POST"]) == 1


def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as s:  # a free port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = RasaClient(f"http://127.0.0.1:{port}", RASA_TOKEN, timeout_s=0.5)
    with pytest.raises(RasaUnavailable) as err:
        client.get_tracker("c")
    assert RASA_TOKEN not in str(err.value)
    client.close()
