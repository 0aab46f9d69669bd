"""Schedule queries as the bot makes them (locust). Driven by bench/run_bench.py.

BENCH_WAIT=realistic: each simulated client waits 0.5–1.5 s between requests (patients chatting);
BENCH_WAIT=none: closed loop, as fast as possible (capacity).
BENCH_TARGET=health: only GET /health (the machine's floor: HTTP + locust, no database)."""
from __future__ import annotations

import datetime as dt
import os
import random

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

from his.seed.catalog_data import DEPARTMENTS

NAMES = [d[0] for d in DEPARTMENTS if d[3]] + [alias for d in DEPARTMENTS if d[3] for alias in d[4][:1]]
TOKEN = os.environ.get("HIS_API_TOKEN", "dev-his-token")
MAX_SCHEDULE_ID = int(os.environ.get("BENCH_MAX_SCHEDULE_ID", "1400"))
MAX_DOCTOR_ID = int(os.environ.get("BENCH_MAX_DOCTOR_ID", "90"))


class ScheduleClient(FastHttpUser):
    wait_time = between(0.5, 1.5) if os.environ.get("BENCH_WAIT", "realistic") == "realistic" else constant(0)

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Bearer {TOKEN}"}

    @task(5)
    def department_week(self) -> None:
        today = dt.date.today()
        self.client.get("/api/schedules", name="/api/schedules?department", headers=self.headers,
                        params={"department": random.choice(NAMES), "date_from": today.isoformat(),
                                "date_to": (today + dt.timedelta(days=6)).isoformat()})

    @task(2)
    def department_available(self) -> None:
        self.client.get("/api/schedules", name="/api/schedules?department&available_only", headers=self.headers,
                        params={"department": random.choice(NAMES), "available_only": "true"})

    @task(2)
    def doctor_schedule(self) -> None:
        self.client.get("/api/schedules", name="/api/schedules?doctor_id", headers=self.headers,
                        params={"doctor_id": random.randint(1, MAX_DOCTOR_ID)})

    @task(1)
    def slots(self) -> None:
        self.client.get(f"/api/schedules/{random.randint(1, MAX_SCHEDULE_ID)}/slots",
                        name="/api/schedules/{id}/slots", headers=self.headers)


class HealthClient(FastHttpUser):
    """The floor: same load on GET /health."""

    wait_time = between(0.5, 1.5)

    @task
    def health(self) -> None:
        self.client.get("/health")


if os.environ.get("BENCH_TARGET") == "health":
    del ScheduleClient
else:
    del HealthClient
