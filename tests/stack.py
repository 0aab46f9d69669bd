"""Starts the whole system (`scripts/run_stack.py`) on free ports for end-to-end tests."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from procs import base_env, free_port  # noqa: E402

MODEL = ROOT / "models" / "hospital.tar.gz"


class Stack:
    """A running system: URLs, the Rasa API token and helpers to talk to it."""

    def __init__(self, proc: subprocess.Popen, urls: Dict[str, str], token: str, var: Path):
        self.proc, self.urls, self.token, self.var = proc, urls, token, var

    def say(self, sender: str, text: str, timeout: float = 30) -> List[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
        request = urllib.request.Request(self.urls["rest_webhook"], data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))

    def tracker(self, sender: str) -> dict:
        url = f"{self.urls['rasa']}/conversations/{sender}/tracker?token={self.token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))

    def bot_responses(self, sender: str) -> List[str]:
        """Names of the responses the bot uttered in this conversation, in order."""
        return [e.get("metadata", {}).get("utter_action") for e in self.tracker(sender)["events"]
                if e["event"] == "bot"]

    def user_intents(self, sender: str) -> List[str]:
        return [e["parse_data"]["intent"]["name"] for e in self.tracker(sender)["events"]
                if e["event"] == "user"]


@contextmanager
def running_stack(tmp: Path, extra_env: Optional[Dict[str, str]] = None) -> Iterator[Stack]:
    """Runs `scripts/run_stack.py` with its own ports, var dir and secrets; stops it afterwards."""
    if not MODEL.exists():
        raise RuntimeError("no trained model: run `make train` first (make test does)")
    ready = tmp / "ready.json"
    ready.unlink(missing_ok=True)
    token = "test-token-" + str(os.getpid())
    env = base_env(
        RASA_PORT=str(free_port()), ACTIONS_PORT=str(free_port()), WEBCHAT_PORT=str(free_port()),
        HIS_PORT=str(free_port()), RUN_VAR_DIR=str(tmp / "var"), READY_FILE=str(ready),
        RASA_API_TOKEN=token, HIS_API_TOKEN="his-" + token, **(extra_env or {}))
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "scripts" / "run_stack.py")],
                            cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.time() + 240
        while not ready.exists():
            if proc.poll() is not None:
                raise RuntimeError("stack exited early:\n" + proc.stdout.read().decode(errors="replace"))
            if time.time() > deadline:
                raise TimeoutError("stack not ready in 240 s")
            time.sleep(0.5)
        yield Stack(proc, json.loads(ready.read_text()), token, tmp / "var")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
