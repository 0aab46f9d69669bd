"""actions.his_client.HisClient.triage against a live HIS test instance, and when the HIS is down."""
from __future__ import annotations

import http.server
import socket
import sys
import threading
from typing import Iterator, List, Tuple

import pytest

from actions.his_client import HisClient, HisConfig, HisError, HisUnavailable

_PLUGIN_REGISTERED = "tests.fixtures_his" in sys.modules  # by tests/conftest.py's pytest_plugins
from tests.fixtures_his import HisInstance  # noqa: E402

if not _PLUGIN_REGISTERED:  # standalone run: bring the fixture in ourselves
    from tests.fixtures_his import his_service  # noqa: E402,F401


@pytest.fixture(scope="module")
def client(his_service: HisInstance) -> Iterator[HisClient]:  # noqa: F811
    his = HisClient(HisConfig(base_url=his_service.base_url, token=his_service.token))
    yield his
    his.close()


def test_departments_best_first_with_reasons_and_notes(client: HisClient) -> None:
    result = client.triage(text="持续咳嗽加胸痛")
    assert result["departments"][0] == "呼吸内科" and result["emergency"] is None
    assert [r["name"] for r in result["recommendations"]] == result["departments"]
    assert any("急诊" in note for note in result["notes"])
    assert "age" in result["ask"]


def test_profile_is_sent_only_when_known(client: HisClient) -> None:
    assert client.triage(text="咳嗽", age=3)["departments"][0] == "儿科"
    assert client.triage(text="咳嗽", age=65.0)["ask"] == []
    man = client.triage(text="小肚子疼", sex="male", pregnant=True)
    assert man["patient"]["sex"] == "male" and not {"妇科", "产科"} & set(man["departments"])
    woman = client.triage(text="肚子疼", sex="female", pregnant=True)
    assert woman["departments"][0] == "产科"


def test_no_match_and_emergency(client: HisClient) -> None:
    nothing = client.triage(text="我想去月球")
    assert nothing["departments"] == [] and nothing["fallback_department"] == "全科医学科"
    emergency = client.triage(text="我爸胸口疼出冷汗 挂哪个科")
    assert emergency["emergency"]["kind"] == "medical" and emergency["departments"][0] == "急诊科"


def test_invalid_input_is_a_his_error(client: HisClient) -> None:
    for kwargs in ({"text": ""}, {"text": "咳" * 2001}, {"text": "咳嗽", "sex": "男"}, {"text": "咳嗽", "age": 200}):
        with pytest.raises(HisError) as refused:
            client.triage(**kwargs)
        assert refused.value.code == "validation_error" and refused.value.status == 422


def test_wrong_token_is_unauthorized(his_service: HisInstance) -> None:  # noqa: F811
    bad = HisClient(HisConfig(base_url=his_service.base_url, token="wrong"))
    with pytest.raises(HisError) as refused:
        bad.triage(text="咳嗽")
    assert refused.value.code == "unauthorized"
    bad.close()


# -- service down ---------------------------------------------------------------------------------

@pytest.fixture
def failing_server() -> Iterator[Tuple[str, List[str]]]:
    """Answers 503 to everything and records each request's method."""
    seen: List[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            seen.append(self.command)
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b'{"code": "internal_error", "message": "boom"}'
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def _down(url: str) -> HisClient:
    return HisClient(HisConfig(base_url=url, token="t", connect_timeout=0.5, read_timeout=2, backoff_factor=0))


def test_triage_is_retried_on_5xx_but_booking_is_not(failing_server: Tuple[str, List[str]]) -> None:
    url, seen = failing_server
    client = _down(url)
    with pytest.raises(HisUnavailable) as error:
        client.triage(text="咳嗽")
    assert error.value.status == 503 and seen == ["POST"] * 3  # first try + 2 retries: idempotent
    seen.clear()
    with pytest.raises(HisUnavailable):
        client.book_appointment(patient_id=1, slot_id=1, patient_token="x")
    assert seen == ["POST"]
    client.close()


def test_refused_connection_is_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(HisUnavailable):
        _down(f"http://127.0.0.1:{port}").triage(text="咳嗽")
