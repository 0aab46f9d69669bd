"""The one client for Rasa's HTTP API (``rasa run --enable-api --auth-token …``).

* ``trigger_intent``: agent messages and handoff lifecycle events become external intents in the
  conversation (``POST /conversations/{id}/trigger_intent?output_channel=latest``); the bot's action
  utters them to the patient and they are stored in the tracker store: one transcript. Not
  idempotent, so never retried.
* ``get_tracker``: the conversation's events for the agent's history view. Idempotent: one retry on
  a connection error.

Short timeouts; the token travels as Rasa expects (``?token=``) and is never logged. Errors are
typed: ``RasaUnavailable`` (connection, timeout), ``RasaHTTPError`` (non-2xx, with status and
Rasa's ``reason``), ``RasaBadResponse`` (not JSON / not an object)."""
from __future__ import annotations

import logging
from typing import Any, Dict, Mapping, Optional
from urllib.parse import quote

import httpx

log = logging.getLogger("console.rasa")


class RasaError(Exception):
    """Base class of everything this client raises."""


class RasaUnavailable(RasaError):
    """Rasa could not be reached or did not answer in time."""


class RasaHTTPError(RasaError):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"Rasa answered {status}: {reason}")
        self.status = status
        self.reason = reason


class RasaBadResponse(RasaError):
    """Rasa answered 2xx with something that is not a JSON object."""


class RasaClient:
    def __init__(self, base_url: str, token: str, *, timeout_s: float = 3.0,
                 transport: Optional[httpx.BaseTransport] = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._client = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 1.0)),
                                    transport=transport, follow_redirects=False,
                                    headers={"Accept": "application/json"})

    def close(self) -> None:
        self._client.close()

    def _url(self, conversation_id: str, tail: str) -> str:
        return f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/{tail}"

    def _request(self, method: str, url: str, *, params: Dict[str, str], json: Any = None,
                 retries: int = 0) -> Dict[str, Any]:
        params = {**params, "token": self._token}
        attempt = 0
        while True:
            try:
                response = self._client.request(method, url, params=params, json=json)
                break
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt < retries:
                    attempt += 1
                    continue
                raise RasaUnavailable(f"cannot reach Rasa at {self.base_url}: {exc.__class__.__name__}") from None
            except httpx.TimeoutException as exc:
                raise RasaUnavailable(f"Rasa did not answer in time: {exc.__class__.__name__}") from None
            except httpx.HTTPError as exc:
                raise RasaUnavailable(f"HTTP error talking to Rasa: {exc.__class__.__name__}") from None
        if response.status_code >= 300:
            reason = ""
            try:
                body = response.json()
                reason = str(body.get("reason") or body.get("message") or "") if isinstance(body, dict) else ""
            except ValueError:
                reason = response.text[:200]
            log.warning("Rasa %s %s -> %s %s", method, url, response.status_code, reason)
            raise RasaHTTPError(response.status_code, reason)
        try:
            body = response.json()
        except ValueError:
            raise RasaBadResponse("Rasa's answer is not JSON") from None
        if not isinstance(body, dict):
            raise RasaBadResponse("Rasa's answer is not a JSON object")
        return body

    def trigger_intent(self, conversation_id: str, intent: str,
                       entities: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Inject ``intent`` (with entities) into the conversation; replies go to its latest channel."""
        payload = {"name": intent, "entities": dict(entities or {})}
        return self._request("POST", self._url(conversation_id, "trigger_intent"),
                             params={"output_channel": "latest"}, json=payload)

    def get_tracker(self, conversation_id: str) -> Dict[str, Any]:
        """The conversation's tracker with all its events (every session)."""
        return self._request("GET", self._url(conversation_id, "tracker"),
                             params={"include_events": "ALL"}, retries=1)
