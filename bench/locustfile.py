"""Locust scenario for `make bench`: patients chatting over the REST channel.

Each simulated patient is one conversation (its own sender id) that walks through a fixed script
of realistic messages — several of which run custom actions — waiting BENCH_WAIT seconds after
every reply (1 s = realistic load, 0 = capacity). Request names are the kind of turn, so the
statistics show which turns are slow.
"""
from __future__ import annotations

import itertools
import json
import os
import uuid
from pathlib import Path

from locust import FastHttpUser, constant, task

SCRIPT = json.loads((Path(__file__).parent / "messages.json").read_text(encoding="utf-8"))
WAIT = float(os.environ.get("BENCH_WAIT", "1"))


class Patient(FastHttpUser):
    """One patient conversation looping over the scripted turns."""

    wait_time = constant(WAIT)

    def on_start(self) -> None:
        self.sender = f"bench-{uuid.uuid4().hex[:12]}"
        self.turns = itertools.cycle(SCRIPT)

    @task
    def say(self) -> None:
        turn = next(self.turns)
        payload = {"sender": self.sender, "message": turn["text"]}
        with self.client.post("/webhooks/rest/webhook", json=payload, name=turn["kind"],
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not response.json():
                response.failure("empty reply")
