"""A small fake of Rasa's HTTP API on loopback: records ``trigger_intent`` calls, serves trackers
from tests/fixtures, checks the ``?token=``. Behaviour can be switched per test (status, delay,
broken JSON)."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).with_name("fixtures")


class FakeRasa:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: List[Dict[str, Any]] = []
        self.trackers: Dict[str, Dict[str, Any]] = {}
        self.status = 200
        self.delay_s = 0.0
        self.broken_json = False
        self._server: Optional[ThreadingHTTPServer] = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.trackers.clear()
        self.status, self.delay_s, self.broken_json = 200, 0.0, False

    def intents(self) -> List[str]:
        return [c["body"]["name"] for c in self.calls if c["path"].endswith("/trigger_intent")]

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _reply(self, status: int, body: Any) -> None:
                raw = b"{not json" if fake.broken_json else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _handle(self, method: str) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null") if length else None
                with fake._lock:
                    fake.calls.append({"method": method, "path": unquote(parts.path), "raw_path": parts.path,
                                       "query": query, "body": body})
                if fake.delay_s:
                    time.sleep(fake.delay_s)
                if query.get("token") != fake.token:
                    return self._reply(401, {"reason": "NotAuthenticated", "status": "failure"})
                if fake.status != 200:
                    return self._reply(fake.status, {"reason": "BadRequest", "message": "configured failure"})
                segments = unquote(parts.path).split("/")
                if len(segments) < 4 or segments[1] != "conversations":
                    return self._reply(404, {"reason": "NotFound"})
                conversation_id, tail = "/".join(segments[2:-1]), segments[-1]
                if method == "POST" and tail == "trigger_intent":
                    return self._reply(200, {"tracker": {"sender_id": conversation_id}, "messages": []})
                if method == "GET" and tail == "tracker":
                    tracker = fake.trackers.get(conversation_id, {"sender_id": conversation_id, "events": []})
                    return self._reply(200, tracker)
                return self._reply(404, {"reason": "NotFound"})

            def do_GET(self) -> None:  # noqa: N802
                self._handle("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._handle("POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def load_tracker(self, name: str, conversation_id: Optional[str] = None) -> Dict[str, Any]:
        tracker = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
        if conversation_id:
            tracker["sender_id"] = conversation_id
        self.trackers[tracker["sender_id"]] = tracker
        return tracker
